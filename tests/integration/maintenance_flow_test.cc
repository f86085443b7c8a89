// Issue 5, end to end on both backends: a fault reported by crew is acknowledged, raised
// into a work order under a captain's signature, worked (a part consumed against it, a
// note), completed with a running hours reading, and closed. Each step is one audited
// action; afterwards the fault, the work order, the equipment and the stock tell the same
// story, and `celeste audit verify` passes over the yacht's hash chain.
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class MaintenanceFlowTest : public IntegrationTest {
 protected:
  // Runs one step as `role` on yacht A and expects `status`; returns the response.
  ClientResponse Step(const std::string& role, const std::string& action,
                      boost::json::object payload, int status,
                      std::optional<boost::json::value> signature = std::nullopt) {
    ClientResponse r = Execute(UserA(role), A().id, action, payload, std::move(signature));
    EXPECT_EQ(r.status, status) << action << ": " << Describe(r);
    return r;
  }

  // The audit rows of yacht A after `after_seq`, oldest first, as "action entity_type".
  std::vector<std::string> AuditSince(int after_seq) {
    RunResult r =
        RunSql(*server_, "SELECT action, entity_type FROM pms_audit_log WHERE yacht_id = '" +
                             A().id + "' AND seq > " + std::to_string(after_seq) + " ORDER BY seq");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> rows;
    std::string line;
    for (char c : r.out) {
      if (c != '\n') {
        line += c == '|' ? ' ' : c;
      } else if (!line.empty()) {
        rows.push_back(line);
        line.clear();
      }
    }
    if (!line.empty()) rows.push_back(line);
    return rows;
  }

  int AuditHead() {
    RunResult r =
        RunSql(*server_,
               "SELECT COALESCE(MAX(seq), 0) FROM pms_audit_log WHERE yacht_id = '" + A().id + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::stoi(r.out);
  }
};

TEST_F(MaintenanceFlowTest, FaultToSignedWorkOrderToPartsToCompletionToClosedIsAuditedAndVerifies) {
  // Set-up: the equipment and a spare on the shelf.
  ClientResponse equipment = Step("chief_engineer", "add_equipment",
                                  {{"name", "Port generator"}, {"criticality", "high"}}, 201);
  const std::string generator = TextOf(equipment.Json().at("entity_id"));
  ClientResponse part =
      Step("chief_engineer", "add_part", {{"name", "Raw water impeller"}, {"min_level", 1}}, 201);
  const std::string impeller = TextOf(part.Json().at("entity_id"));
  Step("crew", "receive_part",
       {{"part_id", impeller}, {"quantity", 3}, {"idempotency_key", "flow-opening-stock"}}, 201);
  Step("crew", "update_running_hours", {{"equipment_id", generator}, {"running_hours", 1200}}, 200);
  const int head = AuditHead();

  // 1. Crew report the fault.
  ClientResponse reported = Step("crew", "report_fault",
                                 {{"title", "Generator overheating"},
                                  {"severity", "high"},
                                  {"equipment_id", generator},
                                  {"description", "Coolant temperature alarm at 80 % load"}},
                                 201);
  const std::string fault = TextOf(reported.Json().at("entity_id"));
  ASSERT_FALSE(fault.empty());
  EXPECT_EQ(TextOf(ResultOf(reported)["status"]), "open");

  // 2. The chief engineer acknowledges it.
  ClientResponse acknowledged =
      Step("chief_engineer", "acknowledge_fault", {{"fault_id", fault}}, 200);
  EXPECT_EQ(TextOf(ResultOf(acknowledged)["status"]), "acknowledged");

  // 3. Crew raise a work order from it; the captain signs.
  ClientResponse raised =
      Step("crew", "create_work_order_from_fault",
           {{"fault_id", fault}, {"title", "Replace raw water impeller"}, {"priority", "high"}},
           201, boost::json::value(PinSignature(UserA("captain"))));
  const std::string order = TextOf(raised.Json().at("entity_id"));
  ASSERT_FALSE(order.empty());
  ClientResponse fault_now = Step("crew", "view_fault_detail", {{"fault_id", fault}}, 200);
  EXPECT_EQ(TextOf(ResultOf(fault_now)["status"]), "work_ordered");
  EXPECT_EQ(TextOf(ResultOf(fault_now)["work_order_id"]), order);

  // 4. The engineer starts it, 5. uses a part on it, 6. writes a note.
  ClientResponse started =
      Step("chief_engineer", "start_work_order", {{"work_order_id", order}}, 200);
  EXPECT_EQ(TextOf(ResultOf(started)["status"]), "in_progress");
  ClientResponse consumed =
      Step("crew", "consume_part",
           {{"part_id", impeller}, {"quantity", 1}, {"work_order_id", order}}, 201);
  EXPECT_EQ(ResultOf(consumed)["on_hand"].to_number<double>(), 2.0);
  Step("crew", "add_work_order_note",
       {{"work_order_id", order}, {"note", "Old impeller lost three vanes; strainer cleaned."}},
       201);

  // 7. Completed with a running hours reading: the fault is resolved by it.
  ClientResponse completed = Step("chief_engineer", "complete_work_order",
                                  {{"work_order_id", order},
                                   {"running_hours", 1234},
                                   {"completion_notes", "Impeller replaced, ran 1 h at load"}},
                                  200);
  EXPECT_EQ(TextOf(ResultOf(completed)["status"]), "completed");
  fault_now = Step("crew", "view_fault_detail", {{"fault_id", fault}}, 200);
  EXPECT_EQ(TextOf(ResultOf(fault_now)["status"]), "resolved");

  // 8. The chief engineer closes the fault.
  ClientResponse closed = Step("chief_engineer", "close_fault",
                               {{"fault_id", fault}, {"resolution", "Impeller replaced"}}, 200);
  EXPECT_EQ(TextOf(ResultOf(closed)["status"]), "closed");

  // One audit row per step, in order.
  EXPECT_EQ(AuditSince(head), (std::vector<std::string>{
                                  "report_fault fault",
                                  "acknowledge_fault fault",
                                  "create_work_order_from_fault work_order",
                                  "start_work_order work_order",
                                  "consume_part part",
                                  "add_work_order_note work_order",
                                  "complete_work_order work_order",
                                  "close_fault fault",
                              }));

  // The records agree: the work order shows its part, note and history; the equipment its
  // reading and the part used on it; the fault its whole life.
  ClientResponse detail = Step("crew", "view_work_order_detail", {{"work_order_id", order}}, 200);
  boost::json::object wo = ResultOf(detail);
  ASSERT_TRUE(wo["parts_consumed"].is_array()) << Describe(detail);
  ASSERT_EQ(wo["parts_consumed"].as_array().size(), 1u) << Describe(detail);
  EXPECT_EQ(TextOf(wo["parts_consumed"].as_array()[0].at("part_id")), impeller);
  ASSERT_TRUE(wo["notes"].is_array());
  EXPECT_EQ(wo["notes"].as_array().size(), 1u);
  EXPECT_EQ(TextOf(wo["fault_id"]), fault);
  EXPECT_EQ(TextOf(wo["equipment_id"]), generator);

  ClientResponse machine =
      Step("crew", "view_equipment_detail", {{"equipment_id", generator}}, 200);
  boost::json::object eq = ResultOf(machine);
  EXPECT_EQ(eq["running_hours"].to_number<double>(), 1234.0) << Describe(machine);
  ASSERT_TRUE(eq["parts_consumed"].is_array()) << Describe(machine);
  EXPECT_EQ(eq["parts_consumed"].as_array().size(), 1u);
  ASSERT_TRUE(eq["open_faults"].is_array()) << Describe(machine);
  EXPECT_TRUE(eq["open_faults"].as_array().empty());

  fault_now = Step("crew", "view_fault_detail", {{"fault_id", fault}}, 200);
  const boost::json::object final_fault = ResultOf(fault_now);
  ASSERT_TRUE(final_fault.contains("history") && final_fault.at("history").is_array())
      << Describe(fault_now);
  std::vector<std::string> moves;
  for (const auto& h : final_fault.at("history").as_array()) {
    moves.push_back(TextOf(h.at("to_status")));
  }
  EXPECT_EQ(moves, (std::vector<std::string>{"open", "acknowledged", "work_ordered", "resolved",
                                             "closed"}))
      << Describe(fault_now);

  // The hash chain holds over every row written.
  RunResult verify = server_->Cli({"audit", "verify", "--yacht", A().id});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace celeste::testing

// The faults lens over HTTP (docs/lenses/faults.md), on both backends: reporting, viewing
// and listing; who may do what; every move the state table forbids, each refused with 400
// invalid_state_transition and nothing changed (a fingerprint of the yacht's fault, work
// order and audit rows before and after); closing with and without a work order; the work
// order's end moving the fault; tenancy; and the lens flag and its suggestions sub-flag.
// The SIGNED action's signature rules and its sub-flag: faults_signed_test.cc.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

const std::set<std::string> kFaultActions = {"report_fault",
                                             "view_fault_detail",
                                             "list_faults",
                                             "acknowledge_fault",
                                             "create_work_order_from_fault",
                                             "close_fault"};

// A JSON string's text; "<null>" for null and "<not a string>" for anything else.
// The success envelope's `result` (a copy; empty when absent).
// The statuses of a history array, oldest first.
std::vector<std::string> Statuses(const boost::json::value& history) {
  std::vector<std::string> out;
  if (!history.is_array()) return out;
  for (const auto& row : history.as_array()) out.push_back(TextOf(row.at("to_status")));
  return out;
}

class FaultsTest : public IntegrationTest {
 protected:
  // A piece of equipment on the yacht, added by its chief engineer; its id.
  std::string AddEquipment(const DemoYacht& yacht, const std::string& name) {
    ClientResponse r =
        Execute(yacht.users.at("chief_engineer"), yacht.id, "add_equipment", {{"name", name}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  // A fault on yacht A reported by `role`; its id.
  std::string Report(const std::string& role = "crew", boost::json::object extra = {}) {
    boost::json::object payload{{"title", "Bilge pump " + std::to_string(++reports_)},
                                {"severity", "medium"}};
    for (const auto& [key, value] : extra) payload[key] = value;
    ClientResponse r = Execute(UserA(role), A().id, "report_fault", payload);
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  ClientResponse Run(const std::string& role, const std::string& action,
                     boost::json::object payload,
                     std::optional<boost::json::value> signature = std::nullopt) {
    return Execute(UserA(role), A().id, action, std::move(payload), std::move(signature));
  }

  // The signed work order for `fault`, started by crew and signed by the captain.
  ClientResponse RaiseWorkOrder(const std::string& fault) {
    return Run("crew", "create_work_order_from_fault", {{"fault_id", fault}, {"title", "Fix it"}},
               boost::json::value(PinSignature(UserA("captain"))));
  }

  // The work order id of a 201 from create_work_order_from_fault ("" otherwise).
  static std::string WorkOrderOf(const ClientResponse& r) {
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  boost::json::object View(const std::string& fault, const std::string& role = "crew") {
    ClientResponse r = Run(role, "view_fault_detail", {{"fault_id", fault}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }
  std::string StatusOf(const std::string& fault) {
    const boost::json::object view = View(fault);
    return view.contains("status") ? TextOf(view.at("status")) : "<none>";
  }

  // A new fault in `state`, driven there by the lens's and the work order lens's actions.
  // `work_order` gets the id of the work order raised for it, if any.
  std::string FaultIn(const std::string& state, std::string* work_order = nullptr) {
    const std::string fault = Report();
    std::string order;
    if (state == "acknowledged") {
      EXPECT_EQ(Run("chief_engineer", "acknowledge_fault", {{"fault_id", fault}}).status, 200);
    } else if (state == "work_ordered" || state == "resolved") {
      order = WorkOrderOf(RaiseWorkOrder(fault));
      if (state == "resolved") {
        ClientResponse done =
            Run("chief_engineer", "complete_work_order", {{"work_order_id", order}});
        EXPECT_EQ(done.status, 200) << Describe(done);
      }
    } else if (state == "closed") {
      ClientResponse closed = Run(
          "captain", "close_fault",
          {{"fault_id", fault}, {"resolution", "Reset"}, {"resolution_without_work_order", true}});
      EXPECT_EQ(closed.status, 200) << Describe(closed);
    }
    EXPECT_EQ(StatusOf(fault), state);
    if (work_order) *work_order = order;
    return fault;
  }

  // Faults, their history, work orders and audit rows of a yacht, read past the server.
  std::string Fingerprint(const DemoYacht& yacht) {
    const std::string y = "'" + yacht.id + "'";
    RunResult r = RunSql(
        *server_,
        "SELECT id, status, acknowledged_by, work_order_id, resolution, "
        "resolved_without_work_order, closed_by, updated_at FROM pms_faults WHERE yacht_id = " +
            y + " ORDER BY id;" + "SELECT COUNT(*) FROM pms_fault_history WHERE yacht_id = " + y +
            ";" + "SELECT id, status FROM pms_work_orders WHERE yacht_id = " + y + " ORDER BY id;" +
            "SELECT COUNT(*) FROM pms_audit_log WHERE yacht_id = " + y + ";");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The audit row `audit_id` from the trail of `entity`.
  boost::json::object AuditRow(const std::string& entity, const std::string& audit_id) {
    ClientResponse r =
        Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + entity);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    if (json.is_object() && json.as_object().contains("entries")) {
      for (const auto& e : json.at("entries").as_array()) {
        if (e.at("id").as_string() == audit_id) return e.as_object();
      }
    }
    ADD_FAILURE() << "no audit row " << audit_id << " on " << entity << ": " << Describe(r);
    return {};
  }

  // The fault action ids `role` sees in /v1/actions/list.
  std::set<std::string> Listed(const std::string& role) {
    ClientResponse r = Get(UserA(role), "/v1/actions/list?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::set<std::string> out;
    const boost::json::value json = r.Json();
    if (!json.is_object()) return out;
    for (const auto& a : json.at("actions").as_array()) {
      if (TextOf(a.at("domain")) == "faults") out.insert(TextOf(a.at("action_id")));
    }
    return out;
  }

  // The fault action ids suggested to `role` for `query`.
  std::vector<std::string> Suggested(const std::string& role, const std::string& query) {
    ClientResponse r = Post(UserA(role), "/v1/actions/suggestions",
                            boost::json::object{{"query", query}, {"yacht_id", A().id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::vector<std::string> out;
    const boost::json::value json = r.Json();
    if (!json.is_object()) return out;
    for (const auto& s : json.at("suggestions").as_array()) {
      if (TextOf(s.at("domain")) == "faults") out.push_back(TextOf(s.at("action_id")));
    }
    return out;
  }

  void SetFlag(const std::string& flag, bool enabled) {
    auto r = client_->Put("/v1/flags/" + flag,
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  }

  int reports_ = 0;
};

TEST_F(FaultsTest, AReportedFaultIsOpenWithItsReporterHistoryAndAuditRow) {
  const std::string generator = AddEquipment(A(), "Generator 1");
  ClientResponse r = Run("crew", "report_fault",
                         {{"title", "  Generator 1 overheating  "},
                          {"severity", "high"},
                          {"equipment_id", generator},
                          {"description", "Raw water flow low"}});
  ASSERT_EQ(r.status, 201) << Describe(r);
  const boost::json::value body = r.Json();
  const std::string fault = TextOf(body.at("entity_id"));
  const boost::json::object result = body.at("result").as_object();
  EXPECT_EQ(TextOf(result.at("id")), fault);
  EXPECT_EQ(TextOf(result.at("title")), "Generator 1 overheating") << "trimmed";
  EXPECT_EQ(TextOf(result.at("severity")), "high");
  EXPECT_EQ(TextOf(result.at("status")), "open");
  EXPECT_EQ(TextOf(result.at("equipment_id")), generator);
  EXPECT_EQ(TextOf(result.at("description")), "Raw water flow low");
  EXPECT_EQ(TextOf(result.at("reported_by")), UserA("crew").user_id);
  EXPECT_TRUE(result.at("work_order").is_null());
  EXPECT_TRUE(result.at("work_order_id").is_null());
  EXPECT_FALSE(result.at("resolved_without_work_order").as_bool());
  ASSERT_EQ(Statuses(result.at("history")), std::vector<std::string>{"open"});
  const boost::json::value first = result.at("history").at(0);
  EXPECT_TRUE(first.at("from_status").is_null());
  EXPECT_EQ(TextOf(first.at("actor_id")), UserA("crew").user_id);
  EXPECT_EQ(TextOf(first.at("actor_role")), "crew");

  const boost::json::object row = AuditRow(fault, TextOf(body.at("audit_id")));
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(TextOf(row.at("action")), "report_fault");
  EXPECT_EQ(TextOf(row.at("entity_type")), "fault");
  EXPECT_EQ(TextOf(row.at("entity_id")), fault);
  EXPECT_EQ(ToJson(row.at("signature")), "{}");

  // Every role may view it; a fault without equipment is fine too.
  for (const char* role : {"crew", "purser", "chief_officer", "manager"}) {
    EXPECT_EQ(TextOf(View(fault, role).at("title")), "Generator 1 overheating") << role;
  }
  const std::string bare = Report("purser");
  EXPECT_TRUE(View(bare).at("equipment_id").is_null());

  // The acknowledgement names the officer, in the fault and in its history.
  ClientResponse ack =
      Run("chief_engineer", "acknowledge_fault", {{"fault_id", fault}, {"notes", "On it"}});
  ASSERT_EQ(ack.status, 200) << Describe(ack);
  const boost::json::object acked = ResultOf(ack);
  EXPECT_EQ(TextOf(acked.at("status")), "acknowledged");
  EXPECT_EQ(TextOf(acked.at("acknowledged_by")), UserA("chief_engineer").user_id);
  EXPECT_EQ(Statuses(acked.at("history")), (std::vector<std::string>{"open", "acknowledged"}));
  const boost::json::value last = acked.at("history").at(1);
  EXPECT_EQ(TextOf(last.at("from_status")), "open");
  EXPECT_EQ(TextOf(last.at("actor_role")), "chief_engineer");
  EXPECT_EQ(TextOf(last.at("notes")), "On it");
  const boost::json::object ack_row = AuditRow(fault, TextOf(ack.Json().at("audit_id")));
  ASSERT_FALSE(ack_row.empty());
  EXPECT_EQ(TextOf(ack_row.at("entity_type")), "fault");
}

TEST_F(FaultsTest, AReportNeedsATitleASeverityAndTheYachtsOwnEquipment) {
  const std::string theirs = AddEquipment(B(), "Aurora's watermaker");
  const std::string before = Fingerprint(A());
  struct Case {
    const char* name;
    boost::json::object payload;
    int status;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {"no title", {{"severity", "low"}}, 400, "missing_field", "title"},
      {"blank title", {{"title", "   "}, {"severity", "low"}}, 400, "invalid_field", "title"},
      {"no severity", {{"title", "Leak"}}, 400, "missing_field", "severity"},
      {"unknown severity",
       {{"title", "Leak"}, {"severity", "urgent"}},
       400,
       "invalid_field",
       "severity"},
      {"equipment not an id",
       {{"title", "Leak"}, {"severity", "low"}, {"equipment_id", "pump"}},
       400,
       "invalid_field",
       "equipment_id"},
      {"unknown equipment",
       {{"title", "Leak"}, {"severity", "low"}, {"equipment_id", RandomUuidV4()}},
       404,
       "not_found",
       "equipment_id"},
      {"another yacht's equipment",
       {{"title", "Leak"}, {"severity", "low"}, {"equipment_id", theirs}},
       404,
       "not_found",
       "equipment_id"},
      {"a status of its own",
       {{"title", "Leak"}, {"severity", "low"}, {"status", "closed"}},
       400,
       "unknown_field",
       "status"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Run("crew", "report_fault", c.payload);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
    EXPECT_EQ(DetailOf(r, "field"), c.field) << c.name << ": " << Describe(r);
  }
  EXPECT_EQ(Fingerprint(A()), before) << "refused reports change nothing";
}

TEST_F(FaultsTest, ListsShowNewestFirstByStatusAndEquipmentPageByPage) {
  const std::string pump = AddEquipment(A(), "Bilge pump");
  const std::string first = Report("crew", {{"equipment_id", pump}});
  const std::string second = Report();
  const std::string third = Report("crew", {{"equipment_id", pump}});
  ASSERT_EQ(Run("captain", "acknowledge_fault", {{"fault_id", second}}).status, 200);

  auto ids = [&](boost::json::object payload, std::optional<std::string>* next = nullptr) {
    ClientResponse r = Run("crew", "list_faults", std::move(payload));
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::vector<std::string> out;
    const boost::json::object result = ResultOf(r);
    if (!result.contains("faults")) return out;
    for (const auto& f : result.at("faults").as_array()) out.push_back(TextOf(f.at("id")));
    if (next) {
      *next = result.at("next_cursor").is_null()
                  ? std::nullopt
                  : std::optional<std::string>(TextOf(result.at("next_cursor")));
    }
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{third, second, first}));
  EXPECT_EQ(ids({{"status", "open"}}), (std::vector<std::string>{third, first}));
  EXPECT_EQ(ids({{"status", "acknowledged"}}), std::vector<std::string>{second});
  EXPECT_TRUE(ids({{"status", "closed"}}).empty());
  EXPECT_EQ(ids({{"equipment_id", pump}}), (std::vector<std::string>{third, first}));
  EXPECT_EQ(ids({{"equipment_id", pump}, {"status", "acknowledged"}}).size(), 0u);

  std::optional<std::string> next;
  EXPECT_EQ(ids({{"limit", 2}}, &next), (std::vector<std::string>{third, second}));
  ASSERT_TRUE(next.has_value());
  std::optional<std::string> last;
  EXPECT_EQ(ids({{"limit", 2}, {"cursor", *next}}, &last), std::vector<std::string>{first});
  EXPECT_FALSE(last.has_value());

  ClientResponse bad_cursor = Run("crew", "list_faults", {{"cursor", "page-2"}});
  EXPECT_TRUE(IsError(bad_cursor, 400, "invalid_field")) << Describe(bad_cursor);
  ClientResponse bad_status = Run("crew", "list_faults", {{"status", "fixed"}});
  EXPECT_TRUE(IsError(bad_status, 400, "invalid_field")) << Describe(bad_status);
  ClientResponse unknown_equipment = Run("crew", "list_faults", {{"equipment_id", RandomUuidV4()}});
  EXPECT_TRUE(IsError(unknown_equipment, 404, "not_found")) << Describe(unknown_equipment);
  EXPECT_EQ(DetailOf(unknown_equipment, "field"), "equipment_id");
}

TEST_F(FaultsTest, WhoMayDoWhat) {
  // Acknowledging and closing are for heads of department; crew and purser are refused
  // before the fault is looked up, and nothing changes.
  const std::string fault = Report();
  const std::string before = Fingerprint(A());
  for (const char* role : {"crew", "purser"}) {
    ClientResponse ack = Run(role, "acknowledge_fault", {{"fault_id", fault}});
    EXPECT_TRUE(IsError(ack, 403, "forbidden_role")) << role;
    ClientResponse close =
        Run(role, "close_fault",
            {{"fault_id", fault}, {"resolution", "x"}, {"resolution_without_work_order", true}});
    EXPECT_TRUE(IsError(close, 403, "forbidden_role")) << role;
    ClientResponse nobody = Run(role, "acknowledge_fault", {{"fault_id", RandomUuidV4()}});
    EXPECT_TRUE(IsError(nobody, 403, "forbidden_role")) << role << ": the role answers first";
  }
  EXPECT_EQ(Fingerprint(A()), before);

  // Every head of department may acknowledge and close; everyone may report.
  for (const char* role : {"chief_engineer", "chief_officer", "captain", "manager"}) {
    const std::string own = Report(role);
    ClientResponse ack = Run(role, "acknowledge_fault", {{"fault_id", own}});
    EXPECT_EQ(ack.status, 200) << role << ": " << Describe(ack);
    ClientResponse close =
        Run(role, "close_fault",
            {{"fault_id", own}, {"resolution", "Done"}, {"resolution_without_work_order", true}});
    EXPECT_EQ(close.status, 200) << role << ": " << Describe(close);
  }

  // The action list follows the role: crew and purser see the four anyone may start.
  const std::set<std::string> everyone = {"report_fault", "view_fault_detail", "list_faults",
                                          "create_work_order_from_fault"};
  EXPECT_EQ(Listed("crew"), everyone);
  EXPECT_EQ(Listed("purser"), everyone);
  for (const char* role : {"chief_engineer", "chief_officer", "captain", "manager"}) {
    EXPECT_EQ(Listed(role), kFaultActions) << role;
  }
}

// Every move the table forbids, by action, from every state: 400 invalid_state_transition
// naming the current state, and nothing changes.
TEST_F(FaultsTest, EveryIllegalMoveIsInvalidStateTransitionAndChangesNothing) {
  struct Attempt {
    const char* name;
    std::vector<std::string> allowed_from;
  };
  const Attempt attempts[] = {
      {"acknowledge", {"open"}},
      {"raise work order", {"open", "acknowledged"}},
      {"close", {"resolved"}},
      {"close without work order", {"open", "acknowledged", "resolved"}},
  };
  const std::string states[] = {"open", "acknowledged", "work_ordered", "resolved", "closed"};
  std::map<std::string, std::string> fault_in;
  for (const std::string& state : states) fault_in[state] = FaultIn(state);

  int refused = 0;
  for (const Attempt& attempt : attempts) {
    for (const std::string& state : states) {
      if (std::find(attempt.allowed_from.begin(), attempt.allowed_from.end(), state) !=
          attempt.allowed_from.end()) {
        continue;
      }
      const std::string& fault = fault_in[state];
      const std::string what = std::string(attempt.name) + " from " + state;
      const std::string before = Fingerprint(A());
      const std::string_view name = attempt.name;
      ClientResponse r;
      if (name == "acknowledge") {
        r = Run("captain", "acknowledge_fault", {{"fault_id", fault}});
      } else if (name == "raise work order") {
        r = RaiseWorkOrder(fault);
      } else {
        boost::json::object payload{{"fault_id", fault}, {"resolution", "Fixed"}};
        if (name == "close without work order") payload["resolution_without_work_order"] = true;
        r = Run("captain", "close_fault", payload);
      }
      EXPECT_TRUE(IsError(r, 400, "invalid_state_transition")) << what;
      EXPECT_EQ(DetailOf(r, "current_state"), state) << what << ": " << Describe(r);
      EXPECT_EQ(Fingerprint(A()), before) << what << " changed something";
      EXPECT_EQ(StatusOf(fault), state) << what;
      ++refused;
    }
  }
  // 4 + 3 + 4 + 2: every state but the allowed ones, for each move.
  EXPECT_EQ(refused, 13);
}

TEST_F(FaultsTest, ClosingWithoutAWorkOrderResolvesThenClosesInTwoHistoryRows) {
  for (const std::string state : {"open", "acknowledged"}) {
    const std::string fault = FaultIn(state);
    ClientResponse r = Run("chief_officer", "close_fault",
                           {{"fault_id", fault},
                            {"resolution", " Breaker reset, pump runs "},
                            {"resolution_without_work_order", true}});
    ASSERT_EQ(r.status, 200) << state << ": " << Describe(r);
    const boost::json::object result = ResultOf(r);
    EXPECT_EQ(TextOf(result.at("status")), "closed");
    EXPECT_EQ(TextOf(result.at("resolution")), "Breaker reset, pump runs");
    EXPECT_TRUE(result.at("resolved_without_work_order").as_bool());
    EXPECT_EQ(TextOf(result.at("closed_by")), UserA("chief_officer").user_id);
    EXPECT_FALSE(result.at("closed_at").is_null());
    std::vector<std::string> want = {"open"};
    if (state == "acknowledged") want.push_back("acknowledged");
    want.push_back("resolved");
    want.push_back("closed");
    ASSERT_EQ(Statuses(result.at("history")), want) << state;
    const boost::json::array& history = result.at("history").as_array();
    const boost::json::value resolved = history.at(history.size() - 2);
    const boost::json::value closed = history.at(history.size() - 1);
    EXPECT_EQ(TextOf(resolved.at("from_status")), state);
    EXPECT_EQ(TextOf(closed.at("from_status")), "resolved");
    EXPECT_EQ(TextOf(closed.at("actor_role")), "chief_officer");
    EXPECT_EQ(TextOf(closed.at("at")), TextOf(resolved.at("at"))) << "one action, one instant";
  }
  // A blank resolution is refused, and the fault stays as it was.
  const std::string fault = Report();
  ClientResponse blank =
      Run("captain", "close_fault",
          {{"fault_id", fault}, {"resolution", "  "}, {"resolution_without_work_order", true}});
  EXPECT_TRUE(IsError(blank, 400, "invalid_field")) << Describe(blank);
  EXPECT_EQ(DetailOf(blank, "field"), "resolution");
  ClientResponse missing = Run("captain", "close_fault", {{"fault_id", fault}});
  EXPECT_TRUE(IsError(missing, 400, "missing_field")) << Describe(missing);
  EXPECT_EQ(StatusOf(fault), "open");
}

TEST_F(FaultsTest, AFaultClosesOnceItsWorkOrderIsCompletedAndReturnsWhenItIsCancelled) {
  std::string order;
  const std::string fault = FaultIn("work_ordered", &order);
  boost::json::object view = View(fault);
  EXPECT_EQ(TextOf(view.at("work_order_id")), order);
  ASSERT_TRUE(view.at("work_order").is_object());
  EXPECT_EQ(TextOf(view.at("work_order").at("id")), order);
  EXPECT_EQ(TextOf(view.at("work_order").at("status")), "planned");

  // While the work order is open the fault cannot be closed, with or without the flag.
  for (bool without : {false, true}) {
    const std::string before = Fingerprint(A());
    ClientResponse r = Run(
        "captain", "close_fault",
        {{"fault_id", fault}, {"resolution", "Fixed"}, {"resolution_without_work_order", without}});
    EXPECT_TRUE(IsError(r, 400, "invalid_state_transition")) << without;
    EXPECT_EQ(DetailOf(r, "current_state"), "work_ordered");
    EXPECT_EQ(DetailOf(r, "work_order_id"), order) << Describe(r);
    EXPECT_EQ(Fingerprint(A()), before);
  }

  // Cancelled: back to acknowledged, still linked to the cancelled work order; a new one
  // may be raised.
  ClientResponse cancel =
      Run("captain", "cancel_work_order", {{"work_order_id", order}, {"reason", "Wrong pump"}});
  ASSERT_EQ(cancel.status, 200) << Describe(cancel);
  view = View(fault);
  EXPECT_EQ(TextOf(view.at("status")), "acknowledged");
  EXPECT_EQ(TextOf(view.at("work_order").at("status")), "cancelled");
  const std::string second = WorkOrderOf(RaiseWorkOrder(fault));
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, order);

  // Completed: resolved; then the head of department closes it.
  ClientResponse done = Run("chief_engineer", "complete_work_order", {{"work_order_id", second}});
  ASSERT_EQ(done.status, 200) << Describe(done);
  EXPECT_EQ(StatusOf(fault), "resolved");
  ClientResponse closed = Run("chief_engineer", "close_fault",
                              {{"fault_id", fault}, {"resolution", "New pump fitted"}});
  ASSERT_EQ(closed.status, 200) << Describe(closed);
  const boost::json::object result = ResultOf(closed);
  EXPECT_EQ(TextOf(result.at("status")), "closed");
  EXPECT_FALSE(result.at("resolved_without_work_order").as_bool());
  EXPECT_EQ(TextOf(result.at("work_order_id")), second);
  EXPECT_EQ(TextOf(result.at("work_order").at("status")), "completed");
  EXPECT_EQ(Statuses(result.at("history")),
            (std::vector<std::string>{"open", "work_ordered", "acknowledged", "work_ordered",
                                      "resolved", "closed"}));
  const boost::json::array& history = result.at("history").as_array();
  EXPECT_EQ(TextOf(history.at(2).at("actor_role")), "captain") << "who cancelled";
  EXPECT_EQ(TextOf(history.at(4).at("actor_role")), "chief_engineer") << "who completed";
  EXPECT_EQ(TextOf(history.at(5).at("notes")), "New pump fitted");
}

TEST_F(FaultsTest, AnotherYachtsFaultsAndEquipmentLookMissing) {
  // Yacht B's fault (on B's equipment) and A's own, side by side.
  const std::string their_equipment = AddEquipment(B(), "Aurora's windlass");
  ClientResponse theirs = Execute(UserB("crew"), B().id, "report_fault",
                                  {{"title", "Windlass slipping"},
                                   {"severity", "critical"},
                                   {"equipment_id", their_equipment}});
  ASSERT_EQ(theirs.status, 201) << Describe(theirs);
  const std::string their_fault = TextOf(theirs.Json().at("entity_id"));
  const std::string ours = Report();
  const std::string before_a = Fingerprint(A());
  const std::string before_b = Fingerprint(B());

  struct Case {
    const char* action;
    const char* role;
    boost::json::object payload;
    bool signed_action = false;
  };
  const Case cases[] = {
      {"view_fault_detail", "crew", {{"fault_id", their_fault}}},
      {"acknowledge_fault", "captain", {{"fault_id", their_fault}}},
      {"close_fault",
       "captain",
       {{"fault_id", their_fault}, {"resolution", "x"}, {"resolution_without_work_order", true}}},
      {"create_work_order_from_fault",
       "crew",
       {{"fault_id", their_fault}, {"title", "Fix windlass"}},
       true},
      {"report_fault",
       "crew",
       {{"title", "On their windlass"}, {"severity", "low"}, {"equipment_id", their_equipment}}},
      {"list_faults", "crew", {{"equipment_id", their_equipment}}},
  };
  for (const Case& c : cases) {
    std::optional<boost::json::value> signature;
    if (c.signed_action) signature = boost::json::value(PinSignature(UserA("captain")));
    ClientResponse r = Run(c.role, c.action, c.payload, signature);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.action;
    // Indistinguishable from an id no yacht has.
    boost::json::object unknown = c.payload;
    for (const char* key : {"fault_id", "equipment_id"}) {
      if (unknown.contains(key)) unknown[key] = RandomUuidV4();
    }
    ClientResponse nobody = Run(c.role, c.action, unknown, signature);
    EXPECT_TRUE(IsError(nobody, 404, "not_found")) << c.action << " (unknown id)";
    EXPECT_EQ(DetailOf(r, "field"), DetailOf(nobody, "field")) << c.action;
  }
  EXPECT_EQ(Fingerprint(A()), before_a);
  EXPECT_EQ(Fingerprint(B()), before_b) << "nothing of B's changed";

  // Each yacht's list holds its own faults only.
  ClientResponse list_a = Run("crew", "list_faults", {});
  ASSERT_EQ(list_a.status, 200) << Describe(list_a);
  const boost::json::object result_a = ResultOf(list_a);
  ASSERT_EQ(result_a.at("faults").as_array().size(), 1u);
  EXPECT_EQ(TextOf(result_a.at("faults").at(0).at("id")), ours);
  ClientResponse list_b = Execute(UserB("crew"), B().id, "list_faults", {});
  ASSERT_EQ(list_b.status, 200) << Describe(list_b);
  const boost::json::object result_b = ResultOf(list_b);
  ASSERT_EQ(result_b.at("faults").as_array().size(), 1u);
  EXPECT_EQ(TextOf(result_b.at("faults").at(0).at("id")), their_fault);

  // A's crew cannot even ask on B's yacht.
  ClientResponse foreign =
      Execute(UserA("crew"), B().id, "view_fault_detail", {{"fault_id", their_fault}});
  EXPECT_TRUE(IsError(foreign, 403, "yacht_access_denied")) << Describe(foreign);
}

TEST_F(FaultsTest, TheSuggestionsSubFlagHidesSuggestionsOnly) {
  EXPECT_EQ(Suggested("crew", "report fault").front(), "report_fault");
  EXPECT_EQ(Suggested("captain", "close fault").front(), "close_fault");
  EXPECT_EQ(Suggested("chief_engineer", "acknowledge fault").front(), "acknowledge_fault");
  for (const std::string& id : Suggested("crew", "close fault")) {
    EXPECT_NE(id, "close_fault") << "crew may not close";
  }

  SetFlag("FAULT_LENS_SUGGESTIONS_ENABLED", false);
  for (const char* role : {"crew", "captain", "manager"}) {
    for (const char* query : {"report fault", "close fault", "faults", "raise work order"}) {
      EXPECT_TRUE(Suggested(role, query).empty()) << role << " '" << query << "'";
    }
    EXPECT_FALSE(Listed(role).empty()) << role << ": the actions are still listed";
  }
  // ... and still run.
  const std::string fault = Report();
  EXPECT_EQ(Run("captain", "acknowledge_fault", {{"fault_id", fault}}).status, 200);
  EXPECT_EQ(WorkOrderOf(RaiseWorkOrder(fault)).empty(), false);

  SetFlag("FAULT_LENS_SUGGESTIONS_ENABLED", true);
  EXPECT_EQ(Suggested("crew", "report fault").front(), "report_fault");
}

TEST_F(FaultsTest, WithTheLensFlagOffEveryFaultActionIsDisabled) {
  const std::string fault = Report();
  SetFlag("FAULT_LENS_V1_ENABLED", false);
  const std::string before = Fingerprint(A());
  struct Case {
    const char* action;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"report_fault", {{"title", "Leak"}, {"severity", "low"}}},
      {"view_fault_detail", {{"fault_id", fault}}},
      {"list_faults", {}},
      {"acknowledge_fault", {{"fault_id", fault}}},
      {"create_work_order_from_fault", {{"fault_id", fault}, {"title", "Fix"}}},
      {"close_fault", {{"fault_id", fault}, {"resolution", "x"}}},
  };
  for (const Case& c : cases) {
    // Crew even where their role could not start it: the flag answers first.
    ClientResponse r =
        Run("crew", c.action, c.payload, boost::json::value(PinSignature(UserA("captain"))));
    EXPECT_TRUE(IsError(r, 503, "feature_disabled")) << c.action;
  }
  EXPECT_EQ(Fingerprint(A()), before);
  for (const char* role : {"crew", "captain"}) {
    EXPECT_TRUE(Listed(role).empty()) << role;
    EXPECT_TRUE(Suggested(role, "report fault").empty()) << role;
  }
  SetFlag("FAULT_LENS_V1_ENABLED", true);
  EXPECT_EQ(StatusOf(fault), "open");
}

}  // namespace
}  // namespace celeste::testing

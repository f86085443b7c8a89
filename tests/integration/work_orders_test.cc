// The work orders lens over HTTP (docs/lenses/work_orders.md), on both backends: creating,
// viewing and listing (status, assignee, overdue, pages); who may do what (heads of
// department plan, assign and cancel; the assignee or a head of department works a job);
// every move the state table refuses, from every state, answers 400 and changes nothing (and
// on PostgreSQL the guard trigger refuses exactly the same moves); notes and history; parts
// consumed on a job (consume_part checks the work order); completing with a running hours
// reading, for a schedule and for a fault; cancelling a fault's job; tenancy; the flag.
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kWorkOrderFlag = "WORK_ORDER_LENS_V2_ENABLED";

const std::set<std::string> kWorkOrderActions = {
    "create_work_order",   "view_work_order_detail", "list_work_orders",  "assign_work_order",
    "start_work_order",    "hold_work_order",        "resume_work_order", "add_work_order_note",
    "complete_work_order", "cancel_work_order"};

const std::vector<std::string> kStates = {"planned", "in_progress", "on_hold", "completed",
                                          "cancelled"};

// The moves migration 0007 allows, written out again so the lens is tested against them.
const std::set<std::pair<std::string, std::string>> kAllowedMoves = {
    {"planned", "in_progress"},   {"planned", "on_hold"},     {"planned", "completed"},
    {"planned", "cancelled"},     {"in_progress", "on_hold"}, {"in_progress", "completed"},
    {"in_progress", "cancelled"}, {"on_hold", "planned"},     {"on_hold", "in_progress"},
    {"on_hold", "cancelled"}};

// A JSON number (integer or not) as a double; NaN for anything else.
double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

// A JSON string's text; "<null>" for null and "<not a string>" for anything else.
// The success envelope's `result` (a copy; empty when absent).
// The to_status of each history row, oldest first.
std::vector<std::string> Statuses(const boost::json::object& detail) {
  std::vector<std::string> statuses;
  if (!detail.contains("history")) return statuses;
  for (const auto& row : detail.at("history").as_array())
    statuses.push_back(TextOf(row.at("to_status")));
  return statuses;
}

class WorkOrdersTest : public IntegrationTest {
 protected:
  ClientResponse Run(const std::string& role, const std::string& action,
                     boost::json::object payload) {
    return Execute(UserA(role), A().id, action, std::move(payload));
  }

  // Runs and expects `status`; returns the result (empty when it differed).
  boost::json::object Expect(int status, const std::string& role, const std::string& action,
                             boost::json::object payload) {
    ClientResponse r = Run(role, action, std::move(payload));
    EXPECT_EQ(r.status, status) << role << " " << action << ": " << Describe(r);
    return r.status == status ? ResultOf(r) : boost::json::object();
  }

  // A new work order on yacht A by the chief engineer; returns its id.
  std::string Create(boost::json::object payload = {}) {
    if (!payload.contains("title")) payload["title"] = "Service the watermaker";
    ClientResponse r = Run("chief_engineer", "create_work_order", std::move(payload));
    EXPECT_EQ(r.status, 201) << Describe(r);
    if (r.status != 201) return "";
    return TextOf(r.Json().at("entity_id"));
  }

  // A: chief engineer's work order assigned to crew; the same on yacht B.
  std::string CreateAssignedToCrew() { return Create({{"assigned_to", UserA("crew").user_id}}); }

  boost::json::object View(const std::string& id) {
    return Expect(200, "crew", "view_work_order_detail", {{"work_order_id", id}});
  }
  std::string StatusOf(const std::string& id) {
    const boost::json::object view = View(id);
    return view.contains("status") ? TextOf(view.at("status")) : "<none>";
  }

  // Moves `id` with `action` as `role`, expecting 200.
  void Move(const std::string& id, const std::string& action, boost::json::object payload = {},
            const std::string& role = "chief_engineer") {
    payload["work_order_id"] = id;
    Expect(200, role, action, std::move(payload));
  }

  // A new work order assigned to crew, driven into `state` by the lens's actions.
  std::string InState(const std::string& state) {
    const std::string id = CreateAssignedToCrew();
    if (state == "in_progress") Move(id, "start_work_order");
    if (state == "on_hold") Move(id, "hold_work_order", {{"reason", "waiting for parts"}});
    if (state == "completed") Move(id, "complete_work_order");
    if (state == "cancelled") Move(id, "cancel_work_order", {{"reason", "not needed"}});
    EXPECT_EQ(StatusOf(id), state);
    return id;
  }

  RunResult Sql(const std::string& sql) {
    RunResult r = RunSql(*server_, sql);
    EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
    return r;
  }

  // Everything an action of this lens could touch on yacht A, as text.
  std::string Fingerprint() {
    const std::string y = "'" + A().id + "'";
    return Sql("SELECT 'wo', id, status, assigned_to, started_at, completed_at, cancelled_at, "
               "running_hours_reading, updated_at FROM pms_work_orders WHERE yacht_id = " +
               y +
               " ORDER BY id;"
               "SELECT 'history', COUNT(*) FROM pms_work_order_history WHERE yacht_id = " +
               y +
               ";"
               "SELECT 'notes', COUNT(*) FROM pms_work_order_notes WHERE yacht_id = " +
               y +
               ";"
               "SELECT 'equipment', id, running_hours FROM pms_equipment WHERE yacht_id = " +
               y +
               " ORDER BY id;"
               "SELECT 'schedule', id, last_done_at, last_done_hours FROM "
               "pms_maintenance_schedules WHERE yacht_id = " +
               y +
               " ORDER BY id;"
               "SELECT 'fault', id, status FROM pms_faults WHERE yacht_id = " +
               y +
               " ORDER BY id;"
               "SELECT 'ledger', COUNT(*) FROM pms_inventory_transactions WHERE yacht_id = " +
               y +
               ";"
               "SELECT 'audit', COUNT(*) FROM pms_audit_log WHERE yacht_id = " +
               y + ";")
        .out;
  }

  // Equipment on yacht A (the equipment lens), with its running hours.
  std::string AddEquipment(const std::string& name, double running_hours) {
    boost::json::object added = Expect(201, "chief_engineer", "add_equipment",
                                       {{"name", name}, {"running_hours", running_hours}});
    return added.contains("id") ? TextOf(added.at("id")) : "";
  }
  boost::json::object ViewEquipment(const std::string& id) {
    return Expect(200, "crew", "view_equipment_detail", {{"equipment_id", id}});
  }

  // A catalog part with `on_hand` in stock (the parts lens).
  std::string AddStockedPart(const std::string& name, double on_hand) {
    ClientResponse added = Run("chief_engineer", "add_part", {{"name", name}});
    EXPECT_EQ(added.status, 201) << Describe(added);
    const std::string id = added.status == 201 ? TextOf(added.Json().at("entity_id")) : "";
    Expect(201, "crew", "receive_part",
           {{"part_id", id}, {"quantity", on_hand}, {"idempotency_key", "stock-" + name}});
    return id;
  }

  // The work orders list_work_orders returns for `payload`, by id, in order.
  std::vector<std::string> ListIds(boost::json::object payload, const std::string& role = "crew") {
    boost::json::object result = Expect(200, role, "list_work_orders", std::move(payload));
    std::vector<std::string> ids;
    if (!result.contains("work_orders")) return ids;
    for (const auto& wo : result.at("work_orders").as_array()) ids.push_back(TextOf(wo.at("id")));
    return ids;
  }
};

TEST_F(WorkOrdersTest, CreateViewAndListAManualWorkOrder) {
  const std::string equipment = AddEquipment("Watermaker", 10);
  ClientResponse created = Run("chief_engineer", "create_work_order",
                               {{"title", "  Replace watermaker membranes  "},
                                {"equipment_id", equipment},
                                {"description", "Output down to 40 l/h"},
                                {"priority", "high"},
                                {"assigned_to", UserA("crew").user_id},
                                {"due_date", "2030-06-01"}});
  ASSERT_EQ(created.status, 201) << Describe(created);
  const boost::json::value body = created.Json();
  EXPECT_EQ(TextOf(body.at("action")), "create_work_order");
  EXPECT_TRUE(body.as_object().contains("audit_id"));
  const std::string id = TextOf(body.at("entity_id"));
  const boost::json::object wo = ResultOf(created);
  EXPECT_EQ(TextOf(wo.at("id")), id);
  EXPECT_EQ(TextOf(wo.at("title")), "Replace watermaker membranes") << "trimmed";
  EXPECT_EQ(TextOf(wo.at("origin")), "manual");
  EXPECT_EQ(TextOf(wo.at("status")), "planned");
  EXPECT_EQ(TextOf(wo.at("priority")), "high");
  EXPECT_EQ(TextOf(wo.at("equipment_id")), equipment);
  EXPECT_EQ(TextOf(wo.at("assigned_to")), UserA("crew").user_id);
  EXPECT_EQ(TextOf(wo.at("due_date")), "2030-06-01");
  EXPECT_EQ(TextOf(wo.at("description")), "Output down to 40 l/h");
  EXPECT_EQ(TextOf(wo.at("created_by")), UserA("chief_engineer").user_id);
  EXPECT_TRUE(wo.at("fault_id").is_null());
  EXPECT_TRUE(wo.at("schedule_id").is_null());
  EXPECT_TRUE(wo.at("started_at").is_null());

  // The audit row names the work order.
  ClientResponse audit =
      Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + id + "&limit=10");
  ASSERT_EQ(audit.status, 200) << Describe(audit);
  const boost::json::value entries = audit.Json().at("entries");
  ASSERT_EQ(entries.as_array().size(), 1u) << ToJson(entries);
  EXPECT_EQ(TextOf(entries.at(0).at("entity_type")), "work_order");
  EXPECT_EQ(TextOf(entries.at(0).at("action")), "create_work_order");

  // The defaults: normal priority, nobody assigned, no due date.
  const std::string plain = Create({{"title", "Clean bilge strainers"}});
  const boost::json::object view = View(plain);
  EXPECT_EQ(TextOf(view.at("priority")), "normal");
  EXPECT_TRUE(view.at("assigned_to").is_null());
  EXPECT_TRUE(view.at("due_date").is_null());
  EXPECT_TRUE(view.at("equipment_id").is_null());
  EXPECT_EQ(view.at("parts_consumed").as_array().size(), 0u);
  EXPECT_EQ(view.at("notes").as_array().size(), 0u);
  EXPECT_EQ(Statuses(view), std::vector<std::string>{"planned"});

  // Newest first.
  EXPECT_EQ(ListIds({}), (std::vector<std::string>{plain, id}));

  // Bad values are refused before anything is written.
  const std::string before = Fingerprint();
  EXPECT_TRUE(IsError(Run("chief_engineer", "create_work_order", {{"title", "   "}}), 400,
                      "invalid_field"));
  EXPECT_TRUE(IsError(Run("chief_engineer", "create_work_order", {}), 400, "missing_field"));
  EXPECT_TRUE(
      IsError(Run("chief_engineer", "create_work_order", {{"title", "x"}, {"priority", "urgent"}}),
              400, "invalid_field"));
  EXPECT_TRUE(IsError(
      Run("chief_engineer", "create_work_order", {{"title", "x"}, {"due_date", "2030-02-30"}}), 400,
      "invalid_field"));
  EXPECT_TRUE(
      IsError(Run("chief_engineer", "create_work_order", {{"title", "x"}, {"origin", "fault"}}),
              400, "unknown_field"));
  ClientResponse no_equipment = Run("chief_engineer", "create_work_order",
                                    {{"title", "x"}, {"equipment_id", RandomUuidV4()}});
  EXPECT_TRUE(IsError(no_equipment, 404, "not_found"));
  EXPECT_EQ(DetailOf(no_equipment, "field"), "equipment_id");
  ClientResponse nobody =
      Run("chief_engineer", "create_work_order", {{"title", "x"}, {"assigned_to", RandomUuidV4()}});
  EXPECT_TRUE(IsError(nobody, 404, "not_found"));
  EXPECT_EQ(DetailOf(nobody, "field"), "assigned_to");
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(WorkOrdersTest, HeadsOfDepartmentPlanAndTheAssigneeOrAHeadWorksTheJob) {
  const std::string unassigned = Create();
  const std::string crews = CreateAssignedToCrew();
  const std::string before = Fingerprint();

  // Crew and the purser may not create, assign or cancel.
  for (const std::string role : {"crew", "purser"}) {
    EXPECT_TRUE(IsError(Run(role, "create_work_order", {{"title", "Paint the anchor"}}), 403,
                        "forbidden_role"))
        << role;
    EXPECT_TRUE(IsError(Run(role, "assign_work_order",
                            {{"work_order_id", unassigned}, {"assigned_to", UserA(role).user_id}}),
                        403, "forbidden_role"))
        << role;
    EXPECT_TRUE(
        IsError(Run(role, "cancel_work_order", {{"work_order_id", crews}, {"reason", "no time"}}),
                403, "forbidden_role"))
        << role;
  }
  // Nor work a job that is not theirs: crew's unassigned one, the purser's crew's one.
  const std::vector<std::pair<std::string, std::string>> strangers = {{"crew", unassigned},
                                                                      {"purser", crews}};
  for (const auto& [role, id] : strangers) {
    for (const std::string action :
         {"start_work_order", "hold_work_order", "resume_work_order", "complete_work_order"}) {
      ClientResponse r = Run(role, action, {{"work_order_id", id}});
      EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << role << " " << action;
      EXPECT_EQ(DetailOf(r, "role"), role) << action << ": " << Describe(r);
    }
  }
  EXPECT_EQ(Fingerprint(), before);

  // Everyone reads and writes notes.
  for (const std::string role : {"crew", "purser"}) {
    Expect(200, role, "view_work_order_detail", {{"work_order_id", unassigned}});
    Expect(200, role, "list_work_orders", {});
    Expect(201, role, "add_work_order_note", {{"work_order_id", unassigned}, {"note", "seen"}});
  }

  // The assignee works their own job through every move.
  Move(crews, "start_work_order", {}, "crew");
  Move(crews, "hold_work_order", {{"reason", "waiting for a gasket"}}, "crew");
  Move(crews, "resume_work_order", {}, "crew");
  Move(crews, "complete_work_order", {{"completion_notes", "done"}}, "crew");
  EXPECT_EQ(StatusOf(crews), "completed");
  EXPECT_EQ(TextOf(View(crews).at("completed_by")), UserA("crew").user_id);

  // Every head of department works any job; assigning it makes crew its worker.
  for (const std::string role : {"chief_officer", "captain", "manager"}) {
    const std::string id = Create();
    Move(id, "start_work_order", {}, role);
    Move(id, "complete_work_order", {}, role);
  }
  Move(unassigned, "assign_work_order", {{"assigned_to", UserA("crew").user_id}}, "captain");
  EXPECT_EQ(TextOf(View(unassigned).at("assigned_to")), UserA("crew").user_id);
  Move(unassigned, "start_work_order", {}, "crew");
  // Reassigned to the purser: crew is no longer its worker.
  Move(unassigned, "assign_work_order", {{"assigned_to", UserA("purser").user_id}}, "manager");
  EXPECT_TRUE(IsError(Run("crew", "complete_work_order", {{"work_order_id", unassigned}}), 403,
                      "forbidden_role"));
  Move(unassigned, "complete_work_order", {}, "purser");
}

// Every action that moves a work order, from every state: the allowed moves land where the
// table says; every other answers 400 invalid_state_transition naming the current state,
// and changes nothing.
TEST_F(WorkOrdersTest, EveryIllegalMoveFromEveryStateAnswers400AndChangesNothing) {
  struct ActionCase {
    const char* action;
    boost::json::object payload;
    // Where it leads from each state it may leave (resume: never started, so planned).
    std::map<std::string, std::string> lands;
  };
  const std::vector<ActionCase> cases = {
      {"start_work_order", {}, {{"planned", "in_progress"}, {"on_hold", "in_progress"}}},
      {"hold_work_order", {}, {{"planned", "on_hold"}, {"in_progress", "on_hold"}}},
      {"resume_work_order", {}, {{"on_hold", "planned"}}},
      {"complete_work_order", {}, {{"planned", "completed"}, {"in_progress", "completed"}}},
      {"cancel_work_order",
       {{"reason", "not needed"}},
       {{"planned", "cancelled"}, {"in_progress", "cancelled"}, {"on_hold", "cancelled"}}},
      {"assign_work_order",
       {{"assigned_to", UserA("purser").user_id}},
       {{"planned", "planned"}, {"in_progress", "in_progress"}, {"on_hold", "on_hold"}}},
  };
  for (const ActionCase& c : cases) {
    for (const std::string& state : kStates) {
      // Each case starts from a fresh work order in `state`.
      const std::string id = InState(state);
      boost::json::object payload = c.payload;
      payload["work_order_id"] = id;
      const std::string before = Fingerprint();
      ClientResponse r = Run("chief_engineer", c.action, payload);
      const auto lands = c.lands.find(state);
      if (lands != c.lands.end()) {
        EXPECT_EQ(r.status, 200) << c.action << " from " << state << ": " << Describe(r);
        EXPECT_EQ(StatusOf(id), lands->second) << c.action << " from " << state;
        // A move the action makes is one the table allows.
        if (lands->second != state) {
          EXPECT_TRUE(kAllowedMoves.contains({state, lands->second}))
              << c.action << " made " << state << " -> " << lands->second;
        }
        continue;
      }
      EXPECT_TRUE(IsError(r, 400, "invalid_state_transition")) << c.action << " from " << state;
      EXPECT_EQ(DetailOf(r, "current_state"), state) << c.action << " from " << state;
      EXPECT_EQ(Fingerprint(), before) << c.action << " from " << state << " changed something";
    }
  }
}

TEST_F(WorkOrdersTest, ResumeGoesBackToWhereTheJobWas) {
  const std::string never_started = InState("planned");
  Move(never_started, "hold_work_order");
  Move(never_started, "resume_work_order", {{"notes", "parts arrived"}});
  EXPECT_EQ(StatusOf(never_started), "planned");

  const std::string started = InState("in_progress");
  Move(started, "hold_work_order");
  Move(started, "resume_work_order");
  EXPECT_EQ(StatusOf(started), "in_progress");
  const boost::json::object view = View(started);
  EXPECT_EQ(Statuses(view),
            (std::vector<std::string>{"planned", "in_progress", "on_hold", "in_progress"}));

  // Started, held, then started again directly: started_at keeps the first start.
  const std::string first_start = TextOf(view.at("started_at"));
  Move(started, "hold_work_order");
  Move(started, "start_work_order");
  EXPECT_EQ(TextOf(View(started).at("started_at")), first_start);
}

// The PostgreSQL guard trigger (migration 0007) refuses exactly the moves the lens's table
// refuses: each move is tried on a work order in its from-state, past the server, then
// undone (the forced error rolls the transaction back).
TEST_F(WorkOrdersTest, PostgresOnlyGuardRefusesExactlyTheMovesTheTableRefuses) {
  if (server_->backend() != "postgres") GTEST_SKIP() << "SQLite has no status guard trigger";
  for (const std::string& from : kStates) {
    const std::string id = InState(from);
    for (const std::string& to : kStates) {
      if (to == from) continue;
      RunResult r =
          RunSql(*server_, "UPDATE pms_work_orders SET status = '" + to +
                               "', cancel_reason = COALESCE(cancel_reason, 'x') WHERE id = '" + id +
                               "'; SELECT 1 / 0;");
      EXPECT_NE(r.exit_code, 0);
      const bool refused = r.err.find("illegal work order status transition") != std::string::npos;
      EXPECT_EQ(refused, !kAllowedMoves.contains({from, to}))
          << from << " -> " << to << ": " << r.err;
    }
    EXPECT_EQ(StatusOf(id), from);
  }
}

TEST_F(WorkOrdersTest, AnotherYachtsWorkOrdersAndMembersAreNotFound) {
  ClientResponse theirs_created =
      Execute(UserB("captain"), B().id, "create_work_order",
              {{"title", "Aurora's job"}, {"assigned_to", UserB("crew").user_id}});
  ASSERT_EQ(theirs_created.status, 201) << Describe(theirs_created);
  const std::string theirs = TextOf(theirs_created.Json().at("entity_id"));
  const std::string ours = CreateAssignedToCrew();
  const std::string part = AddStockedPart("Fuel filter", 4);
  const std::string before = Fingerprint();

  struct Case {
    const char* action;
    boost::json::object payload;
  };
  const std::vector<Case> cases = {
      {"view_work_order_detail", {}},
      {"assign_work_order", {{"assigned_to", UserA("crew").user_id}}},
      {"start_work_order", {}},
      {"hold_work_order", {}},
      {"resume_work_order", {}},
      {"add_work_order_note", {{"note", "peek"}}},
      {"complete_work_order", {}},
      {"cancel_work_order", {{"reason", "not ours"}}},
  };
  for (const Case& c : cases) {
    boost::json::object payload = c.payload;
    payload["work_order_id"] = theirs;
    ClientResponse r = Run("captain", c.action, payload);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.action;
    EXPECT_EQ(DetailOf(r, "field"), "work_order_id") << c.action;
    // Exactly as a work order nobody ever made.
    payload["work_order_id"] = RandomUuidV4();
    EXPECT_TRUE(IsError(Run("captain", c.action, payload), 404, "not_found")) << c.action;
  }

  // Parts consumed on their work order, or on one that does not exist: not booked.
  for (const std::string& wo : {theirs, RandomUuidV4()}) {
    ClientResponse consumed =
        Run("crew", "consume_part", {{"part_id", part}, {"quantity", 1}, {"work_order_id", wo}});
    EXPECT_TRUE(IsError(consumed, 404, "not_found"));
    EXPECT_EQ(DetailOf(consumed, "field"), "work_order_id");
  }

  // Their crew member is nobody here.
  for (const std::string action : {"assign_work_order", "create_work_order"}) {
    boost::json::object payload{{"assigned_to", UserB("crew").user_id}};
    if (std::string(action) == "assign_work_order") payload["work_order_id"] = ours;
    if (std::string(action) == "create_work_order") payload["title"] = "x";
    ClientResponse r = Run("captain", action, payload);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << action;
    EXPECT_EQ(DetailOf(r, "field"), "assigned_to") << action;
  }
  EXPECT_EQ(Fingerprint(), before);

  // Lists never show the other yacht's; theirs is untouched.
  EXPECT_EQ(ListIds({}), std::vector<std::string>{ours});
  ClientResponse their_view =
      Execute(UserB("crew"), B().id, "view_work_order_detail", {{"work_order_id", theirs}});
  ASSERT_EQ(their_view.status, 200) << Describe(their_view);
  EXPECT_EQ(TextOf(ResultOf(their_view).at("status")), "planned");
  EXPECT_EQ(ResultOf(their_view).at("notes").as_array().size(), 0u);
}

TEST_F(WorkOrdersTest, NotesAndHistoryTellTheStory) {
  const std::string id = CreateAssignedToCrew();
  ClientResponse noted =
      Run("crew", "add_work_order_note", {{"work_order_id", id}, {"note", "  Pump seized  "}});
  ASSERT_EQ(noted.status, 201) << Describe(noted);
  EXPECT_EQ(TextOf(noted.Json().at("entity_id")), id);
  EXPECT_TRUE(noted.Json().as_object().contains("audit_id"));
  EXPECT_EQ(TextOf(ResultOf(noted).at("work_order_id")), id);
  EXPECT_TRUE(IsError(Run("crew", "add_work_order_note", {{"work_order_id", id}, {"note", " "}}),
                      400, "invalid_field"));

  Move(id, "start_work_order", {}, "crew");
  Move(id, "hold_work_order", {{"reason", "waiting for a new pump"}}, "crew");
  Move(id, "start_work_order", {}, "chief_engineer");
  Move(id, "complete_work_order", {{"completion_notes", "Pump replaced"}}, "crew");
  // Notes are allowed on a finished job too (a remark after the fact).
  Expect(201, "captain", "add_work_order_note",
         {{"work_order_id", id}, {"note", "Check again at next port"}});

  const boost::json::object view = View(id);
  EXPECT_EQ(TextOf(view.at("completion_notes")), "Pump replaced");
  const auto& notes = view.at("notes").as_array();
  ASSERT_EQ(notes.size(), 2u) << ToJson(view);
  EXPECT_EQ(TextOf(notes[0].at("note")), "Pump seized");
  EXPECT_EQ(TextOf(notes[0].at("author_id")), UserA("crew").user_id);
  EXPECT_EQ(TextOf(notes[0].at("author_role")), "crew");
  EXPECT_EQ(TextOf(notes[1].at("note")), "Check again at next port");
  EXPECT_EQ(TextOf(notes[1].at("author_role")), "captain");

  const auto& history = view.at("history").as_array();
  EXPECT_EQ(Statuses(view), (std::vector<std::string>{"planned", "in_progress", "on_hold",
                                                      "in_progress", "completed"}));
  ASSERT_EQ(history.size(), 5u);
  EXPECT_TRUE(history[0].at("from_status").is_null());
  EXPECT_EQ(TextOf(history[0].at("actor_id")), UserA("chief_engineer").user_id);
  EXPECT_EQ(TextOf(history[1].at("from_status")), "planned");
  EXPECT_EQ(TextOf(history[1].at("actor_role")), "crew");
  EXPECT_EQ(TextOf(history[2].at("notes")), "waiting for a new pump");
  EXPECT_EQ(TextOf(history[3].at("actor_role")), "chief_engineer");
  EXPECT_EQ(TextOf(history[4].at("notes")), "Pump replaced");
  EXPECT_EQ(TextOf(history[4].at("actor_id")), UserA("crew").user_id);

  // A cancellation keeps its reason in the work order and in the history.
  const std::string dropped = Create();
  Move(dropped, "cancel_work_order", {{"reason", "Replaced by a new unit"}}, "captain");
  const boost::json::object cancelled = View(dropped);
  EXPECT_EQ(TextOf(cancelled.at("cancel_reason")), "Replaced by a new unit");
  EXPECT_EQ(TextOf(cancelled.at("cancelled_by")), UserA("captain").user_id);
  EXPECT_EQ(TextOf(cancelled.at("history").as_array().back().at("notes")),
            "Replaced by a new unit");
  EXPECT_TRUE(
      IsError(Run("captain", "cancel_work_order", {{"work_order_id", Create()}, {"reason", "  "}}),
              400, "invalid_field"));
}

TEST_F(WorkOrdersTest, PartsConsumedOnAJobShowOnIt) {
  const std::string id = CreateAssignedToCrew();
  const std::string other = Create();
  const std::string impeller = AddStockedPart("Impeller", 5);
  const std::string belt = AddStockedPart("Alternator belt", 2);
  ClientResponse used = Run(
      "crew", "consume_part",
      {{"part_id", impeller}, {"quantity", 2}, {"work_order_id", id}, {"reference", "both pumps"}});
  ASSERT_EQ(used.status, 201) << Describe(used);
  Expect(201, "crew", "consume_part", {{"part_id", belt}, {"quantity", 1}, {"work_order_id", id}});
  Expect(201, "crew", "consume_part",
         {{"part_id", belt}, {"quantity", 1}, {"work_order_id", other}});
  Expect(201, "crew", "consume_part", {{"part_id", impeller}, {"quantity", 1}});  // no job

  const boost::json::object view = View(id);
  const auto& parts = view.at("parts_consumed").as_array();
  ASSERT_EQ(parts.size(), 2u) << ToJson(view);
  EXPECT_EQ(TextOf(parts[0].at("part_id")), impeller);
  EXPECT_EQ(TextOf(parts[0].at("part_name")), "Impeller");
  EXPECT_EQ(Number(parts[0].at("quantity")), 2) << "as used: positive";
  EXPECT_EQ(TextOf(parts[0].at("reference")), "both pumps");
  EXPECT_EQ(TextOf(parts[0].at("actor_id")), UserA("crew").user_id);
  EXPECT_EQ(TextOf(parts[0].at("transaction_id")), TextOf(ResultOf(used).at("transaction_id")));
  EXPECT_EQ(TextOf(parts[1].at("part_name")), "Alternator belt");
  EXPECT_EQ(Number(parts[1].at("quantity")), 1);
  EXPECT_EQ(View(other).at("parts_consumed").as_array().size(), 1u);
}

TEST_F(WorkOrdersTest, ListFiltersByStatusAssigneeAndOverdueInPages) {
  const std::string late =
      Create({{"due_date", "2020-01-01"}, {"assigned_to", UserA("crew").user_id}});
  const std::string late_done = Create({{"due_date", "2020-01-02"}});
  Move(late_done, "complete_work_order");
  const std::string late_held = Create({{"due_date", "2021-03-04"}});
  Move(late_held, "hold_work_order");
  const std::string future =
      Create({{"due_date", "2999-12-31"}, {"assigned_to", UserA("crew").user_id}});
  const std::string undated = Create({{"assigned_to", UserA("purser").user_id}});

  // Overdue: open and due before today.
  EXPECT_EQ(ListIds({{"overdue", true}}), (std::vector<std::string>{late_held, late}));
  EXPECT_EQ(ListIds({{"overdue", false}}).size(), 5u);
  EXPECT_EQ(ListIds({{"overdue", true}, {"status", "on_hold"}}),
            std::vector<std::string>{late_held});
  EXPECT_EQ(ListIds({{"status", "completed"}}), std::vector<std::string>{late_done});
  EXPECT_EQ(ListIds({{"status", "planned"}}), (std::vector<std::string>{undated, future, late}));

  // Assignee: a user id, or "me".
  EXPECT_EQ(ListIds({{"assignee", UserA("crew").user_id}}),
            (std::vector<std::string>{future, late}));
  EXPECT_EQ(ListIds({{"assignee", "me"}}, "crew"), (std::vector<std::string>{future, late}));
  EXPECT_EQ(ListIds({{"assignee", "me"}}, "purser"), std::vector<std::string>{undated});
  EXPECT_EQ(ListIds({{"assignee", "me"}}, "captain"), std::vector<std::string>{});
  EXPECT_EQ(ListIds({{"assignee", "me"}, {"overdue", true}}, "crew"),
            std::vector<std::string>{late});
  ClientResponse bad = Run("crew", "list_work_orders", {{"assignee", "the bosun"}});
  EXPECT_TRUE(IsError(bad, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(bad, "field"), "assignee");
  EXPECT_TRUE(IsError(Run("crew", "list_work_orders", {{"status", "open"}}), 400, "invalid_field"));

  // Pages of two, newest first, each page continuing where the last ended.
  std::vector<std::string> all;
  std::optional<std::string> cursor;
  for (int page = 0; page < 5; ++page) {
    boost::json::object payload{{"limit", 2}};
    if (cursor) payload["cursor"] = *cursor;
    boost::json::object result = Expect(200, "crew", "list_work_orders", payload);
    ASSERT_TRUE(result.contains("work_orders"));
    for (const auto& wo : result.at("work_orders").as_array()) all.push_back(TextOf(wo.at("id")));
    if (result.at("next_cursor").is_null()) break;
    cursor = TextOf(result.at("next_cursor"));
  }
  EXPECT_EQ(all, (std::vector<std::string>{undated, future, late_held, late_done, late}));
}

TEST_F(WorkOrdersTest, CompletingWithAReadingUpdatesTheEquipment) {
  const std::string generator = AddEquipment("Generator 2", 1000);
  const std::string id =
      Create({{"equipment_id", generator}, {"assigned_to", UserA("crew").user_id}});
  Move(id, "start_work_order", {}, "crew");

  // A reading below the equipment's hours is refused, and nothing changes.
  std::string before = Fingerprint();
  ClientResponse lower =
      Run("crew", "complete_work_order", {{"work_order_id", id}, {"running_hours", 999.5}});
  EXPECT_TRUE(IsError(lower, 400, "business_rule_violation"));
  EXPECT_EQ(DetailOf(lower, "rule"), "running_hours_decrease");
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_TRUE(
      IsError(Run("crew", "complete_work_order", {{"work_order_id", id}, {"running_hours", -1}}),
              400, "invalid_field"));

  boost::json::object done = Expect(200, "crew", "complete_work_order",
                                    {{"work_order_id", id}, {"running_hours", 1012.5}});
  EXPECT_EQ(TextOf(done.at("status")), "completed");
  EXPECT_EQ(Number(done.at("running_hours_reading")), 1012.5);
  EXPECT_EQ(Number(ViewEquipment(generator).at("running_hours")), 1012.5);

  // A job without equipment takes no reading.
  const std::string loose = Create();
  before = Fingerprint();
  ClientResponse no_equipment = Run("chief_engineer", "complete_work_order",
                                    {{"work_order_id", loose}, {"running_hours", 5}});
  EXPECT_TRUE(IsError(no_equipment, 400, "business_rule_violation"));
  EXPECT_EQ(DetailOf(no_equipment, "rule"), "work_order_without_equipment");
  EXPECT_EQ(Fingerprint(), before);
  Move(loose, "complete_work_order");  // without a reading it completes
}

TEST_F(WorkOrdersTest, CompletingAScheduledJobMarksTheScheduleDone) {
  const std::string engine = AddEquipment("Main engine", 2000);
  boost::json::object schedule = Expect(201, "chief_engineer", "add_maintenance_schedule",
                                        {{"equipment_id", engine},
                                         {"task", "Change engine oil"},
                                         {"interval_days", 30},
                                         {"last_done_at", "2020-01-01T00:00:00Z"},
                                         {"last_done_hours", 1500}});
  ASSERT_TRUE(schedule.contains("id")) << ToJson(schedule);
  const std::string schedule_id = TextOf(schedule.at("id"));
  boost::json::object generated = Expect(201, "chief_engineer", "generate_due_work_orders", {});
  ASSERT_TRUE(generated.contains("work_order_ids")) << ToJson(generated);
  ASSERT_EQ(generated.at("work_order_ids").as_array().size(), 1u) << ToJson(generated);
  const std::string id = TextOf(generated.at("work_order_ids").at(0));

  const boost::json::object wo = View(id);
  EXPECT_EQ(TextOf(wo.at("origin")), "schedule");
  EXPECT_EQ(TextOf(wo.at("schedule_id")), schedule_id);
  EXPECT_EQ(TextOf(wo.at("equipment_id")), engine);
  EXPECT_EQ(TextOf(wo.at("title")), "Change engine oil");

  boost::json::object done = Expect(200, "chief_engineer", "complete_work_order",
                                    {{"work_order_id", id}, {"running_hours", 2050}});
  const std::string completed_at = TextOf(done.at("completed_at"));
  const boost::json::object equipment = ViewEquipment(engine);
  EXPECT_EQ(Number(equipment.at("running_hours")), 2050);
  ASSERT_EQ(equipment.at("schedules").as_array().size(), 1u) << ToJson(equipment);
  const boost::json::value& s = equipment.at("schedules").at(0);
  EXPECT_EQ(TextOf(s.at("last_done_at")), completed_at);
  EXPECT_EQ(Number(s.at("last_done_hours")), 2050) << "the reading taken on completion";
  EXPECT_TRUE(s.at("open_work_order_id").is_null());
  EXPECT_EQ(equipment.at("open_work_orders").as_array().size(), 0u);
}

TEST_F(WorkOrdersTest, AFaultsJobResolvesItWhenCompletedAndReleasesItWhenCancelled) {
  const std::string fault_id = [&] {
    ClientResponse r =
        Run("crew", "report_fault", {{"title", "Bow thruster noisy"}, {"severity", "medium"}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }();
  Expect(200, "chief_engineer", "acknowledge_fault", {{"fault_id", fault_id}});
  auto raise = [&] {
    ClientResponse r = Execute(UserA("crew"), A().id, "create_work_order_from_fault",
                               {{"fault_id", fault_id}, {"title", "Inspect bow thruster"}},
                               PinSignature(UserA("captain"), kDemoPin, "noisy thruster"));
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  };
  auto fault_status = [&] {
    boost::json::object f = Expect(200, "crew", "view_fault_detail", {{"fault_id", fault_id}});
    return f.contains("status") ? TextOf(f.at("status")) : "<none>";
  };

  const std::string first = raise();
  EXPECT_EQ(TextOf(View(first).at("origin")), "fault");
  EXPECT_EQ(TextOf(View(first).at("fault_id")), fault_id);
  EXPECT_EQ(fault_status(), "work_ordered");
  Move(first, "cancel_work_order", {{"reason", "wrong job raised"}}, "chief_engineer");
  EXPECT_EQ(fault_status(), "acknowledged");

  const std::string second = raise();
  EXPECT_EQ(fault_status(), "work_ordered");
  Move(second, "complete_work_order", {}, "chief_engineer");
  EXPECT_EQ(fault_status(), "resolved");
}

TEST_F(WorkOrdersTest, WithTheFlagOffTheLensAnswers503AndItsActionsVanish) {
  const std::string id = Create();
  auto put_flag = [&](bool enabled) {
    auto r = client_->Put("/v1/flags/" + std::string(kWorkOrderFlag),
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  };
  put_flag(false);
  const std::string before = Fingerprint();
  for (const std::string& action : kWorkOrderActions) {
    EXPECT_TRUE(
        IsError(Run("chief_engineer", action, {{"work_order_id", id}}), 503, "feature_disabled"))
        << action;
  }
  ClientResponse listed = Get(UserA("captain"), "/v1/actions/list?yacht_id=" + A().id);
  ASSERT_EQ(listed.status, 200) << Describe(listed);
  const boost::json::value off_list = listed.Json();
  for (const auto& a : off_list.at("actions").as_array()) {
    EXPECT_FALSE(kWorkOrderActions.contains(TextOf(a.at("action_id")))) << ToJson(a);
  }
  EXPECT_EQ(Fingerprint(), before);

  put_flag(true);
  std::set<std::string> offered;
  listed = Get(UserA("crew"), "/v1/actions/list?yacht_id=" + A().id + "&domain=work_orders");
  ASSERT_EQ(listed.status, 200) << Describe(listed);
  const boost::json::value on_list = listed.Json();
  for (const auto& a : on_list.at("actions").as_array()) offered.insert(TextOf(a.at("action_id")));
  // Crew are offered what they may start: no create, assign or cancel.
  EXPECT_EQ(offered,
            (std::set<std::string>{"view_work_order_detail", "list_work_orders", "start_work_order",
                                   "hold_work_order", "resume_work_order", "add_work_order_note",
                                   "complete_work_order"}));
  EXPECT_EQ(StatusOf(id), "planned");
}

constexpr int kRacers = 8;

// Moves racing for one work order: each must see the status the one before it left (the
// work order is locked first), so exactly one wins and the others are refused, never a 5xx.
class WorkOrderRaceTest : public WorkOrdersTest {
 protected:
  void SetUp() override {
    // An I/O thread and a database connection per racer, so the moves really overlap.
    server_ = std::make_unique<TestServer>(TestServerOptions{.threads = kRacers, .pool = kRacers});
    client_ = std::make_unique<HttpClient>(server_->Client());
  }

  // Sends racer i's action(i) with payload(i) as the chief engineer, all at once, each on its
  // own connection; returns the answers in racer order.
  std::vector<ClientResponse> Race(const std::function<std::string(int)>& action,
                                   const std::function<boost::json::object(int)>& payload) {
    std::vector<std::string> tokens;
    std::vector<HttpClient> clients;
    for (int i = 0; i < kRacers; ++i) {
      tokens.push_back(server_->TokenFor(UserA("chief_engineer")));
      clients.push_back(server_->Client());
    }
    std::vector<ClientResponse> answers(kRacers);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kRacers) std::this_thread::yield();  // start together
        boost::json::object body{
            {"action", action(i)}, {"context", {{"yacht_id", A().id}}}, {"payload", payload(i)}};
        auto r = clients[i].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + tokens[i]}});
        if (r.ok()) answers[i] = *r;
      });
    }
    for (auto& th : threads) th.join();
    return answers;
  }
};

TEST_F(WorkOrderRaceTest, RacingCompletionsAndCancellationsEndTheJobOnce) {
  const std::string id = InState("in_progress");
  const std::vector<ClientResponse> answers = Race(
      [](int i) { return std::string(i % 2 == 0 ? "complete_work_order" : "cancel_work_order"); },
      [&](int i) -> boost::json::object {
        if (i % 2 == 0) return {{"work_order_id", id}};
        return {{"work_order_id", id}, {"reason", "racer " + std::to_string(i)}};
      });
  int won = -1;
  for (int i = 0; i < kRacers; ++i) {
    if (answers[i].status == 200) {
      EXPECT_EQ(won, -1) << "racers " << won << " and " << i << " both ended the job";
      won = i;
      continue;
    }
    EXPECT_TRUE(IsError(answers[i], 400, "invalid_state_transition")) << "racer " << i;
  }
  ASSERT_NE(won, -1) << "nobody ended the job";
  const std::string ended = won % 2 == 0 ? "completed" : "cancelled";
  for (int i = 0; i < kRacers; ++i) {
    if (i != won) EXPECT_EQ(DetailOf(answers[i], "current_state"), ended) << "racer " << i;
  }
  const boost::json::object view = View(id);
  EXPECT_EQ(TextOf(view.at("status")), ended);
  EXPECT_EQ(Statuses(view), (std::vector<std::string>{"planned", "in_progress", ended}));
}

}  // namespace
}  // namespace celeste::testing

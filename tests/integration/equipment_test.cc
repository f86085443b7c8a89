// The equipment lens over HTTP (docs/lenses/equipment.md), on both backends: the equipment
// tree (add, detail with children, open faults, open work orders and parts consumed; flat
// and tree listing with search), running hours that only count up, maintenance schedules
// due by calendar and by running hours (seeded in the past through add_maintenance_schedule's
// last_done_at, or behind the server's back with RunSql), generating their work orders
// idempotently — also when several heads of department race — roles, tenancy, the flag,
// and `celeste maintenance due`.
#include <atomic>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kEquipmentFlag = "EQUIPMENT_LENS_V2_ENABLED";
constexpr Micros kDay = 86'400 * kMicrosPerSecond;

double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

// A JSON string's text; "<null>" for null and "<not a string>" for anything else.
// The success envelope's `result` (a copy; empty when absent).
// details.<key> of an error envelope (a copy; null when absent).
boost::json::value DetailValue(const ClientResponse& r, std::string_view key) {
  const boost::json::value json = r.Json();
  if (!json.is_object() || !json.as_object().contains("details")) return nullptr;
  const boost::json::value& details = json.at("details");
  if (!details.is_object() || !details.as_object().contains(key)) return nullptr;
  return details.at(key);
}

// The time `days` ago on this machine's clock (the server's), as RFC 3339.
std::string DaysAgo(double days) {
  return FormatRfc3339(SystemClock::Instance().Now() - static_cast<Micros>(days * kDay));
}
// RFC 3339 text `days` after `at`.
std::string DaysAfter(const std::string& at, int64_t days) {
  return FormatRfc3339(*ParseRfc3339(at) + days * kDay);
}

// The ids of a list of objects, in order.
std::vector<std::string> Ids(const boost::json::array& items, const char* key = "id") {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(TextOf(item.at(key)));
  return ids;
}

// Running the CLI's JSON: the object it printed (empty when it printed none).
boost::json::object JsonOf(const RunResult& r) {
  auto json = ParseJson(r.out);
  EXPECT_TRUE(json && json->is_object()) << "not a JSON object: " << r.out << r.err;
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class EquipmentTest : public IntegrationTest {
 protected:
  // Executes `action` as `role` on yacht A and expects `status`; returns the result.
  boost::json::object Run(const std::string& role, const std::string& action,
                          boost::json::object payload, int status = 200) {
    ClientResponse r = Execute(UserA(role), A().id, action, std::move(payload));
    EXPECT_EQ(r.status, status) << action << ": " << Describe(r);
    return ResultOf(r);
  }

  // Executes `action` as `role` on yacht A and expects 201; the new entity's id.
  std::string Created(const std::string& role, const std::string& action,
                      boost::json::object payload) {
    ClientResponse r = Execute(UserA(role), A().id, action, std::move(payload));
    EXPECT_EQ(r.status, 201) << action << ": " << Describe(r);
    if (r.status != 201) return "";
    return TextOf(r.Json().at("entity_id"));
  }

  // Adds a piece of equipment on `yacht` as its chief engineer (asserts 201); its id.
  std::string AddEquipmentOn(const DemoYacht& yacht, boost::json::object payload) {
    ClientResponse r =
        Execute(yacht.users.at("chief_engineer"), yacht.id, "add_equipment", std::move(payload));
    EXPECT_EQ(r.status, 201) << Describe(r);
    if (r.status != 201) return "";
    return TextOf(r.Json().at("entity_id"));
  }
  std::string AddEquipment(boost::json::object payload) {
    return AddEquipmentOn(A(), std::move(payload));
  }

  // Adds a schedule on `yacht` as its chief engineer (asserts 201); its id.
  std::string AddScheduleOn(const DemoYacht& yacht, boost::json::object payload) {
    ClientResponse r = Execute(yacht.users.at("chief_engineer"), yacht.id,
                               "add_maintenance_schedule", std::move(payload));
    EXPECT_EQ(r.status, 201) << Describe(r);
    if (r.status != 201) return "";
    return TextOf(r.Json().at("entity_id"));
  }
  std::string AddSchedule(boost::json::object payload) {
    return AddScheduleOn(A(), std::move(payload));
  }

  boost::json::object Detail(const std::string& equipment_id) {
    return Run("crew", "view_equipment_detail", {{"equipment_id", equipment_id}});
  }

  // list_due_maintenance's items on yacht A, as the crew.
  boost::json::array Due(boost::json::object payload = {}) {
    const boost::json::object result = Run("crew", "list_due_maintenance", std::move(payload));
    if (!result.contains("due")) return {};
    return result.at("due").as_array();
  }
  // The schedule's item in the due list (empty when it is not there).
  static boost::json::object ItemOf(const boost::json::array& due, const std::string& schedule) {
    for (const auto& item : due) {
      if (TextOf(item.at("schedule_id")) == schedule) return item.as_object();
    }
    return {};
  }

  // How many open work orders the schedule has, read past the server.
  int OpenWorkOrders(const std::string& schedule) {
    RunResult r =
        RunSql(*server_, "SELECT count(*) FROM pms_work_orders WHERE schedule_id = '" + schedule +
                             "' AND (status = 'planned' OR status = 'in_progress' OR "
                             "status = 'on_hold');");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::atoi(r.out.c_str());
  }

  // Everything the lens keeps on yacht A, to show that a refusal changed nothing.
  std::string Fingerprint() {
    RunResult r = RunSql(
        *server_,
        "SELECT id, name, running_hours, running_hours_at, updated_at FROM pms_equipment "
        "ORDER BY id; SELECT id, last_done_at, last_done_hours FROM pms_maintenance_schedules "
        "ORDER BY id; SELECT id, status FROM pms_work_orders ORDER BY id; "
        "SELECT count(*) FROM pms_audit_log;");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  void PutFlag(const char* flag, bool enabled) {
    auto r = client_->Put("/v1/flags/" + std::string(flag),
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  }
};

// ---------------------------------------------------------------------------------------
// The equipment tree

TEST_F(EquipmentTest, AddedEquipmentShowsInDetailWithItsParentAndChildren) {
  ClientResponse added = Execute(UserA("chief_engineer"), A().id, "add_equipment",
                                 {{"name", "Main engine PS"},
                                  {"system", "Propulsion"},
                                  {"manufacturer", "MTU"},
                                  {"model", "16V2000 M96L"},
                                  {"serial_number", "MTU-5230-001"},
                                  {"location", "Engine room"},
                                  {"criticality", "critical"},
                                  {"running_hours", 1200}});
  ASSERT_EQ(added.status, 201) << Describe(added);
  const boost::json::value body = added.Json();
  const std::string engine = TextOf(body.at("entity_id"));
  EXPECT_TRUE(body.as_object().contains("audit_id"));
  const boost::json::object created = ResultOf(added);
  EXPECT_EQ(TextOf(created.at("id")), engine);
  EXPECT_EQ(TextOf(created.at("manufacturer")), "MTU");
  EXPECT_EQ(TextOf(created.at("criticality")), "critical");
  EXPECT_EQ(Number(created.at("running_hours")), 1200);
  EXPECT_FALSE(created.at("running_hours_at").is_null());

  const std::string pump =
      AddEquipment({{"name", "Raw water pump"}, {"parent_id", engine}, {"system", "Cooling"}});
  const std::string impeller = AddEquipment({{"name", "Impeller housing"}, {"parent_id", pump}});

  const boost::json::object detail = Detail(engine);
  EXPECT_EQ(TextOf(detail.at("name")), "Main engine PS");
  EXPECT_EQ(TextOf(detail.at("serial_number")), "MTU-5230-001");
  EXPECT_TRUE(detail.at("parent").is_null());
  EXPECT_EQ(Ids(detail.at("children").as_array()), std::vector<std::string>{pump});
  for (const char* empty : {"open_faults", "open_work_orders", "parts_consumed", "schedules"}) {
    EXPECT_TRUE(detail.at(empty).as_array().empty()) << empty;
  }

  const boost::json::object pump_detail = Detail(pump);
  EXPECT_EQ(TextOf(pump_detail.at("parent").at("id")), engine);
  EXPECT_EQ(TextOf(pump_detail.at("parent").at("name")), "Main engine PS");
  EXPECT_EQ(Ids(pump_detail.at("children").as_array()), std::vector<std::string>{impeller});
  // What was not given takes its default.
  EXPECT_EQ(TextOf(pump_detail.at("criticality")), "medium");
  EXPECT_EQ(Number(pump_detail.at("running_hours")), 0);
  EXPECT_TRUE(pump_detail.at("running_hours_at").is_null());
  EXPECT_TRUE(pump_detail.at("manufacturer").is_null());
}

TEST_F(EquipmentTest, AddingEquipmentRefusesBadInput) {
  const std::string before = Fingerprint();
  EXPECT_TRUE(
      IsError(Execute(UserA("chief_engineer"), A().id, "add_equipment", {}), 400, "missing_field"));
  ClientResponse blank =
      Execute(UserA("chief_engineer"), A().id, "add_equipment", {{"name", "   "}});
  EXPECT_TRUE(IsError(blank, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(blank, "field"), "name");
  ClientResponse criticality = Execute(UserA("chief_engineer"), A().id, "add_equipment",
                                       {{"name", "Pump"}, {"criticality", "urgent"}});
  EXPECT_TRUE(IsError(criticality, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(criticality, "field"), "criticality");
  ClientResponse negative = Execute(UserA("chief_engineer"), A().id, "add_equipment",
                                    {{"name", "Pump"}, {"running_hours", -1}});
  EXPECT_TRUE(IsError(negative, 400, "invalid_field"));
  ClientResponse unknown_parent = Execute(UserA("chief_engineer"), A().id, "add_equipment",
                                          {{"name", "Pump"}, {"parent_id", RandomUuidV4()}});
  EXPECT_TRUE(IsError(unknown_parent, 404, "not_found"));
  EXPECT_EQ(DetailOf(unknown_parent, "field"), "parent_id");
  EXPECT_EQ(Fingerprint(), before);
}

class EquipmentListTest : public EquipmentTest {
 protected:
  // Main engine PS (MTU) > Raw water pump (Jabsco) > Impeller housing; Generator 1
  // (Kohler, serial KOH-77); "bilge pump" (lower case) in the Lazarette.
  void SetUp() override {
    EquipmentTest::SetUp();
    engine_ = AddEquipment({{"name", "Main engine PS"}, {"manufacturer", "MTU"}});
    pump_ = AddEquipment(
        {{"name", "Raw water pump"}, {"parent_id", engine_}, {"manufacturer", "Jabsco"}});
    impeller_ = AddEquipment({{"name", "Impeller housing"}, {"parent_id", pump_}});
    generator_ = AddEquipment(
        {{"name", "Generator 1"}, {"manufacturer", "Kohler"}, {"serial_number", "KOH-77"}});
    bilge_ = AddEquipment({{"name", "bilge pump"}, {"location", "Lazarette"}});
  }

  boost::json::object List(boost::json::object payload) {
    return Run("crew", "list_equipment", std::move(payload));
  }
  std::vector<std::string> FlatIds(boost::json::object payload) {
    const boost::json::object result = List(std::move(payload));
    if (!result.contains("equipment")) return {};
    return Ids(result.at("equipment").as_array());
  }

  std::string engine_, pump_, impeller_, generator_, bilge_;
};

TEST_F(EquipmentListTest, FlatIsByNameAnyCaseAndPages) {
  const boost::json::object all = List({});
  EXPECT_EQ(TextOf(all.at("view")), "flat");
  EXPECT_EQ(Ids(all.at("equipment").as_array()),
            (std::vector<std::string>{bilge_, generator_, impeller_, engine_, pump_}));
  EXPECT_TRUE(all.at("next_cursor").is_null());

  // Pages of two, following next_cursor, give the same order.
  std::vector<std::string> paged;
  std::optional<std::string> cursor;
  for (int page = 0; page < 5; ++page) {
    boost::json::object payload{{"limit", 2}};
    if (cursor) payload["cursor"] = *cursor;
    const boost::json::object result = List(payload);
    for (const auto& id : Ids(result.at("equipment").as_array())) paged.push_back(id);
    if (result.at("next_cursor").is_null()) break;
    cursor = TextOf(result.at("next_cursor"));
  }
  EXPECT_EQ(paged, Ids(all.at("equipment").as_array()));

  EXPECT_TRUE(IsError(Execute(UserA("crew"), A().id, "list_equipment", {{"cursor", "page-2"}}), 400,
                      "invalid_field"));
}

TEST_F(EquipmentListTest, SearchLooksAtNameSystemMakerModelSerialAndLocationInAnyCase) {
  EXPECT_EQ(FlatIds({{"q", "PUMP"}}), (std::vector<std::string>{bilge_, pump_}));
  EXPECT_EQ(FlatIds({{"q", "mtu"}}), std::vector<std::string>{engine_});
  EXPECT_EQ(FlatIds({{"q", "koh-77"}}), std::vector<std::string>{generator_});
  EXPECT_EQ(FlatIds({{"q", "lazar"}}), std::vector<std::string>{bilge_});
  EXPECT_EQ(FlatIds({{"q", "  jabsco "}}), std::vector<std::string>{pump_});
  // LIKE's wildcards are taken literally.
  EXPECT_TRUE(FlatIds({{"q", "%"}}).empty());
  EXPECT_TRUE(FlatIds({{"q", "_"}}).empty());
  EXPECT_TRUE(FlatIds({{"q", "no such thing"}}).empty());
}

TEST_F(EquipmentListTest, TreeNestsChildrenAndKeepsThePathToEachMatch) {
  const boost::json::object tree = List({{"view", "tree"}});
  EXPECT_EQ(TextOf(tree.at("view")), "tree");
  const boost::json::array& roots = tree.at("equipment").as_array();
  ASSERT_EQ(Ids(roots), (std::vector<std::string>{bilge_, generator_, engine_}));
  const boost::json::array& engine_children = roots.at(2).at("children").as_array();
  ASSERT_EQ(Ids(engine_children), std::vector<std::string>{pump_});
  const boost::json::array& pump_children = engine_children.at(0).at("children").as_array();
  ASSERT_EQ(Ids(pump_children), std::vector<std::string>{impeller_});
  EXPECT_TRUE(pump_children.at(0).at("children").as_array().empty());
  EXPECT_FALSE(roots.at(0).as_object().contains("matches"));

  // A match deep in the tree comes with its ancestors, marked as not matching.
  const boost::json::object found = List({{"view", "tree"}, {"q", "impeller"}});
  EXPECT_EQ(Number(found.at("count")), 1);
  const boost::json::array& path = found.at("equipment").as_array();
  ASSERT_EQ(Ids(path), std::vector<std::string>{engine_});
  EXPECT_FALSE(path.at(0).at("matches").as_bool());
  const boost::json::value& pump = path.at(0).at("children").at(0);
  EXPECT_EQ(TextOf(pump.at("id")), pump_);
  EXPECT_FALSE(pump.at("matches").as_bool());
  const boost::json::value& impeller = pump.at("children").at(0);
  EXPECT_EQ(TextOf(impeller.at("id")), impeller_);
  EXPECT_TRUE(impeller.at("matches").as_bool());

  // "pump" matches a root and a child: both show, the child under its parent.
  const boost::json::object pumps = List({{"view", "tree"}, {"q", "pump"}});
  const boost::json::array& pump_roots = pumps.at("equipment").as_array();
  ASSERT_EQ(Ids(pump_roots), (std::vector<std::string>{bilge_, engine_}));
  EXPECT_TRUE(pump_roots.at(0).at("matches").as_bool());
  EXPECT_EQ(Ids(pump_roots.at(1).at("children").as_array()), std::vector<std::string>{pump_});
  EXPECT_TRUE(pump_roots.at(1).at("children").at(0).at("children").as_array().empty());

  // The tree comes whole: paging it is a mistake.
  ClientResponse paged =
      Execute(UserA("crew"), A().id, "list_equipment", {{"view", "tree"}, {"limit", 2}});
  EXPECT_TRUE(IsError(paged, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(paged, "field"), "limit");
  EXPECT_TRUE(IsError(Execute(UserA("crew"), A().id, "list_equipment", {{"view", "forest"}}), 400,
                      "invalid_field"));
}

// ---------------------------------------------------------------------------------------
// Running hours

TEST_F(EquipmentTest, RunningHoursOnlyCountUp) {
  const std::string engine = AddEquipment({{"name", "Main engine SB"}, {"running_hours", 1200}});

  const boost::json::object read =
      Run("crew", "update_running_hours", {{"equipment_id", engine}, {"running_hours", 1250.5}});
  EXPECT_EQ(Number(read.at("running_hours")), 1250.5);
  EXPECT_EQ(Number(read.at("previous_running_hours")), 1200);
  // The same reading again is fine (a second look at the meter).
  Run("purser", "update_running_hours", {{"equipment_id", engine}, {"running_hours", 1250.5}});

  const std::string before = Fingerprint();
  ClientResponse lower = Execute(UserA("crew"), A().id, "update_running_hours",
                                 {{"equipment_id", engine}, {"running_hours", 1250}});
  EXPECT_TRUE(IsError(lower, 400, "business_rule_violation"));
  EXPECT_EQ(DetailOf(lower, "rule"), "running_hours_decrease");
  EXPECT_EQ(Number(DetailValue(lower, "current_running_hours")), 1250.5);
  ClientResponse negative = Execute(UserA("crew"), A().id, "update_running_hours",
                                    {{"equipment_id", engine}, {"running_hours", -5}});
  EXPECT_TRUE(IsError(negative, 400, "invalid_field"));
  EXPECT_TRUE(IsError(Execute(UserA("crew"), A().id, "update_running_hours",
                              {{"equipment_id", engine}, {"running_hours", "1300"}}),
                      400, "invalid_field"));
  EXPECT_TRUE(IsError(Execute(UserA("crew"), A().id, "update_running_hours",
                              {{"equipment_id", RandomUuidV4()}, {"running_hours", 1300}}),
                      404, "not_found"));
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(Number(Detail(engine).at("running_hours")), 1250.5);

  // Each reading is audited against the equipment.
  ClientResponse log =
      Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + engine);
  ASSERT_EQ(log.status, 200) << Describe(log);
  std::vector<std::string> actions;
  const boost::json::value entries = log.Json().at("entries");  // a copy: Json() is a temporary
  for (const auto& e : entries.as_array()) {
    EXPECT_EQ(TextOf(e.at("entity_type")), "equipment");
    actions.push_back(TextOf(e.at("action")));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"add_equipment", "update_running_hours",
                                               "update_running_hours"}));
}

// ---------------------------------------------------------------------------------------
// Maintenance schedules

TEST_F(EquipmentTest, AddingAScheduleNeedsAnIntervalAndHonestRecords) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}, {"running_hours", 800}});
  const std::string before = Fingerprint();
  auto add = [&](boost::json::object payload) {
    payload["equipment_id"] = engine;
    if (!payload.contains("task")) payload["task"] = "Oil change";
    return Execute(UserA("chief_engineer"), A().id, "add_maintenance_schedule", payload);
  };
  ClientResponse no_interval = add({});
  EXPECT_TRUE(IsError(no_interval, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_interval, "field"), "interval_days");
  EXPECT_TRUE(IsError(add({{"interval_days", 0}}), 400, "invalid_field"));
  EXPECT_TRUE(IsError(add({{"interval_days", 1.5}}), 400, "invalid_field"));
  EXPECT_TRUE(IsError(add({{"interval_hours", 0}}), 400, "invalid_field"));
  EXPECT_TRUE(IsError(add({{"interval_hours", 250}, {"task", " "}}), 400, "invalid_field"));
  ClientResponse future = add({{"interval_days", 30}, {"last_done_at", DaysAgo(-2)}});
  EXPECT_TRUE(IsError(future, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(future, "field"), "last_done_at");
  EXPECT_TRUE(IsError(add({{"interval_days", 30}, {"last_done_at", "last tuesday"}}), 400,
                      "invalid_field"));
  ClientResponse above = add({{"interval_hours", 250}, {"last_done_hours", 801}});
  EXPECT_TRUE(IsError(above, 400, "business_rule_violation"));
  EXPECT_EQ(DetailOf(above, "rule"), "last_done_hours_above_running_hours");
  EXPECT_EQ(Fingerprint(), before);

  // Both intervals, seeded from paper records.
  const std::string done_at = DaysAgo(3);
  ClientResponse ok = add({{"interval_days", 180},
                           {"interval_hours", 250},
                           {"description", "15W-40, 42 l"},
                           {"last_done_at", done_at},
                           {"last_done_hours", 700}});
  ASSERT_EQ(ok.status, 201) << Describe(ok);
  const boost::json::object schedule = ResultOf(ok);
  EXPECT_EQ(TextOf(schedule.at("equipment_id")), engine);
  EXPECT_EQ(TextOf(schedule.at("last_done_at")), done_at);
  EXPECT_EQ(Number(schedule.at("interval_days")), 180);
  EXPECT_EQ(TextOf(schedule.at("due").at("status")), "not_due");
  EXPECT_EQ(TextOf(schedule.at("due").at("next_due_at")), DaysAfter(done_at, 180));
  EXPECT_EQ(Number(schedule.at("due").at("next_due_hours")), 950);
  EXPECT_EQ(Number(schedule.at("due").at("hours_overdue")), -150);

  // The equipment shows it; the audit row is the schedule's.
  const boost::json::object detail = Detail(engine);
  ASSERT_EQ(detail.at("schedules").as_array().size(), 1u);
  EXPECT_EQ(TextOf(detail.at("schedules").at(0).at("id")), TextOf(ok.Json().at("entity_id")));
  ClientResponse log = Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id +
                                                 "&entity_id=" + TextOf(ok.Json().at("entity_id")));
  ASSERT_EQ(log.status, 200) << Describe(log);
  ASSERT_EQ(log.Json().at("entries").as_array().size(), 1u);
  EXPECT_EQ(TextOf(log.Json().at("entries").at(0).at("entity_type")), "maintenance_schedule");
}

TEST_F(EquipmentTest, DueByCalendarDays) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}, {"criticality", "high"}});
  const std::string overdue_at = DaysAgo(40);
  const std::string overdue = AddSchedule({{"equipment_id", engine},
                                           {"task", "Fuel filters"},
                                           {"interval_days", 30},
                                           {"last_done_at", overdue_at}});
  const std::string soon = AddSchedule({{"equipment_id", engine},
                                        {"task", "Zincs"},
                                        {"interval_days", 30},
                                        {"last_done_at", DaysAgo(25)}});
  // Never done: due from its creation, which is now.
  const std::string fresh =
      AddSchedule({{"equipment_id", engine}, {"task", "Belt check"}, {"interval_days", 30}});

  boost::json::array due = Due();
  ASSERT_EQ(Ids(due, "schedule_id"), std::vector<std::string>{overdue});
  const boost::json::object item = ItemOf(due, overdue);
  EXPECT_EQ(TextOf(item.at("status")), "due");
  EXPECT_EQ(TextOf(item.at("due_by")), "calendar");
  EXPECT_EQ(TextOf(item.at("next_due_at")), DaysAfter(overdue_at, 30));
  EXPECT_EQ(Number(item.at("days_overdue")), 10);
  EXPECT_TRUE(item.at("next_due_hours").is_null());
  EXPECT_TRUE(item.at("hours_overdue").is_null());
  EXPECT_EQ(TextOf(item.at("equipment_name")), "Main engine PS");
  EXPECT_EQ(TextOf(item.at("criticality")), "high");
  EXPECT_EQ(TextOf(item.at("task")), "Fuel filters");
  EXPECT_TRUE(item.at("open_work_order_id").is_null());

  // A week's look-ahead adds the one due in five days, after the due one.
  due = Due({{"within_days", 7}});
  ASSERT_EQ(Ids(due, "schedule_id"), (std::vector<std::string>{overdue, soon}));
  EXPECT_EQ(TextOf(ItemOf(due, soon).at("status")), "upcoming");
  EXPECT_EQ(Number(ItemOf(due, soon).at("days_overdue")), -5);
  EXPECT_TRUE(ItemOf(due, fresh).empty());

  // Behind the server's back, the fresh schedule was created 31 days ago: now it is due.
  RunResult seeded = RunSql(*server_, "UPDATE pms_maintenance_schedules SET created_at = '" +
                                          DaysAgo(31) + "' WHERE id = '" + fresh + "';");
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  due = Due();
  EXPECT_EQ(TextOf(ItemOf(due, fresh).at("status")), "due");
  EXPECT_EQ(Number(ItemOf(due, fresh).at("days_overdue")), 1);

  // The equipment's detail tells the same.
  const boost::json::object detail = Detail(engine);
  for (const auto& s : detail.at("schedules").as_array()) {
    const std::string id = TextOf(s.at("id"));
    EXPECT_EQ(TextOf(s.at("due").at("status")), id == soon ? "not_due" : "due") << id;
  }

  EXPECT_TRUE(IsError(Execute(UserA("crew"), A().id, "list_due_maintenance", {{"within_days", -1}}),
                      400, "invalid_field"));
}

TEST_F(EquipmentTest, DueByRunningHours) {
  const std::string generator =
      AddEquipment({{"name", "Generator 1"}, {"running_hours", 1200}, {"criticality", "low"}});
  const std::string oil = AddSchedule({{"equipment_id", generator},
                                       {"task", "Oil and filter"},
                                       {"interval_hours", 250},
                                       {"last_done_hours", 1000}});
  // Both intervals, done recently by the calendar.
  const std::string service = AddSchedule({{"equipment_id", generator},
                                           {"task", "Annual service"},
                                           {"interval_days", 365},
                                           {"interval_hours", 1000},
                                           {"last_done_at", DaysAgo(10)},
                                           {"last_done_hours", 1150}});
  // Never done by the hours: counted from zero, so due at once.
  const std::string impeller =
      AddSchedule({{"equipment_id", generator}, {"task", "Impeller"}, {"interval_hours", 1000}});

  boost::json::array due = Due();
  ASSERT_EQ(Ids(due, "schedule_id"), std::vector<std::string>{impeller});
  EXPECT_EQ(Number(ItemOf(due, impeller).at("hours_overdue")), 200);
  EXPECT_EQ(TextOf(ItemOf(due, impeller).at("due_by")), "hours");

  due = Due({{"within_hours", 50}});
  EXPECT_EQ(TextOf(ItemOf(due, oil).at("status")), "upcoming");
  EXPECT_EQ(Number(ItemOf(due, oil).at("next_due_hours")), 1250);
  EXPECT_EQ(Number(ItemOf(due, oil).at("hours_overdue")), -50);
  EXPECT_TRUE(ItemOf(due, service).empty());

  // The meter moves on: the oil change is due by hours.
  Run("crew", "update_running_hours", {{"equipment_id", generator}, {"running_hours", 1260}});
  due = Due();
  EXPECT_EQ(Ids(due, "schedule_id"), (std::vector<std::string>{impeller, oil}));  // by task
  const boost::json::object item = ItemOf(due, oil);
  EXPECT_EQ(TextOf(item.at("status")), "due");
  EXPECT_EQ(TextOf(item.at("due_by")), "hours");
  EXPECT_EQ(Number(item.at("hours_overdue")), 10);
  EXPECT_EQ(Number(item.at("running_hours")), 1260);
  EXPECT_TRUE(item.at("next_due_at").is_null());

  // The annual service falls due by both once a year and 1,000 hours have passed.
  RunResult seeded = RunSql(*server_, "UPDATE pms_maintenance_schedules SET last_done_at = '" +
                                          DaysAgo(400) + "' WHERE id = '" + service + "';");
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_EQ(TextOf(ItemOf(Due(), service).at("due_by")), "calendar");
  Run("crew", "update_running_hours", {{"equipment_id", generator}, {"running_hours", 2200}});
  EXPECT_EQ(TextOf(ItemOf(Due(), service).at("due_by")), "both");
}

// ---------------------------------------------------------------------------------------
// Work orders for due maintenance

TEST_F(EquipmentTest, GeneratingWorkOrdersIsIdempotent) {
  const std::string engine =
      AddEquipment({{"name", "Main engine PS"}, {"criticality", "critical"}});
  const std::string filters = AddSchedule({{"equipment_id", engine},
                                           {"task", "Fuel filters"},
                                           {"description", "Racor 2040"},
                                           {"interval_days", 30},
                                           {"last_done_at", DaysAgo(40)}});
  const std::string belts = AddSchedule({{"equipment_id", engine},
                                         {"task", "Belts"},
                                         {"interval_days", 90},
                                         {"last_done_at", DaysAgo(91)}});
  const std::string later = AddSchedule({{"equipment_id", engine},
                                         {"task", "Valve clearances"},
                                         {"interval_days", 365},
                                         {"last_done_at", DaysAgo(10)}});

  ClientResponse first = Execute(UserA("chief_engineer"), A().id, "generate_due_work_orders", {});
  ASSERT_EQ(first.status, 201) << Describe(first);
  EXPECT_TRUE(first.Json().as_object().contains("audit_id"));
  const boost::json::object made = ResultOf(first);
  ASSERT_EQ(made.at("created").as_array().size(), 2u) << ToJson(made);
  EXPECT_TRUE(made.at("skipped").as_array().empty());
  std::set<std::string> schedules;
  for (const auto& c : made.at("created").as_array()) {
    schedules.insert(TextOf(c.at("schedule_id")));
    const std::string wo = TextOf(c.at("work_order_id"));
    const boost::json::object order =
        Run("crew", "view_work_order_detail", {{"work_order_id", wo}});
    EXPECT_EQ(TextOf(order.at("status")), "planned");
    EXPECT_EQ(TextOf(order.at("origin")), "schedule");
    EXPECT_EQ(TextOf(order.at("schedule_id")), TextOf(c.at("schedule_id")));
    EXPECT_EQ(TextOf(order.at("equipment_id")), engine);
    EXPECT_EQ(TextOf(order.at("title")), TextOf(c.at("task")));
    EXPECT_EQ(TextOf(order.at("priority")), "critical");  // the equipment's criticality
  }
  EXPECT_EQ(schedules, (std::set<std::string>{filters, belts}));
  EXPECT_EQ(made.at("work_order_ids").as_array().size(), 2u);

  // The due list and the equipment know the work orders now.
  const boost::json::array due = Due();
  EXPECT_FALSE(ItemOf(due, filters).at("open_work_order_id").is_null());
  EXPECT_EQ(Detail(engine).at("open_work_orders").as_array().size(), 2u);

  // Again: nothing new, both skipped, naming their work orders.
  ClientResponse again = Execute(UserA("captain"), A().id, "generate_due_work_orders", {});
  ASSERT_EQ(again.status, 200) << Describe(again);
  const boost::json::object skipped = ResultOf(again);
  EXPECT_TRUE(skipped.at("created").as_array().empty());
  ASSERT_EQ(skipped.at("skipped").as_array().size(), 2u);
  for (const auto& s : skipped.at("skipped").as_array()) {
    EXPECT_EQ(TextOf(s.at("reason")), "open_work_order");
    EXPECT_EQ(TextOf(s.at("work_order_id")),
              TextOf(ItemOf(due, TextOf(s.at("schedule_id"))).at("open_work_order_id")));
  }
  EXPECT_EQ(OpenWorkOrders(filters), 1);
  EXPECT_EQ(OpenWorkOrders(belts), 1);
  EXPECT_EQ(OpenWorkOrders(later), 0);

  // A week's look-ahead does not reach the valve clearances (due in 355 days).
  ClientResponse ahead =
      Execute(UserA("chief_engineer"), A().id, "generate_due_work_orders", {{"within_days", 7}});
  EXPECT_EQ(ahead.status, 200) << Describe(ahead);
  EXPECT_EQ(OpenWorkOrders(later), 0);

  // Completing the filters' work order marks the schedule done: no longer due, and the
  // next generation leaves it alone.
  const std::string filters_wo = TextOf(ItemOf(due, filters).at("open_work_order_id"));
  Run("chief_engineer", "complete_work_order", {{"work_order_id", filters_wo}});
  EXPECT_TRUE(ItemOf(Due(), filters).empty());
  ClientResponse after = Execute(UserA("chief_engineer"), A().id, "generate_due_work_orders", {});
  ASSERT_EQ(after.status, 200) << Describe(after);
  EXPECT_TRUE(ResultOf(after).at("created").as_array().empty());
  EXPECT_EQ(ResultOf(after).at("skipped").as_array().size(), 1u);  // the belts
  EXPECT_EQ(OpenWorkOrders(filters), 0);

  // Cancelling the belts' work order frees the schedule: the next generation makes another.
  const std::string belts_wo = TextOf(ItemOf(due, belts).at("open_work_order_id"));
  Run("chief_engineer", "cancel_work_order", {{"work_order_id", belts_wo}, {"reason", "yard"}});
  ClientResponse remade = Execute(UserA("chief_engineer"), A().id, "generate_due_work_orders", {});
  ASSERT_EQ(remade.status, 201) << Describe(remade);
  ASSERT_EQ(ResultOf(remade).at("created").as_array().size(), 1u);
  EXPECT_EQ(TextOf(ResultOf(remade).at("created").at(0).at("schedule_id")), belts);
  EXPECT_NE(TextOf(ResultOf(remade).at("created").at(0).at("work_order_id")), belts_wo);
  EXPECT_EQ(OpenWorkOrders(belts), 1);
}

TEST_F(EquipmentTest, DetailShowsOpenFaultsOpenWorkOrdersAndPartsConsumedNewestFirst) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}});
  const std::string generator = AddEquipment({{"name", "Generator 1"}});
  AddSchedule({{"equipment_id", engine},
               {"task", "Impeller"},
               {"interval_days", 30},
               {"last_done_at", DaysAgo(31)}});
  AddSchedule({{"equipment_id", generator},
               {"task", "Generator impeller"},
               {"interval_days", 30},
               {"last_done_at", DaysAgo(31)}});
  const boost::json::object made = Run("chief_engineer", "generate_due_work_orders", {}, 201);
  std::string engine_wo, generator_wo;
  for (const auto& c : made.at("created").as_array()) {
    (TextOf(c.at("equipment_id")) == engine ? engine_wo : generator_wo) =
        TextOf(c.at("work_order_id"));
  }
  ASSERT_FALSE(engine_wo.empty());
  ASSERT_FALSE(generator_wo.empty());

  Created("crew", "report_fault",
          {{"title", "Oil leak at the sump"}, {"severity", "medium"}, {"equipment_id", engine}});
  const std::string part_a =
      Created("chief_engineer", "add_part", {{"name", "Impeller"}, {"part_number", "IMP-1"}});
  const std::string part_b =
      Created("chief_engineer", "add_part", {{"name", "Gasket"}, {"part_number", "GSK-1"}});
  for (const std::string& part : {part_a, part_b}) {
    Run("crew", "receive_part", {{"part_id", part}, {"quantity", 10}, {"idempotency_key", part}},
        201);
  }
  Run("chief_engineer", "start_work_order", {{"work_order_id", engine_wo}});
  Run("chief_engineer", "start_work_order", {{"work_order_id", generator_wo}});
  Run("crew", "consume_part", {{"part_id", part_a}, {"quantity", 1}, {"work_order_id", engine_wo}},
      201);
  Run("crew", "consume_part", {{"part_id", part_b}, {"quantity", 2}, {"work_order_id", engine_wo}},
      201);
  // Not on the engine: another equipment's work order, and no work order at all.
  Run("crew", "consume_part",
      {{"part_id", part_a}, {"quantity", 1}, {"work_order_id", generator_wo}}, 201);
  Run("crew", "consume_part", {{"part_id", part_a}, {"quantity", 1}}, 201);

  const boost::json::object detail = Detail(engine);
  ASSERT_EQ(detail.at("open_faults").as_array().size(), 1u) << ToJson(detail);
  EXPECT_EQ(TextOf(detail.at("open_faults").at(0).at("title")), "Oil leak at the sump");
  EXPECT_EQ(Ids(detail.at("open_work_orders").as_array()), std::vector<std::string>{engine_wo});
  const boost::json::array& parts = detail.at("parts_consumed").as_array();
  ASSERT_EQ(parts.size(), 2u) << ToJson(detail);
  EXPECT_EQ(TextOf(parts.at(0).at("part_id")), part_b);  // newest first
  EXPECT_EQ(Number(parts.at(0).at("quantity")), 2);
  EXPECT_EQ(TextOf(parts.at(0).at("part_name")), "Gasket");
  EXPECT_EQ(TextOf(parts.at(0).at("work_order_id")), engine_wo);
  EXPECT_EQ(TextOf(parts.at(1).at("part_id")), part_a);
  EXPECT_EQ(Number(parts.at(1).at("quantity")), 1);
  EXPECT_EQ(TextOf(detail.at("schedules").at(0).at("open_work_order_id")), engine_wo);
}

// ---------------------------------------------------------------------------------------
// Roles, tenancy, the flag

TEST_F(EquipmentTest, HeadsOfDepartmentPlanEveryoneReadsAndRecordsHours) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}});
  const std::string before = Fingerprint();
  for (const char* role : {"crew", "purser"}) {
    EXPECT_TRUE(IsError(Execute(UserA(role), A().id, "add_equipment", {{"name", "Pump"}}), 403,
                        "forbidden_role"))
        << role;
    EXPECT_TRUE(IsError(Execute(UserA(role), A().id, "add_maintenance_schedule",
                                {{"equipment_id", engine}, {"task", "T"}, {"interval_days", 1}}),
                        403, "forbidden_role"))
        << role;
    EXPECT_TRUE(IsError(Execute(UserA(role), A().id, "generate_due_work_orders", {}), 403,
                        "forbidden_role"))
        << role;
  }
  EXPECT_EQ(Fingerprint(), before);

  double hours = 0;
  for (const char* role :
       {"crew", "chief_engineer", "chief_officer", "captain", "purser", "manager"}) {
    Run(role, "view_equipment_detail", {{"equipment_id", engine}});
    Run(role, "list_equipment", {});
    Run(role, "list_due_maintenance", {});
    Run(role, "update_running_hours", {{"equipment_id", engine}, {"running_hours", hours += 10}});
  }
  for (const char* role : {"chief_engineer", "chief_officer", "captain", "manager"}) {
    const std::string id =
        Created(role, "add_equipment", {{"name", std::string("Pump of ") + role}});
    Run(role, "add_maintenance_schedule",
        {{"equipment_id", id}, {"task", "Check"}, {"interval_days", 7}}, 201);
    Run(role, "generate_due_work_orders", {});
  }

  // The action list offers each role exactly what it may do.
  auto offered = [&](const std::string& role) {
    ClientResponse r =
        Get(UserA(role), "/v1/actions/list?yacht_id=" + A().id + "&domain=equipment");
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::set<std::string> ids;
    const boost::json::value actions = r.Json().at("actions");
    for (const auto& a : actions.as_array()) ids.insert(TextOf(a.at("action_id")));
    return ids;
  };
  const std::set<std::string> kEveryone = {"view_equipment_detail", "list_equipment",
                                           "update_running_hours", "list_due_maintenance"};
  std::set<std::string> hod = kEveryone;
  hod.insert({"add_equipment", "add_maintenance_schedule", "generate_due_work_orders"});
  EXPECT_EQ(offered("crew"), kEveryone);
  EXPECT_EQ(offered("purser"), kEveryone);
  EXPECT_EQ(offered("chief_engineer"), hod);
}

TEST_F(EquipmentTest, AnotherYachtsEquipmentAndSchedulesAreNotFound) {
  const std::string theirs =
      AddEquipmentOn(B(), {{"name", "Aurora main engine"}, {"running_hours", 500}});
  const std::string their_schedule = AddScheduleOn(B(), {{"equipment_id", theirs},
                                                         {"task", "Aurora oil change"},
                                                         {"interval_days", 30},
                                                         {"last_done_at", DaysAgo(60)}});
  const std::string ours = AddEquipment({{"name", "Celeste main engine"}});
  const std::string before = Fingerprint();

  struct Case {
    const char* action;
    const char* role;
    boost::json::object payload;
    const char* field;  // details.field
  };
  const Case cases[] = {
      {"view_equipment_detail", "crew", {{"equipment_id", theirs}}, "equipment_id"},
      {"update_running_hours",
       "crew",
       {{"equipment_id", theirs}, {"running_hours", 600}},
       "equipment_id"},
      {"add_equipment", "chief_engineer", {{"name", "Pump"}, {"parent_id", theirs}}, "parent_id"},
      {"add_maintenance_schedule",
       "chief_engineer",
       {{"equipment_id", theirs}, {"task", "T"}, {"interval_days", 1}},
       "equipment_id"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.action;
    EXPECT_EQ(DetailOf(r, "field"), c.field) << c.action;
    // Exactly what an id nobody has gets.
    boost::json::object random = c.payload;
    for (auto& kv : random) {
      if (kv.value().is_string() && TextOf(kv.value()) == theirs) kv.value() = RandomUuidV4();
    }
    ClientResponse unknown = Execute(UserA(c.role), A().id, c.action, random);
    EXPECT_EQ(unknown.status, r.status) << c.action;
    EXPECT_EQ(ErrorCodeOf(unknown), ErrorCodeOf(r)) << c.action;
  }
  EXPECT_EQ(Fingerprint(), before);

  // Lists and the due report see only yacht A; generating leaves B's due schedule alone.
  const boost::json::object flat = Run("crew", "list_equipment", {});
  EXPECT_EQ(Ids(flat.at("equipment").as_array()), std::vector<std::string>{ours});
  EXPECT_EQ(Ids(Run("crew", "list_equipment", {{"q", "aurora"}}).at("equipment").as_array()),
            std::vector<std::string>{});
  EXPECT_TRUE(Due().empty());
  ClientResponse generated = Execute(UserA("manager"), A().id, "generate_due_work_orders", {});
  EXPECT_EQ(generated.status, 200) << Describe(generated);
  EXPECT_TRUE(ResultOf(generated).at("created").as_array().empty());
  EXPECT_EQ(OpenWorkOrders(their_schedule), 0);

  // Yacht B itself sees its own.
  ClientResponse b_due = Execute(UserB("crew"), B().id, "list_due_maintenance", {});
  ASSERT_EQ(b_due.status, 200) << Describe(b_due);
  EXPECT_EQ(Ids(ResultOf(b_due).at("due").as_array(), "schedule_id"),
            std::vector<std::string>{their_schedule});
}

TEST_F(EquipmentTest, WithTheFlagOffEveryEquipmentActionIsDisabled) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}});
  PutFlag(kEquipmentFlag, false);
  const std::string before = Fingerprint();
  const std::pair<const char*, boost::json::object> cases[] = {
      {"add_equipment", {{"name", "Pump"}}},
      {"view_equipment_detail", {{"equipment_id", engine}}},
      {"list_equipment", {}},
      {"update_running_hours", {{"equipment_id", engine}, {"running_hours", 5}}},
      {"add_maintenance_schedule", {{"equipment_id", engine}, {"task", "T"}, {"interval_days", 1}}},
      {"list_due_maintenance", {}},
      {"generate_due_work_orders", {}},
  };
  for (const auto& [action, payload] : cases) {
    EXPECT_TRUE(
        IsError(Execute(UserA("captain"), A().id, action, payload), 503, "feature_disabled"))
        << action;
  }
  EXPECT_EQ(Fingerprint(), before);
  PutFlag(kEquipmentFlag, true);
  Run("crew", "view_equipment_detail", {{"equipment_id", engine}});
}

// ---------------------------------------------------------------------------------------
// celeste maintenance due

TEST_F(EquipmentTest, TheCliReportsWhatListDueMaintenanceReports) {
  const std::string engine = AddEquipment(
      {{"name", "Main engine PS"}, {"criticality", "critical"}, {"running_hours", 900}});
  const std::string generator = AddEquipment({{"name", "Generator 1"}, {"running_hours", 300}});
  const std::string filters = AddSchedule({{"equipment_id", engine},
                                           {"task", "Fuel filters"},
                                           {"interval_days", 30},
                                           {"last_done_at", DaysAgo(45)}});
  const std::string oil = AddSchedule({{"equipment_id", generator},
                                       {"task", "Oil and filter"},
                                       {"interval_hours", 250},
                                       {"last_done_hours", 0}});
  const std::string zincs = AddSchedule({{"equipment_id", engine},
                                         {"task", "Zincs"},
                                         {"interval_days", 30},
                                         {"last_done_at", DaysAgo(28)}});
  const std::string theirs =
      AddEquipmentOn(B(), {{"name", "Aurora engine"}, {"running_hours", 10}});
  AddScheduleOn(B(), {{"equipment_id", theirs}, {"task", "Aurora filters"}, {"interval_hours", 1}});

  RunResult json = server_->Cli({"maintenance", "due", "--yacht", A().id, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  const boost::json::object report = JsonOf(json);
  EXPECT_TRUE(report.at("success").as_bool());
  EXPECT_EQ(TextOf(report.at("yacht_id")), A().id);
  const boost::json::array cli_due = report.at("due").as_array();
  const boost::json::array http_due = Due();
  EXPECT_EQ(Ids(cli_due, "schedule_id"), (std::vector<std::string>{filters, oil}));
  EXPECT_EQ(Ids(cli_due, "schedule_id"), Ids(http_due, "schedule_id"));
  for (const char* key : {"status", "due_by", "next_due_at", "next_due_hours", "days_overdue",
                          "hours_overdue", "equipment_name", "task"}) {
    for (size_t i = 0; i < cli_due.size() && i < http_due.size(); ++i) {
      EXPECT_EQ(ToJson(cli_due[i].at(key)), ToJson(http_due[i].at(key))) << key;
    }
  }
  EXPECT_EQ(Number(ItemOf(cli_due, oil).at("hours_overdue")), 50);

  RunResult ahead =
      server_->Cli({"maintenance", "due", "--yacht", A().id, "--json", "--within-days", "7"});
  ASSERT_EQ(ahead.exit_code, 0) << ahead.out << ahead.err;
  EXPECT_EQ(Ids(JsonOf(ahead).at("due").as_array(), "schedule_id"),
            (std::vector<std::string>{filters, oil, zincs}));

  RunResult table = server_->Cli({"maintenance", "due", "--yacht", A().id});
  ASSERT_EQ(table.exit_code, 0) << table.out << table.err;
  EXPECT_TRUE(Contains(table.out, "STATUS")) << table.out;
  EXPECT_TRUE(Contains(table.out, "Fuel filters")) << table.out;
  EXPECT_TRUE(Contains(table.out, "15 d overdue")) << table.out;
  EXPECT_TRUE(Contains(table.out, "Oil and filter")) << table.out;
  EXPECT_TRUE(Contains(table.out, "50 h overdue")) << table.out;
  EXPECT_TRUE(Contains(table.out, "2 due, 0 upcoming")) << table.out;
  EXPECT_FALSE(Contains(table.out, "Zincs")) << table.out;
  EXPECT_FALSE(Contains(table.out, "Aurora")) << table.out;

  // Yacht B's own report has its schedule only; nothing due prints so.
  RunResult b = server_->Cli({"maintenance", "due", "--yacht", B().id, "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(JsonOf(b).at("due").as_array().size(), 1u);

  // Mistakes: a malformed id is a usage error; an unknown yacht fails.
  EXPECT_EQ(server_->Cli({"maintenance", "due", "--yacht", "celeste"}).exit_code, 2);
  EXPECT_EQ(server_->Cli({"maintenance", "due"}).exit_code, 2);
  RunResult unknown = server_->Cli({"maintenance", "due", "--yacht", RandomUuidV4(), "--json"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
  EXPECT_EQ(TextOf(JsonOf(unknown).at("error_code")), "not_found");
}

// ---------------------------------------------------------------------------------------
// Racing generations

constexpr int kRacers = 8;

class EquipmentRaceTest : public EquipmentTest {
 protected:
  void SetUp() override {
    // An I/O thread and a database connection per racer, so the generations really overlap.
    server_ = std::make_unique<TestServer>(TestServerOptions{.threads = kRacers, .pool = kRacers});
    client_ = std::make_unique<HttpClient>(server_->Client());
  }

  // Sends `action` kRacers times at once as `role` on yacht A, racer i with payload(i), each
  // on its own connection; returns the answers in racer order. (The pattern of
  // concurrency_test.cc's PartRaceTest::Race.)
  std::vector<ClientResponse> Race(const std::string& role, const std::string& action,
                                   const std::function<boost::json::object(int)>& payload) {
    std::vector<std::string> tokens;
    std::vector<HttpClient> clients;
    for (int i = 0; i < kRacers; ++i) {
      tokens.push_back(server_->TokenFor(UserA(role)));
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
            {"action", action}, {"context", {{"yacht_id", A().id}}}, {"payload", payload(i)}};
        auto r = clients[i].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + tokens[i]}});
        if (r.ok()) answers[i] = *r;
      });
    }
    for (auto& th : threads) th.join();
    return answers;
  }
};

TEST_F(EquipmentRaceTest, RacingGenerationsMakeOneWorkOrderPerDueSchedule) {
  const std::string engine = AddEquipment({{"name", "Main engine PS"}, {"running_hours", 3000}});
  std::vector<std::string> schedules;
  for (int i = 0; i < 4; ++i) {
    schedules.push_back(AddSchedule({{"equipment_id", engine},
                                     {"task", "Task " + std::to_string(i)},
                                     {"interval_days", 30},
                                     {"interval_hours", 500},
                                     {"last_done_at", DaysAgo(31 + i)}}));
  }

  const std::vector<ClientResponse> answers = Race("chief_engineer", "generate_due_work_orders",
                                                   [](int) -> boost::json::object { return {}; });
  std::vector<std::string> created;
  std::set<std::string> created_schedules;
  for (const ClientResponse& r : answers) {
    ASSERT_TRUE(r.status == 200 || r.status == 201) << Describe(r);
    const boost::json::object result = ResultOf(r);
    EXPECT_EQ(result.at("created").as_array().size() + result.at("skipped").as_array().size(),
              schedules.size())
        << ToJson(result);
    EXPECT_EQ(r.status == 201, !result.at("created").as_array().empty()) << Describe(r);
    for (const auto& c : result.at("created").as_array()) {
      created.push_back(TextOf(c.at("work_order_id")));
      EXPECT_TRUE(created_schedules.insert(TextOf(c.at("schedule_id"))).second)
          << "two work orders for schedule " << TextOf(c.at("schedule_id"));
    }
  }
  EXPECT_EQ(created.size(), schedules.size());
  EXPECT_EQ(created_schedules, std::set<std::string>(schedules.begin(), schedules.end()));
  for (const std::string& s : schedules) EXPECT_EQ(OpenWorkOrders(s), 1) << s;

  // Every skip names the one work order its schedule has.
  const boost::json::array due = Due();
  for (const ClientResponse& r : answers) {
    const boost::json::object result = ResultOf(r);
    for (const auto& s : result.at("skipped").as_array()) {
      EXPECT_EQ(TextOf(s.at("reason")), "open_work_order");
      EXPECT_EQ(TextOf(s.at("work_order_id")),
                TextOf(ItemOf(due, TextOf(s.at("schedule_id"))).at("open_work_order_id")));
    }
  }
}

}  // namespace
}  // namespace celeste::testing

// Work orders lens: its state table against the moves migration 0007 allows, its
// registration against docs/lenses/work_orders.md, and CreateWorkOrder — what the faults and
// equipment lenses call — against a real, migrated SQLite store (references, the schedule's
// one open work order, the equipment taken from the origin). Behaviour over HTTP is tested
// in tests/integration/work_orders_test.cc.
#include "lenses/work_orders/work_orders_lens.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../store/temp_dir.h"
#include "actions/registry.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "lens_registration.h"
#include "lenses/work_orders/work_order_status.h"
#include "store/store.h"

namespace celeste {
namespace {

using S = WorkOrderStatus;

// Migration 0007's guard, written out again so the lens's table is tested against it.
const std::set<std::pair<S, S>> kGuardMoves = {
    {S::kPlanned, S::kInProgress},   {S::kPlanned, S::kOnHold},    {S::kPlanned, S::kCompleted},
    {S::kPlanned, S::kCancelled},    {S::kInProgress, S::kOnHold}, {S::kInProgress, S::kCompleted},
    {S::kInProgress, S::kCancelled}, {S::kOnHold, S::kPlanned},    {S::kOnHold, S::kInProgress},
    {S::kOnHold, S::kCancelled},
};

std::string Name(S status) { return std::string(WorkOrderStatusName(status)); }

TEST(WorkOrderStatusTest, TableIsTheGuardTable) {
  for (S from : kAllWorkOrderStatuses) {
    for (S to : kAllWorkOrderStatuses) {
      const bool allowed = kGuardMoves.contains({from, to});
      EXPECT_EQ(work_orders::IsAllowedMove(from, to), allowed) << Name(from) << " -> " << Name(to);
      const Status checked = work_orders::CheckMove(from, to, "move it");
      EXPECT_EQ(checked.ok(), allowed) << Name(from) << " -> " << Name(to);
      if (!allowed) {
        EXPECT_EQ(checked.code(), ErrorCode::kInvalidStateTransition);
        ASSERT_TRUE(checked.details().contains("current_state"));
        EXPECT_EQ(checked.details().at("current_state").as_string(), Name(from));
      }
    }
  }
}

TEST(WorkOrderStatusTest, CompletedAndCancelledAreTheOnlyTerminalStates) {
  for (S status : kAllWorkOrderStatuses) {
    const bool terminal = status == S::kCompleted || status == S::kCancelled;
    EXPECT_EQ(work_orders::IsTerminal(status), terminal) << Name(status);
    WorkOrderSummary summary;
    summary.status = status;
    EXPECT_EQ(summary.open(), !terminal) << Name(status);
  }
}

TEST(WorkOrderStatusTest, NamesRoundTrip) {
  const std::vector<std::string> kNames = {"planned", "in_progress", "on_hold", "completed",
                                           "cancelled"};
  std::vector<std::string> names;
  for (S status : kAllWorkOrderStatuses) {
    names.push_back(Name(status));
    EXPECT_EQ(ParseWorkOrderStatus(Name(status)), status);
  }
  EXPECT_EQ(names, kNames);
  EXPECT_FALSE(ParseWorkOrderStatus("open").has_value());
  for (WorkOrderOrigin origin :
       {WorkOrderOrigin::kFault, WorkOrderOrigin::kSchedule, WorkOrderOrigin::kManual}) {
    EXPECT_EQ(ParseWorkOrderOrigin(WorkOrderOriginName(origin)), origin);
  }
  EXPECT_EQ(WorkOrderOriginName(WorkOrderOrigin::kSchedule), "schedule");
}

TEST(WorkOrdersLensTest, LensAndActionsMatchTheDocumentedTable) {
  Registry registry;
  RegisterWorkOrdersLens(registry);

  const LensDef* lens = registry.FindLens("work_orders");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->flags, std::vector<std::string>{"WORK_ORDER_LENS_V2_ENABLED"});
  EXPECT_EQ(lens->probe_action, "list_work_orders");
  const ActionDef* probe = registry.FindAction(lens->probe_action);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->variant, Variant::kRead);

  const RoleSet all = RoleSet::All();
  const RoleSet hod = RoleSet::Hod();
  testing::ExpectLensActions(
      registry, "work_orders",
      {
          {"create_work_order",
           Variant::kMutate,
           hod,
           {"title"},
           {"equipment_id", "description", "priority", "assigned_to", "due_date"}},
          {"view_work_order_detail", Variant::kRead, all, {"work_order_id"}, {}},
          {"list_work_orders",
           Variant::kRead,
           all,
           {},
           {"status", "assignee", "overdue", "limit", "cursor"}},
          {"assign_work_order", Variant::kMutate, hod, {"work_order_id", "assigned_to"}, {}},
          {"start_work_order", Variant::kMutate, all, {"work_order_id"}, {}},
          {"hold_work_order", Variant::kMutate, all, {"work_order_id"}, {"reason"}},
          {"resume_work_order", Variant::kMutate, all, {"work_order_id"}, {"notes"}},
          {"add_work_order_note", Variant::kMutate, all, {"work_order_id", "note"}, {}},
          {"complete_work_order",
           Variant::kMutate,
           all,
           {"work_order_id"},
           {"running_hours", "completion_notes"}},
          {"cancel_work_order", Variant::kMutate, hod, {"work_order_id", "reason"}, {}},
      });

  const std::vector<std::string> kStatuses = {"planned", "in_progress", "on_hold", "completed",
                                              "cancelled"};
  EXPECT_EQ(registry.FindAction("list_work_orders")->FindField("status")->enum_values, kStatuses);
  const std::vector<std::string> kPriorities = {"low", "normal", "high", "critical"};
  EXPECT_EQ(registry.FindAction("create_work_order")->FindField("priority")->enum_values,
            kPriorities);
  EXPECT_EQ(registry.FindAction("complete_work_order")->FindField("running_hours")->min, 0.0);
}

// CreateWorkOrder inside a transaction, as the faults and equipment lenses call it.
class CreateWorkOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = testing::NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    yacht_ = NewUuidV7();
    other_yacht_ = NewUuidV7();
    for (const std::string& y : {yacht_, other_yacht_}) {
      Exec("", "INSERT INTO yachts (id, name, created_at) VALUES ($1, $2, $3)", {y, y, now_});
    }
    engineer_ = AddUser(yacht_, "engineer", true);
    former_ = AddUser(yacht_, "former", false);
    stranger_ = AddUser(other_yacht_, "stranger", true);
    pump_ = NewUuidV7();
    Exec(yacht_,
         "INSERT INTO pms_equipment (id, yacht_id, name, created_by, created_at, updated_at) "
         "VALUES ($1, $2, 'Pump', $3, $4, $4)",
         {pump_, yacht_, engineer_, now_});
    schedule_ = NewUuidV7();
    Exec(yacht_,
         "INSERT INTO pms_maintenance_schedules (id, yacht_id, equipment_id, task, interval_days, "
         "created_by, created_at, updated_at) VALUES ($1, $2, $3, 'Service', 30, $4, $5, $5)",
         {schedule_, yacht_, pump_, engineer_, now_});
    fault_ = NewUuidV7();
    Exec(yacht_,
         "INSERT INTO pms_faults (id, yacht_id, equipment_id, title, severity, reported_by, "
         "reported_at, updated_at, status_changed_by, status_changed_role) "
         "VALUES ($1, $2, $3, 'Leak', 'high', $4, $5, $5, $4, 'crew')",
         {fault_, yacht_, pump_, engineer_, now_});
  }

  void Exec(const std::string& scope, const char* sql, const Params& params) {
    Status s = store_->Run(TxMode::kWrite, scope,
                           [&](Tx& tx) { return tx.Exec(Sql{sql}, params).TakeStatus(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string AddUser(const std::string& yacht, const std::string& name, bool active) {
    std::string id = NewUuidV7();
    Exec("",
         "INSERT INTO users (id, email, name, password_hash, created_at) "
         "VALUES ($1, $2, $3, 'x', $4)",
         {id, name + "@test", name, now_});
    Exec("",
         "INSERT INTO memberships (yacht_id, user_id, role, active, created_at) "
         "VALUES ($1, $2, 'chief_engineer', $3, $4)",
         {yacht, id, active, now_});
    return id;
  }

  NewWorkOrder Order(WorkOrderOrigin origin) {
    NewWorkOrder order;
    order.origin = origin;
    if (origin == WorkOrderOrigin::kSchedule) order.schedule_id = schedule_;
    if (origin == WorkOrderOrigin::kFault) order.fault_id = fault_;
    order.title = "Fix it";
    order.creator_id = engineer_;
    order.creator_role = Role::kChiefEngineer;
    order.at = now_;
    return order;
  }

  // Runs CreateWorkOrder on `yacht` in its own write transaction (rolled back on error).
  Result<std::string> Create(const NewWorkOrder& order, const std::string& yacht = "") {
    const std::string scope = yacht.empty() ? yacht_ : yacht;
    std::optional<Result<std::string>> result;
    Status s = store_->Run(TxMode::kWrite, scope, [&](Tx& tx) {
      result = CreateWorkOrder(tx, scope, order);
      return result->status();
    });
    if (!s.ok()) return s;
    return *std::move(result);
  }

  std::optional<WorkOrderSummary> Find(const std::string& id, const std::string& yacht = "") {
    const std::string scope = yacht.empty() ? yacht_ : yacht;
    std::optional<WorkOrderSummary> found;
    Status s = store_->Run(TxMode::kRead, scope, [&](Tx& tx) {
      auto r = FindWorkOrder(tx, scope, id);
      if (!r.ok()) return r.status();
      found = *r;
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return found;
  }

  static std::string FieldOf(const Status& s) {
    if (!s.details().contains("field")) return "";
    return std::string(s.details().at("field").as_string());
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string now_ = FormatRfc3339(1'790'000'000 * kMicrosPerSecond);
  std::string yacht_, other_yacht_, engineer_, former_, stranger_, pump_, schedule_, fault_;
};

TEST_F(CreateWorkOrderTest, AScheduleHasAtMostOneOpenWorkOrder) {
  auto first = Create(Order(WorkOrderOrigin::kSchedule));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto summary = Find(*first);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->status, S::kPlanned);
  EXPECT_EQ(summary->origin, WorkOrderOrigin::kSchedule);
  EXPECT_EQ(summary->equipment_id, pump_) << "the schedule's equipment";

  auto second = Create(Order(WorkOrderOrigin::kSchedule));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kDuplicate);
  ASSERT_TRUE(second.status().details().contains("existing_id"));
  EXPECT_EQ(second.status().details().at("existing_id").as_string(), *first);

  std::optional<WorkOrderSummary> open;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kRead, yacht_,
                        [&](Tx& tx) {
                          auto r = OpenWorkOrderForSchedule(tx, yacht_, schedule_);
                          if (!r.ok()) return r.status();
                          open = *r;
                          return Status::OK();
                        })
                  .ok());
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->id, *first);
}

TEST_F(CreateWorkOrderTest, AFaultsWorkOrderTakesItsEquipment) {
  auto id = Create(Order(WorkOrderOrigin::kFault));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto summary = Find(*id);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->fault_id, fault_);
  EXPECT_EQ(summary->equipment_id, pump_);
  // Faults may have several work orders over time; the table does not limit them.
  EXPECT_TRUE(Create(Order(WorkOrderOrigin::kFault)).ok());
}

TEST_F(CreateWorkOrderTest, EveryReferenceMustBeTheYachts) {
  struct Case {
    const char* name;
    std::function<void(NewWorkOrder&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown schedule", [](NewWorkOrder& o) { o.schedule_id = NewUuidV7(); }, "schedule_id"},
      {"unknown fault", [](NewWorkOrder& o) { o.fault_id = NewUuidV7(); }, "fault_id"},
      {"unknown equipment", [](NewWorkOrder& o) { o.equipment_id = NewUuidV7(); }, "equipment_id"},
      {"inactive member", [&](NewWorkOrder& o) { o.assigned_to = former_; }, "assigned_to"},
      {"another yacht's member", [&](NewWorkOrder& o) { o.assigned_to = stranger_; },
       "assigned_to"},
  };
  for (const Case& c : cases) {
    NewWorkOrder order = Order(WorkOrderOrigin::kManual);
    if (std::string(c.field) == "schedule_id") order = Order(WorkOrderOrigin::kSchedule);
    if (std::string(c.field) == "fault_id") order = Order(WorkOrderOrigin::kFault);
    c.change(order);
    auto r = Create(order);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << c.name;
    EXPECT_EQ(FieldOf(r.status()), c.field) << c.name;
  }
  // The yacht's own schedule, fault and equipment are not found from another yacht.
  auto elsewhere = Create(Order(WorkOrderOrigin::kSchedule), other_yacht_);
  EXPECT_EQ(elsewhere.status().code(), ErrorCode::kNotFound);
  NewWorkOrder active = Order(WorkOrderOrigin::kManual);
  active.assigned_to = engineer_;
  active.equipment_id = pump_;
  auto ok = Create(active);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_FALSE(Find(*ok, other_yacht_).has_value()) << "another yacht's id is not found";
  EXPECT_FALSE(Find("not-a-uuid").has_value());
}

TEST_F(CreateWorkOrderTest, BadValuesAreRefused) {
  NewWorkOrder blank = Order(WorkOrderOrigin::kManual);
  blank.title = "  ";
  EXPECT_EQ(FieldOf(Create(blank).status()), "title");
  NewWorkOrder urgent = Order(WorkOrderOrigin::kManual);
  urgent.priority = "urgent";
  EXPECT_EQ(FieldOf(Create(urgent).status()), "priority");
  NewWorkOrder bad_date = Order(WorkOrderOrigin::kManual);
  bad_date.due_date = "2026-13-01";
  EXPECT_EQ(FieldOf(Create(bad_date).status()), "due_date");
  // An origin without its id is a caller's bug.
  NewWorkOrder no_fault = Order(WorkOrderOrigin::kManual);
  no_fault.origin = WorkOrderOrigin::kFault;
  EXPECT_EQ(Create(no_fault).status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace celeste

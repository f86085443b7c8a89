// Faults lens: its state table against the PostgreSQL guard's, its registration against
// docs/lenses/faults.md, and its record functions (moves, history at one instant, the
// work order lens's callbacks, the equipment's open faults) against a real, migrated
// SQLite store. Behaviour over HTTP is tested in tests/integration/faults*_test.cc.
#include "lenses/faults/faults_lens.h"

#include <gtest/gtest.h>

#include <cctype>
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
#include "lenses/faults/fault.h"
#include "lenses/faults/fault_status.h"

namespace celeste {
namespace {

using faults::FaultEvent;
using S = faults::FaultStatus;

// The moves of the PostgreSQL guard trigger pms_faults_guard_status (migrations/postgres/
// 0007_maintenance.sql), written out again so the lens's table is tested against it.
const std::set<std::pair<S, S>> kGuardMoves = {
    {S::kOpen, S::kAcknowledged},
    {S::kOpen, S::kWorkOrdered},
    {S::kOpen, S::kResolved},
    {S::kAcknowledged, S::kWorkOrdered},
    {S::kAcknowledged, S::kResolved},
    {S::kWorkOrdered, S::kResolved},
    {S::kWorkOrdered, S::kAcknowledged},
    {S::kResolved, S::kClosed},
};

std::string Name(S status) { return std::string(faults::FaultStatusName(status)); }

TEST(FaultStatusTest, TableIsTheDatabaseGuardTable) {
  for (S from : faults::kAllFaultStatuses) {
    for (S to : faults::kAllFaultStatuses) {
      const bool want = kGuardMoves.count({from, to}) > 0;
      EXPECT_EQ(faults::IsAllowedFaultMove(from, to), want) << Name(from) << " -> " << Name(to);
    }
  }
}

TEST(FaultStatusTest, EachEventMovesFromItsStatesOnly) {
  struct Case {
    FaultEvent event;
    std::vector<std::pair<S, S>> moves;  // from -> to; every other from is refused
  };
  const Case cases[] = {
      {FaultEvent::kAcknowledge, {{S::kOpen, S::kAcknowledged}}},
      {FaultEvent::kRaiseWorkOrder,
       {{S::kOpen, S::kWorkOrdered}, {S::kAcknowledged, S::kWorkOrdered}}},
      {FaultEvent::kResolveWithoutWorkOrder,
       {{S::kOpen, S::kResolved}, {S::kAcknowledged, S::kResolved}}},
      {FaultEvent::kWorkOrderCompleted, {{S::kWorkOrdered, S::kResolved}}},
      {FaultEvent::kWorkOrderCancelled, {{S::kWorkOrdered, S::kAcknowledged}}},
      {FaultEvent::kClose, {{S::kResolved, S::kClosed}}},
  };
  for (const Case& c : cases) {
    const std::string event(faults::FaultEventVerb(c.event));
    for (S from : faults::kAllFaultStatuses) {
      std::optional<S> want;
      for (const auto& [f, t] : c.moves) {
        if (f == from) want = t;
      }
      EXPECT_EQ(faults::NextFaultStatus(from, c.event), want) << event << " from " << Name(from);
      auto applied = faults::ApplyFaultEvent(from, c.event);
      EXPECT_EQ(applied.ok(), want.has_value()) << event << " from " << Name(from);
      if (!applied.ok()) {
        EXPECT_EQ(applied.status().code(), ErrorCode::kInvalidStateTransition) << event;
        EXPECT_EQ(applied.status().details().at("current_state").as_string(), Name(from)) << event;
      }
    }
  }
}

TEST(FaultStatusTest, ClosedIsTerminalAndNamesRoundTrip) {
  for (FaultEvent event : faults::kAllFaultEvents) {
    EXPECT_FALSE(faults::NextFaultStatus(S::kClosed, event).has_value())
        << faults::FaultEventVerb(event);
  }
  for (S status : faults::kAllFaultStatuses) {
    EXPECT_EQ(faults::ParseFaultStatus(faults::FaultStatusName(status)), status);
  }
  EXPECT_FALSE(faults::ParseFaultStatus("fixed").has_value());
}

TEST(FaultsLensTest, LensAndActionsMatchTheDocumentedTable) {
  Registry registry;
  RegisterFaultsLens(registry);

  const LensDef* lens = registry.FindLens("faults");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->flags, std::vector<std::string>{"FAULT_LENS_V1_ENABLED"});
  EXPECT_EQ(lens->suggestions_flag, "FAULT_LENS_SUGGESTIONS_ENABLED");
  EXPECT_EQ(lens->probe_action, "list_faults");
  const ActionDef* probe = registry.FindAction(lens->probe_action);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->variant, Variant::kRead);
  EXPECT_EQ(registry.AllFlags(),
            (std::vector<std::string>{"FAULT_LENS_SIGNED_ACTIONS_ENABLED",
                                      "FAULT_LENS_SUGGESTIONS_ENABLED", "FAULT_LENS_V1_ENABLED"}));

  testing::ExpectLensActions(
      registry, "faults",
      {
          {"report_fault",
           Variant::kMutate,
           RoleSet::All(),
           {"title", "severity"},
           {"equipment_id", "description"}},
          {"view_fault_detail", Variant::kRead, RoleSet::All(), {"fault_id"}, {}},
          {"list_faults",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"status", "equipment_id", "limit", "cursor"}},
          {"acknowledge_fault", Variant::kMutate, RoleSet::Hod(), {"fault_id"}, {"notes"}},
          {"create_work_order_from_fault",
           Variant::kSigned,
           RoleSet::All(),
           {"fault_id", "title"},
           {"priority", "due_date", "assigned_to"}},
          {"close_fault",
           Variant::kMutate,
           RoleSet::Hod(),
           {"fault_id", "resolution"},
           {"resolution_without_work_order"}},
      });

  const ActionDef* signed_action = registry.FindAction("create_work_order_from_fault");
  EXPECT_EQ(signed_action->signer_roles.ToVector(),
            (std::vector<Role>{Role::kChiefEngineer, Role::kChiefOfficer, Role::kCaptain,
                               Role::kManager}));
  EXPECT_EQ(signed_action->extra_flags,
            std::vector<std::string>{"FAULT_LENS_SIGNED_ACTIONS_ENABLED"});
  for (const auto& action : registry.actions()) {
    if (action->id != signed_action->id) {
      EXPECT_TRUE(action->extra_flags.empty()) << action->id;
    }
  }
  EXPECT_EQ(registry.FindAction("report_fault")->FindField("severity")->enum_values,
            (std::vector<std::string>{"low", "medium", "high", "critical"}));
  EXPECT_EQ(signed_action->FindField("priority")->enum_values,
            (std::vector<std::string>{"low", "normal", "high", "critical"}));
  EXPECT_EQ(
      registry.FindAction("list_faults")->FindField("status")->enum_values,
      (std::vector<std::string>{"open", "acknowledged", "work_ordered", "resolved", "closed"}));
}

// The record functions against a migrated SQLite store: one yacht, one officer, equipment
// and work order rows inserted directly (as their lenses would).
class FaultRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = testing::NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    yacht_ = NewUuidV7();
    officer_ = NewUuidV7();
    ASSERT_TRUE(Write("", [&](Tx& tx) {
                  CELESTE_RETURN_IF_ERROR(Exec(
                      tx, "INSERT INTO yachts (id, name, created_at) VALUES ($1, 'Aurora', $2)",
                      {yacht_, Now()}));
                  return Exec(tx,
                              "INSERT INTO users (id, email, name, password_hash, created_at) "
                              "VALUES ($1, 'ce@aurora.test', 'Chief', 'x', $2)",
                              {officer_, Now()});
                }).ok());
  }

  std::string Now() {
    clock_.Advance(kMicrosPerSecond);
    return FormatRfc3339(clock_.Now());
  }

  static Status Exec(Tx& tx, const char* sql, const Params& params) {
    return tx.Exec(Sql{sql}, params).TakeStatus();
  }

  Status Write(const std::string& scope, const std::function<Status(Tx&)>& fn) {
    return store_->Run(TxMode::kWrite, scope, fn);
  }

  faults::FaultActor Officer(const std::string& at) {
    return faults::FaultActor{.id = officer_, .role = Role::kChiefEngineer, .at = at};
  }

  std::string AddEquipment() {
    const std::string id = NewUuidV7();
    const std::string at = Now();
    EXPECT_TRUE(Write(yacht_, [&](Tx& tx) {
                  return Exec(tx,
                              "INSERT INTO pms_equipment (id, yacht_id, name, created_by, "
                              "created_at, updated_at) VALUES ($1, $2, 'Generator', $3, $4, $4)",
                              {id, yacht_, officer_, at});
                }).ok());
    return id;
  }

  std::string Report(const std::optional<std::string>& equipment_id = std::nullopt) {
    const std::string at = Now();
    faults::Fault fault;
    fault.id = NewUuidV7();
    fault.equipment_id = equipment_id;
    fault.title = "Overheating";
    fault.severity = "high";
    fault.reported_by = officer_;
    fault.reported_at = at;
    fault.updated_at = at;
    EXPECT_TRUE(Write(yacht_, [&](Tx& tx) {
                  return faults::InsertFault(tx, yacht_, fault, Officer(at));
                }).ok());
    return fault.id;
  }

  Status Move(const std::string& fault_id, FaultEvent event,
              const std::optional<std::string>& work_order_id = std::nullopt) {
    const std::string at = Now();
    return Write(yacht_, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(faults::Fault fault, faults::LockFault(tx, yacht_, fault_id));
      if (work_order_id) fault.work_order_id = work_order_id;
      if (event == FaultEvent::kClose) fault.resolution = "fixed";
      return faults::MoveFault(tx, yacht_, fault, event, Officer(at), std::nullopt);
    });
  }

  // A planned work order for the fault, inserted as the work orders lens would.
  std::string AddWorkOrder(const std::string& fault_id) {
    const std::string id = NewUuidV7();
    const std::string at = Now();
    EXPECT_TRUE(Write(yacht_, [&](Tx& tx) {
                  return Exec(tx,
                              "INSERT INTO pms_work_orders (id, yacht_id, origin, fault_id, "
                              "title, created_by, created_at, updated_at, status_changed_by, "
                              "status_changed_role) VALUES ($1, $2, 'fault', $3, 'Fix', $4, $5, "
                              "$5, $4, 'chief_engineer')",
                              {id, yacht_, fault_id, officer_, at});
                }).ok());
    return id;
  }

  faults::Fault Load(const std::string& fault_id) {
    faults::Fault fault;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(fault,
                                                     faults::LoadFault(tx, yacht_, fault_id));
                            return Status::OK();
                          })
                    .ok());
    return fault;
  }

  std::vector<faults::FaultHistoryEntry> History(const std::string& fault_id) {
    std::vector<faults::FaultHistoryEntry> history;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(
                                history, faults::LoadFaultHistory(tx, yacht_, fault_id));
                            return Status::OK();
                          })
                    .ok());
    return history;
  }

  testing::TempDir dir_;
  FakeClock clock_{1'790'000'000 * kMicrosPerSecond};
  std::unique_ptr<Store> store_;
  std::string yacht_;
  std::string officer_;
};

TEST_F(FaultRecordTest, AnIllegalMoveIsRefusedAndWritesNothing) {
  const std::string id = Report();
  Status s = Move(id, FaultEvent::kClose);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidStateTransition) << s.ToString();
  EXPECT_EQ(Load(id).status, S::kOpen);
  EXPECT_EQ(History(id).size(), 1u);
}

TEST_F(FaultRecordTest, MovesAtOneInstantKeepTheirOrderInTheHistory) {
  // Closing without a work order moves open -> resolved -> closed in one transaction at one
  // instant; the history rows' random ids cannot order them, the chain of statuses does.
  // Four faults: random ids would put the rows in order by chance one time in two.
  for (int i = 0; i < 4; ++i) {
    const std::string id = Report();
    const std::string at = Now();
    ASSERT_TRUE(Write(yacht_, [&](Tx& tx) {
                  CELESTE_ASSIGN_OR_RETURN(faults::Fault fault, faults::LockFault(tx, yacht_, id));
                  CELESTE_RETURN_IF_ERROR(faults::MoveFault(tx, yacht_, fault,
                                                            FaultEvent::kResolveWithoutWorkOrder,
                                                            Officer(at), std::nullopt));
                  fault.resolution = "reset the breaker";
                  return faults::MoveFault(tx, yacht_, fault, FaultEvent::kClose, Officer(at),
                                           std::nullopt);
                }).ok());
    const auto history = History(id);
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].to_status, S::kOpen);
    EXPECT_EQ(history[1].to_status, S::kResolved) << "fault " << i;
    EXPECT_EQ(history[2].to_status, S::kClosed) << "fault " << i;
    const faults::Fault fault = Load(id);
    EXPECT_TRUE(fault.resolved_without_work_order);
    EXPECT_EQ(fault.resolution, "reset the breaker");
    EXPECT_EQ(fault.closed_by, officer_);
  }
}

TEST_F(FaultRecordTest, WorkOrderCallbacksMoveOnlyAFaultWaitingOnThatWorkOrder) {
  const std::string id = Report();
  const std::string first = AddWorkOrder(id);
  ASSERT_TRUE(Move(id, FaultEvent::kRaiseWorkOrder, first).ok());
  const std::string other = AddWorkOrder(id);

  auto call = [&](bool completed, const std::string& work_order) {
    const std::string at = Now();
    return Write(yacht_, [&](Tx& tx) {
      return completed
                 ? FaultWorkOrderCompleted(tx, yacht_, id, work_order, officer_, Role::kCaptain, at)
                 : FaultWorkOrderCancelled(tx, yacht_, id, work_order, officer_, Role::kCaptain,
                                           at);
    });
  };
  // Another work order of the fault ending changes nothing.
  ASSERT_TRUE(call(true, other).ok());
  EXPECT_EQ(Load(id).status, S::kWorkOrdered);
  // Its own cancelled: back to acknowledged, acknowledged by the canceller.
  ASSERT_TRUE(call(false, first).ok());
  faults::Fault fault = Load(id);
  EXPECT_EQ(fault.status, S::kAcknowledged);
  EXPECT_EQ(fault.acknowledged_by, officer_);
  EXPECT_EQ(fault.work_order_id, first) << "the latest work order stays linked";
  // Called again (no longer work_ordered): nothing happens.
  ASSERT_TRUE(call(true, first).ok());
  EXPECT_EQ(Load(id).status, S::kAcknowledged);
  // A new work order, completed (ids in upper case are the same ids): resolved.
  ASSERT_TRUE(Move(id, FaultEvent::kRaiseWorkOrder, other).ok());
  std::string upper = other;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(call(true, upper).ok());
  EXPECT_EQ(Load(id).status, S::kResolved);

  const auto history = History(id);
  std::vector<S> statuses;
  for (const auto& entry : history) statuses.push_back(entry.to_status);
  EXPECT_EQ(statuses, (std::vector<S>{S::kOpen, S::kWorkOrdered, S::kAcknowledged, S::kWorkOrdered,
                                      S::kResolved}));
  EXPECT_EQ(history.back().actor_role, "captain");
  EXPECT_EQ(history.back().notes, "work order " + upper + " completed");
}

TEST_F(FaultRecordTest, OpenFaultsForEquipmentAreTheNotClosedOnesNewestFirst) {
  const std::string generator = AddEquipment();
  const std::string pump = AddEquipment();
  const std::string old_fault = Report(generator);
  const std::string closed = Report(generator);
  const std::string newest = Report(generator);
  Report(pump);
  Report();
  ASSERT_TRUE(Move(closed, FaultEvent::kResolveWithoutWorkOrder).ok());
  ASSERT_TRUE(Move(closed, FaultEvent::kClose).ok());
  ASSERT_TRUE(Move(old_fault, FaultEvent::kAcknowledge).ok());

  std::vector<FaultSummary> open;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kRead, yacht_,
                        [&](Tx& tx) {
                          CELESTE_ASSIGN_OR_RETURN(open,
                                                   OpenFaultsForEquipment(tx, yacht_, generator));
                          return Status::OK();
                        })
                  .ok());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].id, newest);
  EXPECT_EQ(open[0].status, "open");
  EXPECT_EQ(open[1].id, old_fault);
  EXPECT_EQ(open[1].status, "acknowledged");
  EXPECT_EQ(open[1].severity, "high");
  const boost::json::object json = open[1].ToJson();
  EXPECT_TRUE(json.at("work_order_id").is_null());
  EXPECT_EQ(json.at("title").as_string(), "Overheating");
}

}  // namespace
}  // namespace celeste

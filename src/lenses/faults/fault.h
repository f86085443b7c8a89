// The fault (pms_faults) and its history (pms_fault_history): the record, its JSON and its
// queries. Every query is scoped by yacht_id: another yacht's fault is indistinguishable
// from a missing one. Status moves go through MoveFault, which checks fault_status.h's
// table; the history rows are written by the database's triggers from the actor given
// there (migrations 0007), on both backends.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/roles.h"
#include "core/result.h"
#include "lenses/faults/fault_status.h"
#include "store/store.h"

namespace celeste::faults {

inline constexpr std::string_view kFaultEntityType = "fault";
inline constexpr std::string_view kSeverityNames[] = {"low", "medium", "high", "critical"};

struct Fault {
  std::string id;
  std::optional<std::string> equipment_id;
  std::string title;
  std::optional<std::string> description;
  std::string severity;  // low | medium | high | critical
  FaultStatus status = FaultStatus::kOpen;
  std::string reported_by;
  std::string reported_at;
  std::string updated_at;
  std::optional<std::string> acknowledged_by;
  std::optional<std::string> acknowledged_at;
  std::optional<std::string> work_order_id;  // the latest work order raised for it
  std::optional<std::string> resolution;
  bool resolved_without_work_order = false;
  std::optional<std::string> closed_by;
  std::optional<std::string> closed_at;

  boost::json::object ToJson() const;  // every member; absent values null
};

// Who moves a fault, and when (RFC 3339): the history row names them.
struct FaultActor {
  std::string id;
  Role role = Role::kCrew;
  std::string at;
};

// Inserts a new fault (its status must be open); the creation history row (from nothing to
// open, by `reporter`) follows from the insert.
Status InsertFault(Tx& tx, std::string_view yacht_id, const Fault& fault,
                   const FaultActor& reporter);

// The fault, or not_found (details.field "fault_id", details.fault_id). LockFault keeps it
// locked until the transaction ends (PostgreSQL; write transactions only), so actions on
// one fault queue up and each sees the status the one before left.
Result<Fault> LoadFault(Tx& tx, std::string_view yacht_id, std::string_view fault_id);
Result<Fault> LockFault(Tx& tx, std::string_view yacht_id, std::string_view fault_id);

// Applies `event` to `fault` (as locked in this transaction) and writes it: the new status,
// updated_at, and what the event records — acknowledge and work_order_cancelled the first
// acknowledger, resolve_without_work_order its flag, close the closer. The caller sets
// work_order_id (raise_work_order) and resolution (close) on `fault` first.
// invalid_state_transition (details.current_state) when the table forbids the event; then
// nothing is written and `fault` is unchanged.
Status MoveFault(Tx& tx, std::string_view yacht_id, Fault& fault, FaultEvent event,
                 const FaultActor& actor, const std::optional<std::string>& notes);

struct FaultHistoryEntry {
  std::optional<FaultStatus> from_status;  // nullopt: the report
  FaultStatus to_status = FaultStatus::kOpen;
  std::string actor_id;
  std::string actor_role;
  std::string at;
  std::optional<std::string> notes;

  boost::json::object ToJson() const;
};
// Every status the fault took, oldest first.
Result<std::vector<FaultHistoryEntry>> LoadFaultHistory(Tx& tx, std::string_view yacht_id,
                                                        std::string_view fault_id);

struct FaultFilter {
  std::optional<FaultStatus> status;
  std::optional<std::string> equipment_id;
};
struct FaultPage {
  std::vector<Fault> faults;               // newest first
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
Result<FaultPage> ListFaults(Tx& tx, std::string_view yacht_id, const FaultFilter& filter,
                             const std::optional<std::string>& after_id, int64_t limit);

}  // namespace celeste::faults

// The fault's state machine, in one table: every move a fault makes is one of the events
// below, and each event is allowed from the states the table lists.
//
//   event                         from                    to
//   acknowledge                   open                    acknowledged
//   raise_work_order              open | acknowledged     work_ordered
//   resolve_without_work_order    open | acknowledged     resolved
//   work_order_completed          work_ordered            resolved
//   work_order_cancelled          work_ordered            acknowledged
//   close                         resolved                closed
//
// The moves of all events together are exactly the PostgreSQL guard trigger's table
// (migrations/postgres/0007_maintenance.sql): the database is the second wall. `closed` is
// terminal.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.h"

namespace celeste::faults {

enum class FaultStatus { kOpen, kAcknowledged, kWorkOrdered, kResolved, kClosed };
inline constexpr FaultStatus kAllFaultStatuses[] = {FaultStatus::kOpen, FaultStatus::kAcknowledged,
                                                    FaultStatus::kWorkOrdered,
                                                    FaultStatus::kResolved, FaultStatus::kClosed};
// As stored and as clients see them, in kAllFaultStatuses order.
inline constexpr std::string_view kFaultStatusNames[] = {"open", "acknowledged", "work_ordered",
                                                         "resolved", "closed"};

std::string_view FaultStatusName(FaultStatus status);  // "work_ordered"
std::optional<FaultStatus> ParseFaultStatus(std::string_view name);

enum class FaultEvent {
  kAcknowledge,
  kRaiseWorkOrder,
  kResolveWithoutWorkOrder,
  kWorkOrderCompleted,
  kWorkOrderCancelled,
  kClose,
};
inline constexpr FaultEvent kAllFaultEvents[] = {FaultEvent::kAcknowledge,
                                                 FaultEvent::kRaiseWorkOrder,
                                                 FaultEvent::kResolveWithoutWorkOrder,
                                                 FaultEvent::kWorkOrderCompleted,
                                                 FaultEvent::kWorkOrderCancelled,
                                                 FaultEvent::kClose};

// What the event does, for messages: "acknowledge the fault".
std::string_view FaultEventVerb(FaultEvent event);

// The state `event` leads to from `from`, or nullopt when the table does not allow it.
std::optional<FaultStatus> NextFaultStatus(FaultStatus from, FaultEvent event);
// True when some event moves a fault from -> to (never from a state to itself).
bool IsAllowedFaultMove(FaultStatus from, FaultStatus to);

// The state `event` leads to; otherwise 400 invalid_state_transition with
// details.current_state naming `from`.
Result<FaultStatus> ApplyFaultEvent(FaultStatus from, FaultEvent event);

}  // namespace celeste::faults

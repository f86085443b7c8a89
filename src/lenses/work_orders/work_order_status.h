// The work order's state machine (issue 5; work_orders_lens.h), in one table. The
// PostgreSQL guard trigger of migration 0007 allows exactly these moves too.
//
//   planned -> in_progress | on_hold | completed | cancelled
//   in_progress -> on_hold | completed | cancelled
//   on_hold -> planned | in_progress | cancelled
//
// `completed` and `cancelled` are terminal; every other state is open.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste {

inline constexpr WorkOrderStatus kAllWorkOrderStatuses[] = {
    WorkOrderStatus::kPlanned, WorkOrderStatus::kInProgress, WorkOrderStatus::kOnHold,
    WorkOrderStatus::kCompleted, WorkOrderStatus::kCancelled};
// As stored and as clients see them, in kAllWorkOrderStatuses order.
inline constexpr std::string_view kWorkOrderStatusNames[] = {"planned", "in_progress", "on_hold",
                                                             "completed", "cancelled"};

std::optional<WorkOrderStatus> ParseWorkOrderStatus(std::string_view name);
std::optional<WorkOrderOrigin> ParseWorkOrderOrigin(std::string_view name);

namespace work_orders {

// True when the table allows from -> to (never from a state to itself).
bool IsAllowedMove(WorkOrderStatus from, WorkOrderStatus to);
// Terminal states have no way out: completed, cancelled.
bool IsTerminal(WorkOrderStatus status);

// OK when the move is allowed; otherwise invalid_state_transition naming the current state
// and `what` (e.g. "start the work order"), with details.current_state.
Status CheckMove(WorkOrderStatus from, WorkOrderStatus to, std::string_view what);

}  // namespace work_orders
}  // namespace celeste

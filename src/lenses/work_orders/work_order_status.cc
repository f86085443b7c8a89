#include "lenses/work_orders/work_order_status.h"

#include <array>

namespace celeste {
namespace {

using S = WorkOrderStatus;

struct Move {
  S from;
  S to;
};

// Migration 0007's guard, move for move. Nothing else moves a work order.
constexpr std::array kAllowedMoves = {
    Move{S::kPlanned, S::kInProgress},   Move{S::kPlanned, S::kOnHold},
    Move{S::kPlanned, S::kCompleted},    Move{S::kPlanned, S::kCancelled},
    Move{S::kInProgress, S::kOnHold},    Move{S::kInProgress, S::kCompleted},
    Move{S::kInProgress, S::kCancelled}, Move{S::kOnHold, S::kPlanned},
    Move{S::kOnHold, S::kInProgress},    Move{S::kOnHold, S::kCancelled},
};

constexpr std::string_view kOriginNames[] = {"fault", "schedule", "manual"};
constexpr WorkOrderOrigin kAllOrigins[] = {WorkOrderOrigin::kFault, WorkOrderOrigin::kSchedule,
                                           WorkOrderOrigin::kManual};

}  // namespace

std::string_view WorkOrderStatusName(WorkOrderStatus status) {
  return kWorkOrderStatusNames[static_cast<size_t>(status)];
}

std::optional<WorkOrderStatus> ParseWorkOrderStatus(std::string_view name) {
  for (WorkOrderStatus status : kAllWorkOrderStatuses) {
    if (WorkOrderStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view WorkOrderOriginName(WorkOrderOrigin origin) {
  return kOriginNames[static_cast<size_t>(origin)];
}

std::optional<WorkOrderOrigin> ParseWorkOrderOrigin(std::string_view name) {
  for (WorkOrderOrigin origin : kAllOrigins) {
    if (WorkOrderOriginName(origin) == name) return origin;
  }
  return std::nullopt;
}

namespace work_orders {

bool IsAllowedMove(WorkOrderStatus from, WorkOrderStatus to) {
  for (const Move& move : kAllowedMoves) {
    if (move.from == from && move.to == to) return true;
  }
  return false;
}

bool IsTerminal(WorkOrderStatus status) {
  for (const Move& move : kAllowedMoves) {
    if (move.from == status) return false;
  }
  return true;
}

Status CheckMove(WorkOrderStatus from, WorkOrderStatus to, std::string_view what) {
  if (IsAllowedMove(from, to)) return Status::OK();
  return Status::InvalidTransition(WorkOrderStatusName(from), what);
}

}  // namespace work_orders
}  // namespace celeste

#include "lenses/faults/fault_status.h"

#include <array>

namespace celeste::faults {
namespace {

using S = FaultStatus;
using E = FaultEvent;

struct Move {
  E event;
  S from;
  S to;
};

// The one table (fault_status.h). Nothing else moves a fault.
constexpr std::array kMoves = {
    Move{E::kAcknowledge, S::kOpen, S::kAcknowledged},
    Move{E::kRaiseWorkOrder, S::kOpen, S::kWorkOrdered},
    Move{E::kRaiseWorkOrder, S::kAcknowledged, S::kWorkOrdered},
    Move{E::kResolveWithoutWorkOrder, S::kOpen, S::kResolved},
    Move{E::kResolveWithoutWorkOrder, S::kAcknowledged, S::kResolved},
    Move{E::kWorkOrderCompleted, S::kWorkOrdered, S::kResolved},
    Move{E::kWorkOrderCancelled, S::kWorkOrdered, S::kAcknowledged},
    Move{E::kClose, S::kResolved, S::kClosed},
};

struct EventVerb {
  E event;
  std::string_view verb;
};

constexpr std::array kVerbs = {
    EventVerb{E::kAcknowledge, "acknowledge the fault"},
    EventVerb{E::kRaiseWorkOrder, "raise a work order for the fault"},
    EventVerb{E::kResolveWithoutWorkOrder, "resolve the fault without a work order"},
    EventVerb{E::kWorkOrderCompleted, "resolve the fault by its completed work order"},
    EventVerb{E::kWorkOrderCancelled, "return the fault to acknowledged"},
    EventVerb{E::kClose, "close the fault"},
};

}  // namespace

std::string_view FaultStatusName(FaultStatus status) {
  return kFaultStatusNames[static_cast<size_t>(status)];
}

std::optional<FaultStatus> ParseFaultStatus(std::string_view name) {
  for (FaultStatus status : kAllFaultStatuses) {
    if (FaultStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view FaultEventVerb(FaultEvent event) {
  for (const EventVerb& entry : kVerbs) {
    if (entry.event == event) return entry.verb;
  }
  return "move the fault";  // unreachable for a valid enum value
}

std::optional<FaultStatus> NextFaultStatus(FaultStatus from, FaultEvent event) {
  for (const Move& move : kMoves) {
    if (move.event == event && move.from == from) return move.to;
  }
  return std::nullopt;
}

bool IsAllowedFaultMove(FaultStatus from, FaultStatus to) {
  for (const Move& move : kMoves) {
    if (move.from == from && move.to == to) return true;
  }
  return false;
}

Result<FaultStatus> ApplyFaultEvent(FaultStatus from, FaultEvent event) {
  if (auto to = NextFaultStatus(from, event)) return *to;
  return Status::InvalidTransition(FaultStatusName(from), FaultEventVerb(event));
}

}  // namespace celeste::faults

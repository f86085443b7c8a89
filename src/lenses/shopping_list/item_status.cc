#include "lenses/shopping_list/item_status.h"

#include <array>

namespace celeste {
namespace {

using S = ShoppingListStatus;

struct StatusName {
  S status;
  std::string_view name;
};

constexpr std::array kNames = {
    StatusName{S::kRequested, "requested"},
    StatusName{S::kUnderReview, "under_review"},
    StatusName{S::kApproved, "approved"},
    StatusName{S::kOrdered, "ordered"},
    StatusName{S::kPartiallyFulfilled, "partially_fulfilled"},
    StatusName{S::kFulfilled, "fulfilled"},
    StatusName{S::kRejected, "rejected"},
};

struct Move {
  S from;
  S to;
};

// The allowed moves of CONTRACT §7, plus ordered -> approved: a cancelled purchase order
// releases its items (the receiving lens; docs/api.md). Nothing else moves an item.
constexpr std::array kAllowedMoves = {
    Move{S::kRequested, S::kUnderReview}, Move{S::kRequested, S::kApproved},
    Move{S::kRequested, S::kRejected},    Move{S::kUnderReview, S::kApproved},
    Move{S::kUnderReview, S::kRejected},  Move{S::kApproved, S::kOrdered},
    Move{S::kOrdered, S::kApproved},      Move{S::kOrdered, S::kPartiallyFulfilled},
    Move{S::kOrdered, S::kFulfilled},     Move{S::kPartiallyFulfilled, S::kFulfilled},
};

}  // namespace

std::string_view ShoppingListStatusName(ShoppingListStatus status) {
  for (const auto& entry : kNames) {
    if (entry.status == status) return entry.name;
  }
  return "requested";  // unreachable for a valid enum value
}

std::optional<ShoppingListStatus> ParseShoppingListStatus(std::string_view name) {
  for (const auto& entry : kNames) {
    if (entry.name == name) return entry.status;
  }
  return std::nullopt;
}

namespace shopping_list {

bool IsAllowedMove(ShoppingListStatus from, ShoppingListStatus to) {
  for (const auto& move : kAllowedMoves) {
    if (move.from == from && move.to == to) return true;
  }
  return false;
}

bool IsTerminal(ShoppingListStatus status) {
  for (const auto& move : kAllowedMoves) {
    if (move.from == status) return false;
  }
  return true;
}

Status CheckMove(ShoppingListStatus from, ShoppingListStatus to, std::string_view what) {
  if (IsAllowedMove(from, to)) return Status::OK();
  return Status::InvalidTransition(ShoppingListStatusName(from), what);
}

}  // namespace shopping_list
}  // namespace celeste

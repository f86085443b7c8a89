// The shopping list item's state machine (CONTRACT §7), in one table.
//
//   requested -> under_review -> approved -> ordered -> partially_fulfilled -> fulfilled
//   requested -> approved, requested|under_review -> rejected, ordered -> fulfilled
//   ordered -> approved (a cancelled purchase order releases its items; docs/api.md)
//
// `rejected` and `fulfilled` are terminal; every other state is open.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace celeste {

enum class ShoppingListStatus {
  kRequested,
  kUnderReview,
  kApproved,
  kOrdered,
  kPartiallyFulfilled,
  kFulfilled,
  kRejected,
};

inline constexpr ShoppingListStatus kAllShoppingListStatuses[] = {
    ShoppingListStatus::kRequested,          ShoppingListStatus::kUnderReview,
    ShoppingListStatus::kApproved,           ShoppingListStatus::kOrdered,
    ShoppingListStatus::kPartiallyFulfilled, ShoppingListStatus::kFulfilled,
    ShoppingListStatus::kRejected,
};

// "under_review", as stored and as clients see it.
std::string_view ShoppingListStatusName(ShoppingListStatus status);
std::optional<ShoppingListStatus> ParseShoppingListStatus(std::string_view name);

namespace shopping_list {

// True when the table allows from -> to (never from a state to itself).
bool IsAllowedMove(ShoppingListStatus from, ShoppingListStatus to);
// Terminal states have no way out: rejected, fulfilled.
bool IsTerminal(ShoppingListStatus status);

// OK when the move is allowed; otherwise invalid_state_transition naming the current
// state and `what` (e.g. "approve"), with details.current_state.
Status CheckMove(ShoppingListStatus from, ShoppingListStatus to, std::string_view what);

}  // namespace shopping_list
}  // namespace celeste

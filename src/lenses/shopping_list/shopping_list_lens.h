// Shopping list lens (CONTRACT §7, flag SHOPPING_LIST_LENS_V1_ENABLED): crew request parts,
// heads of department review, approve or reject the requests, and requests for parts not
// yet in the catalog ("candidate parts") can be promoted into it.
//
// This header is the lens's whole public surface: its registration, and the state moves
// other lenses (receiving) drive. The rest of the folder is internal to the lens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "actions/registry.h"
#include "auth/roles.h"
#include "core/status.h"
#include "lenses/shopping_list/item_status.h"
#include "store/store.h"

namespace celeste {

inline constexpr std::string_view kShoppingListLensId = "shopping_list";
inline constexpr std::string_view kShoppingListLensFlag = "SHOPPING_LIST_LENS_V1_ENABLED";

// Registers the lens and its nine actions. Call once at start-up, before serving.
void RegisterShoppingListLens(Registry& registry);

// Moves a yacht's shopping list item to `to_status` inside the caller's transaction, by
// the same table the lens's actions obey, and appends the history row (actor, role, at,
// notes). For other lenses: the receiving lens moves approved items to ordered,
// partially_fulfilled and fulfilled through here.
//
// Errors, in this order: not_found when the yacht has no such item (another yacht's item
// included); invalid_state_transition when the table forbids the move from the item's
// current state (details.current_state), or another transaction moved it first;
// business_rule_violation rule "use_shopping_list_action" for a move into under_review,
// approved or rejected — those carry the reviewer's data and go through the lens's
// review/approve/reject actions.
Status TransitionShoppingListItem(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                                  ShoppingListStatus to_status, std::string_view actor_id,
                                  Role actor_role, std::string_view at,
                                  const std::optional<std::string>& notes = std::nullopt);

}  // namespace celeste

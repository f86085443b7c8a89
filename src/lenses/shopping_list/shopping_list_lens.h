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

#include <boost/json/object.hpp>

#include "actions/registry.h"
#include "auth/roles.h"
#include "core/result.h"
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
// partially_fulfilled and fulfilled through here, and a cancelled order's items from
// ordered back to approved.
//
// Errors, in this order: not_found when the yacht has no such item (another yacht's item
// included); invalid_state_transition when the table forbids the move from the item's
// current state (details.current_state), or another transaction moved it first;
// business_rule_violation rule "use_shopping_list_action" for a move into under_review,
// approved (except from ordered) or rejected — those carry the reviewer's data and go
// through the lens's review/approve/reject actions.
Status TransitionShoppingListItem(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                                  ShoppingListStatus to_status, std::string_view actor_id,
                                  Role actor_role, std::string_view at,
                                  const std::optional<std::string>& notes = std::nullopt);

// What another lens (receiving) needs to know of an item it orders or receives.
struct ShoppingListItemSummary {
  std::string id;
  ShoppingListStatus status = ShoppingListStatus::kRequested;
  std::optional<std::string> part_id;  // nullopt: a candidate part, not in the catalog
  std::string part_name;
  std::optional<std::string> part_number;
  std::optional<std::string> unit;
  double quantity = 0;  // approved (requested while not yet approved)
};

// The yacht's item; not_found (details.item_id) when the yacht has no such item, another
// yacht's included. LockShoppingListItem keeps it locked until the transaction ends on
// PostgreSQL (write transactions only), so concurrent orders and receipts of one item
// queue up.
Result<ShoppingListItemSummary> LoadShoppingListItem(Tx& tx, std::string_view yacht_id,
                                                     std::string_view item_id);
Result<ShoppingListItemSummary> LockShoppingListItem(Tx& tx, std::string_view yacht_id,
                                                     std::string_view item_id);

// A request for a catalog part made and approved at once (the parts lens's signed
// order_part_with_approval): requested by one person, approved by another (the signer).
struct ApprovedPartRequest {
  std::string part_id;  // a catalog part of the yacht
  double quantity = 0;  // requested and approved
  std::string urgency = "normal";
  std::optional<std::string> notes;
  std::string requester_id;
  Role requester_role = Role::kCrew;
  std::string approver_id;
  Role approver_role = Role::kCrew;
  std::optional<std::string> approval_notes;
  std::string at;  // RFC 3339
};

// Creates the item inside the caller's transaction: status approved, its history showing
// the request (requester) then the approval (approver). not_found when the part is not in
// the yacht's catalog; duplicate (details.existing_id) when an open item already requests
// it. Returns the item as view_shopping_list_item shows it.
Result<boost::json::object> CreateApprovedPartRequest(Tx& tx, std::string_view yacht_id,
                                                      const ApprovedPartRequest& request);

}  // namespace celeste

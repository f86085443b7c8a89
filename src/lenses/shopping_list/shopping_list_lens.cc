#include "lenses/shopping_list/shopping_list_lens.h"

#include <utility>

#include "lenses/shopping_list/action_defs.h"
#include "lenses/shopping_list/item_transition.h"
#include "lenses/shopping_list/shopping_list_item.h"

namespace celeste {
namespace {

// The moves another lens may drive: they carry no data beyond the history row.
bool IsPlainMove(ShoppingListStatus to) {
  return to == ShoppingListStatus::kOrdered || to == ShoppingListStatus::kPartiallyFulfilled ||
         to == ShoppingListStatus::kFulfilled;
}

}  // namespace

void RegisterShoppingListLens(Registry& registry) {
  registry.AddLens(shopping_list::ShoppingListLensDef());
  for (ActionDef& action : shopping_list::ShoppingListActionDefs()) {
    registry.AddAction(std::move(action));
  }
}

Status TransitionShoppingListItem(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                                  ShoppingListStatus to_status, std::string_view actor_id,
                                  Role actor_role, std::string_view at,
                                  const std::optional<std::string>& notes) {
  CELESTE_ASSIGN_OR_RETURN(auto item, shopping_list::LockItem(tx, yacht_id, item_id));
  std::string what = "move to '" + std::string(ShoppingListStatusName(to_status)) + "'";
  CELESTE_RETURN_IF_ERROR(shopping_list::CheckMove(item.status, to_status, what));
  if (!IsPlainMove(to_status)) {
    return Status::RuleViolation(
        "use_shopping_list_action",
        "review, approval and rejection go through the shopping list's own actions");
  }
  const shopping_list::Actor actor{.id = std::string(actor_id),
                                   .role = std::string(RoleName(actor_role)),
                                   .at = std::string(at)};
  return shopping_list::MoveItem(tx, item, to_status, actor, notes, what);
}

}  // namespace celeste

#include "lenses/shopping_list/item_transition.h"

namespace celeste::shopping_list {

Status InsertRequestedItem(Tx& tx, const ShoppingListItem& item, const Actor& actor) {
  if (item.status != ShoppingListStatus::kRequested) {
    return Status::Internal("a new shopping list item must start as 'requested'");
  }
  return InsertItem(tx, item, actor);  // the database writes the first history row
}

Status MoveItem(Tx& tx, const ShoppingListItem& item, ShoppingListStatus to, const Actor& actor,
                const std::optional<std::string>& notes, std::string_view what) {
  CELESTE_RETURN_IF_ERROR(CheckMove(item.status, to, what));
  // The database writes the history row (migrations 0003).
  return UpdateItemStatus(tx, item.yacht_id, item.id, item.status, to, actor, notes);
}

}  // namespace celeste::shopping_list

#include "lenses/shopping_list/item_transition.h"

#include "core/uuid.h"
#include "lenses/shopping_list/item_history.h"

namespace celeste::shopping_list {

Status InsertRequestedItem(Tx& tx, const ShoppingListItem& item, const Actor& actor) {
  if (item.status != ShoppingListStatus::kRequested) {
    return Status::Internal("a new shopping list item must start as 'requested'");
  }
  CELESTE_RETURN_IF_ERROR(InsertItem(tx, item));
  return AppendHistory(tx, item.yacht_id,
                       HistoryEntry{.id = NewUuidV7(),
                                    .item_id = item.id,
                                    .from_status = std::nullopt,
                                    .to_status = ShoppingListStatus::kRequested,
                                    .actor_id = actor.id,
                                    .actor_role = actor.role,
                                    .at = actor.at,
                                    .notes = std::nullopt});
}

Status MoveItem(Tx& tx, const ShoppingListItem& item, ShoppingListStatus to, const Actor& actor,
                const std::optional<std::string>& notes, std::string_view what) {
  CELESTE_RETURN_IF_ERROR(CheckMove(item.status, to, what));
  CELESTE_RETURN_IF_ERROR(UpdateItemStatus(tx, item.yacht_id, item.id, item.status, to, actor.at));
  return AppendHistory(tx, item.yacht_id,
                       HistoryEntry{.id = NewUuidV7(),
                                    .item_id = item.id,
                                    .from_status = item.status,
                                    .to_status = to,
                                    .actor_id = actor.id,
                                    .actor_role = actor.role,
                                    .at = actor.at,
                                    .notes = notes});
}

}  // namespace celeste::shopping_list

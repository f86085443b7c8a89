// Moving a shopping list item through its states, in one place. Every status change of
// an item goes through here; item_status.h holds the table. The history rows are written
// by the database's triggers from the actor given here (migrations 0003), on both backends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "lenses/shopping_list/item_status.h"
#include "lenses/shopping_list/shopping_list_item.h"
#include "store/store.h"

namespace celeste::shopping_list {

// Inserts a new item (its status must be `requested`); its creation history row (from NULL
// to requested) follows from the insert.
Status InsertRequestedItem(Tx& tx, const ShoppingListItem& item, const Actor& actor);

// Moves `item` (as read in this transaction) from its status to `to`; the history row
// follows from the update. invalid_state_transition when the table forbids the move — `what` names
// it in the message, e.g. "approve" — or when another transaction moved the item first.
Status MoveItem(Tx& tx, const ShoppingListItem& item, ShoppingListStatus to, const Actor& actor,
                const std::optional<std::string>& notes, std::string_view what);

}  // namespace celeste::shopping_list

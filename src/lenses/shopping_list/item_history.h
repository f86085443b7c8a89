// The state history of shopping list items (pms_shopping_list_state_history): one row per
// move, creation included (from_status NULL), written by the database's triggers in the
// transaction of the move (migrations 0003: the server only reads it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "lenses/shopping_list/item_status.h"
#include "store/store.h"

namespace celeste::shopping_list {

struct HistoryEntry {
  std::string id;
  std::string item_id;
  std::optional<ShoppingListStatus> from_status;  // nullopt: the item's creation
  ShoppingListStatus to_status = ShoppingListStatus::kRequested;
  std::string actor_id;
  std::string actor_role;
  std::string at;
  std::optional<std::string> notes;

  // {from_status, to_status, actor_id, actor_role, at, notes}
  boost::json::object ToJson() const;
};

// The item's history on this yacht, oldest first.
Result<std::vector<HistoryEntry>> LoadHistory(Tx& tx, std::string_view yacht_id,
                                              std::string_view item_id);

}  // namespace celeste::shopping_list

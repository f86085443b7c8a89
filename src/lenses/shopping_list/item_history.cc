#include "lenses/shopping_list/item_history.h"

#include <algorithm>

#include "lenses/json_values.h"

namespace celeste::shopping_list {
namespace {

// Oldest first by time; moves made at the same instant (several in one transaction) are
// put in order by their statuses (ChainSameInstant).
const Sql kSelectHistory{
    "SELECT id, item_id, from_status, to_status, actor_id, actor_role, at, notes "
    "FROM pms_shopping_list_state_history WHERE yacht_id = $1 AND item_id = $2 ORDER BY at, id"};

// Within each run of rows with the same `at`, puts at each place the row that leaves the
// status the row before it arrived at (the first row: the creation, from nothing). History
// ids come from the database's triggers and are random, so they cannot order moves made at
// one instant.
void ChainSameInstant(std::vector<HistoryEntry>& history) {
  for (size_t i = 0; i < history.size(); ++i) {
    const std::optional<ShoppingListStatus> arrived =
        i == 0 ? std::nullopt : std::optional<ShoppingListStatus>(history[i - 1].to_status);
    if (history[i].from_status == arrived) continue;
    for (size_t j = i + 1; j < history.size() && history[j].at == history[i].at; ++j) {
      if (history[j].from_status == arrived) {
        std::rotate(history.begin() + static_cast<std::ptrdiff_t>(i),
                    history.begin() + static_cast<std::ptrdiff_t>(j),
                    history.begin() + static_cast<std::ptrdiff_t>(j + 1));
        break;
      }
    }
  }
}

Result<HistoryEntry> HistoryEntryFromRow(const Row& row) {
  auto to_status = ParseShoppingListStatus(row.Text(3));
  std::optional<ShoppingListStatus> from_status;
  if (!row.IsNull(2)) from_status = ParseShoppingListStatus(row.Text(2));
  if (!to_status || (!row.IsNull(2) && !from_status)) {
    return Status::Internal("shopping list history row " + row.Text(0) + " has an unknown status");
  }
  return HistoryEntry{
      .id = row.Text(0),
      .item_id = row.Text(1),
      .from_status = from_status,
      .to_status = *to_status,
      .actor_id = row.Text(4),
      .actor_role = row.Text(5),
      .at = row.Text(6),
      .notes = row.OptText(7),
  };
}

}  // namespace

boost::json::object HistoryEntry::ToJson() const {
  boost::json::value from = nullptr;
  if (from_status) from = ShoppingListStatusName(*from_status);
  return {
      {"from_status", std::move(from)},
      {"to_status", ShoppingListStatusName(to_status)},
      {"actor_id", actor_id},
      {"actor_role", actor_role},
      {"at", at},
      {"notes", TextOrNull(notes)},
  };
}

Result<std::vector<HistoryEntry>> LoadHistory(Tx& tx, std::string_view yacht_id,
                                              std::string_view item_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectHistory, {yacht_id, item_id}));
  std::vector<HistoryEntry> history;
  history.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto entry, HistoryEntryFromRow(row));
    history.push_back(std::move(entry));
  }
  ChainSameInstant(history);
  return history;
}

}  // namespace celeste::shopping_list

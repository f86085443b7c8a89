#include "lenses/shopping_list/item_history.h"

#include "lenses/shopping_list/json_values.h"

namespace celeste::shopping_list {
namespace {

const Sql kInsertHistory{
    "INSERT INTO pms_shopping_list_state_history (id, yacht_id, item_id, from_status, "
    "to_status, actor_id, actor_role, at, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};

// Ids are UUIDv7: id order is the order the moves were written in.
const Sql kSelectHistory{
    "SELECT id, item_id, from_status, to_status, actor_id, actor_role, at, notes "
    "FROM pms_shopping_list_state_history WHERE yacht_id = $1 AND item_id = $2 ORDER BY id"};

std::optional<std::string_view> StatusNameOrNull(const std::optional<ShoppingListStatus>& s) {
  if (!s) return std::nullopt;
  return ShoppingListStatusName(*s);
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

Status AppendHistory(Tx& tx, std::string_view yacht_id, const HistoryEntry& entry) {
  return tx.ExecDeferred(kInsertHistory,
                         {entry.id, yacht_id, entry.item_id, StatusNameOrNull(entry.from_status),
                          ShoppingListStatusName(entry.to_status), entry.actor_id, entry.actor_role,
                          entry.at, entry.notes},
                         1);
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
  return history;
}

}  // namespace celeste::shopping_list

// The shopping list item (pms_shopping_list_items): its record, its JSON and its queries.
// Every query is scoped by yacht_id: another yacht's item is indistinguishable from a
// missing one.
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

inline constexpr std::string_view kItemEntityType = "shopping_list_item";

struct ShoppingListItem {
  std::string id;
  std::string yacht_id;
  std::string part_name;
  std::optional<std::string> part_id;  // nullopt: a candidate part, not in the catalog
  std::optional<std::string> part_number;
  std::optional<std::string> manufacturer;
  std::optional<std::string> unit;
  double quantity_requested = 0;
  std::optional<double> quantity_approved;
  std::string source_type;
  std::string urgency = "normal";
  std::optional<std::string> required_by_date;
  std::optional<std::string> source_work_order_id;
  std::optional<std::string> notes;
  ShoppingListStatus status = ShoppingListStatus::kRequested;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> reviewed_by;
  std::optional<std::string> reviewed_at;
  std::optional<std::string> approved_by;
  std::optional<std::string> approved_at;
  std::optional<std::string> approval_notes;
  std::optional<std::string> rejected_by;
  std::optional<std::string> rejected_at;
  std::optional<std::string> rejection_reason;
  std::optional<std::string> rejection_notes;
  std::optional<std::string> promoted_by;
  std::optional<std::string> promoted_at;

  // Every column; absent values are null, quantities are numbers.
  boost::json::object ToJson() const;
};

// The item, or not_found when no item has this id on this yacht.
Result<ShoppingListItem> LoadItem(Tx& tx, std::string_view yacht_id, std::string_view item_id);
// LoadItem for an action that changes the item: on PostgreSQL the row stays locked until
// the transaction ends (SELECT ... FOR UPDATE), so concurrent actions on one item queue up.
// Write transactions only.
Result<ShoppingListItem> LockItem(Tx& tx, std::string_view yacht_id, std::string_view item_id);

// Who did something, when: the bookkeeping columns of review, approval, rejection,
// promotion, and of each history row.
struct Actor {
  std::string id;
  std::string role;  // RoleName
  std::string at;    // RFC 3339
};

// Inserts the item as it is (its yacht_id names the tenant). The database writes its first
// history row (from nothing to its status) with `actor` (see UpdateItemStatus).
Status InsertItem(Tx& tx, const ShoppingListItem& item, const Actor& actor);

// The id of an open item (not rejected, not fulfilled) for this catalog part and source
// work order, or nullopt. A missing work order matches only a missing work order.
Result<std::optional<std::string>> FindOpenItemForPart(
    Tx& tx, std::string_view yacht_id, std::string_view part_id,
    const std::optional<std::string>& source_work_order_id);

// The fields update_shopping_list_item may change; nullopt leaves a field as it is.
struct ItemEdits {
  std::optional<double> quantity_requested;
  std::optional<std::string> urgency;
  std::optional<std::string> required_by_date;
  std::optional<std::string> notes;

  bool empty() const { return !quantity_requested && !urgency && !required_by_date && !notes; }
};
Status ApplyItemEdits(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                      const ItemEdits& edits, std::string_view at);

// Bookkeeping of each decision. They write columns only; the status moves with MoveItem
// (item_transition.h), after them, in the same transaction.
Status RecordReview(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                    const Actor& actor);
Status RecordApproval(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                      double quantity_approved, const std::optional<std::string>& approval_notes,
                      const Actor& actor);
Status RecordRejection(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                       std::string_view rejection_reason,
                       const std::optional<std::string>& rejection_notes, const Actor& actor);
// Links a candidate item to the catalog part promoted from it.
Status LinkPromotedPart(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                        std::string_view part_id, const std::optional<std::string>& part_number,
                        const Actor& actor);

// Sets the status to `to` only while it is still `from`; invalid_state_transition when
// another transaction moved the item first. The item's status_changed_by/_role and
// status_change_notes say who moved it and why; the database's triggers copy them, with
// the time, into the history (migrations 0003), so every move is recorded whatever code
// makes it.
Status UpdateItemStatus(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                        ShoppingListStatus from, ShoppingListStatus to, const Actor& actor,
                        const std::optional<std::string>& notes);

struct ItemPage {
  std::vector<ShoppingListItem> items;     // newest first
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
// One page of the yacht's items, newest first, optionally of one status, starting after
// the item `after_id` (a cursor from the previous page).
Result<ItemPage> ListItems(Tx& tx, std::string_view yacht_id,
                           std::optional<ShoppingListStatus> status,
                           const std::optional<std::string>& after_id, int64_t limit);

}  // namespace celeste::shopping_list

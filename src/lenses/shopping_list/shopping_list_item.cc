#include "lenses/shopping_list/shopping_list_item.h"

#include <algorithm>
#include <cstddef>

#include "lenses/json_values.h"

namespace celeste::shopping_list {
namespace {

// Every item column, in the order of Col (ItemFromRow reads by these positions).
#define CELESTE_SHOPPING_LIST_ITEM_COLUMNS                                                     \
  "id, yacht_id, part_name, part_id, part_number, manufacturer, unit, quantity_requested, "    \
  "quantity_approved, source_type, urgency, required_by_date, source_work_order_id, notes, "   \
  "status, created_by, created_at, updated_at, reviewed_by, reviewed_at, approved_by, "        \
  "approved_at, approval_notes, rejected_by, rejected_at, rejection_reason, rejection_notes, " \
  "promoted_by, promoted_at"

enum Col : size_t {
  kId,
  kYachtId,
  kPartName,
  kPartId,
  kPartNumber,
  kManufacturer,
  kUnit,
  kQuantityRequested,
  kQuantityApproved,
  kSourceType,
  kUrgency,
  kRequiredByDate,
  kSourceWorkOrderId,
  kNotes,
  kStatus,
  kCreatedBy,
  kCreatedAt,
  kUpdatedAt,
  kReviewedBy,
  kReviewedAt,
  kApprovedBy,
  kApprovedAt,
  kApprovalNotes,
  kRejectedBy,
  kRejectedAt,
  kRejectionReason,
  kRejectionNotes,
  kPromotedBy,
  kPromotedAt,
};

#define CELESTE_SELECT_ITEM                    \
  "SELECT " CELESTE_SHOPPING_LIST_ITEM_COLUMNS \
  " FROM pms_shopping_list_items WHERE yacht_id = $1 AND id = $2"
const Sql kSelectItem{CELESTE_SELECT_ITEM};
// PostgreSQL runs writes at READ COMMITTED: an action that moves or edits an item locks it
// first, so a concurrent action on the same item waits and then sees the new status.
// (SQLite has one writer at a time.)
const Sql kLockItem{CELESTE_SELECT_ITEM, CELESTE_SELECT_ITEM " FOR UPDATE"};
#undef CELESTE_SELECT_ITEM

const Sql kInsertItem{
    "INSERT INTO pms_shopping_list_items (" CELESTE_SHOPPING_LIST_ITEM_COLUMNS
    ", status_changed_by, status_changed_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, "
    "$29, $30, $31)"};

// Matches the partial unique index pms_shopping_list_items_open_part term for term, so
// both backends answer it from the index.
const Sql kSelectOpenItemForPart{
    "SELECT id FROM pms_shopping_list_items WHERE yacht_id = $1 AND part_id = $2 "
    "AND COALESCE(source_work_order_id, '') = COALESCE($3, '') "
    "AND status <> 'rejected' AND status <> 'fulfilled' LIMIT 1",
    "SELECT id FROM pms_shopping_list_items WHERE yacht_id = $1 AND part_id = $2 "
    "AND COALESCE(source_work_order_id, '00000000-0000-0000-0000-000000000000'::uuid) = "
    "COALESCE($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid) "
    "AND status NOT IN ('rejected', 'fulfilled') LIMIT 1"};

const Sql kUpdateItemEdits{
    "UPDATE pms_shopping_list_items SET quantity_requested = COALESCE($3, quantity_requested), "
    "urgency = COALESCE($4, urgency), required_by_date = COALESCE($5, required_by_date), "
    "notes = COALESCE($6, notes), updated_at = $7 WHERE yacht_id = $1 AND id = $2"};

const Sql kUpdateReview{
    "UPDATE pms_shopping_list_items SET reviewed_by = $3, reviewed_at = $4, updated_at = $4 "
    "WHERE yacht_id = $1 AND id = $2"};

const Sql kUpdateApproval{
    "UPDATE pms_shopping_list_items SET quantity_approved = $3, approval_notes = $4, "
    "approved_by = $5, approved_at = $6, updated_at = $6 WHERE yacht_id = $1 AND id = $2"};

const Sql kUpdateRejection{
    "UPDATE pms_shopping_list_items SET rejection_reason = $3, rejection_notes = $4, "
    "rejected_by = $5, rejected_at = $6, updated_at = $6 WHERE yacht_id = $1 AND id = $2"};

const Sql kUpdatePromotedPart{
    "UPDATE pms_shopping_list_items SET part_id = $3, part_number = $4, promoted_by = $5, "
    "promoted_at = $6, updated_at = $6 WHERE yacht_id = $1 AND id = $2 AND part_id IS NULL"};

const Sql kUpdateStatus{
    "UPDATE pms_shopping_list_items SET status = $4, updated_at = $5, status_changed_by = $6, "
    "status_changed_role = $7, status_change_notes = $8 "
    "WHERE yacht_id = $1 AND id = $2 AND status = $3"};

// Newest first (ids are UUIDv7); the page asks for one row more than it shows, to know
// whether a next page exists.
const Sql kListAll{"SELECT " CELESTE_SHOPPING_LIST_ITEM_COLUMNS
                   " FROM pms_shopping_list_items WHERE yacht_id = $1 "
                   "ORDER BY id DESC LIMIT $2"};
const Sql kListAllAfter{"SELECT " CELESTE_SHOPPING_LIST_ITEM_COLUMNS
                        " FROM pms_shopping_list_items WHERE yacht_id = $1 AND id < $2 "
                        "ORDER BY id DESC LIMIT $3"};
const Sql kListByStatus{"SELECT " CELESTE_SHOPPING_LIST_ITEM_COLUMNS
                        " FROM pms_shopping_list_items WHERE yacht_id = $1 AND status = $2 "
                        "ORDER BY id DESC LIMIT $3"};
const Sql kListByStatusAfter{"SELECT " CELESTE_SHOPPING_LIST_ITEM_COLUMNS
                             " FROM pms_shopping_list_items WHERE yacht_id = $1 AND status = $2 "
                             "AND id < $3 ORDER BY id DESC LIMIT $4"};

#undef CELESTE_SHOPPING_LIST_ITEM_COLUMNS

const Sql& ListStatement(bool by_status, bool after_cursor) {
  if (by_status) return after_cursor ? kListByStatusAfter : kListByStatus;
  return after_cursor ? kListAllAfter : kListAll;
}

Result<ShoppingListItem> ItemFromRow(const Row& row) {
  auto status = ParseShoppingListStatus(row.Text(kStatus));
  if (!status) {
    return Status::Internal("shopping list item " + row.Text(kId) + " has unknown status '" +
                            row.Text(kStatus) + "'");
  }
  return ShoppingListItem{
      .id = row.Text(kId),
      .yacht_id = row.Text(kYachtId),
      .part_name = row.Text(kPartName),
      .part_id = row.OptText(kPartId),
      .part_number = row.OptText(kPartNumber),
      .manufacturer = row.OptText(kManufacturer),
      .unit = row.OptText(kUnit),
      .quantity_requested = row.Real(kQuantityRequested),
      .quantity_approved = row.OptReal(kQuantityApproved),
      .source_type = row.Text(kSourceType),
      .urgency = row.Text(kUrgency),
      .required_by_date = row.OptText(kRequiredByDate),
      .source_work_order_id = row.OptText(kSourceWorkOrderId),
      .notes = row.OptText(kNotes),
      .status = *status,
      .created_by = row.Text(kCreatedBy),
      .created_at = row.Text(kCreatedAt),
      .updated_at = row.Text(kUpdatedAt),
      .reviewed_by = row.OptText(kReviewedBy),
      .reviewed_at = row.OptText(kReviewedAt),
      .approved_by = row.OptText(kApprovedBy),
      .approved_at = row.OptText(kApprovedAt),
      .approval_notes = row.OptText(kApprovalNotes),
      .rejected_by = row.OptText(kRejectedBy),
      .rejected_at = row.OptText(kRejectedAt),
      .rejection_reason = row.OptText(kRejectionReason),
      .rejection_notes = row.OptText(kRejectionNotes),
      .promoted_by = row.OptText(kPromotedBy),
      .promoted_at = row.OptText(kPromotedAt),
  };
}

// Exec for statements that must change exactly the one item they name.
Status ExpectOneItemChanged(Result<int64_t> changed, std::string_view item_id) {
  if (!changed.ok()) return std::move(changed).TakeStatus();
  if (*changed != 1) {
    return Status::NotFound("no shopping list item " + std::string(item_id) + " on this yacht");
  }
  return Status::OK();
}

}  // namespace

boost::json::object ShoppingListItem::ToJson() const {
  return {
      {"id", id},
      {"yacht_id", yacht_id},
      {"part_name", part_name},
      {"part_id", TextOrNull(part_id)},
      {"part_number", TextOrNull(part_number)},
      {"manufacturer", TextOrNull(manufacturer)},
      {"unit", TextOrNull(unit)},
      {"quantity_requested", NumberValue(quantity_requested)},
      {"quantity_approved", NumberOrNull(quantity_approved)},
      {"source_type", source_type},
      {"urgency", urgency},
      {"required_by_date", TextOrNull(required_by_date)},
      {"source_work_order_id", TextOrNull(source_work_order_id)},
      {"notes", TextOrNull(notes)},
      {"status", ShoppingListStatusName(status)},
      {"is_candidate_part", !part_id.has_value()},
      {"created_by", created_by},
      {"created_at", created_at},
      {"updated_at", updated_at},
      {"reviewed_by", TextOrNull(reviewed_by)},
      {"reviewed_at", TextOrNull(reviewed_at)},
      {"approved_by", TextOrNull(approved_by)},
      {"approved_at", TextOrNull(approved_at)},
      {"approval_notes", TextOrNull(approval_notes)},
      {"rejected_by", TextOrNull(rejected_by)},
      {"rejected_at", TextOrNull(rejected_at)},
      {"rejection_reason", TextOrNull(rejection_reason)},
      {"rejection_notes", TextOrNull(rejection_notes)},
      {"promoted_by", TextOrNull(promoted_by)},
      {"promoted_at", TextOrNull(promoted_at)},
  };
}

namespace {

Result<ShoppingListItem> ReadItem(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                  std::string_view item_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, item_id}));
  if (!row) {
    return Status::NotFound("no shopping list item " + std::string(item_id) + " on this yacht");
  }
  return ItemFromRow(*row);
}

}  // namespace

Result<ShoppingListItem> LoadItem(Tx& tx, std::string_view yacht_id, std::string_view item_id) {
  return ReadItem(tx, kSelectItem, yacht_id, item_id);
}

Result<ShoppingListItem> LockItem(Tx& tx, std::string_view yacht_id, std::string_view item_id) {
  return ReadItem(tx, kLockItem, yacht_id, item_id);
}

Status InsertItem(Tx& tx, const ShoppingListItem& item, const Actor& actor) {
  return tx.ExecDeferred(kInsertItem,
                         {item.id,
                          item.yacht_id,
                          item.part_name,
                          item.part_id,
                          item.part_number,
                          item.manufacturer,
                          item.unit,
                          item.quantity_requested,
                          item.quantity_approved,
                          item.source_type,
                          item.urgency,
                          item.required_by_date,
                          item.source_work_order_id,
                          item.notes,
                          ShoppingListStatusName(item.status),
                          item.created_by,
                          item.created_at,
                          item.updated_at,
                          item.reviewed_by,
                          item.reviewed_at,
                          item.approved_by,
                          item.approved_at,
                          item.approval_notes,
                          item.rejected_by,
                          item.rejected_at,
                          item.rejection_reason,
                          item.rejection_notes,
                          item.promoted_by,
                          item.promoted_at,
                          actor.id,
                          actor.role},
                         1);
}

Result<std::optional<std::string>> FindOpenItemForPart(
    Tx& tx, std::string_view yacht_id, std::string_view part_id,
    const std::optional<std::string>& source_work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(
      auto row, tx.QueryOne(kSelectOpenItemForPart, {yacht_id, part_id, source_work_order_id}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

Status ApplyItemEdits(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                      const ItemEdits& edits, std::string_view at) {
  return ExpectOneItemChanged(
      tx.Exec(kUpdateItemEdits, {yacht_id, item_id, edits.quantity_requested, edits.urgency,
                                 edits.required_by_date, edits.notes, at}),
      item_id);
}

Status RecordReview(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                    const Actor& actor) {
  return ExpectOneItemChanged(tx.Exec(kUpdateReview, {yacht_id, item_id, actor.id, actor.at}),
                              item_id);
}

Status RecordApproval(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                      double quantity_approved, const std::optional<std::string>& approval_notes,
                      const Actor& actor) {
  return ExpectOneItemChanged(tx.Exec(kUpdateApproval, {yacht_id, item_id, quantity_approved,
                                                        approval_notes, actor.id, actor.at}),
                              item_id);
}

Status RecordRejection(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                       std::string_view rejection_reason,
                       const std::optional<std::string>& rejection_notes, const Actor& actor) {
  return ExpectOneItemChanged(tx.Exec(kUpdateRejection, {yacht_id, item_id, rejection_reason,
                                                         rejection_notes, actor.id, actor.at}),
                              item_id);
}

Status LinkPromotedPart(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                        std::string_view part_id, const std::optional<std::string>& part_number,
                        const Actor& actor) {
  return ExpectOneItemChanged(
      tx.Exec(kUpdatePromotedPart, {yacht_id, item_id, part_id, part_number, actor.id, actor.at}),
      item_id);
}

Status UpdateItemStatus(Tx& tx, std::string_view yacht_id, std::string_view item_id,
                        ShoppingListStatus from, ShoppingListStatus to, const Actor& actor,
                        const std::optional<std::string>& notes) {
  CELESTE_ASSIGN_OR_RETURN(
      auto changed,
      tx.Exec(kUpdateStatus, {yacht_id, item_id, ShoppingListStatusName(from),
                              ShoppingListStatusName(to), actor.at, actor.id, actor.role, notes}));
  if (changed != 1) {
    // Another transaction moved the item since it was read: what was asked no longer applies.
    return Status::Error(ErrorCode::kInvalidStateTransition,
                         "shopping list item " + std::string(item_id) + " is no longer '" +
                             std::string(ShoppingListStatusName(from)) + "'",
                         {{"expected_state", ShoppingListStatusName(from)}});
  }
  return Status::OK();
}

Result<ItemPage> ListItems(Tx& tx, std::string_view yacht_id,
                           std::optional<ShoppingListStatus> status,
                           const std::optional<std::string>& after_id, int64_t limit) {
  limit = std::max<int64_t>(limit, 1);
  Params params{yacht_id};
  if (status) params.emplace_back(ShoppingListStatusName(*status));
  if (after_id) params.emplace_back(*after_id);
  params.emplace_back(limit + 1);
  CELESTE_ASSIGN_OR_RETURN(
      auto rows, tx.Query(ListStatement(status.has_value(), after_id.has_value()), params));
  ItemPage page;
  for (const Row& row : rows) {
    if (static_cast<int64_t>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto item, ItemFromRow(row));
    page.items.push_back(std::move(item));
  }
  return page;
}

}  // namespace celeste::shopping_list

#include "lenses/shopping_list/handlers.h"

#include <algorithm>
#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "core/uuid.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/shopping_list/item_history.h"
#include "lenses/shopping_list/item_transition.h"
#include "lenses/shopping_list/shopping_list_item.h"

namespace celeste::shopping_list {

using parts::CatalogPart;
using parts::InsertPart;
using parts::LockPart;
using parts::LockPartNumber;
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr int64_t kMaxPageSize = 200;

std::string ItemIdOf(const ActionContext& ctx) { return ctx.Id("item_id"); }

Actor ActorOf(const ActionContext& ctx) {
  return Actor{.id = ctx.user_id(), .role = std::string(RoleName(ctx.role)), .at = ctx.now_text};
}

ActionOutcome ItemOutcome(const ShoppingListItem& item, bool created = false) {
  return ActionOutcome{.entity_type = std::string(kItemEntityType),
                       .entity_id = item.id,
                       .result = item.ToJson(),
                       .created = created};
}

ShoppingListItem NewItemFromPayload(const ActionContext& ctx, std::string part_name) {
  ShoppingListItem item;
  item.id = NewUuidV7();
  item.yacht_id = ctx.yacht_id;
  item.part_name = std::move(part_name);
  item.part_id = ctx.OptId("part_id");
  item.part_number = ctx.OptText("part_number");
  item.manufacturer = ctx.OptText("manufacturer");
  item.unit = ctx.OptText("unit");
  item.quantity_requested = ctx.Num("quantity_requested");
  item.source_type = ctx.Str("source_type");
  item.urgency = ctx.OptStr("urgency").value_or("normal");
  item.required_by_date = ctx.OptStr("required_by_date");
  item.source_work_order_id = ctx.OptId("source_work_order_id");
  item.notes = ctx.OptText("notes");
  item.status = ShoppingListStatus::kRequested;
  item.created_by = ctx.user_id();
  item.created_at = ctx.now_text;
  item.updated_at = ctx.now_text;
  return item;
}

// A request for a catalog part takes what the caller left out from the catalog.
void FillFromCatalog(ShoppingListItem& item, const CatalogPart& part) {
  if (!item.part_number) item.part_number = part.part_number;
  if (!item.manufacturer) item.manufacturer = part.manufacturer;
  if (!item.unit) item.unit = part.unit;
}

Status DuplicateItem(const std::string& existing_id) {
  return Status::Error(ErrorCode::kDuplicate,
                       "an open shopping list item already requests this part for the same "
                       "source work order",
                       {{"existing_id", existing_id}});
}

// Who may update which item: a head of department any open item, its creator only while
// nobody has looked at it yet.
Status CheckMayUpdate(const ActionContext& ctx, const ShoppingListItem& item) {
  if (IsHod(ctx.role)) return Status::OK();
  const bool is_creator = item.created_by == ctx.user_id();
  if (is_creator && item.status == ShoppingListStatus::kRequested) return Status::OK();
  if (is_creator) {
    return Status::Forbidden(RoleName(ctx.role),
                             "once a request is under review, only a head of department may "
                             "change it");
  }
  return Status::Forbidden(RoleName(ctx.role),
                           "only the item's creator or a head of department may change it");
}

ItemEdits EditsFromPayload(const ActionContext& ctx) {
  return ItemEdits{.quantity_requested = ctx.OptNum("quantity_requested"),
                   .urgency = ctx.OptStr("urgency"),
                   .required_by_date = ctx.OptStr("required_by_date"),
                   .notes = ctx.OptText("notes")};
}

Result<std::optional<ShoppingListStatus>> StatusFilterOf(const ActionContext& ctx) {
  auto name = ctx.OptStr("status");
  if (!name) return std::optional<ShoppingListStatus>();
  auto status = ParseShoppingListStatus(*name);
  if (!status) return Status::InvalidField("status", "unknown status '" + *name + "'");
  return std::optional<ShoppingListStatus>(*status);
}

}  // namespace

Result<ActionOutcome> CreateShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string part_name, ctx.NonBlankText("part_name"));
  ShoppingListItem item = NewItemFromPayload(ctx, std::move(part_name));
  if (item.part_id) {
    CELESTE_ASSIGN_OR_RETURN(auto part, LockPart(tx, ctx.yacht_id, *item.part_id));
    if (!part) {
      return Status::NotFound("part_id " + *item.part_id + " is not a catalog part of this yacht")
          .WithDetail("field", "part_id");
    }
    FillFromCatalog(item, *part);
    CELESTE_ASSIGN_OR_RETURN(auto existing, FindOpenItemForPart(tx, ctx.yacht_id, *item.part_id,
                                                                item.source_work_order_id));
    if (existing) return DuplicateItem(*existing);
  }
  CELESTE_RETURN_IF_ERROR(InsertRequestedItem(tx, item, ActorOf(ctx)));
  return ItemOutcome(item, /*created=*/true);
}

Result<ActionOutcome> ReviewShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LockItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(CheckMove(item.status, ShoppingListStatus::kUnderReview, "review"));
  const Actor actor = ActorOf(ctx);
  CELESTE_RETURN_IF_ERROR(RecordReview(tx, ctx.yacht_id, item.id, actor));
  CELESTE_RETURN_IF_ERROR(
      MoveItem(tx, item, ShoppingListStatus::kUnderReview, actor, ctx.OptText("notes"), "review"));
  CELESTE_ASSIGN_OR_RETURN(auto reviewed, LoadItem(tx, ctx.yacht_id, item.id));
  return ItemOutcome(reviewed);
}

Result<ActionOutcome> ApproveShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LockItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(CheckMove(item.status, ShoppingListStatus::kApproved, "approve"));
  const Actor actor = ActorOf(ctx);
  const auto notes = ctx.OptText("approval_notes");
  // The columns first: the database insists an approved item has its approved quantity.
  CELESTE_RETURN_IF_ERROR(
      RecordApproval(tx, ctx.yacht_id, item.id, ctx.Num("quantity_approved"), notes, actor));
  CELESTE_RETURN_IF_ERROR(
      MoveItem(tx, item, ShoppingListStatus::kApproved, actor, notes, "approve"));
  CELESTE_ASSIGN_OR_RETURN(auto approved, LoadItem(tx, ctx.yacht_id, item.id));
  return ItemOutcome(approved);
}

Result<ActionOutcome> RejectShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string reason, ctx.NonBlankText("rejection_reason"));
  CELESTE_ASSIGN_OR_RETURN(auto item, LockItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(CheckMove(item.status, ShoppingListStatus::kRejected, "reject"));
  const Actor actor = ActorOf(ctx);
  // The columns first: the database insists a rejected item has its reason.
  CELESTE_RETURN_IF_ERROR(
      RecordRejection(tx, ctx.yacht_id, item.id, reason, ctx.OptText("rejection_notes"), actor));
  CELESTE_RETURN_IF_ERROR(
      MoveItem(tx, item, ShoppingListStatus::kRejected, actor, reason, "reject"));
  CELESTE_ASSIGN_OR_RETURN(auto rejected, LoadItem(tx, ctx.yacht_id, item.id));
  return ItemOutcome(rejected);
}

Result<ActionOutcome> UpdateShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LockItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  if (IsTerminal(item.status)) {
    return Status::InvalidTransition(ShoppingListStatusName(item.status), "update");
  }
  CELESTE_RETURN_IF_ERROR(CheckMayUpdate(ctx, item));
  const ItemEdits edits = EditsFromPayload(ctx);
  if (edits.empty()) {
    return Status::RuleViolation(
        "nothing_to_update",
        "give at least one of quantity_requested, urgency, required_by_date, notes");
  }
  CELESTE_RETURN_IF_ERROR(ApplyItemEdits(tx, ctx.yacht_id, item.id, edits, ctx.now_text));
  CELESTE_ASSIGN_OR_RETURN(auto updated, LoadItem(tx, ctx.yacht_id, item.id));
  return ItemOutcome(updated);
}

Result<ActionOutcome> PromoteCandidateToPart(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LockItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  if (item.part_id) {
    return Status::RuleViolation(
        "not_a_candidate", "item " + item.id + " already refers to catalog part " + *item.part_id);
  }
  CatalogPart part{.id = NewUuidV7(),
                   .name = item.part_name,
                   .part_number = ctx.OptText("part_number"),
                   .manufacturer = item.manufacturer,
                   .unit = item.unit,
                   .min_level = ctx.OptNum("min_level").value_or(0),
                   .location = ctx.OptText("location"),
                   .created_at = ctx.now_text,
                   .created_by = ctx.user_id()};
  if (!part.part_number) part.part_number = item.part_number;
  if (part.part_number) {
    CELESTE_ASSIGN_OR_RETURN(auto existing, LockPartNumber(tx, ctx.yacht_id, *part.part_number));
    if (existing) {
      return Status::Error(ErrorCode::kDuplicate,
                           "the catalog already has a part with part number " + *part.part_number,
                           {{"existing_id", *existing}});
    }
  }
  CELESTE_RETURN_IF_ERROR(InsertPart(tx, ctx.yacht_id, part));
  CELESTE_RETURN_IF_ERROR(
      LinkPromotedPart(tx, ctx.yacht_id, item.id, part.id, part.part_number, ActorOf(ctx)));
  CELESTE_ASSIGN_OR_RETURN(auto promoted, LoadItem(tx, ctx.yacht_id, item.id));
  ActionOutcome outcome = ItemOutcome(promoted, /*created=*/true);
  outcome.result["part"] = part.ToJson();
  return outcome;
}

Result<ActionOutcome> ViewShoppingListItem(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LoadItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  return ItemOutcome(item);
}

Result<ActionOutcome> ViewShoppingListHistory(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LoadItem(tx, ctx.yacht_id, ItemIdOf(ctx)));
  CELESTE_ASSIGN_OR_RETURN(auto history, LoadHistory(tx, ctx.yacht_id, item.id));
  boost::json::array entries;
  entries.reserve(history.size());
  for (const HistoryEntry& entry : history) entries.push_back(entry.ToJson());
  return ActionOutcome{.entity_type = std::string(kItemEntityType),
                       .entity_id = item.id,
                       .result = {{"item_id", item.id}, {"history", std::move(entries)}}};
}

Result<ActionOutcome> ListShoppingListItems(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto status, StatusFilterOf(ctx));
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  const int64_t limit =
      std::clamp<int64_t>(ctx.OptInt("limit").value_or(kDefaultPageSize), 1, kMaxPageSize);
  CELESTE_ASSIGN_OR_RETURN(auto page, ListItems(tx, ctx.yacht_id, status, cursor, limit));
  boost::json::array items;
  items.reserve(page.items.size());
  for (const ShoppingListItem& item : page.items) items.push_back(item.ToJson());
  boost::json::value next_cursor = nullptr;
  if (page.next_cursor) next_cursor = *page.next_cursor;
  return ActionOutcome{.entity_type = std::string(kItemEntityType),
                       .entity_id = "",
                       .result = {{"items", std::move(items)}, {"next_cursor", next_cursor}}};
}

}  // namespace celeste::shopping_list

#include "lenses/shopping_list/shopping_list_lens.h"

#include <utility>

#include "core/uuid.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/shopping_list/action_defs.h"
#include "lenses/shopping_list/item_transition.h"
#include "lenses/shopping_list/shopping_list_item.h"

namespace celeste {
namespace {

// The moves another lens may drive: they carry no data beyond the history row. Back to
// approved only from ordered (a cancelled purchase order): the approval stands.
bool IsPlainMove(ShoppingListStatus from, ShoppingListStatus to) {
  return to == ShoppingListStatus::kOrdered || to == ShoppingListStatus::kPartiallyFulfilled ||
         to == ShoppingListStatus::kFulfilled ||
         (to == ShoppingListStatus::kApproved && from == ShoppingListStatus::kOrdered);
}

// What another lens sees of an item; not_found names the item.
Result<ShoppingListItemSummary> Summarize(Result<shopping_list::ShoppingListItem> item,
                                          std::string_view item_id) {
  if (!item.ok()) {
    if (item.status().code() != ErrorCode::kNotFound) return std::move(item).TakeStatus();
    return Status::NotFound("no shopping list item " + std::string(item_id) + " on this yacht")
        .WithDetail("item_id", item_id);
  }
  return ShoppingListItemSummary{
      .id = item->id,
      .status = item->status,
      .part_id = item->part_id,
      .part_name = item->part_name,
      .part_number = item->part_number,
      .unit = item->unit,
      .quantity = item->quantity_approved.value_or(item->quantity_requested)};
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
  if (!IsPlainMove(item.status, to_status)) {
    return Status::RuleViolation(
        "use_shopping_list_action",
        "review, approval and rejection go through the shopping list's own actions");
  }
  const shopping_list::Actor actor{.id = std::string(actor_id),
                                   .role = std::string(RoleName(actor_role)),
                                   .at = std::string(at)};
  return shopping_list::MoveItem(tx, item, to_status, actor, notes, what);
}

Result<ShoppingListItemSummary> LoadShoppingListItem(Tx& tx, std::string_view yacht_id,
                                                     std::string_view item_id) {
  return Summarize(shopping_list::LoadItem(tx, yacht_id, item_id), item_id);
}

Result<ShoppingListItemSummary> LockShoppingListItem(Tx& tx, std::string_view yacht_id,
                                                     std::string_view item_id) {
  return Summarize(shopping_list::LockItem(tx, yacht_id, item_id), item_id);
}

Result<boost::json::object> CreateApprovedPartRequest(Tx& tx, std::string_view yacht_id,
                                                      const ApprovedPartRequest& request) {
  CELESTE_ASSIGN_OR_RETURN(auto part, parts::LockPart(tx, yacht_id, request.part_id));
  if (!part) {
    return Status::NotFound("no part " + request.part_id + " in this yacht's catalog")
        .WithDetail("field", "part_id");
  }
  CELESTE_ASSIGN_OR_RETURN(
      auto existing, shopping_list::FindOpenItemForPart(tx, yacht_id, part->id, std::nullopt));
  if (existing) {
    return Status::Error(ErrorCode::kDuplicate,
                         "an open shopping list item already requests this part",
                         {{"existing_id", *existing}});
  }
  shopping_list::ShoppingListItem item;
  item.id = NewUuidV7();
  item.yacht_id = std::string(yacht_id);
  item.part_name = part->name;
  item.part_id = part->id;
  item.part_number = part->part_number;
  item.manufacturer = part->manufacturer;
  item.unit = part->unit;
  item.quantity_requested = request.quantity;
  item.source_type = "manual_add";
  item.urgency = request.urgency;
  item.notes = request.notes;
  item.status = ShoppingListStatus::kRequested;
  item.created_by = request.requester_id;
  item.created_at = request.at;
  item.updated_at = request.at;
  const shopping_list::Actor requester{.id = request.requester_id,
                                       .role = std::string(RoleName(request.requester_role)),
                                       .at = request.at};
  const shopping_list::Actor approver{.id = request.approver_id,
                                      .role = std::string(RoleName(request.approver_role)),
                                      .at = request.at};
  CELESTE_RETURN_IF_ERROR(shopping_list::InsertRequestedItem(tx, item, requester));
  CELESTE_RETURN_IF_ERROR(shopping_list::RecordApproval(tx, yacht_id, item.id, request.quantity,
                                                        request.approval_notes, approver));
  CELESTE_RETURN_IF_ERROR(shopping_list::MoveItem(tx, item, ShoppingListStatus::kApproved, approver,
                                                  request.approval_notes, "approve"));
  CELESTE_ASSIGN_OR_RETURN(auto approved, shopping_list::LoadItem(tx, yacht_id, item.id));
  return approved.ToJson();
}

}  // namespace celeste

#include "lenses/shopping_list/action_defs.h"

#include <string>
#include <utility>

#include "actions/field_builders.h"
#include "lenses/shopping_list/handlers.h"
#include "lenses/shopping_list/item_status.h"
#include "lenses/shopping_list/shopping_list_lens.h"

namespace celeste::shopping_list {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

// Roles allowed to create catalog parts from candidate requests.
const RoleSet kCatalogEditors{Role::kChiefEngineer, Role::kManager};

std::vector<std::string> StatusNames() {
  std::vector<std::string> names;
  for (ShoppingListStatus status : kAllShoppingListStatuses) {
    names.emplace_back(ShoppingListStatusName(status));
  }
  return names;
}

FieldDef ItemId() {
  return Required(IdField("item_id", "shopping_list_item", "Shopping list item"));
}

FieldDef Urgency() { return Enum("urgency", "Urgency", {"low", "normal", "high", "critical"}); }

FieldDef RequiredByDate() { return Field("required_by_date", FieldType::kDate, "Required by"); }

FieldDef MinLevel() { return NonNegative("min_level", "Minimum stock level"); }

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kShoppingListLensId, std::move(id), std::move(label), variant,
                        allowed_roles, std::move(handler));
}

ActionDef CreateDef() {
  ActionDef action = Action("create_shopping_list_item", "Add to shopping list", Variant::kMutate,
                            RoleSet::All(), CreateShoppingListItem);
  action.fields = {
      Required(Text("part_name", "Part name", 200)),
      Required(PositiveQuantity("quantity_requested", "Quantity")),
      Required(Enum("source_type", "Source", {"manual_add", "low_stock", "work_order", "fault"})),
      IdField("part_id", "part", "Catalog part"),
      Text("part_number", "Part number", 100),
      Text("manufacturer", "Manufacturer", 200),
      Text("unit", "Unit", 50),
      Urgency(),
      RequiredByDate(),
      IdField("source_work_order_id", "work_order", "Work order"),
      Field("notes", FieldType::kText, "Notes"),
  };
  // Not plain "shopping list": that one opens the list (list_shopping_list_items).
  action.search_keywords = {
      "add to shopping list", "request part", "order spare", "order part", "need part",
      "spare part",           "buy",          "requisition", "reorder",    "new request"};
  return action;
}

ActionDef ReviewDef() {
  ActionDef action = Action("review_shopping_list_item", "Review request", Variant::kMutate,
                            RoleSet::Hod(), ReviewShoppingListItem);
  action.fields = {ItemId(), Field("notes", FieldType::kText, "Review notes")};
  action.search_keywords = {"review request", "review",        "start review",
                            "under review",   "check request", "look at request"};
  return action;
}

ActionDef ApproveDef() {
  ActionDef action = Action("approve_shopping_list_item", "Approve request", Variant::kMutate,
                            RoleSet::Hod(), ApproveShoppingListItem);
  action.fields = {ItemId(), Required(PositiveQuantity("quantity_approved", "Approved quantity")),
                   Field("approval_notes", FieldType::kText, "Approval notes")};
  action.search_keywords = {
      "approve request",    "approve",        "approve order",   "authorise purchase",
      "authorize purchase", "accept request", "sign off request"};
  return action;
}

ActionDef RejectDef() {
  ActionDef action = Action("reject_shopping_list_item", "Reject request", Variant::kMutate,
                            RoleSet::Hod(), RejectShoppingListItem);
  action.fields = {ItemId(), Required(Text("rejection_reason", "Reason", 500)),
                   Field("rejection_notes", FieldType::kText, "Rejection notes")};
  action.search_keywords = {"reject",       "reject request", "decline request",
                            "deny request", "refuse request", "turn down"};
  return action;
}

ActionDef UpdateDef() {
  // Every role may ask; the handler applies the row rule (a HOD, or the item's creator).
  ActionDef action = Action("update_shopping_list_item", "Change request", Variant::kMutate,
                            RoleSet::All(), UpdateShoppingListItem);
  action.fields = {ItemId(), PositiveQuantity("quantity_requested", "Quantity"), Urgency(),
                   RequiredByDate(), Field("notes", FieldType::kText, "Notes")};
  action.search_keywords = {"update request",    "edit request",   "change request",
                            "change quantity",   "change urgency", "amend request",
                            "edit shopping list"};
  return action;
}

ActionDef PromoteDef() {
  ActionDef action = Action("promote_candidate_to_part", "Promote to parts catalog",
                            Variant::kMutate, kCatalogEditors, PromoteCandidateToPart);
  action.fields = {ItemId(), Text("part_number", "Part number", 100), MinLevel(),
                   Text("location", "Storage location", 200)};
  action.search_keywords = {"promote to catalog",   "promote candidate", "add to catalog",
                            "add to parts catalog", "new catalog part",  "create part",
                            "catalogue part"};
  return action;
}

ActionDef ViewDef() {
  ActionDef action = Action("view_shopping_list_item", "View request", Variant::kRead,
                            RoleSet::All(), ViewShoppingListItem);
  action.fields = {ItemId()};
  action.search_keywords = {"view request", "show request", "request details", "open request",
                            "shopping list item"};
  return action;
}

ActionDef HistoryDef() {
  ActionDef action = Action("view_shopping_list_history", "Request history", Variant::kRead,
                            RoleSet::All(), ViewShoppingListHistory);
  action.fields = {ItemId()};
  action.search_keywords = {"history",      "request history", "status history", "who approved",
                            "who rejected", "timeline",        "audit trail"};
  return action;
}

ActionDef ListDef() {
  ActionDef action = Action("list_shopping_list_items", "Shopping list", Variant::kRead,
                            RoleSet::All(), ListShoppingListItems);
  action.fields = {Enum("status", "Status", StatusNames()), PageSize(),
                   Text("cursor", "Next page", 64)};
  action.search_keywords = {"shopping list",    "list requests",    "show shopping list",
                            "open requests",    "pending requests", "what to order",
                            "awaiting approval"};
  return action;
}

}  // namespace

LensDef ShoppingListLensDef() {
  LensDef lens;
  lens.id = std::string(kShoppingListLensId);
  lens.label = "Shopping list";
  lens.flags = {std::string(kShoppingListLensFlag)};
  lens.probe_action = "list_shopping_list_items";
  lens.create_action = "create_shopping_list_item";
  lens.entity_type = "shopping_list_item";
  lens.slo_p95_ms = 500;
  return lens;
}

std::vector<ActionDef> ShoppingListActionDefs() {
  return {CreateDef(),  ReviewDef(), ApproveDef(), RejectDef(), UpdateDef(),
          PromoteDef(), ViewDef(),   HistoryDef(), ListDef()};
}

}  // namespace celeste::shopping_list

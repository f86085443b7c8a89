#include "lenses/parts/parts_lens.h"

#include <string>
#include <utility>
#include <vector>

#include "actions/field_builders.h"
#include "lenses/parts/handlers.h"

namespace celeste {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

// Who may add catalog parts: heads of department and the purser.
RoleSet CatalogEditors() { return RoleSet::Hod().With(Role::kPurser); }

FieldDef PartId() { return Required(IdField("part_id", "part", "Part")); }
FieldDef Quantity() { return Required(PositiveQuantity("quantity", "Quantity")); }
FieldDef Reference() { return Text("reference", "Reference (delivery note, PO...)", 200); }

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kPartsLensId, std::move(id), std::move(label), variant, allowed_roles,
                        std::move(handler));
}

ActionDef AddPartDef() {
  ActionDef action =
      Action("add_part", "Add part to catalog", Variant::kMutate, CatalogEditors(), parts::AddPart);
  action.fields = {
      Required(Text("name", "Part name", 200)),        Text("part_number", "Part number", 100),
      Text("manufacturer", "Manufacturer", 200),       Text("unit", "Unit", 50),
      NonNegative("min_level", "Minimum stock level"), Text("location", "Storage location", 200)};
  action.search_keywords = {"add part", "new part", "add to catalog", "new spare", "catalog part"};
  return action;
}

ActionDef ReceivePartDef() {
  ActionDef action =
      Action("receive_part", "Receive stock", Variant::kMutate, RoleSet::All(), parts::ReceivePart);
  action.fields = {PartId(), Quantity(), Required(Text("idempotency_key", "Idempotency key", 200)),
                   Reference()};
  action.search_keywords = {"receive part", "receive stock",    "book in",
                            "stock in",     "delivery arrived", "add stock"};
  return action;
}

ActionDef ConsumePartDef() {
  ActionDef action =
      Action("consume_part", "Use stock", Variant::kMutate, RoleSet::All(), parts::ConsumePart);
  action.fields = {PartId(), Quantity(), IdField("work_order_id", "work_order", "Work order"),
                   Text("idempotency_key", "Idempotency key", 200), Reference()};
  action.search_keywords = {"consume part",    "use part",  "used spare",
                            "take from stock", "stock out", "fit part"};
  return action;
}

ActionDef ViewPartDetailDef() {
  ActionDef action = Action("view_part_detail", "View part", Variant::kRead, RoleSet::All(),
                            parts::ViewPartDetail);
  action.fields = {PartId()};
  action.search_keywords = {"view part", "part details", "stock level",
                            "how many",  "on hand",      "part history"};
  return action;
}

ActionDef ListPartsDef() {
  ActionDef action =
      Action("list_parts", "Parts", Variant::kRead, RoleSet::All(), parts::ListPartsAction);
  action.fields = {Text("q", "Search", 100),
                   Field("low_stock_only", FieldType::kBoolean, "Low stock only"), PageSize(),
                   Text("cursor", "Next page", 64)};
  action.search_keywords = {"parts",     "list parts", "spares",
                            "inventory", "find part",  "parts catalog"};
  return action;
}

ActionDef LowStockDef() {
  ActionDef action =
      Action("view_low_stock", "Low stock", Variant::kRead, RoleSet::All(), parts::ViewLowStock);
  action.search_keywords = {"low stock", "running low", "below minimum", "reorder level",
                            "stock alert"};
  return action;
}

ActionDef AdjustStockDef() {
  ActionDef action = Action("adjust_stock", "Adjust stock (stock-take)", Variant::kSigned,
                            CatalogEditors(), parts::AdjustStock);
  action.signer_roles = {Role::kChiefEngineer, Role::kCaptain, Role::kManager};
  action.fields = {PartId(), Required(NonNegative("new_quantity", "Counted quantity")),
                   Required(Text("reason", "Reason", 500))};
  action.search_keywords = {"adjust stock",  "stock take",  "stocktake",
                            "correct stock", "count stock", "inventory count"};
  return action;
}

ActionDef OrderPartWithApprovalDef() {
  ActionDef action = Action("order_part_with_approval", "Order part (signed approval)",
                            Variant::kSigned, RoleSet::All(), parts::OrderPartWithApproval);
  action.signer_roles = {Role::kChiefEngineer, Role::kCaptain, Role::kPurser, Role::kManager};
  action.fields = {PartId(), Quantity(),
                   Enum("urgency", "Urgency", {"low", "normal", "high", "critical"}),
                   Field("notes", FieldType::kText, "Notes")};
  action.search_keywords = {"order part", "order with approval", "urgent order",
                            "approve and order", "signed order"};
  return action;
}

LensDef PartsLensDef() {
  LensDef lens;
  lens.id = std::string(kPartsLensId);
  lens.label = "Parts";
  lens.flags = {std::string(kPartsLensFlag)};
  lens.probe_action = "view_low_stock";
  lens.create_action = "add_part";
  lens.entity_type = "part";
  lens.slo_p95_ms = 500;
  return lens;
}

}  // namespace

void RegisterPartsLens(Registry& registry) {
  registry.AddLens(PartsLensDef());
  for (ActionDef& action : std::vector<ActionDef>{
           AddPartDef(), ReceivePartDef(), ConsumePartDef(), ViewPartDetailDef(), ListPartsDef(),
           LowStockDef(), AdjustStockDef(), OrderPartWithApprovalDef()}) {
    registry.AddAction(std::move(action));
  }
}

}  // namespace celeste

#include "lenses/receiving/receiving_lens.h"

#include <string>
#include <utility>
#include <vector>

#include "actions/field_builders.h"
#include "lenses/receiving/purchase_order.h"
#include "lenses/receiving/purchase_order_actions.h"
#include "lenses/receiving/receiving.h"
#include "lenses/receiving/receiving_actions.h"

namespace celeste {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

// Who orders from suppliers: heads of department and the purser.
RoleSet Buyers() { return RoleSet::Hod().With(Role::kPurser); }

FieldDef OrderId() {
  return Required(IdField("purchase_order_id", "purchase_order", "Purchase order"));
}
FieldDef ReceivingId() { return Required(IdField("receiving_id", "receiving", "Delivery")); }
FieldDef Cursor() { return Text("cursor", "Next page", 64); }

template <size_t N>
FieldDef StatusFilter(const std::string_view (&names)[N]) {
  return Enum("status", "Status", std::vector<std::string>(std::begin(names), std::end(names)));
}

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kReceivingLensId, std::move(id), std::move(label), variant, allowed_roles,
                        std::move(handler));
}

ActionDef CreatePurchaseOrderDef() {
  ActionDef action = Action("create_purchase_order", "Create purchase order", Variant::kMutate,
                            Buyers(), receiving::CreatePurchaseOrder);
  action.fields = {Required(Text("supplier", "Supplier", 200)),
                   Required(Field("item_ids", FieldType::kArray, "Approved requests")),
                   Field("expected_date", FieldType::kDate, "Expected delivery"),
                   Text("reference", "Supplier reference", 100),
                   Field("notes", FieldType::kText, "Notes")};
  action.search_keywords = {"purchase order",      "create po",   "new po",
                            "order from supplier", "place order", "raise po"};
  return action;
}

ActionDef ViewPurchaseOrderDef() {
  ActionDef action = Action("view_purchase_order", "View purchase order", Variant::kRead,
                            RoleSet::All(), receiving::ViewPurchaseOrder);
  action.fields = {OrderId()};
  action.search_keywords = {"view purchase order", "po status", "order status", "view po"};
  return action;
}

ActionDef ListPurchaseOrdersDef() {
  ActionDef action = Action("list_purchase_orders", "Purchase orders", Variant::kRead,
                            RoleSet::All(), receiving::ListPurchaseOrders);
  action.fields = {StatusFilter(receiving::kOrderStatusNames), PageSize(), Cursor()};
  action.search_keywords = {"purchase orders", "list purchase orders", "open orders",
                            "what is on order", "pos"};
  return action;
}

ActionDef CancelPurchaseOrderDef() {
  ActionDef action = Action("cancel_purchase_order", "Cancel purchase order", Variant::kMutate,
                            RoleSet::Hod(), receiving::CancelPurchaseOrder);
  action.fields = {OrderId(), Text("reason", "Reason", 500)};
  action.search_keywords = {"cancel purchase order", "cancel po", "cancel order"};
  return action;
}

// What arrived; the example (for the ops tools' generated deliveries) is one part of the
// catalog, by the first id list_parts gives.
FieldDef Lines() {
  FieldDef field = Field("lines", FieldType::kArray, "What arrived");
  field.example = R"([{"part_id": "@list_parts", "quantity_received": 1}])";
  return field;
}

ActionDef CreateReceivingDef() {
  ActionDef action = Action("create_receiving", "Record delivery", Variant::kMutate, RoleSet::All(),
                            receiving::CreateReceiving);
  action.fields = {IdField("purchase_order_id", "purchase_order", "Purchase order"),
                   Required(Lines()), Text("reference", "Delivery note", 100),
                   Field("notes", FieldType::kText, "Notes")};
  action.search_keywords = {"receive delivery", "delivery arrived", "goods received",
                            "record delivery",  "goods receipt",    "boxes arrived"};
  return action;
}

ActionDef AcceptReceivingDef() {
  ActionDef action = Action("accept_receiving", "Accept delivery (signed)", Variant::kSigned,
                            RoleSet::All(), receiving::AcceptReceiving);
  action.signer_roles = {Role::kChiefEngineer, Role::kChiefOfficer, Role::kCaptain, Role::kPurser,
                         Role::kManager};
  action.fields = {ReceivingId()};
  action.search_keywords = {"accept delivery", "sign off delivery", "approve delivery",
                            "book in delivery", "accept receiving"};
  return action;
}

ActionDef RejectReceivingDef() {
  ActionDef action = Action("reject_receiving", "Reject delivery", Variant::kMutate, RoleSet::Hod(),
                            receiving::RejectReceiving);
  action.fields = {ReceivingId(), Required(Text("reason", "Reason", 500))};
  action.search_keywords = {"reject delivery", "refuse delivery", "wrong delivery",
                            "reject receiving"};
  return action;
}

ActionDef ViewReceivingDetailDef() {
  ActionDef action = Action("view_receiving_detail", "View delivery", Variant::kRead,
                            RoleSet::All(), receiving::ViewReceivingDetail);
  action.fields = {ReceivingId()};
  action.search_keywords = {"view delivery", "delivery details", "what arrived", "view receiving"};
  return action;
}

ActionDef ListReceivingsDef() {
  ActionDef action = Action("list_receivings", "Deliveries", Variant::kRead, RoleSet::All(),
                            receiving::ListReceivingsAction);
  action.fields = {StatusFilter(receiving::kReceivingStatusNames),
                   IdField("purchase_order_id", "purchase_order", "Purchase order"), PageSize(),
                   Cursor()};
  action.search_keywords = {"deliveries", "list deliveries", "pending deliveries",
                            "deliveries to sign", "receivings"};
  return action;
}

LensDef ReceivingLensDef() {
  LensDef lens;
  lens.id = std::string(kReceivingLensId);
  lens.label = "Receiving";
  lens.flags = {std::string(kReceivingLensFlag)};
  lens.probe_action = "list_purchase_orders";
  lens.create_action = "create_receiving";
  lens.entity_type = "receiving";
  lens.slo_p95_ms = 500;
  return lens;
}

}  // namespace

void RegisterReceivingLens(Registry& registry) {
  registry.AddLens(ReceivingLensDef());
  for (ActionDef& action : std::vector<ActionDef>{
           CreatePurchaseOrderDef(), ViewPurchaseOrderDef(), ListPurchaseOrdersDef(),
           CancelPurchaseOrderDef(), CreateReceivingDef(), AcceptReceivingDef(),
           RejectReceivingDef(), ViewReceivingDetailDef(), ListReceivingsDef()}) {
    registry.AddAction(std::move(action));
  }
}

}  // namespace celeste

#include "lenses/faults/faults_lens.h"

#include <string>
#include <utility>
#include <vector>

#include "actions/field_builders.h"
#include "core/uuid.h"
#include "lenses/faults/fault.h"
#include "lenses/faults/fault_actions.h"

namespace celeste {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

FieldDef FaultId() { return Required(IdField("fault_id", "fault", "Fault")); }
FieldDef EquipmentId() { return IdField("equipment_id", "equipment", "Equipment"); }
FieldDef Severity() {
  return Enum("severity", "Severity",
              std::vector<std::string>(std::begin(faults::kSeverityNames),
                                       std::end(faults::kSeverityNames)));
}

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kFaultsLensId, std::move(id), std::move(label), variant, allowed_roles,
                        std::move(handler));
}

ActionDef ReportFaultDef() {
  ActionDef action =
      Action("report_fault", "Report fault", Variant::kMutate, RoleSet::All(), faults::ReportFault);
  action.fields = {Required(Text("title", "What is wrong", 200)), Required(Severity()),
                   EquipmentId(), Field("description", FieldType::kText, "Description")};
  action.search_keywords = {"report fault", "report defect", "something broken", "log fault",
                            "new fault",    "defect",        "not working",      "breakdown"};
  return action;
}

ActionDef ViewFaultDetailDef() {
  ActionDef action = Action("view_fault_detail", "View fault", Variant::kRead, RoleSet::All(),
                            faults::ViewFaultDetail);
  action.fields = {FaultId()};
  action.search_keywords = {"view fault", "fault details", "fault status", "fault history"};
  return action;
}

ActionDef ListFaultsDef() {
  ActionDef action =
      Action("list_faults", "Faults", Variant::kRead, RoleSet::All(), faults::ListFaultsAction);
  action.fields = {Enum("status", "Status",
                        std::vector<std::string>(std::begin(faults::kFaultStatusNames),
                                                 std::end(faults::kFaultStatusNames))),
                   EquipmentId(), PageSize(), Text("cursor", "Next page", 64)};
  action.search_keywords = {"faults", "list faults", "open faults", "defects", "defect list"};
  return action;
}

ActionDef AcknowledgeFaultDef() {
  ActionDef action = Action("acknowledge_fault", "Acknowledge fault", Variant::kMutate,
                            RoleSet::Hod(), faults::AcknowledgeFault);
  action.fields = {FaultId(), Field("notes", FieldType::kText, "Notes")};
  action.search_keywords = {"acknowledge fault", "ack fault", "seen fault", "accept fault"};
  return action;
}

ActionDef CreateWorkOrderFromFaultDef() {
  ActionDef action = Action("create_work_order_from_fault", "Raise work order for fault (signed)",
                            Variant::kSigned, RoleSet::All(), faults::CreateWorkOrderFromFault);
  action.signer_roles = RoleSet::Hod();
  action.extra_flags = {std::string(kFaultsSignedActionsFlag)};
  action.fields = {FaultId(), Required(Text("title", "Work order title", 200)),
                   Enum("priority", "Priority", {"low", "normal", "high", "critical"}),
                   Field("due_date", FieldType::kDate, "Due date"),
                   IdField("assigned_to", "user", "Assign to")};
  action.search_keywords = {"work order for fault", "raise work order", "fix fault",
                            "create work order from fault", "repair fault"};
  return action;
}

ActionDef CloseFaultDef() {
  ActionDef action =
      Action("close_fault", "Close fault", Variant::kMutate, RoleSet::Hod(), faults::CloseFault);
  action.fields = {
      FaultId(), Required(Text("resolution", "Resolution", 2000)),
      Field("resolution_without_work_order", FieldType::kBoolean, "Resolved without a work order")};
  action.search_keywords = {"close fault", "fault fixed", "resolve fault", "fault resolved"};
  return action;
}

LensDef FaultsLensDef() {
  LensDef lens;
  lens.id = std::string(kFaultsLensId);
  lens.label = "Faults";
  lens.flags = {std::string(kFaultsLensFlag)};
  lens.suggestions_flag = std::string(kFaultsSuggestionsFlag);
  lens.probe_action = "list_faults";
  lens.create_action = "report_fault";
  lens.entity_type = "fault";
  lens.slo_p95_ms = 500;
  return lens;
}

// The work order lens reports the end of a fault's work order: `event` moves the fault if
// it is still work_ordered on that work order; otherwise (closed or re-ordered meanwhile)
// nothing happens.
Status WorkOrderEnded(Tx& tx, std::string_view yacht_id, std::string_view fault_id,
                      std::string_view work_order_id, faults::FaultEvent event,
                      faults::FaultActor actor, std::string notes) {
  CELESTE_ASSIGN_OR_RETURN(faults::Fault fault, faults::LockFault(tx, yacht_id, fault_id));
  if (fault.status != faults::FaultStatus::kWorkOrdered || !fault.work_order_id ||
      NormalizeUuid(*fault.work_order_id) != NormalizeUuid(work_order_id)) {
    return Status::OK();
  }
  return faults::MoveFault(tx, yacht_id, fault, event, actor, notes);
}

}  // namespace

void RegisterFaultsLens(Registry& registry) {
  registry.AddLens(FaultsLensDef());
  for (ActionDef& action : std::vector<ActionDef>{ReportFaultDef(), ViewFaultDetailDef(),
                                                  ListFaultsDef(), AcknowledgeFaultDef(),
                                                  CreateWorkOrderFromFaultDef(), CloseFaultDef()}) {
    registry.AddAction(std::move(action));
  }
}

Status FaultWorkOrderCompleted(Tx& tx, std::string_view yacht_id, std::string_view fault_id,
                               std::string_view work_order_id, std::string_view actor_id,
                               Role actor_role, std::string_view at) {
  return WorkOrderEnded(
      tx, yacht_id, fault_id, work_order_id, faults::FaultEvent::kWorkOrderCompleted,
      faults::FaultActor{.id = std::string(actor_id), .role = actor_role, .at = std::string(at)},
      "work order " + std::string(work_order_id) + " completed");
}

Status FaultWorkOrderCancelled(Tx& tx, std::string_view yacht_id, std::string_view fault_id,
                               std::string_view work_order_id, std::string_view actor_id,
                               Role actor_role, std::string_view at) {
  return WorkOrderEnded(
      tx, yacht_id, fault_id, work_order_id, faults::FaultEvent::kWorkOrderCancelled,
      faults::FaultActor{.id = std::string(actor_id), .role = actor_role, .at = std::string(at)},
      "work order " + std::string(work_order_id) + " cancelled");
}

}  // namespace celeste

#include "lenses/equipment/equipment_lens.h"

#include <string>
#include <utility>
#include <vector>

#include "actions/field_builders.h"
#include "lenses/equipment/equipment.h"
#include "lenses/equipment/equipment_actions.h"
#include "lenses/equipment/maintenance_schedule.h"
#include "lenses/equipment/schedule_actions.h"

namespace celeste {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

FieldDef EquipmentId() { return Required(IdField("equipment_id", "equipment", "Equipment")); }

FieldDef IntegerIn(std::string name, std::string label, double min, double max) {
  FieldDef field = Field(std::move(name), FieldType::kInteger, std::move(label));
  field.min = min;
  field.max = max;
  return field;
}

// The look-ahead of the due report: up to ten years, or any number of running hours.
std::vector<FieldDef> LookaheadFields() {
  return {IntegerIn("within_days", "Due within days", 0, 3650),
          NonNegative("within_hours", "Due within running hours")};
}

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kEquipmentLensId, std::move(id), std::move(label), variant, allowed_roles,
                        std::move(handler));
}

ActionDef AddEquipmentDef() {
  ActionDef action = Action("add_equipment", "Add equipment", Variant::kMutate, RoleSet::Hod(),
                            equipment::AddEquipment);
  action.fields = {Required(Text("name", "Name", 200)),
                   IdField("parent_id", "equipment", "Part of"),
                   Text("system", "System", 100),
                   Text("manufacturer", "Manufacturer", 100),
                   Text("model", "Model", 100),
                   Text("serial_number", "Serial number", 100),
                   Text("location", "Location", 200),
                   Enum("criticality", "Criticality",
                        std::vector<std::string>(std::begin(equipment::kCriticalityNames),
                                                 std::end(equipment::kCriticalityNames))),
                   NonNegative("running_hours", "Running hours")};
  action.search_keywords = {"add equipment", "new equipment", "register equipment", "add machinery",
                            "new system component"};
  return action;
}

ActionDef ViewEquipmentDetailDef() {
  ActionDef action = Action("view_equipment_detail", "View equipment", Variant::kRead,
                            RoleSet::All(), equipment::ViewEquipmentDetail);
  action.fields = {EquipmentId()};
  action.search_keywords = {"view equipment", "equipment details", "equipment history",
                            "machinery details", "parts used on equipment"};
  return action;
}

ActionDef ListEquipmentDef() {
  ActionDef action = Action("list_equipment", "Equipment", Variant::kRead, RoleSet::All(),
                            equipment::ListEquipment);
  action.fields = {Enum("view", "View", {"flat", "tree"}), Text("q", "Search", 200), PageSize(),
                   Text("cursor", "Next page", 64)};
  action.search_keywords = {"equipment",      "list equipment", "equipment tree",
                            "find equipment", "machinery list", "search equipment"};
  return action;
}

ActionDef UpdateRunningHoursDef() {
  ActionDef action = Action("update_running_hours", "Record running hours", Variant::kMutate,
                            RoleSet::All(), equipment::UpdateRunningHours);
  action.fields = {EquipmentId(), Required(NonNegative("running_hours", "Running hours"))};
  action.search_keywords = {"running hours", "update running hours", "hour meter reading",
                            "engine hours", "record hours"};
  return action;
}

ActionDef AddMaintenanceScheduleDef() {
  ActionDef action = Action("add_maintenance_schedule", "Add maintenance schedule",
                            Variant::kMutate, RoleSet::Hod(), equipment::AddMaintenanceSchedule);
  action.fields = {EquipmentId(),
                   Required(Text("task", "Task", 200)),
                   IntegerIn("interval_days", "Every (days)", 1, 36500),
                   PositiveQuantity("interval_hours", "Every (running hours)"),
                   Field("description", FieldType::kText, "Description"),
                   Field("last_done_at", FieldType::kDateTime, "Last done"),
                   NonNegative("last_done_hours", "Last done at running hours")};
  action.search_keywords = {"maintenance schedule", "add maintenance schedule",
                            "planned maintenance", "service interval", "recurring task"};
  return action;
}

ActionDef ListDueMaintenanceDef() {
  ActionDef action = Action("list_due_maintenance", "Due maintenance", Variant::kRead,
                            RoleSet::All(), equipment::ListDueMaintenance);
  action.fields = LookaheadFields();
  action.search_keywords = {"due maintenance", "overdue maintenance",  "what is due",
                            "maintenance due", "upcoming maintenance", "service due"};
  return action;
}

ActionDef GenerateDueWorkOrdersDef() {
  ActionDef action = Action("generate_due_work_orders", "Generate work orders for due maintenance",
                            Variant::kMutate, RoleSet::Hod(), equipment::GenerateDueWorkOrders);
  action.fields = LookaheadFields();
  action.search_keywords = {"generate work orders", "plan due maintenance",
                            "create maintenance work orders", "schedule due jobs"};
  return action;
}

LensDef EquipmentLensDef() {
  LensDef lens;
  lens.id = std::string(kEquipmentLensId);
  lens.label = "Equipment";
  lens.flags = {std::string(kEquipmentLensFlag)};
  lens.probe_action = "list_equipment";
  lens.create_action = "add_equipment";
  lens.entity_type = "equipment";
  lens.slo_p95_ms = 500;
  return lens;
}

}  // namespace

void RegisterEquipmentLens(Registry& registry) {
  registry.AddLens(EquipmentLensDef());
  for (ActionDef& action : std::vector<ActionDef>{
           AddEquipmentDef(), ViewEquipmentDetailDef(), ListEquipmentDef(), UpdateRunningHoursDef(),
           AddMaintenanceScheduleDef(), ListDueMaintenanceDef(), GenerateDueWorkOrdersDef()}) {
    registry.AddAction(std::move(action));
  }
}

Result<bool> EquipmentExists(Tx& tx, std::string_view yacht_id, std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto found, equipment::FindEquipment(tx, yacht_id, equipment_id));
  return found.has_value();
}

Status RecordRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                          double running_hours, std::string_view at) {
  return equipment::ApplyRunningHours(tx, yacht_id, equipment_id, running_hours, at).status();
}

Status MarkScheduleDone(Tx& tx, std::string_view yacht_id, std::string_view schedule_id,
                        std::string_view at) {
  return equipment::UpdateScheduleDone(tx, yacht_id, schedule_id, at);
}

}  // namespace celeste

#include "lenses/work_orders/action_defs.h"

#include <iterator>
#include <string>
#include <utility>

#include "actions/field_builders.h"
#include "lenses/work_orders/work_order.h"
#include "lenses/work_orders/work_order_actions.h"
#include "lenses/work_orders/work_order_status.h"

namespace celeste::work_orders {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

template <size_t N>
std::vector<std::string> Names(const std::string_view (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

FieldDef WorkOrderId() { return Required(IdField("work_order_id", "work_order", "Work order")); }
FieldDef Priority() { return Enum("priority", "Priority", Names(kPriorityNames)); }
FieldDef Assignee(std::string label) { return IdField("assigned_to", "user", std::move(label)); }

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kWorkOrdersLensId, std::move(id), std::move(label), variant, allowed_roles,
                        std::move(handler));
}

ActionDef CreateDef() {
  ActionDef action = Action("create_work_order", "Create work order", Variant::kMutate,
                            RoleSet::Hod(), CreateWorkOrderAction);
  action.fields = {Required(Text("title", "Title", 200)),
                   IdField("equipment_id", "equipment", "Equipment"),
                   Field("description", FieldType::kText, "Description"),
                   Priority(),
                   Assignee("Assign to"),
                   Field("due_date", FieldType::kDate, "Due date")};
  action.search_keywords = {"create work order", "new work order", "raise work order",
                            "new job",           "plan a job",     "work order"};
  return action;
}

ActionDef ViewDef() {
  ActionDef action = Action("view_work_order_detail", "View work order", Variant::kRead,
                            RoleSet::All(), ViewWorkOrderDetail);
  action.fields = {WorkOrderId()};
  action.search_keywords = {"view work order", "work order details", "job details",
                            "parts used on job", "work order history"};
  return action;
}

ActionDef ListDef() {
  ActionDef action = Action("list_work_orders", "Work orders", Variant::kRead, RoleSet::All(),
                            ListWorkOrdersAction);
  action.fields = {Enum("status", "Status", Names(kWorkOrderStatusNames)),
                   Text("assignee", "Assignee (a user id, or me)", 64),
                   Field("overdue", FieldType::kBoolean, "Overdue only"), PageSize(),
                   Text("cursor", "Next page", 64)};
  action.search_keywords = {"work orders",  "list work orders", "my jobs",  "open jobs",
                            "overdue work", "jobs to do",       "task list"};
  return action;
}

ActionDef AssignDef() {
  ActionDef action = Action("assign_work_order", "Assign work order", Variant::kMutate,
                            RoleSet::Hod(), AssignWorkOrder);
  action.fields = {WorkOrderId(), Required(Assignee("Assign to"))};
  action.search_keywords = {"assign work order", "assign job", "reassign", "give job to"};
  return action;
}

ActionDef StartDef() {
  ActionDef action = Action("start_work_order", "Start work order", Variant::kMutate,
                            RoleSet::All(), StartWorkOrder);
  action.fields = {WorkOrderId()};
  action.search_keywords = {"start work order", "start job", "begin work", "work started"};
  return action;
}

ActionDef HoldDef() {
  ActionDef action = Action("hold_work_order", "Put work order on hold", Variant::kMutate,
                            RoleSet::All(), HoldWorkOrder);
  action.fields = {WorkOrderId(), Text("reason", "Reason", 500)};
  action.search_keywords = {"hold work order", "pause job", "on hold", "waiting for parts"};
  return action;
}

ActionDef ResumeDef() {
  ActionDef action = Action("resume_work_order", "Resume work order", Variant::kMutate,
                            RoleSet::All(), ResumeWorkOrder);
  action.fields = {WorkOrderId(), Text("notes", "Notes", 500)};
  action.search_keywords = {"resume work order", "resume job", "continue work", "off hold"};
  return action;
}

ActionDef NoteDef() {
  ActionDef action = Action("add_work_order_note", "Add note to work order", Variant::kMutate,
                            RoleSet::All(), AddWorkOrderNote);
  action.fields = {WorkOrderId(), Required(Field("note", FieldType::kText, "Note"))};
  action.search_keywords = {"work order note", "add note", "comment on job", "log work"};
  return action;
}

ActionDef CompleteDef() {
  ActionDef action = Action("complete_work_order", "Complete work order", Variant::kMutate,
                            RoleSet::All(), CompleteWorkOrder);
  action.fields = {WorkOrderId(), NonNegative("running_hours", "Running hours reading"),
                   Field("completion_notes", FieldType::kText, "Completion notes")};
  action.search_keywords = {"complete work order", "finish job", "job done", "close work order",
                            "work completed"};
  return action;
}

ActionDef CancelDef() {
  ActionDef action = Action("cancel_work_order", "Cancel work order", Variant::kMutate,
                            RoleSet::Hod(), CancelWorkOrder);
  action.fields = {WorkOrderId(), Required(Text("reason", "Reason", 500))};
  action.search_keywords = {"cancel work order", "cancel job", "drop job", "work not needed"};
  return action;
}

}  // namespace

LensDef WorkOrdersLensDef() {
  LensDef lens;
  lens.id = std::string(kWorkOrdersLensId);
  lens.label = "Work orders";
  lens.flags = {std::string(kWorkOrdersLensFlag)};
  lens.probe_action = "list_work_orders";
  lens.create_action = "create_work_order";
  lens.entity_type = "work_order";
  lens.slo_p95_ms = 500;
  return lens;
}

std::vector<ActionDef> WorkOrderActionDefs() {
  return {CreateDef(), ViewDef(),   ListDef(), AssignDef(),   StartDef(),
          HoldDef(),   ResumeDef(), NoteDef(), CompleteDef(), CancelDef()};
}

}  // namespace celeste::work_orders

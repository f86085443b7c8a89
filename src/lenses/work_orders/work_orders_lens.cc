#include "lenses/work_orders/work_orders_lens.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include "core/clock.h"
#include "core/uuid.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/action_defs.h"
#include "lenses/work_orders/work_order.h"
#include "lenses/work_orders/work_order_status.h"

namespace celeste {
namespace {

using work_orders::WorkOrder;

Status NotFoundField(std::string_view field, std::string message) {
  return Status::NotFound(std::move(message)).WithDetail("field", field);
}

// What a caller must get right; a lens that gets it wrong has a bug (hence internal).
Status CheckOriginShape(const NewWorkOrder& order) {
  const bool fault = order.origin == WorkOrderOrigin::kFault;
  const bool schedule = order.origin == WorkOrderOrigin::kSchedule;
  if (fault != order.fault_id.has_value() || schedule != order.schedule_id.has_value()) {
    return Status::Internal("a work order's fault_id and schedule_id must match its origin");
  }
  return Status::OK();
}

// The values a client may have sent: the title, priority and due date.
Status CheckValues(const NewWorkOrder& order) {
  if (std::all_of(order.title.begin(), order.title.end(),
                  [](unsigned char c) { return std::isspace(c) != 0; })) {
    return Status::InvalidField("title", "'title' must not be blank");
  }
  if (std::find(std::begin(work_orders::kPriorityNames), std::end(work_orders::kPriorityNames),
                order.priority) == std::end(work_orders::kPriorityNames)) {
    return Status::InvalidField("priority", "'priority' must be low, normal, high or critical");
  }
  if (order.due_date && !IsDate(*order.due_date)) {
    return Status::InvalidField("due_date", "'due_date' must be a date (YYYY-MM-DD)");
  }
  return Status::OK();
}

// The fault or schedule the work order is raised for: not_found when the yacht has none.
// A schedule stays locked (PostgreSQL) so that raising its work order twice at once queues
// up. Returns the origin's equipment.
Result<std::optional<std::string>> CheckOrigin(Tx& tx, std::string_view yacht_id,
                                               const NewWorkOrder& order) {
  if (order.schedule_id) {
    CELESTE_ASSIGN_OR_RETURN(
        auto schedule, work_orders::LockScheduleForWorkOrder(tx, yacht_id, *order.schedule_id));
    if (!schedule) {
      return NotFoundField("schedule_id",
                           "no maintenance schedule " + *order.schedule_id + " on this yacht");
    }
    return schedule->equipment_id;
  }
  if (order.fault_id) {
    CELESTE_ASSIGN_OR_RETURN(auto fault,
                             work_orders::FindFaultOrigin(tx, yacht_id, *order.fault_id));
    if (!fault) return NotFoundField("fault_id", "no fault " + *order.fault_id + " on this yacht");
    return fault->equipment_id;
  }
  return std::optional<std::string>();
}

Status CheckReferences(Tx& tx, std::string_view yacht_id, const NewWorkOrder& order) {
  if (order.equipment_id) {
    CELESTE_ASSIGN_OR_RETURN(bool exists, EquipmentExists(tx, yacht_id, *order.equipment_id));
    if (!exists) {
      return NotFoundField("equipment_id",
                           "no equipment " + *order.equipment_id + " on this yacht");
    }
  }
  if (order.assigned_to) {
    CELESTE_ASSIGN_OR_RETURN(bool member,
                             work_orders::IsActiveMember(tx, yacht_id, *order.assigned_to));
    if (!member) {
      return NotFoundField("assigned_to",
                           "user " + *order.assigned_to + " is not an active member of this yacht");
    }
  }
  return Status::OK();
}

// Never two open work orders for one schedule: the second is a duplicate of the first.
Status CheckNoOpenWorkOrder(Tx& tx, std::string_view yacht_id, const NewWorkOrder& order) {
  if (!order.schedule_id) return Status::OK();
  CELESTE_ASSIGN_OR_RETURN(auto open,
                           work_orders::OpenWorkOrderOfSchedule(tx, yacht_id, *order.schedule_id));
  if (!open) return Status::OK();
  return Status::Error(ErrorCode::kDuplicate,
                       "schedule " + *order.schedule_id + " already has an open work order",
                       {{"existing_id", open->id}});
}

}  // namespace

void RegisterWorkOrdersLens(Registry& registry) {
  registry.AddLens(work_orders::WorkOrdersLensDef());
  for (ActionDef& action : work_orders::WorkOrderActionDefs()) {
    registry.AddAction(std::move(action));
  }
}

boost::json::object WorkOrderSummary::ToJson() const {
  return {{"id", id},
          {"status", WorkOrderStatusName(status)},
          {"origin", WorkOrderOriginName(origin)},
          {"title", title},
          {"priority", priority},
          {"fault_id", TextOrNull(fault_id)},
          {"schedule_id", TextOrNull(schedule_id)},
          {"equipment_id", TextOrNull(equipment_id)},
          {"assigned_to", TextOrNull(assigned_to)},
          {"due_date", TextOrNull(due_date)},
          {"created_at", created_at},
          {"completed_at", TextOrNull(completed_at)}};
}

Result<std::string> CreateWorkOrder(Tx& tx, std::string_view yacht_id, const NewWorkOrder& order) {
  CELESTE_RETURN_IF_ERROR(CheckOriginShape(order));
  CELESTE_RETURN_IF_ERROR(CheckValues(order));
  // Every reference first (404), then the duplicate (409), as CONTRACT §2 orders them.
  CELESTE_ASSIGN_OR_RETURN(auto origin_equipment, CheckOrigin(tx, yacht_id, order));
  CELESTE_RETURN_IF_ERROR(CheckReferences(tx, yacht_id, order));
  CELESTE_RETURN_IF_ERROR(CheckNoOpenWorkOrder(tx, yacht_id, order));

  const WorkOrder record{.id = NewUuidV7(),
                         .origin = order.origin,
                         .fault_id = order.fault_id,
                         .schedule_id = order.schedule_id,
                         // Raised for a fault or schedule without naming equipment: theirs.
                         .equipment_id = order.equipment_id ? order.equipment_id : origin_equipment,
                         .title = order.title,
                         .description = order.description,
                         .priority = order.priority,
                         .status = WorkOrderStatus::kPlanned,
                         .assigned_to = order.assigned_to,
                         .due_date = order.due_date,
                         .created_by = order.creator_id,
                         .created_at = order.at,
                         .updated_at = order.at,
                         .started_at = std::nullopt,
                         .completed_by = std::nullopt,
                         .completed_at = std::nullopt,
                         .completion_notes = std::nullopt,
                         .running_hours_reading = std::nullopt,
                         .cancelled_by = std::nullopt,
                         .cancelled_at = std::nullopt,
                         .cancel_reason = std::nullopt};
  const work_orders::Actor creator{
      .id = order.creator_id, .role = order.creator_role, .at = order.at};
  CELESTE_RETURN_IF_ERROR(
      work_orders::InsertWorkOrder(tx, yacht_id, record, creator, order.history_notes));
  return record.id;
}

Result<std::optional<WorkOrderSummary>> FindWorkOrder(Tx& tx, std::string_view yacht_id,
                                                      std::string_view work_order_id) {
  if (!IsUuid(work_order_id)) return std::optional<WorkOrderSummary>();  // no such id, anywhere
  CELESTE_ASSIGN_OR_RETURN(
      auto order, work_orders::FindWorkOrderRecord(tx, yacht_id, NormalizeUuid(work_order_id)));
  if (!order) return std::optional<WorkOrderSummary>();
  return std::optional<WorkOrderSummary>(order->Summary());
}

Result<std::vector<WorkOrderSummary>> OpenWorkOrdersForEquipment(Tx& tx, std::string_view yacht_id,
                                                                 std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto orders,
                           work_orders::OpenWorkOrdersOfEquipment(tx, yacht_id, equipment_id));
  std::vector<WorkOrderSummary> summaries;
  summaries.reserve(orders.size());
  for (const WorkOrder& order : orders) summaries.push_back(order.Summary());
  return summaries;
}

Result<std::optional<WorkOrderSummary>> OpenWorkOrderForSchedule(Tx& tx, std::string_view yacht_id,
                                                                 std::string_view schedule_id) {
  CELESTE_ASSIGN_OR_RETURN(auto order,
                           work_orders::OpenWorkOrderOfSchedule(tx, yacht_id, schedule_id));
  if (!order) return std::optional<WorkOrderSummary>();
  return std::optional<WorkOrderSummary>(order->Summary());
}

}  // namespace celeste

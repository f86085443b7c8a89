#include "lenses/work_orders/work_order_actions.h"

#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "core/uuid.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/faults/faults_lens.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/work_order.h"
#include "lenses/work_orders/work_order_status.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste::work_orders {
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr std::string_view kMe = "me";

std::string WorkOrderIdOf(const ActionContext& ctx) { return ctx.Id("work_order_id"); }

Actor ActorOf(const ActionContext& ctx) {
  return Actor{.id = ctx.user_id(), .role = ctx.role, .at = ctx.now_text};
}

ActionOutcome Outcome(std::string work_order_id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kWorkOrderEntityType),
                       .entity_id = std::move(work_order_id),
                       .result = std::move(result),
                       .created = created};
}

// The work order as it is now (after this transaction's changes).
Result<ActionOutcome> CurrentOutcome(const ActionContext& ctx, Tx& tx, const std::string& id) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LoadWorkOrder(tx, ctx.yacht_id, id));
  return Outcome(id, order.ToJson(), /*created=*/false);
}

// Who may work a work order (start, hold, resume, complete): its assignee or a head of
// department.
Status CheckMayWork(const ActionContext& ctx, const WorkOrder& order) {
  if (IsHod(ctx.role)) return Status::OK();
  if (order.assigned_to && *order.assigned_to == ctx.user_id()) return Status::OK();
  return Status::Forbidden(
      RoleName(ctx.role),
      "only the work order's assignee or a head of department may start, hold, resume or "
      "complete it");
}

// The assigned_to of a payload: an active member of the yacht, else not_found.
Status CheckAssignee(const ActionContext& ctx, Tx& tx, const std::string& user_id) {
  CELESTE_ASSIGN_OR_RETURN(bool member, IsActiveMember(tx, ctx.yacht_id, user_id));
  if (member) return Status::OK();
  return Status::NotFound("user " + user_id + " is not an active member of this yacht")
      .WithDetail("field", "assigned_to");
}

// The list's assignee filter: "me" is the caller; anything else must be a user id.
Result<std::optional<std::string>> AssigneeFilter(const ActionContext& ctx) {
  auto assignee = ctx.OptText("assignee");
  if (!assignee) return std::optional<std::string>();
  if (*assignee == kMe) return std::optional<std::string>(ctx.user_id());
  if (!IsUuid(*assignee)) {
    return Status::InvalidField("assignee", "'assignee' must be a user id or \"me\"");
  }
  return std::optional<std::string>(NormalizeUuid(*assignee));
}

// Locks the work order and checks that the caller may work it.
Result<WorkOrder> LockToWork(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockWorkOrder(tx, ctx.yacht_id, WorkOrderIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(CheckMayWork(ctx, order));
  return order;
}

// A reading taken on completion goes to the work order's equipment (the equipment lens
// refuses one below the current hours).
Status RecordReading(const ActionContext& ctx, Tx& tx, const WorkOrder& order, double hours) {
  if (!order.equipment_id) {
    return Status::RuleViolation("work_order_without_equipment",
                                 "this work order is not for a piece of equipment: it takes no "
                                 "running hours reading")
        .WithDetail("field", "running_hours");
  }
  return RecordRunningHours(tx, ctx.yacht_id, *order.equipment_id, hours, ctx.now_text);
}

}  // namespace

Result<ActionOutcome> CreateWorkOrderAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string title, ctx.NonBlankText("title"));
  const NewWorkOrder order{.origin = WorkOrderOrigin::kManual,
                           .fault_id = std::nullopt,
                           .schedule_id = std::nullopt,
                           .equipment_id = ctx.OptId("equipment_id"),
                           .title = std::move(title),
                           .description = ctx.OptText("description"),
                           .priority = ctx.OptStr("priority").value_or("normal"),
                           .assigned_to = ctx.OptId("assigned_to"),
                           .due_date = ctx.OptStr("due_date"),
                           .creator_id = ctx.user_id(),
                           .creator_role = ctx.role,
                           .at = ctx.now_text,
                           .history_notes = std::nullopt};
  CELESTE_ASSIGN_OR_RETURN(std::string id, CreateWorkOrder(tx, ctx.yacht_id, order));
  CELESTE_ASSIGN_OR_RETURN(WorkOrder created, LoadWorkOrder(tx, ctx.yacht_id, id));
  return Outcome(id, created.ToJson(), /*created=*/true);
}

Result<ActionOutcome> ViewWorkOrderDetail(const ActionContext& ctx, Tx& tx) {
  const std::string id = WorkOrderIdOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LoadWorkOrder(tx, ctx.yacht_id, id));
  CELESTE_ASSIGN_OR_RETURN(auto parts, PartsConsumedOn(tx, ctx.yacht_id, id));
  CELESTE_ASSIGN_OR_RETURN(auto notes, NotesOf(tx, ctx.yacht_id, id));
  CELESTE_ASSIGN_OR_RETURN(auto history, HistoryOf(tx, ctx.yacht_id, id));
  boost::json::object result = order.ToJson();
  boost::json::array parts_json;
  for (const ConsumedPart& part : parts) parts_json.push_back(part.ToJson());
  boost::json::array notes_json;
  for (const Note& note : notes) notes_json.push_back(note.ToJson());
  boost::json::array history_json;
  for (const HistoryEntry& entry : history) history_json.push_back(entry.ToJson());
  result["parts_consumed"] = std::move(parts_json);
  result["notes"] = std::move(notes_json);
  result["history"] = std::move(history_json);
  return Outcome(id, std::move(result), /*created=*/false);
}

Result<ActionOutcome> ListWorkOrdersAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  CELESTE_ASSIGN_OR_RETURN(auto assignee, AssigneeFilter(ctx));
  std::optional<WorkOrderStatus> status;
  if (auto name = ctx.OptStr("status")) status = ParseWorkOrderStatus(*name);  // an enum field
  // Overdue: open and due before today (UTC), the day of now_text.
  std::optional<std::string> today;
  if (ctx.OptBool("overdue").value_or(false)) today = ctx.now_text.substr(0, 10);
  const WorkOrderQuery query{.status = status,
                             .assigned_to = std::move(assignee),
                             .overdue_today = std::move(today),
                             .after_id = std::move(cursor),
                             .limit = ctx.OptInt("limit").value_or(kDefaultPageSize)};
  CELESTE_ASSIGN_OR_RETURN(WorkOrderPage page, ListWorkOrders(tx, ctx.yacht_id, query));
  boost::json::array orders;
  orders.reserve(page.work_orders.size());
  for (const WorkOrder& order : page.work_orders) orders.push_back(order.ToJson());
  return Outcome(
      "", {{"work_orders", std::move(orders)}, {"next_cursor", TextOrNull(page.next_cursor)}},
      /*created=*/false);
}

Result<ActionOutcome> AssignWorkOrder(const ActionContext& ctx, Tx& tx) {
  const std::string assignee = ctx.Id("assigned_to");
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockWorkOrder(tx, ctx.yacht_id, WorkOrderIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(CheckAssignee(ctx, tx, assignee));
  if (!order.open()) {
    return Status::InvalidTransition(WorkOrderStatusName(order.status), "assign the work order");
  }
  CELESTE_RETURN_IF_ERROR(RecordAssignee(tx, ctx.yacht_id, order.id, assignee, ctx.now_text));
  return CurrentOutcome(ctx, tx, order.id);
}

Result<ActionOutcome> StartWorkOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockToWork(ctx, tx));
  constexpr std::string_view kWhat = "start the work order";
  CELESTE_RETURN_IF_ERROR(CheckMove(order.status, WorkOrderStatus::kInProgress, kWhat));
  CELESTE_RETURN_IF_ERROR(RecordStart(tx, ctx.yacht_id, order.id, ctx.now_text));
  CELESTE_RETURN_IF_ERROR(MoveWorkOrder(tx, ctx.yacht_id, order, WorkOrderStatus::kInProgress,
                                        ActorOf(ctx), std::nullopt, kWhat));
  return CurrentOutcome(ctx, tx, order.id);
}

Result<ActionOutcome> HoldWorkOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockToWork(ctx, tx));
  CELESTE_RETURN_IF_ERROR(MoveWorkOrder(tx, ctx.yacht_id, order, WorkOrderStatus::kOnHold,
                                        ActorOf(ctx), ctx.OptText("reason"),
                                        "put the work order on hold"));
  return CurrentOutcome(ctx, tx, order.id);
}

Result<ActionOutcome> ResumeWorkOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockToWork(ctx, tx));
  constexpr std::string_view kWhat = "resume the work order";
  if (order.status != WorkOrderStatus::kOnHold) {
    return Status::InvalidTransition(WorkOrderStatusName(order.status), kWhat);
  }
  // Back where it was: work that had begun goes on; work never started is planned again.
  const WorkOrderStatus to =
      order.started_at ? WorkOrderStatus::kInProgress : WorkOrderStatus::kPlanned;
  CELESTE_RETURN_IF_ERROR(
      MoveWorkOrder(tx, ctx.yacht_id, order, to, ActorOf(ctx), ctx.OptText("notes"), kWhat));
  return CurrentOutcome(ctx, tx, order.id);
}

Result<ActionOutcome> CompleteWorkOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockToWork(ctx, tx));
  constexpr std::string_view kWhat = "complete the work order";
  CELESTE_RETURN_IF_ERROR(CheckMove(order.status, WorkOrderStatus::kCompleted, kWhat));
  const auto hours = ctx.OptNum("running_hours");
  if (hours) CELESTE_RETURN_IF_ERROR(RecordReading(ctx, tx, order, *hours));
  const Actor actor = ActorOf(ctx);
  const auto notes = ctx.OptText("completion_notes");
  CELESTE_RETURN_IF_ERROR(RecordCompletion(tx, ctx.yacht_id, order.id, actor, notes, hours));
  CELESTE_RETURN_IF_ERROR(
      MoveWorkOrder(tx, ctx.yacht_id, order, WorkOrderStatus::kCompleted, actor, notes, kWhat));
  // The schedule's last done takes the reading just recorded.
  if (order.schedule_id) {
    CELESTE_RETURN_IF_ERROR(MarkScheduleDone(tx, ctx.yacht_id, *order.schedule_id, ctx.now_text));
  }
  if (order.fault_id) {
    CELESTE_RETURN_IF_ERROR(FaultWorkOrderCompleted(tx, ctx.yacht_id, *order.fault_id, order.id,
                                                    actor.id, actor.role, actor.at));
  }
  return CurrentOutcome(ctx, tx, order.id);
}

Result<ActionOutcome> AddWorkOrderNote(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string body, ctx.NonBlankText("note"));
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LoadWorkOrder(tx, ctx.yacht_id, WorkOrderIdOf(ctx)));
  const Note note{.id = NewUuidV7(),
                  .author_id = ctx.user_id(),
                  .author_role = std::string(RoleName(ctx.role)),
                  .body = std::move(body),
                  .created_at = ctx.now_text};
  CELESTE_RETURN_IF_ERROR(InsertNote(tx, ctx.yacht_id, order.id, note));
  boost::json::object result = note.ToJson();
  result["work_order_id"] = order.id;
  return Outcome(order.id, std::move(result), /*created=*/true);
}

Result<ActionOutcome> CancelWorkOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string reason, ctx.NonBlankText("reason"));
  CELESTE_ASSIGN_OR_RETURN(WorkOrder order, LockWorkOrder(tx, ctx.yacht_id, WorkOrderIdOf(ctx)));
  constexpr std::string_view kWhat = "cancel the work order";
  CELESTE_RETURN_IF_ERROR(CheckMove(order.status, WorkOrderStatus::kCancelled, kWhat));
  const Actor actor = ActorOf(ctx);
  // The reason first: the database insists a cancelled work order has one.
  CELESTE_RETURN_IF_ERROR(RecordCancellation(tx, ctx.yacht_id, order.id, actor, reason));
  CELESTE_RETURN_IF_ERROR(
      MoveWorkOrder(tx, ctx.yacht_id, order, WorkOrderStatus::kCancelled, actor, reason, kWhat));
  if (order.fault_id) {
    CELESTE_RETURN_IF_ERROR(FaultWorkOrderCancelled(tx, ctx.yacht_id, *order.fault_id, order.id,
                                                    actor.id, actor.role, actor.at));
  }
  return CurrentOutcome(ctx, tx, order.id);
}

}  // namespace celeste::work_orders

#include "lenses/equipment/schedule_actions.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/uuid.h"
#include "lenses/equipment/equipment.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/equipment/maintenance_schedule.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste::equipment {
namespace {

// A last_done_at this far ahead of the server's clock is a clock skew, not the future.
constexpr Micros kClockSkew = 5 * 60 * kMicrosPerSecond;

ActionOutcome ScheduleOutcome(std::string schedule_id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kScheduleEntityType),
                       .entity_id = std::move(schedule_id),
                       .result = std::move(result),
                       .created = created};
}

DueLookahead LookaheadOf(const ActionContext& ctx) {
  return DueLookahead{.within_days = ctx.OptInt("within_days").value_or(0),
                      .within_hours = ctx.OptNum("within_hours").value_or(0)};
}

// A work order's priority follows the criticality of its equipment.
std::string PriorityFor(std::string_view criticality) {
  if (criticality == "low" || criticality == "high" || criticality == "critical") {
    return std::string(criticality);
  }
  return "normal";
}

// The schedule's optional "last done" from paper records: last_done_at not in the future
// (invalid_field), normalised to the server's RFC 3339 form.
Result<std::optional<std::string>> LastDoneAt(const ActionContext& ctx) {
  const std::optional<std::string> text = ctx.OptStr("last_done_at");
  if (!text) return std::optional<std::string>();
  const std::optional<Micros> at = ParseRfc3339(*text);  // the field is a datetime
  if (!at || *at > ctx.now + kClockSkew) {
    return Status::InvalidField("last_done_at", "'last_done_at' must not be in the future");
  }
  return std::optional<std::string>(FormatRfc3339(*at));
}

// Either interval, or both; missing_field when neither is given.
Status CheckIntervals(const ActionContext& ctx) {
  if (ctx.Has("interval_days") || ctx.Has("interval_hours")) return Status::OK();
  return Status::Error(ErrorCode::kMissingField,
                       "a schedule needs 'interval_days', 'interval_hours' or both",
                       {{"field", "interval_days"},
                        {"fields", boost::json::array{"interval_days", "interval_hours"}}});
}

// What generating did for one schedule.
struct Generated {
  std::optional<std::string> work_order_id;  // the new work order
  std::optional<std::string> skip_reason;    // open_work_order | no_longer_due
  std::optional<std::string> existing_id;    // the open work order it already has
  std::optional<DueBy> due_by;
};

// The new planned work order for a due schedule.
NewWorkOrder WorkOrderFor(const ActionContext& ctx, const MaintenanceSchedule& schedule,
                          const Equipment& equipment, const DueState& state) {
  std::optional<std::string> due_date;
  if (state.next_due_at) due_date = FormatRfc3339(*state.next_due_at).substr(0, 10);
  const std::optional<DueBy> by = state.due_by();
  return NewWorkOrder{.origin = WorkOrderOrigin::kSchedule,
                      .fault_id = std::nullopt,
                      .schedule_id = schedule.id,
                      .equipment_id = schedule.equipment_id,
                      .title = schedule.task,
                      .description = schedule.description,
                      .priority = PriorityFor(equipment.criticality),
                      .assigned_to = std::nullopt,
                      .due_date = due_date,
                      .creator_id = ctx.user_id(),
                      .creator_role = ctx.role,
                      .at = ctx.now_text,
                      .history_notes = fmt::format("planned maintenance {} due by {}", schedule.id,
                                                   by ? DueByName(*by) : "calendar")};
}

// Under the schedule's lock (a concurrent generation waits here, then finds the work order
// this one made): skips a schedule that is no longer due or has an open work order, else
// creates its work order. CreateWorkOrder's duplicate answer means "already there" too.
Result<Generated> GenerateFor(const ActionContext& ctx, Tx& tx, std::string_view schedule_id,
                              const DueLookahead& lookahead) {
  CELESTE_ASSIGN_OR_RETURN(MaintenanceSchedule schedule,
                           LockSchedule(tx, ctx.yacht_id, schedule_id));
  CELESTE_ASSIGN_OR_RETURN(Equipment equipment,
                           LoadEquipment(tx, ctx.yacht_id, schedule.equipment_id));
  CELESTE_ASSIGN_OR_RETURN(ScheduleTiming timing, TimingOf(schedule));
  const DueState state = ComputeDueState(timing, equipment.running_hours, ctx.now, lookahead);
  Generated generated;
  generated.due_by = state.due_by();
  if (!state.due() && !state.upcoming()) {
    generated.skip_reason = "no_longer_due";
    return generated;
  }
  CELESTE_ASSIGN_OR_RETURN(auto open, OpenWorkOrderForSchedule(tx, ctx.yacht_id, schedule.id));
  if (open) {
    generated.skip_reason = "open_work_order";
    generated.existing_id = open->id;
    return generated;
  }
  Result<std::string> created =
      CreateWorkOrder(tx, ctx.yacht_id, WorkOrderFor(ctx, schedule, equipment, state));
  if (created.ok()) {
    generated.work_order_id = *created;
    return generated;
  }
  if (created.status().code() != ErrorCode::kDuplicate) return created.status();
  generated.skip_reason = "open_work_order";
  if (auto it = created.status().details().find("existing_id");
      it != created.status().details().end() && it->value().is_string()) {
    generated.existing_id = std::string(it->value().get_string());
  }
  return generated;
}

}  // namespace

Result<ActionOutcome> AddMaintenanceSchedule(const ActionContext& ctx, Tx& tx) {
  const std::string equipment_id = ctx.Id("equipment_id");
  CELESTE_ASSIGN_OR_RETURN(std::string task, ctx.NonBlankText("task"));
  CELESTE_RETURN_IF_ERROR(CheckIntervals(ctx));
  CELESTE_ASSIGN_OR_RETURN(auto last_done_at, LastDoneAt(ctx));
  CELESTE_ASSIGN_OR_RETURN(Equipment equipment, LoadEquipment(tx, ctx.yacht_id, equipment_id));
  const std::optional<double> last_done_hours = ctx.OptNum("last_done_hours");
  if (last_done_hours && *last_done_hours > equipment.running_hours) {
    return Status::RuleViolation(
               "last_done_hours_above_running_hours",
               fmt::format("'last_done_hours' {} is above the equipment's running hours {}",
                           *last_done_hours, equipment.running_hours))
        .WithDetail("current_running_hours", NumberValue(equipment.running_hours));
  }
  const MaintenanceSchedule schedule{.id = NewUuidV7(),
                                     .equipment_id = equipment_id,
                                     .task = std::move(task),
                                     .description = ctx.OptText("description"),
                                     .interval_days = ctx.OptInt("interval_days"),
                                     .interval_hours = ctx.OptNum("interval_hours"),
                                     .last_done_at = std::move(last_done_at),
                                     .last_done_hours = last_done_hours,
                                     .created_by = ctx.user_id(),
                                     .created_at = ctx.now_text,
                                     .updated_at = ctx.now_text};
  CELESTE_RETURN_IF_ERROR(InsertSchedule(tx, ctx.yacht_id, schedule));
  CELESTE_ASSIGN_OR_RETURN(ScheduleTiming timing, TimingOf(schedule));
  boost::json::object json = schedule.ToJson();
  json["equipment"] = {{"id", equipment.id},
                       {"name", equipment.name},
                       {"running_hours", NumberValue(equipment.running_hours)}};
  json["due"] = ComputeDueState(timing, equipment.running_hours, ctx.now).ToJson();
  return ScheduleOutcome(schedule.id, std::move(json), /*created=*/true);
}

Result<ActionOutcome> ListDueMaintenance(const ActionContext& ctx, Tx& tx) {
  const DueLookahead lookahead = LookaheadOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(auto due, FindDueMaintenance(tx, ctx.yacht_id, ctx.now, lookahead));
  boost::json::array items;
  items.reserve(due.size());
  for (const DueMaintenance& d : due) items.push_back(d.ToJson());
  return ScheduleOutcome("",
                         {{"as_of", ctx.now_text},
                          {"within_days", lookahead.within_days},
                          {"within_hours", NumberValue(lookahead.within_hours)},
                          {"count", items.size()},
                          {"due", std::move(items)}},
                         /*created=*/false);
}

Result<ActionOutcome> GenerateDueWorkOrders(const ActionContext& ctx, Tx& tx) {
  const DueLookahead lookahead = LookaheadOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(auto due, FindDueMaintenance(tx, ctx.yacht_id, ctx.now, lookahead));
  // Schedules are locked in one global order (by id), so concurrent generations queue up
  // instead of deadlocking.
  std::sort(due.begin(), due.end(), [](const DueMaintenance& a, const DueMaintenance& b) {
    return a.schedule_id < b.schedule_id;
  });
  boost::json::array created, skipped, work_order_ids;
  for (const DueMaintenance& d : due) {
    CELESTE_ASSIGN_OR_RETURN(Generated g, GenerateFor(ctx, tx, d.schedule_id, lookahead));
    const boost::json::value due_by = g.due_by ? boost::json::value(DueByName(*g.due_by)) : nullptr;
    if (g.work_order_id) {
      work_order_ids.push_back(boost::json::value(*g.work_order_id));
      created.push_back({{"work_order_id", *g.work_order_id},
                         {"schedule_id", d.schedule_id},
                         {"equipment_id", d.equipment_id},
                         {"task", d.task},
                         {"due_by", due_by}});
    } else {
      skipped.push_back({{"schedule_id", d.schedule_id},
                         {"equipment_id", d.equipment_id},
                         {"task", d.task},
                         {"reason", TextOrNull(g.skip_reason)},
                         {"work_order_id", TextOrNull(g.existing_id)}});
    }
  }
  const bool any = !created.empty();
  return ScheduleOutcome("",
                         {{"as_of", ctx.now_text},
                          {"work_order_ids", std::move(work_order_ids)},
                          {"created", std::move(created)},
                          {"skipped", std::move(skipped)}},
                         /*created=*/any);
}

}  // namespace celeste::equipment

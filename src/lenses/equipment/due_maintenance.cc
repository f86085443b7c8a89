// FindDueMaintenance (equipment_lens.h): the one due report behind list_due_maintenance,
// generate_due_work_orders and `celeste maintenance due`.
#include <algorithm>
#include <tuple>
#include <utility>

#include "lenses/equipment/equipment.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/equipment/maintenance_schedule.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste {
namespace {

DueMaintenance DueItem(const equipment::ScheduledEquipment& s, const equipment::DueState& state) {
  const equipment::MaintenanceSchedule& schedule = s.schedule;
  const std::optional<equipment::DueBy> by = state.due_by();
  std::optional<std::string> next_due_at;
  if (state.next_due_at) next_due_at = FormatRfc3339(*state.next_due_at);
  return DueMaintenance{.schedule_id = schedule.id,
                        .task = schedule.task,
                        .description = schedule.description,
                        .equipment_id = schedule.equipment_id,
                        .equipment_name = s.equipment_name,
                        .criticality = s.criticality,
                        .interval_days = schedule.interval_days,
                        .interval_hours = schedule.interval_hours,
                        .last_done_at = schedule.last_done_at,
                        .last_done_hours = schedule.last_done_hours,
                        .running_hours = s.running_hours,
                        .due = state.due(),
                        .due_by = std::string(by ? equipment::DueByName(*by) : "calendar"),
                        .next_due_at = std::move(next_due_at),
                        .next_due_hours = state.next_due_hours,
                        .days_overdue = state.days_overdue,
                        .hours_overdue = state.hours_overdue,
                        .open_work_order_id = std::nullopt};
}

// Due before upcoming, then critical equipment first, then by equipment name and task.
bool ReportOrder(const DueMaintenance& a, const DueMaintenance& b) {
  using Key = std::tuple<bool, int, const std::string&, const std::string&, const std::string&>;
  const auto key = [](const DueMaintenance& d) {
    return Key(!d.due, -equipment::CriticalityRank(d.criticality), d.equipment_name, d.task,
               d.schedule_id);
  };
  return key(a) < key(b);
}

}  // namespace

boost::json::object DueMaintenance::ToJson() const {
  return {{"schedule_id", schedule_id},
          {"task", task},
          {"description", TextOrNull(description)},
          {"equipment_id", equipment_id},
          {"equipment_name", equipment_name},
          {"criticality", criticality},
          {"interval_days", interval_days ? boost::json::value(*interval_days) : nullptr},
          {"interval_hours", NumberOrNull(interval_hours)},
          {"last_done_at", TextOrNull(last_done_at)},
          {"last_done_hours", NumberOrNull(last_done_hours)},
          {"running_hours", NumberValue(running_hours)},
          {"status", due ? "due" : "upcoming"},
          {"due_by", due_by},
          {"next_due_at", TextOrNull(next_due_at)},
          {"next_due_hours", NumberOrNull(next_due_hours)},
          {"days_overdue", days_overdue ? boost::json::value(*days_overdue) : nullptr},
          {"hours_overdue", NumberOrNull(hours_overdue)},
          {"open_work_order_id", TextOrNull(open_work_order_id)}};
}

Result<std::vector<DueMaintenance>> FindDueMaintenance(Tx& tx, std::string_view yacht_id,
                                                       Micros now, const DueLookahead& lookahead) {
  CELESTE_ASSIGN_OR_RETURN(auto schedules, equipment::AllSchedules(tx, yacht_id));
  std::vector<DueMaintenance> due;
  for (const equipment::ScheduledEquipment& s : schedules) {
    CELESTE_ASSIGN_OR_RETURN(equipment::ScheduleTiming timing, equipment::TimingOf(s.schedule));
    const equipment::DueState state =
        equipment::ComputeDueState(timing, s.running_hours, now, lookahead);
    if (!state.due() && !state.upcoming()) continue;
    DueMaintenance item = DueItem(s, state);
    CELESTE_ASSIGN_OR_RETURN(auto open, OpenWorkOrderForSchedule(tx, yacht_id, s.schedule.id));
    if (open) item.open_work_order_id = open->id;
    due.push_back(std::move(item));
  }
  std::sort(due.begin(), due.end(), ReportOrder);
  return due;
}

}  // namespace celeste

#include "lenses/equipment/maintenance_schedule.h"

#include <utility>

#include "lenses/json_values.h"

namespace celeste::equipment {
namespace {

// Column order of ScheduleFromRow (a table alias may be prefixed with PREFIX).
#define CELESTE_SCHEDULE_COLUMNS(P)                                                \
  P "id, " P "equipment_id, " P "task, " P "description, " P "interval_days, " P   \
    "interval_hours, " P "last_done_at, " P "last_done_hours, " P "created_by, " P \
    "created_at, " P "updated_at"
constexpr size_t kScheduleColumnCount = 11;

#define CELESTE_SELECT_SCHEDULE \
  "SELECT " CELESTE_SCHEDULE_COLUMNS("") " FROM pms_maintenance_schedules " \
  "WHERE yacht_id = $1 AND id = $2"
const Sql kSelectSchedule{CELESTE_SELECT_SCHEDULE};
const Sql kLockSchedule{CELESTE_SELECT_SCHEDULE, CELESTE_SELECT_SCHEDULE " FOR UPDATE"};
#undef CELESTE_SELECT_SCHEDULE

const Sql kInsertSchedule{
    "INSERT INTO pms_maintenance_schedules (id, yacht_id, equipment_id, task, description, "
    "interval_days, interval_hours, last_done_at, last_done_hours, created_by, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"};

const Sql kSchedulesOf{"SELECT " CELESTE_SCHEDULE_COLUMNS(
    "") " FROM pms_maintenance_schedules WHERE yacht_id = $1 AND "
        "equipment_id = $2 ORDER BY lower(task), id"};

const Sql kAllSchedules{"SELECT " CELESTE_SCHEDULE_COLUMNS(
    "s.") ", e.name, e.criticality, e.running_hours "
          "FROM pms_maintenance_schedules AS s JOIN pms_equipment AS e "
          "ON e.yacht_id = s.yacht_id AND e.id = s.equipment_id WHERE s.yacht_id = $1 "
          "ORDER BY s.id"};
#undef CELESTE_SCHEDULE_COLUMNS

const Sql kScheduleDone{
    "UPDATE pms_maintenance_schedules SET last_done_at = $3, updated_at = $3, "
    "last_done_hours = (SELECT e.running_hours FROM pms_equipment AS e "
    "WHERE e.yacht_id = pms_maintenance_schedules.yacht_id "
    "AND e.id = pms_maintenance_schedules.equipment_id) "
    "WHERE yacht_id = $1 AND id = $2"};

MaintenanceSchedule ScheduleFromRow(const Row& row) {
  std::optional<int64_t> interval_days;
  if (!row.IsNull(4)) interval_days = row.Int(4);
  return MaintenanceSchedule{.id = row.Text(0),
                             .equipment_id = row.Text(1),
                             .task = row.Text(2),
                             .description = row.OptText(3),
                             .interval_days = interval_days,
                             .interval_hours = row.OptReal(5),
                             .last_done_at = row.OptText(6),
                             .last_done_hours = row.OptReal(7),
                             .created_by = row.Text(8),
                             .created_at = row.Text(9),
                             .updated_at = row.Text(10)};
}

Result<MaintenanceSchedule> ReadSchedule(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                         std::string_view schedule_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, schedule_id}));
  if (!row) {
    return Status::NotFound("no maintenance schedule " + std::string(schedule_id) +
                            " on this yacht")
        .WithDetail("field", "schedule_id")
        .WithDetail("schedule_id", schedule_id);
  }
  return ScheduleFromRow(*row);
}

// floor(a / b) for b > 0 (C++ division truncates towards zero).
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

boost::json::object MaintenanceSchedule::ToJson() const {
  return {{"id", id},
          {"equipment_id", equipment_id},
          {"task", task},
          {"description", TextOrNull(description)},
          {"interval_days", interval_days ? boost::json::value(*interval_days) : nullptr},
          {"interval_hours", NumberOrNull(interval_hours)},
          {"last_done_at", TextOrNull(last_done_at)},
          {"last_done_hours", NumberOrNull(last_done_hours)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at}};
}

Result<ScheduleTiming> TimingOf(const MaintenanceSchedule& schedule) {
  const std::string& from = schedule.last_done_at ? *schedule.last_done_at : schedule.created_at;
  std::optional<Micros> calendar_from = ParseRfc3339(from);
  if (!calendar_from) {
    return Status::Internal("maintenance schedule " + schedule.id + " has an unreadable time");
  }
  return ScheduleTiming{.interval_days = schedule.interval_days,
                        .interval_hours = schedule.interval_hours,
                        .calendar_from = *calendar_from,
                        .hours_from = schedule.last_done_hours.value_or(0)};
}

std::string_view DueByName(DueBy due_by) {
  switch (due_by) {
    case DueBy::kCalendar:
      return "calendar";
    case DueBy::kHours:
      return "hours";
    case DueBy::kBoth:
      return "both";
  }
  return "calendar";
}

std::optional<DueBy> DueState::due_by() const {
  const bool calendar = due() ? calendar_reached : calendar_ahead;
  const bool hours = due() ? hours_reached : hours_ahead;
  if (calendar && hours) return DueBy::kBoth;
  if (calendar) return DueBy::kCalendar;
  if (hours) return DueBy::kHours;
  return std::nullopt;
}

boost::json::object DueState::ToJson() const {
  const std::optional<DueBy> by = due_by();
  return {{"status", due()        ? "due"
                     : upcoming() ? "upcoming"
                                  : "not_due"},
          {"due_by", by ? boost::json::value(DueByName(*by)) : nullptr},
          {"next_due_at", next_due_at ? boost::json::value(FormatRfc3339(*next_due_at)) : nullptr},
          {"next_due_hours", NumberOrNull(next_due_hours)},
          {"days_overdue", days_overdue ? boost::json::value(*days_overdue) : nullptr},
          {"hours_overdue", NumberOrNull(hours_overdue)}};
}

DueState ComputeDueState(const ScheduleTiming& timing, double running_hours, Micros now,
                         const DueLookahead& lookahead) {
  DueState state;
  if (timing.interval_days) {
    const Micros due_at = timing.calendar_from + *timing.interval_days * kMicrosPerDay;
    state.next_due_at = due_at;
    state.calendar_reached = now >= due_at;
    state.calendar_ahead =
        !state.calendar_reached && due_at <= now + lookahead.within_days * kMicrosPerDay;
    state.days_overdue = FloorDiv(now - due_at, kMicrosPerDay);
  }
  if (timing.interval_hours) {
    const double due_hours = timing.hours_from + *timing.interval_hours;
    state.next_due_hours = due_hours;
    state.hours_reached = running_hours >= due_hours;
    state.hours_ahead = !state.hours_reached && due_hours <= running_hours + lookahead.within_hours;
    state.hours_overdue = running_hours - due_hours;
  }
  return state;
}

Status InsertSchedule(Tx& tx, std::string_view yacht_id, const MaintenanceSchedule& s) {
  return tx.ExecDeferred(
      kInsertSchedule,
      {s.id, yacht_id, s.equipment_id, s.task, s.description, s.interval_days, s.interval_hours,
       s.last_done_at, s.last_done_hours, s.created_by, s.created_at},
      1);
}

Result<MaintenanceSchedule> LoadSchedule(Tx& tx, std::string_view yacht_id,
                                         std::string_view schedule_id) {
  return ReadSchedule(tx, kSelectSchedule, yacht_id, schedule_id);
}

Result<MaintenanceSchedule> LockSchedule(Tx& tx, std::string_view yacht_id,
                                         std::string_view schedule_id) {
  return ReadSchedule(tx, kLockSchedule, yacht_id, schedule_id);
}

Result<std::vector<MaintenanceSchedule>> SchedulesOf(Tx& tx, std::string_view yacht_id,
                                                     std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSchedulesOf, {yacht_id, equipment_id}));
  std::vector<MaintenanceSchedule> schedules;
  schedules.reserve(rows.size());
  for (const Row& row : rows) schedules.push_back(ScheduleFromRow(row));
  return schedules;
}

Result<std::vector<ScheduledEquipment>> AllSchedules(Tx& tx, std::string_view yacht_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kAllSchedules, {yacht_id}));
  std::vector<ScheduledEquipment> all;
  all.reserve(rows.size());
  constexpr size_t e = kScheduleColumnCount;
  for (const Row& row : rows) {
    all.push_back(ScheduledEquipment{.schedule = ScheduleFromRow(row),
                                     .equipment_name = row.Text(e),
                                     .criticality = row.Text(e + 1),
                                     .running_hours = row.Real(e + 2)});
  }
  return all;
}

Status UpdateScheduleDone(Tx& tx, std::string_view yacht_id, std::string_view schedule_id,
                          std::string_view at) {
  CELESTE_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(kScheduleDone, {yacht_id, schedule_id, at}));
  if (changed == 0) {
    return Status::NotFound("no maintenance schedule " + std::string(schedule_id) +
                            " on this yacht")
        .WithDetail("field", "schedule_id")
        .WithDetail("schedule_id", schedule_id);
  }
  return Status::OK();
}

}  // namespace celeste::equipment

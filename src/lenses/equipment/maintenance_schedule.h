// A maintenance schedule (pms_maintenance_schedules): a recurring task on one piece of
// equipment, due by calendar (interval_days) and/or by running hours (interval_hours). Its
// record, its queries, and when it is due — a pure function of the schedule, the
// equipment's running hours and the time, so that tests choose the time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "lenses/equipment/equipment_lens.h"
#include "store/store.h"

namespace celeste::equipment {

inline constexpr std::string_view kScheduleEntityType = "maintenance_schedule";
inline constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct MaintenanceSchedule {
  std::string id;
  std::string equipment_id;
  std::string task;
  std::optional<std::string> description;
  std::optional<int64_t> interval_days;
  std::optional<double> interval_hours;
  std::optional<std::string> last_done_at;  // RFC 3339; nullopt: never done
  std::optional<double> last_done_hours;    // nullopt: never done
  std::string created_by;
  std::string created_at;
  std::string updated_at;

  boost::json::object ToJson() const;
};

// --- When a schedule is due (docs/lenses/equipment.md, "Due rules") ---

// What the due rules start from.
struct ScheduleTiming {
  std::optional<int64_t> interval_days;
  std::optional<double> interval_hours;
  Micros calendar_from = 0;  // last_done_at, else created_at
  double hours_from = 0;     // last_done_hours, else 0
};
// The schedule's timing; internal error when a stored time does not parse.
Result<ScheduleTiming> TimingOf(const MaintenanceSchedule& schedule);

enum class DueBy { kCalendar, kHours, kBoth };
std::string_view DueByName(DueBy due_by);  // "calendar", "hours", "both"

struct DueState {
  std::optional<Micros> next_due_at;     // calendar schedules
  std::optional<double> next_due_hours;  // hours schedules
  bool calendar_reached = false;         // now >= next_due_at
  bool hours_reached = false;            // running hours >= next_due_hours
  bool calendar_ahead = false;           // not reached, but within the look-ahead
  bool hours_ahead = false;
  std::optional<int64_t> days_overdue;  // floor((now - next_due_at) / 1 day)
  std::optional<double> hours_overdue;  // running hours - next_due_hours

  bool due() const { return calendar_reached || hours_reached; }
  bool upcoming() const { return !due() && (calendar_ahead || hours_ahead); }
  // What made it due (or, upcoming, will); nullopt when neither.
  std::optional<DueBy> due_by() const;
  // {"status": due|upcoming|not_due, "due_by", "next_due_at", "next_due_hours",
  //  "days_overdue", "hours_overdue"}
  boost::json::object ToJson() const;
};

// The rules: calendar due at calendar_from + interval_days; hours due at hours_from +
// interval_hours against `running_hours`; due when either is reached; upcoming when not due
// but one falls due within the look-ahead (days from now, hours beyond `running_hours`).
DueState ComputeDueState(const ScheduleTiming& timing, double running_hours, Micros now,
                         const DueLookahead& lookahead = {});

// --- Queries ---

Status InsertSchedule(Tx& tx, std::string_view yacht_id, const MaintenanceSchedule& schedule);

// The schedule, or not_found (details.field schedule_id). LockSchedule keeps the row locked
// until the transaction ends (PostgreSQL; write transactions only): generating work orders
// for one schedule queues up behind another generation.
Result<MaintenanceSchedule> LoadSchedule(Tx& tx, std::string_view yacht_id,
                                         std::string_view schedule_id);
Result<MaintenanceSchedule> LockSchedule(Tx& tx, std::string_view yacht_id,
                                         std::string_view schedule_id);

// The equipment's schedules, by task.
Result<std::vector<MaintenanceSchedule>> SchedulesOf(Tx& tx, std::string_view yacht_id,
                                                     std::string_view equipment_id);

// Every schedule of the yacht with its equipment (what the due report needs of it).
struct ScheduledEquipment {
  MaintenanceSchedule schedule;
  std::string equipment_name;
  std::string criticality;
  double running_hours = 0;
};
Result<std::vector<ScheduledEquipment>> AllSchedules(Tx& tx, std::string_view yacht_id);

// last_done_at = at, last_done_hours = the equipment's running hours now. not_found when
// the yacht has no such schedule.
Status UpdateScheduleDone(Tx& tx, std::string_view yacht_id, std::string_view schedule_id,
                          std::string_view at);

}  // namespace celeste::equipment

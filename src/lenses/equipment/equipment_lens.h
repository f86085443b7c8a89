// Equipment lens (issue 5, flag EQUIPMENT_LENS_V2_ENABLED): the yacht's equipment tree with
// running hours, and its planned maintenance — schedules due by calendar or by running
// hours, and the work orders generated for them. docs/lenses/equipment.md.
//
// This header is the lens's public surface: its registration, and what the work orders
// and faults lenses need of equipment and schedules. Every function runs inside the
// caller's transaction and is scoped by yacht_id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "actions/registry.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

inline constexpr std::string_view kEquipmentLensId = "equipment";
inline constexpr std::string_view kEquipmentLensFlag = "EQUIPMENT_LENS_V2_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterEquipmentLens(Registry& registry);

// True when the yacht has this piece of equipment.
Result<bool> EquipmentExists(Tx& tx, std::string_view yacht_id, std::string_view equipment_id);

// A running hours reading (update_running_hours, or completing a work order with one):
// not_found (details.field equipment_id) for equipment the yacht does not have;
// business_rule_violation rule running_hours_decrease (details.current_running_hours) for
// a reading below the current one. An equal reading is accepted.
Status RecordRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                          double running_hours, std::string_view at);

// Completing a schedule's work order: the schedule's last_done_at becomes `at` and its
// last_done_hours the equipment's running hours now (record a reading first). not_found
// when the yacht has no such schedule.
Status MarkScheduleDone(Tx& tx, std::string_view yacht_id, std::string_view schedule_id,
                        std::string_view at);

// What is due (list_due_maintenance, generate_due_work_orders and `celeste maintenance due`
// all report through FindDueMaintenance). The due rules are docs/lenses/equipment.md's:
//   calendar: due at (last_done_at, else the schedule's created_at) + interval_days;
//   hours: due at (last_done_hours, else 0) + interval_hours, against the equipment's
//   running hours. A schedule is due when either is reached.
// A look-ahead also reports what falls due within that many days or running hours.
struct DueLookahead {
  int64_t within_days = 0;
  double within_hours = 0;
};

// One schedule that is due, or falls due within the look-ahead.
struct DueMaintenance {
  std::string schedule_id;
  std::string task;
  std::optional<std::string> description;
  std::string equipment_id;
  std::string equipment_name;
  std::string criticality;  // the equipment's
  std::optional<int64_t> interval_days;
  std::optional<double> interval_hours;
  std::optional<std::string> last_done_at;
  std::optional<double> last_done_hours;
  double running_hours = 0;  // the equipment's now
  bool due = false;          // reached; false: only within the look-ahead ("upcoming")
  std::string due_by;        // what made it due (or, upcoming, will): calendar | hours | both
  std::optional<std::string> next_due_at;  // RFC 3339; calendar schedules
  std::optional<double> next_due_hours;    // hours schedules
  // Whole days since the due date (0 on the day it falls due; negative: days left, rounded
  // up), and running hours past the due reading (negative: hours left).
  std::optional<int64_t> days_overdue;
  std::optional<double> hours_overdue;
  std::optional<std::string> open_work_order_id;  // the schedule's open work order, if any

  boost::json::object ToJson() const;  // every member; absent values null; status due|upcoming
};

// The yacht's schedules that are due at `now` or within `lookahead`: due ones first, then
// by the equipment's criticality (critical first), the equipment's name and the task.
Result<std::vector<DueMaintenance>> FindDueMaintenance(Tx& tx, std::string_view yacht_id,
                                                       Micros now, const DueLookahead& lookahead);

}  // namespace celeste

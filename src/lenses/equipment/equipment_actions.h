// The equipment lens's equipment actions (docs/lenses/equipment.md). Each runs inside the
// action's transaction; errors are the lens's answers.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "actions/action.h"

namespace celeste::equipment {

// name; parent_id (the yacht's equipment), system, manufacturer, model, serial_number,
// location, criticality, running_hours. 201.
Result<ActionOutcome> AddEquipment(const ActionContext& ctx, Tx& tx);
// equipment_id: the item with its parent, children, open faults, open work orders, the
// parts consumed on it and its schedules with their due state.
Result<ActionOutcome> ViewEquipmentDetail(const ActionContext& ctx, Tx& tx);
// view (flat | tree), q; flat pages with limit and cursor.
Result<ActionOutcome> ListEquipment(const ActionContext& ctx, Tx& tx);
// equipment_id, running_hours: never below the current reading.
Result<ActionOutcome> UpdateRunningHours(const ActionContext& ctx, Tx& tx);

// Takes a reading under the equipment's lock: not_found (details.field equipment_id), or
// business_rule_violation running_hours_decrease. Returns the previous reading.
Result<double> ApplyRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                 double running_hours, std::string_view at);

}  // namespace celeste::equipment

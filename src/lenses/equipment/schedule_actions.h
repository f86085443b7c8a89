// The equipment lens's maintenance schedule actions (docs/lenses/equipment.md). Each runs
// inside the action's transaction; errors are the lens's answers.
#pragma once

#include "actions/action.h"

namespace celeste::equipment {

// equipment_id, task, interval_days and/or interval_hours; description, last_done_at and
// last_done_hours (seeded from paper records). 201.
Result<ActionOutcome> AddMaintenanceSchedule(const ActionContext& ctx, Tx& tx);
// What is due now, and (within_days, within_hours) what falls due soon.
Result<ActionOutcome> ListDueMaintenance(const ActionContext& ctx, Tx& tx);
// One planned work order per due schedule that has no open one; 201 when it created any.
Result<ActionOutcome> GenerateDueWorkOrders(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::equipment

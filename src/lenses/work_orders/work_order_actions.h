// The work orders lens's actions (docs/lenses/work_orders.md). Each runs inside the
// action's transaction; errors are the lens's answers. Moves lock the work order first.
#pragma once

#include "actions/action.h"

namespace celeste::work_orders {

// title, equipment_id, description, priority, assigned_to, due_date: a manual work order.
Result<ActionOutcome> CreateWorkOrderAction(const ActionContext& ctx, Tx& tx);
// The work order with its parts consumed, notes and history.
Result<ActionOutcome> ViewWorkOrderDetail(const ActionContext& ctx, Tx& tx);
// status, assignee (a user id or "me"), overdue, limit, cursor.
Result<ActionOutcome> ListWorkOrdersAction(const ActionContext& ctx, Tx& tx);
// An open work order to an active member of the yacht.
Result<ActionOutcome> AssignWorkOrder(const ActionContext& ctx, Tx& tx);

// The assignee or a head of department only (else forbidden_role):
// planned | on_hold -> in_progress.
Result<ActionOutcome> StartWorkOrder(const ActionContext& ctx, Tx& tx);
// planned | in_progress -> on_hold.
Result<ActionOutcome> HoldWorkOrder(const ActionContext& ctx, Tx& tx);
// on_hold -> in_progress when it was started before, else planned.
Result<ActionOutcome> ResumeWorkOrder(const ActionContext& ctx, Tx& tx);
// planned | in_progress -> completed, with an optional running hours reading of its
// equipment; the schedule it was raised for is done, the fault it was raised for resolved.
Result<ActionOutcome> CompleteWorkOrder(const ActionContext& ctx, Tx& tx);

// Any member, on any work order (completed and cancelled ones included).
Result<ActionOutcome> AddWorkOrderNote(const ActionContext& ctx, Tx& tx);
// Heads of department: an open work order -> cancelled, with a reason; the fault it was
// raised for goes back to acknowledged.
Result<ActionOutcome> CancelWorkOrder(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::work_orders

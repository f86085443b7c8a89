// The faults lens's actions (docs/lenses/faults.md). Each runs inside the action's
// transaction; errors are the lens's answers.
#pragma once

#include "actions/action.h"

namespace celeste::faults {

// title, severity, equipment_id (the yacht's, else not_found), description -> 201.
Result<ActionOutcome> ReportFault(const ActionContext& ctx, Tx& tx);
// The fault with its history and its work order's summary.
Result<ActionOutcome> ViewFaultDetail(const ActionContext& ctx, Tx& tx);
// status, equipment_id, limit, cursor; newest first.
Result<ActionOutcome> ListFaultsAction(const ActionContext& ctx, Tx& tx);
// open -> acknowledged.
Result<ActionOutcome> AcknowledgeFault(const ActionContext& ctx, Tx& tx);
// SIGNED: a work order for an open or acknowledged fault (201, the work order is the
// entity); the fault moves to work_ordered.
Result<ActionOutcome> CreateWorkOrderFromFault(const ActionContext& ctx, Tx& tx);
// resolved -> closed; or with resolution_without_work_order, open | acknowledged ->
// resolved -> closed.
Result<ActionOutcome> CloseFault(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::faults

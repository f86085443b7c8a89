// The parts lens's action handlers (docs/lenses/parts.md). Each runs inside the action's
// transaction; errors are the lens's answers (not_found, duplicate, business_rule_violation).
#pragma once

#include "actions/action.h"

namespace celeste::parts {

Result<ActionOutcome> AddPart(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ReceivePart(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ConsumePart(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ViewPartDetail(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ListPartsAction(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ViewLowStock(const ActionContext& ctx, Tx& tx);
// SIGNED: ctx.signature names the signer.
Result<ActionOutcome> AdjustStock(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> OrderPartWithApproval(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::parts

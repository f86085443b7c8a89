// The receiving lens's goods-receipt actions (docs/lenses/receiving.md): a delivery is
// recorded as a draft, then accepted (SIGNED: booked into stock, requests and orders move)
// or rejected. Each runs inside the action's transaction; errors are the lens's answers.
#pragma once

#include "actions/action.h"

namespace celeste::receiving {

// optional purchase_order_id, lines [{shopping_list_item_id | part_id, quantity_received,
// quantity_damaged?, notes?}], reference, notes -> a draft.
Result<ActionOutcome> CreateReceiving(const ActionContext& ctx, Tx& tx);
// SIGNED: ctx.signature names the signer, who books the delivery.
Result<ActionOutcome> AcceptReceiving(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> RejectReceiving(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ViewReceivingDetail(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ListReceivingsAction(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::receiving

// The receiving lens's purchase order actions (docs/lenses/receiving.md). Each runs inside
// the action's transaction; errors are the lens's answers.
#pragma once

#include "actions/action.h"

namespace celeste::receiving {

// supplier, item_ids (approved items; they move to ordered), expected_date, reference, notes.
Result<ActionOutcome> CreatePurchaseOrder(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ViewPurchaseOrder(const ActionContext& ctx, Tx& tx);
Result<ActionOutcome> ListPurchaseOrders(const ActionContext& ctx, Tx& tx);
// Only while `ordered` with no draft receiving; its items go back to approved.
Result<ActionOutcome> CancelPurchaseOrder(const ActionContext& ctx, Tx& tx);

// The order as view_purchase_order shows it: with its items and its receivings.
Result<boost::json::object> PurchaseOrderJson(Tx& tx, std::string_view yacht_id,
                                              std::string_view order_id);

}  // namespace celeste::receiving

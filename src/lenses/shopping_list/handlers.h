// The handlers of the shopping list's nine actions (CONTRACT §7).
//
// The dispatcher has already checked membership, flag, initiator role and the payload's
// fields; each handler runs inside the action's one transaction, scoped to ctx.yacht_id,
// and does the rest of CONTRACT §2 in order: entity lookup (not_found), state and rules
// (invalid_state_transition, business_rule_violation), duplicates (duplicate). Writes are
// undone by the transaction when a handler returns an error.
#pragma once

#include "actions/action.h"
#include "store/store.h"

namespace celeste::shopping_list {

// MUTATE. A new item in `requested` (201). not_found when part_id is not a catalog part of
// this yacht; duplicate (details.existing_id) when an open item already requests that
// part for the same source work order. Items without part_id are candidate parts.
Result<ActionOutcome> CreateShoppingListItem(const ActionContext& ctx, Tx& tx);

// MUTATE, HOD. requested -> under_review.
Result<ActionOutcome> ReviewShoppingListItem(const ActionContext& ctx, Tx& tx);

// MUTATE, HOD. requested|under_review -> approved, with quantity_approved.
Result<ActionOutcome> ApproveShoppingListItem(const ActionContext& ctx, Tx& tx);

// MUTATE, HOD. requested|under_review -> rejected, with a non-blank rejection_reason.
Result<ActionOutcome> RejectShoppingListItem(const ActionContext& ctx, Tx& tx);

// MUTATE. Changes quantity_requested, urgency, required_by_date, notes; no state move.
// invalid_state_transition on a terminal item; forbidden_role unless the caller is a
// HOD (any open item) or the item's creator while it is `requested`;
// business_rule_violation "nothing_to_update" when no updatable field is given.
Result<ActionOutcome> UpdateShoppingListItem(const ActionContext& ctx, Tx& tx);

// MUTATE, chief_engineer and manager. Creates the catalog part for a candidate item and
// links it (201; result.part_id, result.part). business_rule_violation "not_a_candidate"
// when the item already has a part; duplicate when the part number is already in the
// catalog (details.existing_id names that part).
Result<ActionOutcome> PromoteCandidateToPart(const ActionContext& ctx, Tx& tx);

// READ. The item.
Result<ActionOutcome> ViewShoppingListItem(const ActionContext& ctx, Tx& tx);

// READ. {"item_id", "history": [{from_status, to_status, actor_id, actor_role, at, notes}]},
// oldest first.
Result<ActionOutcome> ViewShoppingListHistory(const ActionContext& ctx, Tx& tx);

// READ. {"items": [...], "next_cursor": string|null}: newest first, optionally one status,
// `limit` per page (default 50, at most 200), `cursor` from the previous page.
Result<ActionOutcome> ListShoppingListItems(const ActionContext& ctx, Tx& tx);

}  // namespace celeste::shopping_list

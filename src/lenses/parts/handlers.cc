#include "lenses/parts/handlers.h"

#include "core/uuid.h"
#include "lenses/json_values.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/parts/stock_ledger.h"
#include "lenses/shopping_list/shopping_list_lens.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste::parts {
namespace {

constexpr std::string_view kPartEntityType = "part";
constexpr int kRecentMovements = 20;
constexpr int kDefaultPageSize = 50;

std::string PartIdOf(const ActionContext& ctx) { return ctx.Id("part_id"); }

ActionOutcome PartOutcome(std::string part_id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kPartEntityType),
                       .entity_id = std::move(part_id),
                       .result = std::move(result),
                       .created = created};
}

// receive_part and consume_part: one ledger row, the balance with it.
Result<ActionOutcome> Move(const ActionContext& ctx, Tx& tx, MovementType type, double sign) {
  const StockMovement movement{.part_id = PartIdOf(ctx),
                               .quantity = sign * ctx.Num("quantity"),
                               .type = type,
                               .reference = ctx.OptText("reference"),
                               .idempotency_key = ctx.OptText("idempotency_key"),  // blank: none
                               .work_order_id = ctx.OptId("work_order_id"),
                               .actor_id = ctx.user_id(),
                               .actor_role = std::string(RoleName(ctx.role)),
                               .at = ctx.now_text};
  CELESTE_ASSIGN_OR_RETURN(RecordedMovement recorded, RecordMovement(tx, ctx.yacht_id, movement));
  return PartOutcome(movement.part_id,
                     {{"transaction_id", recorded.id},
                      {"part_id", movement.part_id},
                      {"type", MovementTypeName(type)},
                      {"quantity", NumberValue(ctx.Num("quantity"))},
                      {"on_hand", NumberValue(recorded.on_hand_after)}},
                     /*created=*/true);
}

boost::json::array PartsJson(const std::vector<StockedPart>& parts, bool with_shortfall) {
  boost::json::array out;
  out.reserve(parts.size());
  for (const StockedPart& p : parts) {
    boost::json::object json = p.ToJson();
    if (with_shortfall) json["shortfall"] = NumberValue(p.part.min_level - p.on_hand);
    out.push_back(std::move(json));
  }
  return out;
}

}  // namespace

Result<ActionOutcome> AddPart(const ActionContext& ctx, Tx& tx) {
  CatalogPart part{.id = NewUuidV7(),
                   .name = *ctx.OptText("name"),  // required and not blank (validated)
                   .part_number = ctx.OptText("part_number"),
                   .manufacturer = ctx.OptText("manufacturer"),
                   .unit = ctx.OptText("unit"),
                   .min_level = ctx.OptNum("min_level").value_or(0),
                   .location = ctx.OptText("location"),
                   .created_at = ctx.now_text,
                   .created_by = ctx.user_id()};
  if (part.part_number) {
    CELESTE_ASSIGN_OR_RETURN(auto existing, LockPartNumber(tx, ctx.yacht_id, *part.part_number));
    if (existing) {
      return Status::Error(ErrorCode::kDuplicate,
                           "the catalog already has a part with part number " + *part.part_number,
                           {{"existing_id", *existing}});
    }
  }
  CELESTE_RETURN_IF_ERROR(InsertPart(tx, ctx.yacht_id, part));
  const std::string id = part.id;
  return PartOutcome(id, StockedPart{.part = std::move(part), .on_hand = 0}.ToJson(),
                     /*created=*/true);
}

Result<ActionOutcome> ReceivePart(const ActionContext& ctx, Tx& tx) {
  return Move(ctx, tx, MovementType::kReceive, +1);
}

Result<ActionOutcome> ConsumePart(const ActionContext& ctx, Tx& tx) {
  // Parts used on a job name one of this yacht's work orders (it shows them).
  if (auto work_order_id = ctx.OptId("work_order_id")) {
    CELESTE_ASSIGN_OR_RETURN(auto work_order, FindWorkOrder(tx, ctx.yacht_id, *work_order_id));
    if (!work_order) {
      return Status::NotFound("no work order " + *work_order_id + " on this yacht")
          .WithDetail("field", "work_order_id")
          .WithDetail("work_order_id", *work_order_id);
    }
  }
  return Move(ctx, tx, MovementType::kConsume, -1);
}

Result<ActionOutcome> ViewPartDetail(const ActionContext& ctx, Tx& tx) {
  const std::string part_id = PartIdOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(auto part, FindStockedPart(tx, ctx.yacht_id, part_id));
  if (!part) {
    return Status::NotFound("no part " + part_id + " in this yacht's catalog")
        .WithDetail("field", "part_id");
  }
  CELESTE_ASSIGN_OR_RETURN(auto movements,
                           RecentMovements(tx, ctx.yacht_id, part_id, kRecentMovements));
  boost::json::object result = part->ToJson();
  boost::json::array transactions;
  transactions.reserve(movements.size());
  for (const LedgerEntry& entry : movements) transactions.push_back(entry.ToJson());
  result["transactions"] = std::move(transactions);
  return PartOutcome(part_id, std::move(result), /*created=*/false);
}

Result<ActionOutcome> ListPartsAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  const PartQuery query{.text = ctx.OptText("q"),
                        .low_stock_only = ctx.OptBool("low_stock_only").value_or(false),
                        .limit = static_cast<int>(ctx.OptInt("limit").value_or(kDefaultPageSize)),
                        .after_id = cursor};
  CELESTE_ASSIGN_OR_RETURN(PartPage page, ListParts(tx, ctx.yacht_id, query));
  return PartOutcome(
      "", {{"parts", PartsJson(page.parts, false)}, {"next_cursor", TextOrNull(page.next_cursor)}},
      /*created=*/false);
}

Result<ActionOutcome> ViewLowStock(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto parts, LowStockParts(tx, ctx.yacht_id));
  return PartOutcome("", {{"parts", PartsJson(parts, true)}}, /*created=*/false);
}

Result<ActionOutcome> AdjustStock(const ActionContext& ctx, Tx& tx) {
  const std::string part_id = PartIdOf(ctx);
  const StockMovement movement{.part_id = part_id,
                               .type = MovementType::kAdjust,
                               .reference = ctx.OptText("reason"),
                               .idempotency_key = std::nullopt,
                               .work_order_id = std::nullopt,
                               .actor_id = ctx.user_id(),
                               .actor_role = std::string(RoleName(ctx.role)),
                               .at = ctx.now_text};
  CELESTE_ASSIGN_OR_RETURN(StockAdjustment adjusted,
                           AdjustTo(tx, ctx.yacht_id, movement, ctx.Num("new_quantity")));
  const bool moved = adjusted.transaction_id.has_value();
  return PartOutcome(part_id,
                     {{"transaction_id", TextOrNull(adjusted.transaction_id)},
                      {"part_id", part_id},
                      {"type", "adjust"},
                      {"previous_on_hand", NumberValue(adjusted.on_hand_before)},
                      {"difference", NumberValue(adjusted.on_hand_after - adjusted.on_hand_before)},
                      {"on_hand", NumberValue(adjusted.on_hand_after)}},
                     /*created=*/moved);
}

Result<ActionOutcome> OrderPartWithApproval(const ActionContext& ctx, Tx& tx) {
  if (ctx.signature == nullptr) return Status::Internal("a SIGNED action ran without a signature");
  const SignatureRecord& signature = *ctx.signature;
  const ApprovedPartRequest request{
      .part_id = PartIdOf(ctx),
      .quantity = ctx.Num("quantity"),
      .urgency = ctx.OptStr("urgency").value_or("normal"),
      .notes = ctx.OptText("notes"),
      .requester_id = ctx.user_id(),
      .requester_role = ctx.role,
      .approver_id = signature.signer_id,
      .approver_role = signature.role_at_signing,
      .approval_notes =
          signature.reason ? signature.reason : std::optional<std::string>("signed order"),
      .at = ctx.now_text};
  CELESTE_ASSIGN_OR_RETURN(boost::json::object item,
                           CreateApprovedPartRequest(tx, ctx.yacht_id, request));
  const std::string item_id(item.at("id").as_string());
  return ActionOutcome{.entity_type = "shopping_list_item",
                       .entity_id = item_id,
                       .result = std::move(item),
                       .created = true};
}

}  // namespace celeste::parts

#include "lenses/receiving/purchase_order_actions.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/uuid.h"
#include "lenses/json_values.h"
#include "lenses/receiving/purchase_order.h"
#include "lenses/receiving/receiving.h"
#include "lenses/shopping_list/shopping_list_lens.h"

namespace celeste::receiving {
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr size_t kMaxItems = 200;

std::string OrderIdOf(const ActionContext& ctx) { return ctx.Id("purchase_order_id"); }

ActionOutcome OrderOutcome(std::string order_id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kPurchaseOrderEntityType),
                       .entity_id = std::move(order_id),
                       .result = std::move(result),
                       .created = created};
}

// item_ids: ids of the yacht's items, each once (invalid_field with details.index).
Result<std::vector<std::string>> ItemIds(const ActionContext& ctx) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  const boost::json::array& array = ctx.payload.at("item_ids").as_array();
  if (array.size() > kMaxItems) {
    return Status::InvalidField("item_ids",
                                fmt::format("'item_ids' must have at most {} items", kMaxItems));
  }
  for (size_t i = 0; i < array.size(); ++i) {
    const boost::json::value& v = array[i];
    if (!v.is_string() || !IsUuid(v.get_string())) {
      return Status::InvalidField("item_ids", "'item_ids' must hold shopping list item ids")
          .WithDetail("index", static_cast<int64_t>(i));
    }
    std::string id = NormalizeUuid(v.get_string());
    if (!seen.insert(id).second) {
      return Status::InvalidField("item_ids", "'item_ids' lists item " + id + " twice")
          .WithDetail("index", static_cast<int64_t>(i));
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

Result<boost::json::object> PurchaseOrderJson(Tx& tx, std::string_view yacht_id,
                                              std::string_view order_id) {
  CELESTE_ASSIGN_OR_RETURN(PurchaseOrder order, LoadOrder(tx, yacht_id, order_id));
  // A cancelled order still shows what it carried.
  const bool cancelled = order.status == OrderStatus::kCancelled;
  CELESTE_ASSIGN_OR_RETURN(auto lines, OrderLines(tx, yacht_id, order_id, cancelled));
  CELESTE_ASSIGN_OR_RETURN(auto receivings, ReceivingsForOrder(tx, yacht_id, order_id));
  boost::json::object json = order.ToJson();
  boost::json::array items;
  items.reserve(lines.size());
  for (const OrderLine& line : lines) items.push_back(line.ToJson());
  json["items"] = std::move(items);
  boost::json::array receiving_json;
  receiving_json.reserve(receivings.size());
  for (const Receiving& r : receivings) {
    receiving_json.push_back({{"id", r.id},
                              {"status", ReceivingStatusName(r.status)},
                              {"reference", TextOrNull(r.reference)},
                              {"created_at", r.created_at}});
  }
  json["receivings"] = std::move(receiving_json);
  return json;
}

Result<ActionOutcome> CreatePurchaseOrder(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::vector<std::string> item_ids, ItemIds(ctx));
  CELESTE_ASSIGN_OR_RETURN(std::string supplier, ctx.NonBlankText("supplier"));
  const PurchaseOrder order{.id = NewUuidV7(),
                            .supplier = std::move(supplier),
                            .reference = ctx.OptText("reference"),
                            .status = OrderStatus::kOrdered,
                            .expected_date = ctx.OptStr("expected_date"),
                            .notes = ctx.OptText("notes"),
                            .created_by = ctx.user_id(),
                            .created_at = ctx.now_text,
                            .updated_at = ctx.now_text,
                            .cancelled_by = std::nullopt,
                            .cancelled_at = std::nullopt,
                            .cancel_reason = std::nullopt};

  // Lock the items in one global order (by id), so two orders racing for overlapping items
  // queue up instead of deadlocking; then check each, in the order given.
  std::vector<std::string> lock_order = item_ids;
  std::sort(lock_order.begin(), lock_order.end());
  std::map<std::string, ShoppingListItemSummary> items;
  for (const std::string& id : lock_order) {
    CELESTE_ASSIGN_OR_RETURN(auto item, LockShoppingListItem(tx, ctx.yacht_id, id));
    items.emplace(id, std::move(item));
  }
  for (const std::string& id : item_ids) {
    const ShoppingListItemSummary& item = items.at(id);
    if (item.status != ShoppingListStatus::kApproved) {
      return Status::InvalidTransition(ShoppingListStatusName(item.status), "order item " + id)
          .WithDetail("item_id", id);
    }
  }

  CELESTE_RETURN_IF_ERROR(InsertOrder(tx, ctx.yacht_id, order));
  const std::string notes = "purchase order " + order.id + " to " + order.supplier;
  for (size_t i = 0; i < item_ids.size(); ++i) {
    const ShoppingListItemSummary& item = items.at(item_ids[i]);
    CELESTE_RETURN_IF_ERROR(InsertOrderLine(tx, ctx.yacht_id, order.id, item.id,
                                            static_cast<int>(i + 1), item.quantity));
    CELESTE_RETURN_IF_ERROR(TransitionShoppingListItem(tx, ctx.yacht_id, item.id,
                                                       ShoppingListStatus::kOrdered, ctx.user_id(),
                                                       ctx.role, ctx.now_text, notes));
  }
  CELESTE_ASSIGN_OR_RETURN(auto json, PurchaseOrderJson(tx, ctx.yacht_id, order.id));
  return OrderOutcome(order.id, std::move(json), /*created=*/true);
}

Result<ActionOutcome> ViewPurchaseOrder(const ActionContext& ctx, Tx& tx) {
  const std::string order_id = OrderIdOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(auto json, PurchaseOrderJson(tx, ctx.yacht_id, order_id));
  return OrderOutcome(order_id, std::move(json), /*created=*/false);
}

Result<ActionOutcome> ListPurchaseOrders(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  std::optional<OrderStatus> status;
  if (auto name = ctx.OptStr("status")) status = ParseOrderStatus(*name);  // an enum field
  CELESTE_ASSIGN_OR_RETURN(
      OrderPage page,
      ListOrders(tx, ctx.yacht_id, status, cursor, ctx.OptInt("limit").value_or(kDefaultPageSize)));
  boost::json::array orders;
  orders.reserve(page.orders.size());
  for (const PurchaseOrder& order : page.orders) orders.push_back(order.ToJson());
  return OrderOutcome(
      "", {{"purchase_orders", std::move(orders)}, {"next_cursor", TextOrNull(page.next_cursor)}},
      /*created=*/false);
}

Result<ActionOutcome> CancelPurchaseOrder(const ActionContext& ctx, Tx& tx) {
  const std::string order_id = OrderIdOf(ctx);
  CELESTE_ASSIGN_OR_RETURN(PurchaseOrder order, LockOrder(tx, ctx.yacht_id, order_id));
  if (order.status != OrderStatus::kOrdered) {
    return Status::InvalidTransition(OrderStatusName(order.status), "cancel the purchase order");
  }
  CELESTE_ASSIGN_OR_RETURN(auto receivings, ReceivingsForOrder(tx, ctx.yacht_id, order_id));
  for (const Receiving& r : receivings) {
    if (r.status == ReceivingStatus::kDraft) {
      return Status::RuleViolation("receiving_pending",
                                   "a delivery against this order waits for its signature: "
                                   "accept or reject receiving " +
                                       r.id + " first")
          .WithDetail("receiving_id", r.id);
    }
  }
  CELESTE_ASSIGN_OR_RETURN(auto lines, OrderLines(tx, ctx.yacht_id, order_id, false));
  const auto reason = ctx.OptText("reason");
  CELESTE_RETURN_IF_ERROR(
      CancelOrder(tx, ctx.yacht_id, order_id, ctx.user_id(), reason, ctx.now_text));
  const std::string notes =
      "purchase order " + order_id + " cancelled" + (reason ? ": " + *reason : "");
  for (const OrderLine& line : lines) {
    CELESTE_RETURN_IF_ERROR(TransitionShoppingListItem(tx, ctx.yacht_id, line.item_id,
                                                       ShoppingListStatus::kApproved, ctx.user_id(),
                                                       ctx.role, ctx.now_text, notes));
  }
  CELESTE_ASSIGN_OR_RETURN(auto json, PurchaseOrderJson(tx, ctx.yacht_id, order_id));
  return OrderOutcome(order_id, std::move(json), /*created=*/false);
}

}  // namespace celeste::receiving

// The purchase order (pms_purchase_orders and pms_purchase_order_items): its record, its
// JSON and its queries. Every query is scoped by yacht_id: another yacht's order is
// indistinguishable from a missing one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::receiving {

inline constexpr std::string_view kPurchaseOrderEntityType = "purchase_order";

//   ordered -> partially_received -> received;  ordered -> cancelled
enum class OrderStatus { kOrdered, kPartiallyReceived, kReceived, kCancelled };
std::string_view OrderStatusName(OrderStatus status);
std::optional<OrderStatus> ParseOrderStatus(std::string_view name);
inline constexpr std::string_view kOrderStatusNames[] = {"ordered", "partially_received",
                                                         "received", "cancelled"};

struct PurchaseOrder {
  std::string id;
  std::string supplier;
  std::optional<std::string> reference;
  OrderStatus status = OrderStatus::kOrdered;
  std::optional<std::string> expected_date;  // YYYY-MM-DD
  std::optional<std::string> notes;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> cancelled_by;
  std::optional<std::string> cancelled_at;
  std::optional<std::string> cancel_reason;

  boost::json::object ToJson() const;
};

// A shopping list item on an order, with what was received for it so far.
struct OrderLine {
  std::string item_id;
  std::optional<std::string> part_id;  // nullopt: a candidate part
  std::string part_name;
  std::optional<std::string> part_number;
  std::optional<std::string> unit;
  double quantity_ordered = 0;
  double quantity_received = 0;  // accepted in every accepted receiving of the item
  std::string status;            // the item's shopping list status

  boost::json::object ToJson() const;
};

Status InsertOrder(Tx& tx, std::string_view yacht_id, const PurchaseOrder& order);
// Puts the item on the order (position from 1).
Status InsertOrderLine(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                       std::string_view item_id, int position, double quantity_ordered);

// The order, or not_found (details.purchase_order_id). LockOrder keeps it locked until the
// transaction ends (PostgreSQL; write transactions only): actions on one order queue up.
Result<PurchaseOrder> LoadOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id);
Result<PurchaseOrder> LockOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id);

// The items the order carries (released ones excluded unless `with_released`), by position.
Result<std::vector<OrderLine>> OrderLines(Tx& tx, std::string_view yacht_id,
                                          std::string_view order_id, bool with_released);

// The live order (not cancelled) that carries the item, if any.
Result<std::optional<std::string>> LiveOrderOfItem(Tx& tx, std::string_view yacht_id,
                                                   std::string_view item_id);

// Sets the status (and updated_at); `from` must still be the order's status.
Status UpdateOrderStatus(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                         OrderStatus from, OrderStatus to, std::string_view at);
// Cancels an `ordered` order and releases its items (released_at = at).
Status CancelOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                   std::string_view by, const std::optional<std::string>& reason,
                   std::string_view at);

struct OrderPage {
  std::vector<PurchaseOrder> orders;       // newest first
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
Result<OrderPage> ListOrders(Tx& tx, std::string_view yacht_id, std::optional<OrderStatus> status,
                             const std::optional<std::string>& after_id, int64_t limit);

}  // namespace celeste::receiving

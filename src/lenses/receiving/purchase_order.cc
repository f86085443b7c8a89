#include "lenses/receiving/purchase_order.h"

#include <algorithm>
#include <array>
#include <utility>

#include "lenses/json_values.h"

namespace celeste::receiving {
namespace {

constexpr std::array kOrderStatuses = {OrderStatus::kOrdered, OrderStatus::kPartiallyReceived,
                                       OrderStatus::kReceived, OrderStatus::kCancelled};

// Column order of OrderFromRow.
#define CELESTE_ORDER_COLUMNS                                                       \
  "id, supplier, reference, status, expected_date, notes, created_by, created_at, " \
  "updated_at, cancelled_by, cancelled_at, cancel_reason"

#define CELESTE_SELECT_ORDER \
  "SELECT " CELESTE_ORDER_COLUMNS " FROM pms_purchase_orders WHERE yacht_id = $1 AND id = $2"
const Sql kSelectOrder{CELESTE_SELECT_ORDER};
const Sql kLockOrder{CELESTE_SELECT_ORDER, CELESTE_SELECT_ORDER " FOR UPDATE"};
#undef CELESTE_SELECT_ORDER

const Sql kInsertOrder{
    "INSERT INTO pms_purchase_orders (id, yacht_id, supplier, reference, status, expected_date, "
    "notes, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"};

const Sql kInsertOrderLine{
    "INSERT INTO pms_purchase_order_items (yacht_id, purchase_order_id, item_id, position, "
    "quantity_ordered) VALUES ($1, $2, $3, $4, $5)"};

// What was accepted for the item in every accepted receiving.
#define CELESTE_RECEIVED_FOR(YACHT, ITEM)                           \
  "COALESCE((SELECT SUM(l.quantity_received - l.quantity_damaged) " \
  "FROM pms_receiving_lines AS l JOIN pms_receivings AS r "         \
  "ON r.yacht_id = l.yacht_id AND r.id = l.receiving_id "           \
  "WHERE l.yacht_id = " YACHT " AND l.item_id = " ITEM " AND r.status = 'accepted'), 0) "
#define CELESTE_ORDER_LINES(WITH_RELEASED) \
  "SELECT o.item_id, i.part_id, i.part_name, i.part_number, i.unit, " \
  "o.quantity_ordered, " \
  CELESTE_RECEIVED_FOR("o.yacht_id", "o.item_id")                                         \
  ", i.status FROM pms_purchase_order_items AS o "                                        \
  "JOIN pms_shopping_list_items AS i ON i.yacht_id = o.yacht_id AND i.id = o.item_id "    \
  "WHERE o.yacht_id = $1 AND o.purchase_order_id = $2 "                                   \
  "AND (" WITH_RELEASED " = 1 OR o.released_at IS NULL) ORDER BY o.position"
const Sql kOrderLines{CELESTE_ORDER_LINES("$3"), CELESTE_ORDER_LINES("$3::integer")};
#undef CELESTE_ORDER_LINES
#undef CELESTE_RECEIVED_FOR

const Sql kLiveOrderOfItem{
    "SELECT purchase_order_id FROM pms_purchase_order_items "
    "WHERE yacht_id = $1 AND item_id = $2 AND released_at IS NULL"};

const Sql kUpdateOrderStatus{
    "UPDATE pms_purchase_orders SET status = $4, updated_at = $5 "
    "WHERE yacht_id = $1 AND id = $2 AND status = $3"};
const Sql kCancelOrder{
    "UPDATE pms_purchase_orders SET status = 'cancelled', cancelled_by = $3, cancelled_at = $4, "
    "cancel_reason = $5, updated_at = $4 WHERE yacht_id = $1 AND id = $2 AND status = 'ordered'"};
const Sql kReleaseOrderLines{
    "UPDATE pms_purchase_order_items SET released_at = $3 "
    "WHERE yacht_id = $1 AND purchase_order_id = $2 AND released_at IS NULL"};

// Newest first (ids are UUIDv7); one row more than the page, to know whether one follows.
// $2: a status or NULL; $3: the cursor or NULL. PostgreSQL needs the casts to type them.
#define CELESTE_LIST_ORDERS(STATUS, AFTER)                                                \
  "SELECT " CELESTE_ORDER_COLUMNS                                                         \
  " FROM pms_purchase_orders WHERE yacht_id = $1 "                                        \
  "AND (" STATUS " IS NULL OR status = " STATUS ") AND (" AFTER " IS NULL OR id < " AFTER \
  ") ORDER BY id DESC LIMIT $4"
const Sql kListOrders{CELESTE_LIST_ORDERS("$2", "$3"), CELESTE_LIST_ORDERS("$2::text", "$3::uuid")};
#undef CELESTE_LIST_ORDERS
#undef CELESTE_ORDER_COLUMNS

Result<PurchaseOrder> OrderFromRow(const Row& row) {
  auto status = ParseOrderStatus(row.Text(3));
  if (!status) return Status::Internal("a purchase order has an unknown status");
  return PurchaseOrder{.id = row.Text(0),
                       .supplier = row.Text(1),
                       .reference = row.OptText(2),
                       .status = *status,
                       .expected_date = row.OptText(4),
                       .notes = row.OptText(5),
                       .created_by = row.Text(6),
                       .created_at = row.Text(7),
                       .updated_at = row.Text(8),
                       .cancelled_by = row.OptText(9),
                       .cancelled_at = row.OptText(10),
                       .cancel_reason = row.OptText(11)};
}

Result<PurchaseOrder> ReadOrder(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                std::string_view order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, order_id}));
  if (!row) {
    return Status::NotFound("no purchase order " + std::string(order_id) + " on this yacht")
        .WithDetail("purchase_order_id", order_id);
  }
  return OrderFromRow(*row);
}

}  // namespace

std::string_view OrderStatusName(OrderStatus status) {
  return kOrderStatusNames[static_cast<size_t>(status)];
}

std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  for (OrderStatus status : kOrderStatuses) {
    if (OrderStatusName(status) == name) return status;
  }
  return std::nullopt;
}

boost::json::object PurchaseOrder::ToJson() const {
  return {{"id", id},
          {"supplier", supplier},
          {"reference", TextOrNull(reference)},
          {"status", OrderStatusName(status)},
          {"expected_date", TextOrNull(expected_date)},
          {"notes", TextOrNull(notes)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at},
          {"cancelled_by", TextOrNull(cancelled_by)},
          {"cancelled_at", TextOrNull(cancelled_at)},
          {"cancel_reason", TextOrNull(cancel_reason)}};
}

boost::json::object OrderLine::ToJson() const {
  return {{"shopping_list_item_id", item_id},
          {"part_id", TextOrNull(part_id)},
          {"part_name", part_name},
          {"part_number", TextOrNull(part_number)},
          {"unit", TextOrNull(unit)},
          {"quantity_ordered", NumberValue(quantity_ordered)},
          {"quantity_received", NumberValue(quantity_received)},
          {"status", status}};
}

Status InsertOrder(Tx& tx, std::string_view yacht_id, const PurchaseOrder& order) {
  return tx.ExecDeferred(
      kInsertOrder,
      {order.id, yacht_id, order.supplier, order.reference, OrderStatusName(order.status),
       order.expected_date, order.notes, order.created_by, order.created_at},
      1);
}

Status InsertOrderLine(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                       std::string_view item_id, int position, double quantity_ordered) {
  return tx.ExecDeferred(kInsertOrderLine,
                         {yacht_id, order_id, item_id, position, quantity_ordered}, 1);
}

Result<PurchaseOrder> LoadOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id) {
  return ReadOrder(tx, kSelectOrder, yacht_id, order_id);
}

Result<PurchaseOrder> LockOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id) {
  return ReadOrder(tx, kLockOrder, yacht_id, order_id);
}

Result<std::vector<OrderLine>> OrderLines(Tx& tx, std::string_view yacht_id,
                                          std::string_view order_id, bool with_released) {
  CELESTE_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(kOrderLines, {yacht_id, order_id, with_released ? 1 : 0}));
  std::vector<OrderLine> lines;
  lines.reserve(rows.size());
  for (const Row& row : rows) {
    lines.push_back(OrderLine{.item_id = row.Text(0),
                              .part_id = row.OptText(1),
                              .part_name = row.Text(2),
                              .part_number = row.OptText(3),
                              .unit = row.OptText(4),
                              .quantity_ordered = row.Real(5),
                              .quantity_received = row.Real(6),
                              .status = row.Text(7)});
  }
  return lines;
}

Result<std::optional<std::string>> LiveOrderOfItem(Tx& tx, std::string_view yacht_id,
                                                   std::string_view item_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kLiveOrderOfItem, {yacht_id, item_id}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

Status UpdateOrderStatus(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                         OrderStatus from, OrderStatus to, std::string_view at) {
  return tx.ExecDeferred(kUpdateOrderStatus,
                         {yacht_id, order_id, OrderStatusName(from), OrderStatusName(to), at}, 1);
}

Status CancelOrder(Tx& tx, std::string_view yacht_id, std::string_view order_id,
                   std::string_view by, const std::optional<std::string>& reason,
                   std::string_view at) {
  CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kCancelOrder, {yacht_id, order_id, by, at, reason}, 1));
  return tx.Exec(kReleaseOrderLines, {yacht_id, order_id, at}).status();
}

Result<OrderPage> ListOrders(Tx& tx, std::string_view yacht_id, std::optional<OrderStatus> status,
                             const std::optional<std::string>& after_id, int64_t limit) {
  limit = std::max<int64_t>(limit, 1);
  std::optional<std::string> status_name;
  if (status) status_name = std::string(OrderStatusName(*status));
  CELESTE_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(kListOrders, {yacht_id, status_name, after_id, limit + 1}));
  OrderPage page;
  for (const Row& row : rows) {
    if (static_cast<int64_t>(page.orders.size()) == limit) {
      page.next_cursor = page.orders.back().id;
      break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto order, OrderFromRow(row));
    page.orders.push_back(std::move(order));
  }
  return page;
}

}  // namespace celeste::receiving

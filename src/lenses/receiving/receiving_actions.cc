#include "lenses/receiving/receiving_actions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/uuid.h"
#include "lenses/json_values.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/parts/stock_ledger.h"
#include "lenses/receiving/purchase_order.h"
#include "lenses/receiving/receiving.h"
#include "lenses/shopping_list/shopping_list_lens.h"

namespace celeste::receiving {
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr size_t kLineNotesLimit = 2000;
constexpr size_t kMaxLines = 200;

std::string ReceivingIdOf(const ActionContext& ctx) { return ctx.Id("receiving_id"); }

ActionOutcome ReceivingOutcome(const Receiving& receiving, bool created) {
  return ActionOutcome{.entity_type = std::string(kReceivingEntityType),
                       .entity_id = receiving.id,
                       .result = receiving.ToJson(),
                       .created = created};
}

// ---- create_receiving: the lines as sent, then as resolved against the yacht's records.

// One element of `lines`, checked for shape only.
struct LineRequest {
  size_t index = 0;  // its position in `lines`
  std::optional<std::string> item_id;
  std::optional<std::string> part_id;
  double quantity_received = 0;
  double quantity_damaged = 0;
  std::optional<std::string> notes;

  std::string Field(std::string_view key = {}) const {
    return key.empty() ? fmt::format("lines[{}]", index) : fmt::format("lines[{}].{}", index, key);
  }
  int Line() const { return static_cast<int>(index) + 1; }
};

Status BadLine(const LineRequest& line, std::string_view key, std::string_view what) {
  const std::string field = line.Field(key);
  return Status::InvalidField(field, fmt::format("'{}' {}", field, what));
}

Result<std::optional<std::string>> LineId(const LineRequest& line, const boost::json::object& o,
                                          std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>();
  const boost::json::value& v = it->value();
  if (!v.is_string() || !IsUuid(v.get_string())) return BadLine(line, key, "must be an id");
  return std::optional<std::string>(NormalizeUuid(v.get_string()));
}

Result<std::optional<double>> LineNumber(const LineRequest& line, const boost::json::object& o,
                                         std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<double>();
  const boost::json::value& v = it->value();
  if (!v.is_number()) return BadLine(line, key, "must be a number");
  const double number = v.to_number<double>();
  if (!std::isfinite(number)) return BadLine(line, key, "must be a number");
  return std::optional<double>(number);
}

Result<LineRequest> ParseLine(size_t index, const boost::json::value& value) {
  LineRequest line;
  line.index = index;
  if (!value.is_object()) return BadLine(line, {}, "must be an object");
  const boost::json::object& o = value.get_object();
  static const std::set<std::string_view> kKeys = {
      "shopping_list_item_id", "part_id", "quantity_received", "quantity_damaged", "notes"};
  for (const auto& kv : o) {
    if (!kKeys.contains(kv.key())) {
      return BadLine(line, kv.key(), "is not a field of a receiving line");
    }
  }
  CELESTE_ASSIGN_OR_RETURN(line.item_id, LineId(line, o, "shopping_list_item_id"));
  CELESTE_ASSIGN_OR_RETURN(line.part_id, LineId(line, o, "part_id"));
  if (line.item_id.has_value() == line.part_id.has_value()) {
    return BadLine(line, {}, "must name exactly one of shopping_list_item_id and part_id");
  }
  CELESTE_ASSIGN_OR_RETURN(auto received, LineNumber(line, o, "quantity_received"));
  if (!received) return BadLine(line, "quantity_received", "is required");
  if (*received <= 0) return BadLine(line, "quantity_received", "must be > 0");
  line.quantity_received = *received;
  CELESTE_ASSIGN_OR_RETURN(auto damaged, LineNumber(line, o, "quantity_damaged"));
  line.quantity_damaged = damaged.value_or(0);
  if (line.quantity_damaged < 0) return BadLine(line, "quantity_damaged", "must be >= 0");
  if (line.quantity_damaged > line.quantity_received) {
    return BadLine(line, "quantity_damaged", "must not exceed quantity_received");
  }
  if (auto it = o.find("notes"); it != o.end() && !it->value().is_null()) {
    const boost::json::value& v = it->value();
    if (!v.is_string()) return BadLine(line, "notes", "must be a string");
    const std::string_view text = v.get_string();
    if (text.size() > kLineNotesLimit) {
      return BadLine(line, "notes", fmt::format("must be at most {} bytes", kLineNotesLimit));
    }
    if (text.find('\0') != std::string_view::npos) {
      return BadLine(line, "notes", "must not contain NUL characters");
    }
    line.notes = std::string(text);
  }
  return line;
}

Result<std::vector<LineRequest>> ParseLines(const ActionContext& ctx) {
  const boost::json::array& array = ctx.payload.at("lines").as_array();
  if (array.size() > kMaxLines) {
    return Status::InvalidField("lines",
                                fmt::format("'lines' must have at most {} lines", kMaxLines));
  }
  std::vector<LineRequest> lines;
  lines.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    CELESTE_ASSIGN_OR_RETURN(auto line, ParseLine(i, array[i]));
    lines.push_back(std::move(line));
  }
  return lines;
}

Status LineRule(const LineRequest& line, std::string_view rule, std::string message) {
  return Status::RuleViolation(rule, fmt::format("line {}: {}", line.Line(), message))
      .WithDetail("line", line.Line())
      .WithDetail("field", line.Field());
}

// A line's item or part as the yacht has it: not_found names the line's field.
struct ResolvedLine {
  const LineRequest* request = nullptr;
  std::optional<ShoppingListItemSummary> item;
  std::string part_id;  // once resolved
};

Status WithField(Status status, const std::string& field) {
  if (status.code() != ErrorCode::kNotFound) return status;
  return std::move(status).WithDetail("field", field);
}

// Checks each line against the order (when there is one) and the yacht's records, in the
// contract's order: what does not exist first (404), then the rules.
Result<std::vector<ReceivingLine>> ResolveLines(const ActionContext& ctx, Tx& tx,
                                                const std::vector<LineRequest>& requests,
                                                const std::optional<PurchaseOrder>& order) {
  std::vector<OrderLine> order_lines;
  if (order) {
    CELESTE_ASSIGN_OR_RETURN(order_lines, OrderLines(tx, ctx.yacht_id, order->id, false));
  }
  std::vector<ResolvedLine> resolved;
  resolved.reserve(requests.size());
  for (const LineRequest& request : requests) {
    ResolvedLine line;
    line.request = &request;
    if (request.item_id) {
      // Read, not locked: accepting the draft checks the request again, under its lock.
      auto item = LoadShoppingListItem(tx, ctx.yacht_id, *request.item_id);
      if (!item.ok()) return WithField(item.status(), request.Field("shopping_list_item_id"));
      line.item = std::move(item).value();
    } else {
      CELESTE_ASSIGN_OR_RETURN(auto part,
                               parts::FindStockedPart(tx, ctx.yacht_id, *request.part_id));
      if (!part) {
        return Status::NotFound("no part " + *request.part_id + " in this yacht's catalog")
            .WithDetail("field", request.Field("part_id"));
      }
      line.part_id = *request.part_id;
    }
    resolved.push_back(std::move(line));
  }

  std::vector<ReceivingLine> lines;
  std::map<std::string, int> seen;  // item id or part id -> line
  for (ResolvedLine& line : resolved) {
    const LineRequest& request = *line.request;
    if (line.item) {
      const ShoppingListItemSummary& item = *line.item;
      if (!item.part_id) {
        return LineRule(request, "candidate_part_not_in_catalog",
                        "'" + item.part_name +
                            "' is not in the catalog yet: promote the request to a part "
                            "(promote_candidate_to_part), then record its delivery")
            .WithDetail("item_id", item.id);
      }
      if (order) {
        const bool on_order = std::any_of(order_lines.begin(), order_lines.end(),
                                          [&](const OrderLine& l) { return l.item_id == item.id; });
        if (!on_order) {
          return LineRule(request, "line_not_on_purchase_order",
                          "request " + item.id + " is not on purchase order " + order->id)
              .WithDetail("item_id", item.id);
        }
      } else if (item.status != ShoppingListStatus::kOrdered &&
                 item.status != ShoppingListStatus::kPartiallyFulfilled) {
        return LineRule(request, "item_not_ordered",
                        "request " + item.id + " is " +
                            std::string(ShoppingListStatusName(item.status)) +
                            ": only ordered requests are received")
            .WithDetail("item_id", item.id)
            .WithDetail("current_state", ShoppingListStatusName(item.status));
      }
      line.part_id = *item.part_id;
    } else if (order) {
      // A part on an order stands for the order's request for it.
      std::vector<const OrderLine*> matches;
      for (const OrderLine& l : order_lines) {
        if (l.part_id == line.part_id) matches.push_back(&l);
      }
      if (matches.empty()) {
        return LineRule(request, "line_not_on_purchase_order",
                        "part " + line.part_id + " is not on purchase order " + order->id)
            .WithDetail("part_id", line.part_id);
      }
      if (matches.size() > 1) {
        return LineRule(request, "ambiguous_part_line",
                        "purchase order " + order->id +
                            " carries several requests for this part: name the "
                            "shopping_list_item_id")
            .WithDetail("part_id", line.part_id);
      }
      CELESTE_ASSIGN_OR_RETURN(auto item,
                               LoadShoppingListItem(tx, ctx.yacht_id, matches.front()->item_id));
      line.item = std::move(item);
    }
    const std::string key = line.item ? line.item->id : line.part_id;
    if (auto [it, fresh] = seen.emplace(key, request.Line()); !fresh) {
      return BadLine(request, {},
                     fmt::format("delivers the same {} as line {}", line.item ? "request" : "part",
                                 it->second));
    }
    ReceivingLine stored;  // its part name and ledger row are read back later
    stored.line = request.Line();
    stored.part_id = line.part_id;
    if (line.item) stored.item_id = line.item->id;
    stored.quantity_received = request.quantity_received;
    stored.quantity_damaged = request.quantity_damaged;
    stored.notes = request.notes;
    lines.push_back(std::move(stored));
  }
  return lines;
}

// ---- accept_receiving

// Moves the request by what has been accepted for it, this delivery included.
Status FulfilRequest(const ActionContext& ctx, Tx& tx, const Receiving& receiving,
                     const ReceivingLine& line, const SignatureRecord& signer) {
  CELESTE_ASSIGN_OR_RETURN(auto item, LockShoppingListItem(tx, ctx.yacht_id, *line.item_id));
  if (item.status == ShoppingListStatus::kFulfilled) return Status::OK();  // a surplus
  if (item.status != ShoppingListStatus::kOrdered &&
      item.status != ShoppingListStatus::kPartiallyFulfilled) {
    return Status::InvalidTransition(ShoppingListStatusName(item.status),
                                     "receive request " + item.id)
        .WithDetail("item_id", item.id);
  }
  // The receiving is still a draft here: its own lines are not in the sum yet.
  CELESTE_ASSIGN_OR_RETURN(double before, AcceptedForItem(tx, ctx.yacht_id, item.id));
  const double total = before + line.quantity_accepted();
  ShoppingListStatus to = item.status;
  if (total >= item.quantity) {
    to = ShoppingListStatus::kFulfilled;
  } else if (total > 0) {
    to = ShoppingListStatus::kPartiallyFulfilled;
  }
  if (to == item.status) return Status::OK();
  const std::string notes =
      fmt::format("received {} of {} (receiving {})", total, item.quantity, receiving.id);
  return TransitionShoppingListItem(tx, ctx.yacht_id, item.id, to, signer.signer_id,
                                    signer.role_at_signing, ctx.now_text, notes);
}

// An order is received once every request on it is fulfilled, partially received once a
// delivery against it was accepted (`delivered_against`, even one of damaged goods only) or
// any of its requests moved past ordered.
Status RefreshOrderStatus(const ActionContext& ctx, Tx& tx, const std::string& order_id,
                          bool delivered_against) {
  CELESTE_ASSIGN_OR_RETURN(PurchaseOrder order, LockOrder(tx, ctx.yacht_id, order_id));
  if (order.status == OrderStatus::kCancelled) return Status::OK();
  CELESTE_ASSIGN_OR_RETURN(auto lines, OrderLines(tx, ctx.yacht_id, order_id, false));
  const auto is = [](std::string_view status) {
    return [status](const OrderLine& l) { return l.status == status; };
  };
  OrderStatus to = OrderStatus::kPartiallyReceived;
  if (std::all_of(lines.begin(), lines.end(), is("fulfilled"))) {
    to = OrderStatus::kReceived;
  } else if (order.status == OrderStatus::kOrdered && !delivered_against &&
             std::all_of(lines.begin(), lines.end(), is("ordered"))) {
    to = OrderStatus::kOrdered;
  }
  if (to == order.status) return Status::OK();
  return UpdateOrderStatus(tx, ctx.yacht_id, order_id, order.status, to, ctx.now_text);
}

}  // namespace

Result<ActionOutcome> CreateReceiving(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto requests, ParseLines(ctx));
  std::optional<PurchaseOrder> order;
  if (auto order_id = ctx.OptId("purchase_order_id")) {
    // Locked: a cancel of this order waits for this draft, then sees it.
    CELESTE_ASSIGN_OR_RETURN(order, LockOrder(tx, ctx.yacht_id, *order_id));
    if (order->status != OrderStatus::kOrdered &&
        order->status != OrderStatus::kPartiallyReceived) {
      return Status::InvalidTransition(OrderStatusName(order->status),
                                       "record a delivery against purchase order " + order->id);
    }
  }
  Receiving receiving;
  receiving.id = NewUuidV7();
  if (order) receiving.purchase_order_id = order->id;
  receiving.reference = ctx.OptText("reference");
  receiving.notes = ctx.OptText("notes");
  receiving.created_by = ctx.user_id();
  receiving.created_at = receiving.updated_at = ctx.now_text;
  CELESTE_ASSIGN_OR_RETURN(receiving.lines, ResolveLines(ctx, tx, requests, order));
  CELESTE_RETURN_IF_ERROR(InsertReceiving(tx, ctx.yacht_id, receiving));
  CELESTE_ASSIGN_OR_RETURN(Receiving stored, LoadReceiving(tx, ctx.yacht_id, receiving.id));
  return ReceivingOutcome(stored, /*created=*/true);
}

Result<ActionOutcome> AcceptReceiving(const ActionContext& ctx, Tx& tx) {
  if (ctx.signature == nullptr) return Status::Internal("a SIGNED action ran without a signature");
  const SignatureRecord& signer = *ctx.signature;
  CELESTE_ASSIGN_OR_RETURN(Receiving receiving,
                           LockReceiving(tx, ctx.yacht_id, ReceivingIdOf(ctx)));
  if (receiving.status != ReceivingStatus::kDraft) {
    return Status::InvalidTransition(ReceivingStatusName(receiving.status), "accept the receiving");
  }
  // Locks in one global order — the orders concerned, then each line's balance and request
  // by part and request id — so that concurrent accepts, receipts and cancels queue up
  // instead of deadlocking. The orders: this receiving's and those carrying its requests.
  std::set<std::string> orders;
  if (receiving.purchase_order_id) orders.insert(*receiving.purchase_order_id);
  for (const ReceivingLine& line : receiving.lines) {
    if (!line.item_id) continue;
    CELESTE_ASSIGN_OR_RETURN(auto live, LiveOrderOfItem(tx, ctx.yacht_id, *line.item_id));
    if (live) orders.insert(*live);
  }
  for (const std::string& order_id : orders) {
    CELESTE_ASSIGN_OR_RETURN(PurchaseOrder order, LockOrder(tx, ctx.yacht_id, order_id));
    if (order_id == receiving.purchase_order_id && order.status == OrderStatus::kCancelled) {
      return Status::InvalidTransition(OrderStatusName(order.status),
                                       "accept a delivery against purchase order " + order.id);
    }
  }
  std::vector<const ReceivingLine*> lines;
  for (const ReceivingLine& line : receiving.lines) lines.push_back(&line);
  std::sort(lines.begin(), lines.end(), [](const ReceivingLine* a, const ReceivingLine* b) {
    return std::tie(a->part_id, a->item_id) < std::tie(b->part_id, b->item_id);
  });

  const std::string role(RoleName(signer.role_at_signing));
  for (const ReceivingLine* line : lines) {
    if (line->quantity_accepted() > 0) {
      const parts::StockMovement movement{
          .part_id = line->part_id,
          .quantity = line->quantity_accepted(),
          .type = parts::MovementType::kReceive,
          .reference = "receiving " + receiving.id,
          // No idempotency key: the draft's lock and status book each line once, and keys
          // belong to clients (a key of ours could collide with one of theirs).
          .idempotency_key = std::nullopt,
          .work_order_id = std::nullopt,
          .actor_id = signer.signer_id,
          .actor_role = role,
          .at = ctx.now_text};
      CELESTE_ASSIGN_OR_RETURN(auto recorded, parts::RecordMovement(tx, ctx.yacht_id, movement));
      CELESTE_RETURN_IF_ERROR(
          SetLineTransaction(tx, ctx.yacht_id, receiving.id, line->line, recorded.id));
    }
    if (line->item_id) CELESTE_RETURN_IF_ERROR(FulfilRequest(ctx, tx, receiving, *line, signer));
  }
  CELESTE_RETURN_IF_ERROR(
      MarkAccepted(tx, ctx.yacht_id, receiving.id, signer.signer_id, role, ctx.now_text));
  for (const std::string& order_id : orders) {
    CELESTE_RETURN_IF_ERROR(
        RefreshOrderStatus(ctx, tx, order_id, order_id == receiving.purchase_order_id));
  }
  CELESTE_ASSIGN_OR_RETURN(Receiving accepted, LoadReceiving(tx, ctx.yacht_id, receiving.id));
  return ReceivingOutcome(accepted, /*created=*/false);
}

Result<ActionOutcome> RejectReceiving(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string reason, ctx.NonBlankText("reason"));
  CELESTE_ASSIGN_OR_RETURN(Receiving receiving,
                           LockReceiving(tx, ctx.yacht_id, ReceivingIdOf(ctx)));
  if (receiving.status != ReceivingStatus::kDraft) {
    return Status::InvalidTransition(ReceivingStatusName(receiving.status), "reject the receiving");
  }
  CELESTE_RETURN_IF_ERROR(
      MarkRejected(tx, ctx.yacht_id, receiving.id, ctx.user_id(), reason, ctx.now_text));
  CELESTE_ASSIGN_OR_RETURN(Receiving rejected, LoadReceiving(tx, ctx.yacht_id, receiving.id));
  return ReceivingOutcome(rejected, /*created=*/false);
}

Result<ActionOutcome> ViewReceivingDetail(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(Receiving receiving,
                           LoadReceiving(tx, ctx.yacht_id, ReceivingIdOf(ctx)));
  return ReceivingOutcome(receiving, /*created=*/false);
}

Result<ActionOutcome> ListReceivingsAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  ReceivingQuery query;
  if (auto status = ctx.OptStr("status")) query.status = ParseReceivingStatus(*status);
  query.purchase_order_id = ctx.OptId("purchase_order_id");
  query.after_id = cursor;
  query.limit = ctx.OptInt("limit").value_or(kDefaultPageSize);
  CELESTE_ASSIGN_OR_RETURN(ReceivingPage page, ListReceivings(tx, ctx.yacht_id, query));
  boost::json::array receivings;
  receivings.reserve(page.receivings.size());
  for (const Receiving& r : page.receivings) {
    boost::json::object json = r.ToJson();
    json.erase("lines");
    receivings.push_back(std::move(json));
  }
  return ActionOutcome{.entity_type = std::string(kReceivingEntityType),
                       .entity_id = "",
                       .result = {{"receivings", std::move(receivings)},
                                  {"next_cursor", TextOrNull(page.next_cursor)}},
                       .created = false};
}

}  // namespace celeste::receiving

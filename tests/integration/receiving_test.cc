// The receiving lens over HTTP (docs/lenses/receiving.md), on both backends: the loop
// request -> approval -> purchase order -> delivery (a draft) -> signed acceptance -> stock,
// with the requests', the order's and the ledger's state checked at every step; damaged
// units; the rules (lines on the order, candidate parts, approved items only, cancelling);
// roles; malformed lines; refusals that change nothing (a whole-database fingerprint
// before and after); racing acceptances; suggestions by role; tenancy; and the flag.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kReceivingFlag = "RECEIVING_LENS_V1_ENABLED";

const std::set<std::string> kReceivingActions = {
    "create_purchase_order", "view_purchase_order",   "list_purchase_orders",
    "cancel_purchase_order", "create_receiving",      "accept_receiving",
    "reject_receiving",      "view_receiving_detail", "list_receivings"};

// A JSON number (integer or not) as a double; NaN for anything else.
double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

// A JSON string's text; "<null>" for null and "<not a string>" for anything else.
// details.<key> of an error envelope (a copy; null when absent).
boost::json::value DetailValue(const ClientResponse& r, std::string_view key) {
  const boost::json::value json = r.Json();
  if (!json.is_object() || !json.as_object().contains("details")) return nullptr;
  const boost::json::value& details = json.at("details");
  if (!details.is_object() || !details.as_object().contains(key)) return nullptr;
  return details.at(key);
}

// The success envelope's `result` (a copy; empty when absent).
// The error body without its request id, with `id` replaced by a placeholder.
std::string Anonymised(const ClientResponse& r, const std::string& id) {
  boost::json::value json = r.Json();
  if (json.is_object()) json.as_object().erase("request_id");
  std::string text = ToJson(json);
  for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at)) {
    text.replace(at, id.size(), "<id>");
  }
  return text;
}

// A receiving line delivering shopping list item `item`.
boost::json::object ItemLine(const std::string& item, double received,
                             std::optional<double> damaged = std::nullopt) {
  boost::json::object line{{"shopping_list_item_id", item}, {"quantity_received", received}};
  if (damaged) line["quantity_damaged"] = *damaged;
  return line;
}

// A receiving line delivering catalog part `part`.
boost::json::object PartLine(const std::string& part, double received,
                             std::optional<double> damaged = std::nullopt) {
  boost::json::object line{{"part_id", part}, {"quantity_received", received}};
  if (damaged) line["quantity_damaged"] = *damaged;
  return line;
}

class ReceivingTest : public IntegrationTest {
 protected:
  // --- the parts catalog and its ledger ---

  // Adds a catalog part on yacht A as the chief engineer, with `stock` received; its id.
  std::string AddPart(const std::string& name, const std::string& number, double stock = 0) {
    ClientResponse added = Execute(UserA("chief_engineer"), A().id, "add_part",
                                   {{"name", name}, {"part_number", number}, {"unit", "pcs"}});
    EXPECT_EQ(added.status, 201) << Describe(added);
    if (added.status != 201) return "";
    const std::string id = TextOf(added.Json().at("entity_id"));
    if (stock > 0) {
      ClientResponse received =
          Execute(UserA("crew"), A().id, "receive_part",
                  {{"part_id", id}, {"quantity", stock}, {"idempotency_key", "opening-" + number}});
      EXPECT_EQ(received.status, 201) << Describe(received);
    }
    return id;
  }

  // view_part_detail's result on yacht A, as the crew (asserts 200).
  boost::json::object PartDetail(const std::string& part) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }
  double OnHand(const std::string& part) {
    const boost::json::object detail = PartDetail(part);
    return detail.contains("on_hand") ? Number(detail.at("on_hand")) : std::nan("");
  }
  // The part's ledger rows, newest first (the last 20).
  boost::json::array Transactions(const std::string& part) {
    const boost::json::object detail = PartDetail(part);
    if (!detail.contains("transactions")) return {};
    return detail.at("transactions").as_array();
  }

  // --- the shopping list ---

  // A request for catalog part `part` by `role` on yacht A; its id.
  std::string Request(const std::string& part, const std::string& name, double quantity,
                      boost::json::object extra = {}, const std::string& role = "crew") {
    boost::json::object payload{{"part_name", name},
                                {"part_id", part},
                                {"quantity_requested", quantity},
                                {"source_type", "manual_add"}};
    for (auto& kv : extra) payload[kv.key()] = kv.value();
    return CreateItem(UserA(role), A().id, payload);
  }
  // A request for a part the catalog does not know (a candidate part); its id.
  std::string RequestCandidate(const std::string& name, double quantity) {
    return CreateItem(UserA("crew"), A().id,
                      {{"part_name", name}, {"quantity_requested", quantity}});
  }
  void Approve(const std::string& item, double quantity,
               const std::string& role = "chief_engineer") {
    ClientResponse r = Execute(UserA(role), A().id, "approve_shopping_list_item",
                               {{"item_id", item}, {"quantity_approved", quantity}});
    EXPECT_EQ(r.status, 200) << Describe(r);
  }
  // A request for `part`, approved at `quantity`; its id.
  std::string ApprovedItem(const std::string& part, const std::string& name, double quantity,
                           boost::json::object extra = {}) {
    const std::string item = Request(part, name, quantity, std::move(extra));
    Approve(item, quantity);
    return item;
  }
  boost::json::object Item(const std::string& item) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "view_shopping_list_item", {{"item_id", item}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }
  std::string ItemStatus(const std::string& item) {
    const boost::json::object o = Item(item);
    return o.contains("status") ? TextOf(o.at("status")) : "";
  }
  // The item's history, oldest first.
  boost::json::array History(const std::string& item) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "view_shopping_list_history", {{"item_id", item}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::object result = ResultOf(r);
    if (!result.contains("history")) return {};
    return result.at("history").as_array();
  }

  // --- purchase orders ---

  ClientResponse CreateOrder(const std::vector<std::string>& items,
                             const std::string& role = "purser", boost::json::object extra = {}) {
    boost::json::array ids;
    for (const auto& id : items) ids.emplace_back(id);
    boost::json::object payload{{"supplier", "Jabsco UK"}, {"item_ids", std::move(ids)}};
    for (auto& kv : extra) payload[kv.key()] = kv.value();
    return Execute(UserA(role), A().id, "create_purchase_order", payload);
  }
  // A purchase order of `items` (asserts 201); its id.
  std::string Order(const std::vector<std::string>& items) {
    ClientResponse r = CreateOrder(items);
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }
  boost::json::object ViewOrder(const std::string& order, const std::string& role = "crew") {
    ClientResponse r =
        Execute(UserA(role), A().id, "view_purchase_order", {{"purchase_order_id", order}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }
  std::string OrderStatus(const std::string& order) {
    const boost::json::object o = ViewOrder(order);
    return o.contains("status") ? TextOf(o.at("status")) : "";
  }
  // The order's entry for `item` in view_purchase_order's `items`.
  static boost::json::object OrderLine(const boost::json::object& order, const std::string& item) {
    if (order.contains("items")) {
      for (const auto& i : order.at("items").as_array()) {
        if (i.at("shopping_list_item_id") == boost::json::value(item)) return i.as_object();
      }
    }
    ADD_FAILURE() << "item " << item << " is not on the order " << ToJson(order);
    return {};
  }
  ClientResponse Cancel(const std::string& order, const std::string& role = "captain") {
    return Execute(UserA(role), A().id, "cancel_purchase_order",
                   {{"purchase_order_id", order}, {"reason", "supplier out of stock"}});
  }

  // --- receivings ---

  ClientResponse CreateReceiving(boost::json::array lines,
                                 const std::optional<std::string>& order = std::nullopt,
                                 const std::string& role = "crew", boost::json::object extra = {}) {
    boost::json::object payload{{"lines", std::move(lines)}};
    if (order) payload["purchase_order_id"] = *order;
    for (auto& kv : extra) payload[kv.key()] = kv.value();
    return Execute(UserA(role), A().id, "create_receiving", payload);
  }
  // A draft receiving (asserts 201); its id.
  std::string Draft(boost::json::array lines,
                    const std::optional<std::string>& order = std::nullopt) {
    ClientResponse r = CreateReceiving(std::move(lines), order);
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }
  ClientResponse Accept(const std::string& receiving, const std::string& signer = "captain",
                        const std::string& initiator = "crew") {
    return Execute(UserA(initiator), A().id, "accept_receiving", {{"receiving_id", receiving}},
                   boost::json::value(PinSignature(UserA(signer))));
  }
  // Accepts `receiving` signed by the captain (asserts 200).
  void Accepted(const std::string& receiving) {
    ClientResponse r = Accept(receiving);
    EXPECT_EQ(r.status, 200) << Describe(r);
  }
  ClientResponse Reject(const std::string& receiving, const std::string& role = "chief_officer") {
    return Execute(UserA(role), A().id, "reject_receiving",
                   {{"receiving_id", receiving}, {"reason", "wrong impellers delivered"}});
  }
  boost::json::object ViewReceiving(const std::string& receiving) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "view_receiving_detail", {{"receiving_id", receiving}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }

  // The entity's audit trail on yacht A, oldest first.
  boost::json::array AuditTrail(const std::string& entity) {
    ClientResponse r =
        Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + entity);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    if (!json.is_object() || !json.as_object().contains("entries")) return {};
    return json.at("entries").as_array();
  }

  // Everything yacht A's receiving loop touches, read past the server (RunSql): the ledger,
  // the balances, the requests and their history, the orders, receivings and lines, and the
  // audit log. Two equal fingerprints mean nothing changed in between.
  std::string Fingerprint() {
    const std::string y = "'" + A().id + "'";
    const std::string sql =
        "SELECT 'ledger', COUNT(*), SUM(quantity) FROM pms_inventory_transactions "
        "WHERE yacht_id = " +
        y +
        ";"
        "SELECT 'stock', part_id, on_hand FROM pms_part_stock WHERE yacht_id = " +
        y +
        " ORDER BY part_id;"
        "SELECT 'history', COUNT(*) FROM pms_shopping_list_state_history WHERE yacht_id = " +
        y +
        ";"
        "SELECT 'item', id, status FROM pms_shopping_list_items WHERE yacht_id = " +
        y +
        " ORDER BY id;"
        "SELECT 'order', id, status FROM pms_purchase_orders WHERE yacht_id = " +
        y +
        " ORDER BY id;"
        "SELECT 'order_item', purchase_order_id, item_id, released_at "
        "FROM pms_purchase_order_items WHERE yacht_id = " +
        y +
        " ORDER BY 2, 3;"
        "SELECT 'receiving', id, status FROM pms_receivings WHERE yacht_id = " +
        y +
        " ORDER BY id;"
        "SELECT 'line', receiving_id, line, transaction_id FROM pms_receiving_lines "
        "WHERE yacht_id = " +
        y +
        " ORDER BY 2, 3;"
        "SELECT 'audit', COUNT(*) FROM pms_audit_log WHERE yacht_id = " +
        y + ";";
    RunResult r = RunSql(*server_, sql);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // One number read past the server (the first column of the first row).
  double SqlNumber(const std::string& sql) {
    RunResult r = RunSql(*server_, sql);
    EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
    try {
      return std::stod(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << sql << " printed '" << r.out << "'";
      return std::nan("");
    }
  }
};

// The whole loop, with every state checked after every step.
TEST_F(ReceivingTest, RequestApproveOrderReceiveAcceptBooksStockAndFulfilsTheRequests) {
  const std::string impeller = AddPart("Raw water pump impeller", "JAB-1210-0001", 1);
  const std::string filter = AddPart("Fuel filter element", "FF-2010");
  ASSERT_FALSE(impeller.empty());
  ASSERT_FALSE(filter.empty());

  // Crew ask; heads of department approve (the impeller at 5, more than asked).
  const std::string item1 = Request(impeller, "Raw water pump impeller", 4);
  const std::string item2 = Request(filter, "Fuel filter element", 2);
  ASSERT_FALSE(item1.empty());
  ASSERT_FALSE(item2.empty());
  Approve(item1, 5, "chief_engineer");
  Approve(item2, 2, "captain");
  ASSERT_EQ(ItemStatus(item1), "approved");
  ASSERT_EQ(ItemStatus(item2), "approved");

  // The purser orders both.
  ClientResponse ordered = CreateOrder(
      {item1, item2}, "purser",
      {{"reference", "Q-1182"}, {"expected_date", "2026-12-01"}, {"notes", "deliver to Antibes"}});
  ASSERT_EQ(ordered.status, 201) << Describe(ordered);
  const boost::json::value ordered_body = ordered.Json();
  const std::string order = TextOf(ordered_body.at("entity_id"));
  EXPECT_EQ(ordered_body.at("action").as_string(), "create_purchase_order");
  EXPECT_TRUE(ordered_body.as_object().contains("audit_id")) << Describe(ordered);
  {
    const boost::json::object po = ResultOf(ordered);
    EXPECT_EQ(TextOf(po.at("id")), order);
    EXPECT_EQ(TextOf(po.at("supplier")), "Jabsco UK");
    EXPECT_EQ(TextOf(po.at("reference")), "Q-1182");
    EXPECT_EQ(TextOf(po.at("expected_date")), "2026-12-01");
    EXPECT_EQ(TextOf(po.at("notes")), "deliver to Antibes");
    EXPECT_EQ(TextOf(po.at("status")), "ordered");
    EXPECT_EQ(TextOf(po.at("created_by")), UserA("purser").user_id);
    EXPECT_TRUE(po.at("cancelled_at").is_null());
    ASSERT_EQ(po.at("items").as_array().size(), 2u) << ToJson(po);
    const boost::json::object line1 = OrderLine(po, item1);
    EXPECT_EQ(TextOf(line1.at("part_id")), impeller);
    EXPECT_EQ(TextOf(line1.at("part_name")), "Raw water pump impeller");
    EXPECT_EQ(TextOf(line1.at("part_number")), "JAB-1210-0001");
    EXPECT_EQ(TextOf(line1.at("unit")), "pcs");
    EXPECT_EQ(Number(line1.at("quantity_ordered")), 5) << "the approved quantity, not the asked";
    EXPECT_EQ(Number(line1.at("quantity_received")), 0);
    EXPECT_EQ(TextOf(line1.at("status")), "ordered");
    const boost::json::object line2 = OrderLine(po, item2);
    EXPECT_EQ(Number(line2.at("quantity_ordered")), 2);
    EXPECT_EQ(Number(line2.at("quantity_received")), 0);
    EXPECT_TRUE(po.at("receivings").as_array().empty());
    // view_purchase_order shows the same order.
    EXPECT_EQ(boost::json::value(ViewOrder(order)), boost::json::value(po));
  }
  for (const std::string& item : {item1, item2}) {
    EXPECT_EQ(ItemStatus(item), "ordered") << item;
    const boost::json::array history = History(item);
    ASSERT_EQ(history.size(), 3u) << ToJson(history);
    const boost::json::value& last = history.back();
    EXPECT_EQ(TextOf(last.at("from_status")), "approved");
    EXPECT_EQ(TextOf(last.at("to_status")), "ordered");
    EXPECT_EQ(TextOf(last.at("actor_id")), UserA("purser").user_id);
    EXPECT_EQ(TextOf(last.at("actor_role")), "purser");
    EXPECT_NE(TextOf(last.at("notes")).find(order), std::string::npos)
        << "the history names the order: " << ToJson(last);
  }
  {
    const boost::json::array trail = AuditTrail(order);
    ASSERT_EQ(trail.size(), 1u) << ToJson(trail);
    EXPECT_EQ(TextOf(trail[0].at("action")), "create_purchase_order");
    EXPECT_EQ(TextOf(trail[0].at("entity_type")), "purchase_order");
    EXPECT_EQ(TextOf(trail[0].at("id")), TextOf(ordered_body.at("audit_id")));
  }

  // The first delivery: 3 of the 5 impellers. A draft books nothing.
  ClientResponse drafted = CreateReceiving({ItemLine(item1, 3)}, order, "crew",
                                           {{"reference", "DN-5521"}, {"notes", "box 1 of 2"}});
  ASSERT_EQ(drafted.status, 201) << Describe(drafted);
  const std::string first = TextOf(drafted.Json().at("entity_id"));
  {
    const boost::json::object receiving = ResultOf(drafted);
    EXPECT_EQ(TextOf(receiving.at("id")), first);
    EXPECT_EQ(TextOf(receiving.at("purchase_order_id")), order);
    EXPECT_EQ(TextOf(receiving.at("status")), "draft");
    EXPECT_EQ(TextOf(receiving.at("reference")), "DN-5521");
    EXPECT_EQ(TextOf(receiving.at("notes")), "box 1 of 2");
    EXPECT_EQ(TextOf(receiving.at("created_by")), UserA("crew").user_id);
    for (const char* key : {"accepted_by", "accepted_role", "accepted_at", "rejected_by",
                            "rejected_at", "rejection_reason"}) {
      EXPECT_TRUE(receiving.at(key).is_null()) << key << ": " << ToJson(receiving);
    }
    const auto& lines = receiving.at("lines").as_array();
    ASSERT_EQ(lines.size(), 1u) << ToJson(receiving);
    EXPECT_EQ(Number(lines[0].at("line")), 1);
    EXPECT_EQ(TextOf(lines[0].at("shopping_list_item_id")), item1);
    EXPECT_EQ(TextOf(lines[0].at("part_id")), impeller);
    EXPECT_EQ(TextOf(lines[0].at("part_name")), "Raw water pump impeller");
    EXPECT_EQ(Number(lines[0].at("quantity_received")), 3);
    EXPECT_EQ(Number(lines[0].at("quantity_damaged")), 0);
    EXPECT_EQ(Number(lines[0].at("quantity_accepted")), 3);
    EXPECT_TRUE(lines[0].at("transaction_id").is_null());
    EXPECT_EQ(boost::json::value(ViewReceiving(first)), boost::json::value(receiving));
  }
  EXPECT_EQ(OnHand(impeller), 1) << "a draft books nothing";
  EXPECT_EQ(Transactions(impeller).size(), 1u);
  EXPECT_EQ(ItemStatus(item1), "ordered");
  EXPECT_EQ(History(item1).size(), 3u);
  {
    const boost::json::object po = ViewOrder(order);
    EXPECT_EQ(TextOf(po.at("status")), "ordered");
    EXPECT_EQ(Number(OrderLine(po, item1).at("quantity_received")), 0)
        << "only accepted receivings count";
    const auto& receivings = po.at("receivings").as_array();
    ASSERT_EQ(receivings.size(), 1u) << ToJson(po);
    EXPECT_EQ(TextOf(receivings[0].at("id")), first);
    EXPECT_EQ(TextOf(receivings[0].at("status")), "draft");
    EXPECT_EQ(TextOf(receivings[0].at("reference")), "DN-5521");
  }

  // The crew member starts the acceptance; the captain signs it: 3 impellers are booked.
  ClientResponse accepted = Accept(first, "captain", "crew");
  ASSERT_EQ(accepted.status, 200) << Describe(accepted);
  EXPECT_EQ(TextOf(accepted.Json().at("action")), "accept_receiving");
  std::string first_tx;
  {
    const boost::json::object receiving = ResultOf(accepted);
    EXPECT_EQ(TextOf(receiving.at("status")), "accepted");
    EXPECT_EQ(TextOf(receiving.at("accepted_by")), UserA("captain").user_id);
    EXPECT_EQ(TextOf(receiving.at("accepted_role")), "captain");
    EXPECT_TRUE(receiving.at("accepted_at").is_string()) << ToJson(receiving);
    const auto& lines = receiving.at("lines").as_array();
    ASSERT_EQ(lines.size(), 1u);
    first_tx = TextOf(lines[0].at("transaction_id"));
    EXPECT_EQ(first_tx.size(), 36u) << ToJson(receiving);
    EXPECT_EQ(boost::json::value(ViewReceiving(first)), boost::json::value(receiving));
  }
  EXPECT_EQ(OnHand(impeller), 4);
  {
    const boost::json::array txs = Transactions(impeller);
    ASSERT_EQ(txs.size(), 2u) << ToJson(txs);
    EXPECT_EQ(TextOf(txs[0].at("id")), first_tx);
    EXPECT_EQ(TextOf(txs[0].at("type")), "receive");
    EXPECT_EQ(Number(txs[0].at("quantity")), 3);
    EXPECT_EQ(TextOf(txs[0].at("reference")), "receiving " + first);
    EXPECT_TRUE(txs[0].at("idempotency_key").is_null()) << "keys belong to clients";
    EXPECT_EQ(TextOf(txs[0].at("actor_id")), UserA("captain").user_id) << "the signer books it";
    EXPECT_EQ(TextOf(txs[0].at("actor_role")), "captain");
  }
  EXPECT_EQ(ItemStatus(item1), "partially_fulfilled");
  EXPECT_EQ(ItemStatus(item2), "ordered");
  {
    const boost::json::array history = History(item1);
    ASSERT_EQ(history.size(), 4u) << ToJson(history);
    EXPECT_EQ(TextOf(history[3].at("from_status")), "ordered");
    EXPECT_EQ(TextOf(history[3].at("to_status")), "partially_fulfilled");
    EXPECT_EQ(TextOf(history[3].at("actor_id")), UserA("captain").user_id) << "the signer moves it";
    EXPECT_EQ(TextOf(history[3].at("actor_role")), "captain");
    EXPECT_EQ(History(item2).size(), 3u);
  }
  {
    const boost::json::object po = ViewOrder(order);
    EXPECT_EQ(TextOf(po.at("status")), "partially_received");
    const boost::json::object line1 = OrderLine(po, item1);
    EXPECT_EQ(Number(line1.at("quantity_ordered")), 5);
    EXPECT_EQ(Number(line1.at("quantity_received")), 3);
    EXPECT_EQ(TextOf(line1.at("status")), "partially_fulfilled");
    const boost::json::object line2 = OrderLine(po, item2);
    EXPECT_EQ(Number(line2.at("quantity_received")), 0);
    EXPECT_EQ(TextOf(line2.at("status")), "ordered");
    const auto& receivings = po.at("receivings").as_array();
    ASSERT_EQ(receivings.size(), 1u);
    EXPECT_EQ(TextOf(receivings[0].at("status")), "accepted");
  }
  {
    const boost::json::array trail = AuditTrail(first);
    ASSERT_EQ(trail.size(), 2u) << ToJson(trail);
    EXPECT_EQ(TextOf(trail[0].at("action")), "create_receiving");
    EXPECT_EQ(TextOf(trail[1].at("action")), "accept_receiving");
    for (const auto& row : trail) EXPECT_EQ(TextOf(row.at("entity_type")), "receiving");
    EXPECT_EQ(TextOf(trail[1].at("id")), TextOf(accepted.Json().at("audit_id")));
    EXPECT_EQ(TextOf(trail[1].at("signature").at("signer_id")), UserA("captain").user_id);
  }

  // The second delivery: the other 2 impellers, and the filters named by their part (the
  // order's request for that part). The purser starts it, the chief officer signs.
  ClientResponse second_drafted =
      CreateReceiving({ItemLine(item1, 2), PartLine(filter, 2)}, order, "purser");
  ASSERT_EQ(second_drafted.status, 201) << Describe(second_drafted);
  const std::string second = TextOf(second_drafted.Json().at("entity_id"));
  {
    const boost::json::object receiving = ResultOf(second_drafted);
    const auto& lines = receiving.at("lines").as_array();
    ASSERT_EQ(lines.size(), 2u) << ToJson(receiving);
    EXPECT_EQ(TextOf(lines[1].at("part_id")), filter);
    EXPECT_EQ(TextOf(lines[1].at("shopping_list_item_id")), item2)
        << "a part line is matched to the order's request for the part";
  }
  ClientResponse second_accepted = Accept(second, "chief_officer", "purser");
  ASSERT_EQ(second_accepted.status, 200) << Describe(second_accepted);
  EXPECT_EQ(OnHand(impeller), 6);
  EXPECT_EQ(OnHand(filter), 2);
  {
    const boost::json::object receiving = ResultOf(second_accepted);
    const auto& lines = receiving.at("lines").as_array();
    ASSERT_EQ(lines.size(), 2u);
    for (const auto& line : lines) {
      const std::string part = TextOf(line.at("part_id"));
      const boost::json::array txs = Transactions(part);
      ASSERT_FALSE(txs.empty());
      EXPECT_EQ(TextOf(txs[0].at("id")), TextOf(line.at("transaction_id"))) << ToJson(line);
      EXPECT_EQ(Number(txs[0].at("quantity")), 2);
      EXPECT_EQ(TextOf(txs[0].at("reference")), "receiving " + second);
      EXPECT_EQ(TextOf(txs[0].at("actor_id")), UserA("chief_officer").user_id);
    }
  }
  EXPECT_EQ(ItemStatus(item1), "fulfilled");
  EXPECT_EQ(ItemStatus(item2), "fulfilled");
  {
    const boost::json::array history1 = History(item1);
    ASSERT_EQ(history1.size(), 5u) << ToJson(history1);
    EXPECT_EQ(TextOf(history1[4].at("from_status")), "partially_fulfilled");
    EXPECT_EQ(TextOf(history1[4].at("to_status")), "fulfilled");
    EXPECT_EQ(TextOf(history1[4].at("actor_id")), UserA("chief_officer").user_id);
    EXPECT_EQ(TextOf(history1[4].at("actor_role")), "chief_officer");
    const boost::json::array history2 = History(item2);
    ASSERT_EQ(history2.size(), 4u) << ToJson(history2);
    EXPECT_EQ(TextOf(history2[3].at("from_status")), "ordered");
    EXPECT_EQ(TextOf(history2[3].at("to_status")), "fulfilled");
    EXPECT_EQ(TextOf(history2[3].at("actor_id")), UserA("chief_officer").user_id);
  }
  {
    const boost::json::object po = ViewOrder(order);
    EXPECT_EQ(TextOf(po.at("status")), "received");
    EXPECT_EQ(Number(OrderLine(po, item1).at("quantity_received")), 5);
    EXPECT_EQ(TextOf(OrderLine(po, item1).at("status")), "fulfilled");
    EXPECT_EQ(Number(OrderLine(po, item2).at("quantity_received")), 2);
    EXPECT_EQ(TextOf(OrderLine(po, item2).at("status")), "fulfilled");
    const auto& receivings = po.at("receivings").as_array();
    ASSERT_EQ(receivings.size(), 2u) << ToJson(po);
    for (const auto& r : receivings) EXPECT_EQ(TextOf(r.at("status")), "accepted");
  }
  // Past the server: three receiving rows in the ledger, and the balances equal it.
  const std::string y = "'" + A().id + "'";
  EXPECT_EQ(SqlNumber("SELECT COUNT(*) FROM pms_inventory_transactions WHERE yacht_id = " + y +
                      " AND type = 'receive' AND reference LIKE 'receiving %'"),
            3);
  EXPECT_EQ(SqlNumber("SELECT COUNT(*) FROM pms_part_stock s WHERE s.yacht_id = " + y +
                      " AND s.on_hand <> (SELECT COALESCE(SUM(t.quantity), 0) FROM "
                      "pms_inventory_transactions t WHERE t.yacht_id = s.yacht_id AND "
                      "t.part_id = s.part_id)"),
            0);
  RunResult verify = server_->Cli({"audit", "verify", "--yacht", A().id});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(ReceivingTest, DamagedUnitsAreRecordedButNotBooked) {
  const std::string part = AddPart("Zinc anode", "ZN-40", 2);
  const std::string item = ApprovedItem(part, "Zinc anode", 3);
  const std::string order = Order({item});
  ClientResponse drafted = CreateReceiving({ItemLine(item, 4, 1)}, order);
  ASSERT_EQ(drafted.status, 201) << Describe(drafted);
  const std::string receiving = TextOf(drafted.Json().at("entity_id"));
  {
    const boost::json::array lines = ResultOf(drafted).at("lines").as_array();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(Number(lines[0].at("quantity_received")), 4);
    EXPECT_EQ(Number(lines[0].at("quantity_damaged")), 1);
    EXPECT_EQ(Number(lines[0].at("quantity_accepted")), 3);
  }
  ClientResponse accepted = Accept(receiving);
  ASSERT_EQ(accepted.status, 200) << Describe(accepted);
  EXPECT_EQ(OnHand(part), 5) << "2 + 4 received - 1 damaged";
  const boost::json::array txs = Transactions(part);
  ASSERT_EQ(txs.size(), 2u);
  EXPECT_EQ(Number(txs[0].at("quantity")), 3);
  // 3 accepted of 3 approved: fulfilled.
  EXPECT_EQ(ItemStatus(item), "fulfilled");
  const boost::json::object po = ViewOrder(order);
  EXPECT_EQ(TextOf(po.at("status")), "received");
  EXPECT_EQ(Number(OrderLine(po, item).at("quantity_received")), 3);

  // All damaged: nothing booked for the line, no ledger row, and the request does not move.
  const std::string part2 = AddPart("Gasket set", "GS-1");
  const std::string item2 = ApprovedItem(part2, "Gasket set", 2);
  const std::string order2 = Order({item2});
  const std::string broken = Draft({ItemLine(item2, 2, 2)}, order2);
  ClientResponse all_broken = Accept(broken);
  ASSERT_EQ(all_broken.status, 200) << Describe(all_broken);
  const boost::json::array broken_lines = ResultOf(all_broken).at("lines").as_array();
  ASSERT_EQ(broken_lines.size(), 1u);
  EXPECT_TRUE(broken_lines[0].at("transaction_id").is_null()) << ToJson(broken_lines);
  EXPECT_EQ(Number(broken_lines[0].at("quantity_accepted")), 0);
  EXPECT_EQ(OnHand(part2), 0);
  EXPECT_TRUE(Transactions(part2).empty());
  EXPECT_EQ(ItemStatus(item2), "ordered") << "nothing of it was accepted";
  EXPECT_EQ(OrderStatus(order2), "partially_received");
  // A receiving against it was accepted: too late to cancel.
  ClientResponse cancel = Cancel(order2);
  EXPECT_TRUE(IsError(cancel, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(cancel, "current_state")), "partially_received") << Describe(cancel);
}

TEST_F(ReceivingTest, SurplusIsBookedAndAFulfilledRequestStaysFulfilled) {
  const std::string part = AddPart("V-belt", "VB-1");
  const std::string item = ApprovedItem(part, "V-belt", 2);
  const std::string order = Order({item});
  // Two deliveries recorded while the order is open: 2, then 1 more than ordered.
  const std::string full = Draft({ItemLine(item, 2)}, order);
  const std::string extra = Draft({ItemLine(item, 1)}, order);
  Accepted(full);
  EXPECT_EQ(ItemStatus(item), "fulfilled");
  EXPECT_EQ(OrderStatus(order), "received");
  const size_t history = History(item).size();

  Accepted(extra);
  EXPECT_EQ(OnHand(part), 3) << "the surplus is on board";
  EXPECT_EQ(ItemStatus(item), "fulfilled");
  EXPECT_EQ(History(item).size(), history) << "no move for a fulfilled request";
  const boost::json::object po = ViewOrder(order);
  EXPECT_EQ(TextOf(po.at("status")), "received");
  EXPECT_EQ(Number(OrderLine(po, item).at("quantity_received")), 3);

  // A received order takes no new delivery.
  ClientResponse late = CreateReceiving({ItemLine(item, 1)}, order);
  EXPECT_TRUE(IsError(late, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(late, "current_state")), "received") << Describe(late);
}

TEST_F(ReceivingTest, WithoutAnOrderLinesAreOrderedRequestsOrSpares) {
  const std::string spare = AddPart("Shackle", "SH-10", 1);
  const std::string part = AddPart("Oil filter", "OF-7");
  const std::string ordered_item = ApprovedItem(part, "Oil filter", 4);
  const std::string order = Order({ordered_item});
  ASSERT_FALSE(order.empty());
  const std::string other = AddPart("Bilge pump", "BP-1");
  const std::string approved_item = ApprovedItem(other, "Bilge pump", 1);

  // An approved (not ordered) request: rule item_not_ordered, nothing created.
  const std::string before = Fingerprint();
  ClientResponse not_ordered = CreateReceiving({PartLine(spare, 1), ItemLine(approved_item, 1)});
  EXPECT_TRUE(IsError(not_ordered, 400, "business_rule_violation"));
  EXPECT_EQ(TextOf(DetailValue(not_ordered, "rule")), "item_not_ordered") << Describe(not_ordered);
  EXPECT_EQ(Fingerprint(), before);

  // An ordered request and a spare outside any request.
  const std::string receiving = Draft({ItemLine(ordered_item, 1), PartLine(spare, 5)});
  const boost::json::object view = ViewReceiving(receiving);
  EXPECT_TRUE(view.at("purchase_order_id").is_null()) << ToJson(view);
  const auto& lines = view.at("lines").as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[1].at("shopping_list_item_id").is_null()) << ToJson(view);
  Accepted(receiving);
  EXPECT_EQ(OnHand(spare), 6);
  EXPECT_EQ(OnHand(part), 1);
  EXPECT_EQ(ItemStatus(ordered_item), "partially_fulfilled");
  EXPECT_EQ(ItemStatus(approved_item), "approved");
  EXPECT_EQ(TextOf(History(ordered_item).back().at("to_status")), "partially_fulfilled");
  // The live order carrying the request is concerned too (step 4): it counts what was
  // booked for its request, whichever receiving carried it.
  const boost::json::object po = ViewOrder(order);
  EXPECT_EQ(Number(OrderLine(po, ordered_item).at("quantity_received")), 1) << ToJson(po);
  EXPECT_EQ(TextOf(po.at("status")), "partially_received");
}

TEST_F(ReceivingTest, EveryLineMustBeOnTheOrder) {
  const std::string impeller = AddPart("Impeller", "IMP-1");
  const std::string filter = AddPart("Filter", "FIL-1");
  const std::string item = ApprovedItem(impeller, "Impeller", 5);
  const std::string elsewhere = ApprovedItem(filter, "Filter", 1);
  const std::string order = Order({item});
  const std::string other_order = Order({elsewhere});
  ASSERT_FALSE(other_order.empty());

  const std::string before = Fingerprint();
  struct Case {
    const char* name;
    boost::json::array lines;
  };
  const Case cases[] = {
      {"a request on another order", {ItemLine(item, 1), ItemLine(elsewhere, 1)}},
      {"a part the order does not carry", {ItemLine(item, 1), PartLine(filter, 1)}},
  };
  for (const Case& c : cases) {
    ClientResponse r = CreateReceiving(c.lines, order);
    EXPECT_TRUE(IsError(r, 400, "business_rule_violation")) << c.name;
    EXPECT_EQ(TextOf(DetailValue(r, "rule")), "line_not_on_purchase_order")
        << c.name << ": " << Describe(r);
    EXPECT_EQ(Number(DetailValue(r, "line")), 2)
        << c.name << ": the second line, as receivings number their lines: " << Describe(r);
    EXPECT_EQ(DetailOf(r, "field"), "lines[1]") << c.name << ": the JSON index, from 0";
  }
  EXPECT_EQ(Fingerprint(), before) << "refusals create nothing";

  // Two requests for one part on the order: a part line is ambiguous.
  const std::string for_work_order =
      ApprovedItem(impeller, "Impeller", 2, {{"source_work_order_id", RandomUuidV4()}});
  const std::string two =
      Order({ApprovedItem(filter, "Filter", 3, {{"source_work_order_id", RandomUuidV4()}}),
             for_work_order});
  ASSERT_FALSE(two.empty());
  // The impeller is on `two` once (for_work_order): a part line is matched to it.
  ClientResponse matched = CreateReceiving({PartLine(impeller, 1)}, two);
  ASSERT_EQ(matched.status, 201) << Describe(matched);
  EXPECT_EQ(TextOf(ResultOf(matched).at("lines").at(0).at("shopping_list_item_id")),
            for_work_order);
  const std::string twice_part = AddPart("Seal", "SEAL-1");
  const std::string seal_a = ApprovedItem(twice_part, "Seal", 1);
  const std::string seal_b =
      ApprovedItem(twice_part, "Seal", 1, {{"source_work_order_id", RandomUuidV4()}});
  const std::string seals = Order({seal_a, seal_b});
  ClientResponse which = CreateReceiving({PartLine(twice_part, 1)}, seals);
  EXPECT_TRUE(IsError(which, 400, "business_rule_violation"));
  EXPECT_EQ(TextOf(DetailValue(which, "rule")), "ambiguous_part_line") << Describe(which);
  ClientResponse named = CreateReceiving({ItemLine(seal_b, 1)}, seals);
  EXPECT_EQ(named.status, 201) << Describe(named);
}

TEST_F(ReceivingTest, ACandidatePartIsBookedOnlyOnceItIsInTheCatalog) {
  const std::string item = RequestCandidate("Watermaker membrane 40\"", 2);
  ASSERT_FALSE(item.empty());
  EXPECT_TRUE(Item(item).at("is_candidate_part").as_bool());
  Approve(item, 2);
  // Suppliers sell what the catalog does not know yet: the order is fine.
  const std::string order = Order({item});
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(ItemStatus(item), "ordered");
  EXPECT_TRUE(OrderLine(ViewOrder(order), item).at("part_id").is_null());

  const std::string before = Fingerprint();
  for (const std::optional<std::string>& on :
       {std::optional<std::string>(order), std::optional<std::string>()}) {
    ClientResponse r = CreateReceiving({ItemLine(item, 2)}, on);
    EXPECT_TRUE(IsError(r, 400, "business_rule_violation")) << (on ? "on the order" : "no order");
    EXPECT_EQ(TextOf(DetailValue(r, "rule")), "candidate_part_not_in_catalog") << Describe(r);
    EXPECT_EQ(TextOf(DetailValue(r, "item_id")), item) << Describe(r);
    EXPECT_EQ(Number(DetailValue(r, "line")), 1) << Describe(r);
    EXPECT_EQ(DetailOf(r, "field"), "lines[0]") << Describe(r);
  }
  EXPECT_EQ(Fingerprint(), before);

  ClientResponse promoted = Execute(UserA("chief_engineer"), A().id, "promote_candidate_to_part",
                                    {{"item_id", item}, {"part_number", "WM-40"}});
  ASSERT_EQ(promoted.status, 201) << Describe(promoted);
  const std::string part = TextOf(ResultOf(promoted).at("part_id"));
  ASSERT_EQ(part.size(), 36u) << Describe(promoted);
  EXPECT_EQ(ItemStatus(item), "ordered") << "promotion does not move the request";

  const std::string receiving = Draft({ItemLine(item, 2)}, order);
  const boost::json::object view = ViewReceiving(receiving);
  EXPECT_EQ(TextOf(view.at("lines").at(0).at("part_id")), part);
  Accepted(receiving);
  EXPECT_EQ(OnHand(part), 2);
  EXPECT_EQ(ItemStatus(item), "fulfilled");
  EXPECT_EQ(OrderStatus(order), "received");
}

TEST_F(ReceivingTest, AnOrderTakesApprovedRequestsOnlyAndAllOrNothing) {
  const std::string p1 = AddPart("Impeller", "IMP-1");
  const std::string p2 = AddPart("Filter", "FIL-1");
  const std::string p3 = AddPart("Belt", "BLT-1");
  const std::string approved1 = ApprovedItem(p1, "Impeller", 1);
  const std::string requested = Request(p2, "Filter", 1);
  const std::string approved3 = ApprovedItem(p3, "Belt", 1);

  const std::string before = Fingerprint();
  ClientResponse r = CreateOrder({approved1, requested, approved3}, "chief_engineer");
  EXPECT_TRUE(IsError(r, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(r, "item_id")), requested) << Describe(r);
  EXPECT_EQ(TextOf(DetailValue(r, "current_state")), "requested") << Describe(r);
  EXPECT_EQ(Fingerprint(), before) << "nothing is ordered unless everything can be";
  EXPECT_EQ(ItemStatus(approved1), "approved");
  EXPECT_EQ(ItemStatus(approved3), "approved");

  // A rejected request, and one already on an order, cannot be ordered either.
  const std::string rejected = Request(AddPart("Pin", "PIN-1"), "Pin", 1);
  ClientResponse rej = Execute(UserA("captain"), A().id, "reject_shopping_list_item",
                               {{"item_id", rejected}, {"rejection_reason", "we have two aft"}});
  ASSERT_EQ(rej.status, 200) << Describe(rej);
  ClientResponse with_rejected = CreateOrder({approved1, rejected});
  EXPECT_TRUE(IsError(with_rejected, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(with_rejected, "current_state")), "rejected");

  const std::string order = Order({approved1});
  ClientResponse again = CreateOrder({approved3, approved1});
  EXPECT_TRUE(IsError(again, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(again, "item_id")), approved1) << Describe(again);
  EXPECT_EQ(TextOf(DetailValue(again, "current_state")), "ordered") << Describe(again);
  EXPECT_EQ(ItemStatus(approved3), "approved");

  // Unknown items: 404 naming the item; ids that are no UUIDs or repeat: invalid_field.
  const std::string missing = RandomUuidV4();
  ClientResponse unknown = CreateOrder({approved3, missing});
  EXPECT_TRUE(IsError(unknown, 404, "not_found"));
  EXPECT_EQ(TextOf(DetailValue(unknown, "item_id")), missing) << Describe(unknown);
  struct Case {
    const char* name;
    boost::json::value item_ids;
    std::optional<int> index;
  };
  const Case cases[] = {
      {"not a UUID", boost::json::array{approved3, "not-a-uuid"}, 1},
      {"listed twice", boost::json::array{approved3, approved3}, 1},
      {"empty", boost::json::array{}, std::nullopt},
      {"not an array", boost::json::value(approved3), std::nullopt},
  };
  for (const Case& c : cases) {
    ClientResponse bad = Execute(UserA("captain"), A().id, "create_purchase_order",
                                 {{"supplier", "Jabsco UK"}, {"item_ids", c.item_ids}});
    EXPECT_TRUE(IsError(bad, 400, "invalid_field")) << c.name;
    EXPECT_EQ(DetailOf(bad, "field"), "item_ids") << c.name << ": " << Describe(bad);
    if (c.index) {
      EXPECT_EQ(Number(DetailValue(bad, "index")), *c.index) << c.name << ": " << Describe(bad);
    }
  }
  ClientResponse too_many_ids = Execute(UserA("captain"), A().id, "create_purchase_order",
                                        {{"supplier", "X"}, {"item_ids", [] {
                                                               boost::json::array a;
                                                               for (int i = 0; i < 201; ++i)
                                                                 a.emplace_back(RandomUuidV4());
                                                               return a;
                                                             }()}});
  EXPECT_TRUE(IsError(too_many_ids, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(too_many_ids, "field"), "item_ids") << Describe(too_many_ids);
  ClientResponse no_supplier = Execute(UserA("captain"), A().id, "create_purchase_order",
                                       {{"item_ids", boost::json::array{approved3}}});
  EXPECT_TRUE(IsError(no_supplier, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_supplier, "field"), "supplier");
  ClientResponse long_supplier =
      CreateOrder({approved3}, "captain", {{"supplier", std::string(201, 's')}});
  EXPECT_TRUE(IsError(long_supplier, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(long_supplier, "field"), "supplier");
  ClientResponse bad_date = CreateOrder({approved3}, "captain", {{"expected_date", "1/12/2026"}});
  EXPECT_TRUE(IsError(bad_date, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(bad_date, "field"), "expected_date");
  EXPECT_EQ(ItemStatus(approved3), "approved");
  EXPECT_EQ(OrderStatus(order), "ordered");
}

TEST_F(ReceivingTest, CancellingAnOrderReleasesItsRequests) {
  const std::string p1 = AddPart("Impeller", "IMP-1");
  const std::string p2 = AddPart("Filter", "FIL-1");
  const std::string item1 = ApprovedItem(p1, "Impeller", 2);
  const std::string item2 = ApprovedItem(p2, "Filter", 3);
  const std::string order = Order({item1, item2});

  ClientResponse cancelled = Cancel(order, "chief_engineer");
  ASSERT_EQ(cancelled.status, 200) << Describe(cancelled);
  const boost::json::object po = ResultOf(cancelled);
  EXPECT_EQ(TextOf(po.at("status")), "cancelled") << Describe(cancelled);
  EXPECT_EQ(TextOf(po.at("cancelled_by")), UserA("chief_engineer").user_id);
  EXPECT_TRUE(po.at("cancelled_at").is_string());
  EXPECT_EQ(TextOf(po.at("cancel_reason")), "supplier out of stock");
  EXPECT_EQ(OrderStatus(order), "cancelled");
  for (const std::string& item : {item1, item2}) {
    EXPECT_EQ(ItemStatus(item), "approved") << item;
    const boost::json::array history = History(item);
    ASSERT_EQ(history.size(), 4u) << ToJson(history);
    EXPECT_EQ(TextOf(history[3].at("from_status")), "ordered");
    EXPECT_EQ(TextOf(history[3].at("to_status")), "approved");
    EXPECT_EQ(TextOf(history[3].at("actor_id")), UserA("chief_engineer").user_id);
    EXPECT_EQ(Number(Item(item).at("quantity_approved")), item == item1 ? 2 : 3)
        << "the approval stands";
  }
  EXPECT_EQ(AuditTrail(order).size(), 2u);

  // Twice: the order is cancelled. A cancelled order takes no delivery.
  const std::string before = Fingerprint();
  ClientResponse twice = Cancel(order);
  EXPECT_TRUE(IsError(twice, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(twice, "current_state")), "cancelled") << Describe(twice);
  ClientResponse delivery = CreateReceiving({ItemLine(item1, 1)}, order);
  EXPECT_TRUE(IsError(delivery, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(delivery, "current_state")), "cancelled") << Describe(delivery);
  EXPECT_EQ(Fingerprint(), before);

  // The released requests go on another order.
  const std::string reorder = Order({item1, item2});
  ASSERT_FALSE(reorder.empty());
  EXPECT_EQ(ItemStatus(item1), "ordered");
  Accepted(Draft({ItemLine(item1, 2)}, reorder));
  EXPECT_EQ(ItemStatus(item1), "fulfilled");
  EXPECT_EQ(OrderStatus(reorder), "partially_received");
  EXPECT_EQ(OrderStatus(order), "cancelled");
}

TEST_F(ReceivingTest, CancelWaitsForADraftAndIsTooLateAfterAReceipt) {
  const std::string p1 = AddPart("Impeller", "IMP-1");
  const std::string item = ApprovedItem(p1, "Impeller", 4);
  const std::string order = Order({item});
  const std::string draft = Draft({ItemLine(item, 1)}, order);

  const std::string before = Fingerprint();
  ClientResponse pending = Cancel(order);
  EXPECT_TRUE(IsError(pending, 400, "business_rule_violation"));
  EXPECT_EQ(TextOf(DetailValue(pending, "rule")), "receiving_pending") << Describe(pending);
  EXPECT_EQ(TextOf(DetailValue(pending, "receiving_id")), draft) << Describe(pending);
  EXPECT_EQ(Fingerprint(), before);

  // Rejected, the draft no longer holds the order back.
  ClientResponse rejected = Reject(draft);
  ASSERT_EQ(rejected.status, 200) << Describe(rejected);
  EXPECT_EQ(TextOf(ResultOf(rejected).at("status")), "rejected");
  EXPECT_EQ(TextOf(ResultOf(rejected).at("rejected_by")), UserA("chief_officer").user_id);
  EXPECT_EQ(TextOf(ResultOf(rejected).at("rejection_reason")), "wrong impellers delivered");
  EXPECT_EQ(OnHand(p1), 0) << "a rejected delivery books nothing";
  EXPECT_EQ(ItemStatus(item), "ordered");

  // Once something was received, the order can no longer be cancelled.
  Accepted(Draft({ItemLine(item, 1)}, order));
  ClientResponse too_late = Cancel(order);
  EXPECT_TRUE(IsError(too_late, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(too_late, "current_state")), "partially_received")
      << Describe(too_late);
  EXPECT_EQ(ItemStatus(item), "partially_fulfilled");
  EXPECT_EQ(OrderStatus(order), "partially_received");

  // The other order: no draft, cancelled at once.
  const std::string other = Order({ApprovedItem(AddPart("Filter", "FIL-1"), "Filter", 1)});
  ClientResponse ok = Cancel(other);
  EXPECT_EQ(ok.status, 200) << Describe(ok);
}

TEST_F(ReceivingTest, AcceptingTwiceOrARejectedDeliveryChangesNothing) {
  const std::string part = AddPart("Impeller", "IMP-1", 1);
  const std::string item = ApprovedItem(part, "Impeller", 5);
  const std::string order = Order({item});
  const std::string first = Draft({ItemLine(item, 3)}, order);
  Accepted(first);
  ASSERT_EQ(OnHand(part), 4);

  std::string before = Fingerprint();
  for (const char* signer : {"captain", "manager"}) {
    ClientResponse again = Accept(first, signer);
    EXPECT_TRUE(IsError(again, 400, "invalid_state_transition")) << signer;
    EXPECT_EQ(TextOf(DetailValue(again, "current_state")), "accepted") << Describe(again);
  }
  ClientResponse reject_accepted = Reject(first);
  EXPECT_TRUE(IsError(reject_accepted, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(reject_accepted, "current_state")), "accepted");
  EXPECT_EQ(Fingerprint(), before) << "a second acceptance books nothing";
  EXPECT_EQ(OnHand(part), 4);
  EXPECT_EQ(Transactions(part).size(), 2u);

  const std::string second = Draft({ItemLine(item, 2)}, order);
  ClientResponse rejected = Reject(second, "captain");
  ASSERT_EQ(rejected.status, 200) << Describe(rejected);
  before = Fingerprint();
  ClientResponse accept_rejected = Accept(second);
  EXPECT_TRUE(IsError(accept_rejected, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(accept_rejected, "current_state")), "rejected")
      << Describe(accept_rejected);
  ClientResponse reject_again = Reject(second);
  EXPECT_TRUE(IsError(reject_again, 400, "invalid_state_transition"));
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(OnHand(part), 4);
  EXPECT_EQ(ItemStatus(item), "partially_fulfilled");
  EXPECT_EQ(TextOf(ViewReceiving(second).at("status")), "rejected");
}

// An acceptance is one transaction: when one line cannot be booked, no line is.
TEST_F(ReceivingTest, AnAcceptanceThatFailsOnOneLineBooksNoLine) {
  const std::string spare = AddPart("Shackle", "SH-10", 2);
  const std::string part = AddPart("Impeller", "IMP-1");
  const std::string item = ApprovedItem(part, "Impeller", 2);
  const std::string live = Order({item});
  const std::string other = AddPart("Filter", "FIL-1");
  const std::string released = ApprovedItem(other, "Filter", 3);
  const std::string doomed = Order({released});

  // The draft names the requests, not their orders, so it does not hold a cancel back; the
  // cancel releases the third line's request before the signature.
  const std::string late = Draft({PartLine(spare, 1), ItemLine(item, 2), ItemLine(released, 3)});
  ClientResponse cancelled = Cancel(doomed);
  ASSERT_EQ(cancelled.status, 200) << Describe(cancelled);
  ASSERT_EQ(ItemStatus(released), "approved");
  const std::string before = Fingerprint();
  ClientResponse stale = Accept(late);
  EXPECT_TRUE(IsError(stale, 400, "invalid_state_transition"));
  EXPECT_EQ(TextOf(DetailValue(stale, "current_state")), "approved") << Describe(stale);
  EXPECT_EQ(TextOf(DetailValue(stale, "item_id")), released) << Describe(stale);
  EXPECT_EQ(Fingerprint(), before) << "the first two lines were not booked either";
  EXPECT_EQ(OnHand(spare), 2);
  EXPECT_EQ(OnHand(part), 0);
  EXPECT_EQ(OnHand(other), 0);
  EXPECT_EQ(ItemStatus(item), "ordered");
  EXPECT_EQ(ItemStatus(released), "approved");
  EXPECT_EQ(OrderStatus(live), "ordered");
  const boost::json::object still = ViewReceiving(late);
  EXPECT_EQ(TextOf(still.at("status")), "draft");
  for (const auto& line : still.at("lines").as_array()) {
    EXPECT_TRUE(line.at("transaction_id").is_null()) << ToJson(line);
  }

  // Idempotency keys belong to clients: a client's key that looks like a receiving's does
  // not stop the receiving, and each line is booked once.
  const std::string receiving = Draft({PartLine(spare, 4), ItemLine(item, 2)});
  for (const char* line : {"0", "1", "2"}) {
    ClientResponse lookalike =
        Execute(UserA("crew"), A().id, "receive_part",
                {{"part_id", spare},
                 {"quantity", 1},
                 {"idempotency_key", "receiving:" + receiving + ":" + line}});
    ASSERT_EQ(lookalike.status, 201) << Describe(lookalike);
  }
  Accepted(receiving);
  EXPECT_EQ(OnHand(spare), 2 + 3 + 4);
  EXPECT_EQ(OnHand(part), 2);
  EXPECT_EQ(ItemStatus(item), "fulfilled");
  EXPECT_EQ(OrderStatus(live), "received");
}

TEST_F(ReceivingTest, WhoMayDoWhat) {
  const std::string part = AddPart("Impeller", "IMP-1");
  const std::string item = ApprovedItem(part, "Impeller", 2);
  const std::string before = Fingerprint();

  // Crew may neither order nor cancel nor reject; the purser may order but not cancel or
  // reject (heads of department only).
  ClientResponse crew_orders = CreateOrder({item}, "crew");
  EXPECT_TRUE(IsError(crew_orders, 403, "forbidden_role"));
  EXPECT_EQ(DetailOf(crew_orders, "role"), "crew") << Describe(crew_orders);
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(ItemStatus(item), "approved");

  ClientResponse purser_orders = CreateOrder({item}, "purser");
  ASSERT_EQ(purser_orders.status, 201) << Describe(purser_orders);
  const std::string order = TextOf(purser_orders.Json().at("entity_id"));
  const std::string draft = Draft({ItemLine(item, 1)}, order);  // crew record deliveries
  ASSERT_FALSE(draft.empty());

  for (const char* role : {"crew", "purser"}) {
    EXPECT_TRUE(IsError(Cancel(order, role), 403, "forbidden_role")) << role;
    EXPECT_TRUE(IsError(Reject(draft, role), 403, "forbidden_role")) << role;
  }
  EXPECT_EQ(TextOf(ViewReceiving(draft).at("status")), "draft");

  // Everyone reads.
  for (const char* role : {"crew", "purser", "chief_officer", "manager"}) {
    ClientResponse po =
        Execute(UserA(role), A().id, "view_purchase_order", {{"purchase_order_id", order}});
    EXPECT_EQ(po.status, 200) << role << ": " << Describe(po);
    EXPECT_FALSE(po.Json().as_object().contains("audit_id")) << "a read writes no audit row";
    ClientResponse rc =
        Execute(UserA(role), A().id, "view_receiving_detail", {{"receiving_id", draft}});
    EXPECT_EQ(rc.status, 200) << role << ": " << Describe(rc);
    EXPECT_EQ(Execute(UserA(role), A().id, "list_purchase_orders", {}).status, 200) << role;
    EXPECT_EQ(Execute(UserA(role), A().id, "list_receivings", {}).status, 200) << role;
  }
  // Every head of department may cancel and reject; each takes a fresh order and draft.
  for (const char* role : {"chief_engineer", "chief_officer", "captain", "manager"}) {
    const std::string it =
        ApprovedItem(AddPart(std::string("Part of ") + role, std::string("P-") + role), "Part", 1);
    const std::string po = Order({it});
    const std::string rc = Draft({ItemLine(it, 1)}, po);
    EXPECT_EQ(Reject(rc, role).status, 200) << role;
    EXPECT_EQ(Cancel(po, role).status, 200) << role;
  }
}

TEST_F(ReceivingTest, MalformedLinesAreInvalidFieldsNamingTheLine) {
  const std::string part = AddPart("Impeller", "IMP-1");
  const std::string other = AddPart("Filter", "FIL-1");
  const std::string item = ApprovedItem(part, "Impeller", 3);
  const std::string order = Order({item});
  const boost::json::object good = PartLine(part, 1);  // matched to the order's request

  struct Case {
    const char* name;
    boost::json::value lines;
    const char* field;
  };
  auto with = [](boost::json::object line, const char* key, boost::json::value v) {
    line[key] = std::move(v);
    return line;
  };
  auto without = [](boost::json::object line, const char* key) {
    line.erase(key);
    return line;
  };
  boost::json::array too_many;  // distinct parts: only the count is wrong
  for (int i = 0; i < 201; ++i) too_many.push_back(PartLine(RandomUuidV4(), 1));
  const Case cases[] = {
      {"lines not an array", boost::json::value("3 impellers"), "lines"},
      {"no lines", boost::json::array{}, "lines"},
      {"201 lines", too_many, "lines"},
      {"a line not an object", boost::json::array{good, "impeller"}, "lines[1]"},
      {"a line with a bad damaged quantity",
       boost::json::array{good, good, with(PartLine(part, 2), "quantity_damaged", -1)},
       "lines[2].quantity_damaged"},
      {"damaged above received", boost::json::array{PartLine(part, 2, 3)},
       "lines[0].quantity_damaged"},
      {"damaged not a number", boost::json::array{with(PartLine(part, 2), "quantity_damaged", "1")},
       "lines[0].quantity_damaged"},
      {"received zero", boost::json::array{PartLine(part, 0)}, "lines[0].quantity_received"},
      {"received negative", boost::json::array{PartLine(part, -2)}, "lines[0].quantity_received"},
      {"received a string", boost::json::array{with(PartLine(part, 1), "quantity_received", "2")},
       "lines[0].quantity_received"},
      {"received missing", boost::json::array{without(PartLine(part, 1), "quantity_received")},
       "lines[0].quantity_received"},
      {"an unknown key", boost::json::array{with(PartLine(part, 1), "colour", "blue")},
       "lines[0].colour"},
      {"a part id that is not a UUID", boost::json::array{PartLine("impeller", 1)},
       "lines[0].part_id"},
      {"an item id that is not a UUID", boost::json::array{ItemLine("42", 1)},
       "lines[0].shopping_list_item_id"},
      {"notes not text", boost::json::array{with(PartLine(part, 1), "notes", 7)}, "lines[0].notes"},
      // Fields come before rules: the first line is not on the order, the second malformed.
      {"fields before rules", boost::json::array{PartLine(other, 1), "impeller"}, "lines[1]"},
  };
  const std::string before = Fingerprint();
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA("crew"), A().id, "create_receiving",
                               {{"purchase_order_id", order}, {"lines", c.lines}});
    EXPECT_TRUE(IsError(r, 400, "invalid_field")) << c.name;
    EXPECT_EQ(DetailOf(r, "field"), c.field) << c.name << ": " << Describe(r);
  }
  // Neither id, or both: the line is named (which key the message blames is the server's).
  const Case id_cases[] = {
      {"neither id", boost::json::array{good, boost::json::object{{"quantity_received", 1}}},
       "lines[1]"},
      {"both ids", boost::json::array{with(ItemLine(item, 1), "part_id", part.c_str())},
       "lines[0]"},
  };
  const Case twice_cases[] = {
      {"the same request twice", boost::json::array{ItemLine(item, 1), ItemLine(item, 1)},
       "lines[1]"},
      {"the same part twice", boost::json::array{good, PartLine(part, 2)}, "lines[1]"},
      {"a part and its request", boost::json::array{good, ItemLine(item, 2)}, "lines[1]"},
  };
  for (const Case& c : twice_cases) {
    ClientResponse r = Execute(UserA("crew"), A().id, "create_receiving",
                               {{"purchase_order_id", order}, {"lines", c.lines}});
    EXPECT_TRUE(IsError(r, 400, "invalid_field")) << c.name;
    EXPECT_EQ(DetailOf(r, "field").rfind(c.field, 0), 0u) << c.name << ": " << Describe(r);
  }
  for (const Case& c : id_cases) {
    ClientResponse r = Execute(UserA("crew"), A().id, "create_receiving",
                               {{"purchase_order_id", order}, {"lines", c.lines}});
    EXPECT_TRUE(IsError(r, 400, "invalid_field")) << c.name;
    EXPECT_EQ(DetailOf(r, "field").rfind(c.field, 0), 0u) << c.name << ": " << Describe(r);
  }
  // The envelope's own fields.
  ClientResponse no_lines =
      Execute(UserA("crew"), A().id, "create_receiving", {{"purchase_order_id", order}});
  EXPECT_TRUE(IsError(no_lines, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_lines, "field"), "lines");
  ClientResponse bad_order =
      Execute(UserA("crew"), A().id, "create_receiving",
              {{"purchase_order_id", "PO-1"}, {"lines", boost::json::array{good}}});
  EXPECT_TRUE(IsError(bad_order, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(bad_order, "field"), "purchase_order_id");
  ClientResponse long_reference =
      CreateReceiving({good}, std::nullopt, "crew", {{"reference", std::string(101, 'r')}});
  EXPECT_TRUE(IsError(long_reference, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(long_reference, "field"), "reference");
  ClientResponse unknown = CreateReceiving({good}, std::nullopt, "crew", {{"delivered_by", "DHL"}});
  EXPECT_TRUE(IsError(unknown, 400, "unknown_field"));
  EXPECT_EQ(DetailOf(unknown, "field"), "delivered_by");
  EXPECT_EQ(Fingerprint(), before) << "no refused receiving was created";

  // At the limit: damaged equal to received.
  ClientResponse limit_ok = CreateReceiving({PartLine(part, 2, 2)}, order);
  EXPECT_EQ(limit_ok.status, 201) << Describe(limit_ok);
}

// Racing acceptances of one draft: exactly one books it.
TEST_F(ReceivingTest, ListsShowNewestFirstByStatus) {
  const std::string p1 = AddPart("Impeller", "IMP-1");
  const std::string p2 = AddPart("Filter", "FIL-1");
  const std::string i1 = ApprovedItem(p1, "Impeller", 2);
  const std::string i2 = ApprovedItem(p2, "Filter", 2);
  const std::string o1 = Order({i1});
  const std::string o2 = Order({i2});
  const std::string r1 = Draft({ItemLine(i1, 2)}, o1);
  const std::string r2 = Draft({ItemLine(i2, 1)}, o2);
  Accepted(r1);

  auto ids = [&](const char* action, const char* key, boost::json::object payload) {
    ClientResponse r = Execute(UserA("crew"), A().id, action, payload);
    EXPECT_EQ(r.status, 200) << action << ": " << Describe(r);
    std::vector<std::string> out;
    const boost::json::object result = ResultOf(r);
    if (!result.contains(key)) return out;
    for (const auto& e : result.at(key).as_array()) {
      out.push_back(TextOf(e.at("id")));
      if (std::string_view(key) == "purchase_orders") {
        EXPECT_FALSE(e.as_object().contains("items")) << ToJson(e);
        EXPECT_FALSE(e.as_object().contains("receivings")) << ToJson(e);
        EXPECT_TRUE(e.as_object().contains("status")) << ToJson(e);
      }
    }
    return out;
  };
  EXPECT_EQ(ids("list_purchase_orders", "purchase_orders", {}), (std::vector<std::string>{o2, o1}));
  EXPECT_EQ(ids("list_purchase_orders", "purchase_orders", {{"status", "received"}}),
            (std::vector<std::string>{o1}));
  EXPECT_EQ(ids("list_purchase_orders", "purchase_orders", {{"status", "ordered"}}),
            (std::vector<std::string>{o2}));
  EXPECT_EQ(ids("list_receivings", "receivings", {}), (std::vector<std::string>{r2, r1}));
  EXPECT_EQ(ids("list_receivings", "receivings", {{"status", "draft"}}),
            (std::vector<std::string>{r2}));
  EXPECT_EQ(ids("list_receivings", "receivings", {{"status", "accepted"}}),
            (std::vector<std::string>{r1}));
  // Pages of one.
  ClientResponse page1 = Execute(UserA("crew"), A().id, "list_purchase_orders", {{"limit", 1}});
  ASSERT_EQ(page1.status, 200) << Describe(page1);
  const boost::json::object first = ResultOf(page1);
  ASSERT_EQ(first.at("purchase_orders").as_array().size(), 1u);
  ASSERT_TRUE(first.at("next_cursor").is_string()) << ToJson(first);
  ClientResponse page2 = Execute(UserA("crew"), A().id, "list_purchase_orders",
                                 {{"limit", 1}, {"cursor", first.at("next_cursor")}});
  ASSERT_EQ(page2.status, 200) << Describe(page2);
  const boost::json::object second = ResultOf(page2);
  ASSERT_EQ(second.at("purchase_orders").as_array().size(), 1u);
  EXPECT_EQ(TextOf(second.at("purchase_orders").at(0).at("id")), o1);
  EXPECT_TRUE(second.at("next_cursor").is_null()) << ToJson(second);
  for (int limit : {0, 201}) {
    ClientResponse bad = Execute(UserA("crew"), A().id, "list_receivings", {{"limit", limit}});
    EXPECT_TRUE(IsError(bad, 400, "invalid_field")) << limit;
    EXPECT_EQ(DetailOf(bad, "field"), "limit");
  }
  ClientResponse bad_status =
      Execute(UserA("crew"), A().id, "list_purchase_orders", {{"status", "lost"}});
  EXPECT_TRUE(IsError(bad_status, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(bad_status, "field"), "status");
}

// Suggestions follow the role: each role's best match, and what crew are never offered.
TEST_F(ReceivingTest, SuggestionsFollowTheRole) {
  auto suggest = [&](const std::string& role, const std::string& query) {
    ClientResponse r = Post(UserA(role), "/v1/actions/suggestions",
                            boost::json::object{{"query", query}, {"yacht_id", A().id}});
    EXPECT_EQ(r.status, 200) << role << " '" << query << "': " << Describe(r);
    std::vector<std::string> suggestions, candidates;
    const boost::json::value json = r.Json();
    if (!json.is_object()) return std::make_pair(suggestions, candidates);
    for (const auto& s : json.at("suggestions").as_array()) {
      suggestions.push_back(TextOf(s.at("action_id")));
    }
    for (const auto& s : json.at("candidates").as_array()) {
      candidates.push_back(TextOf(s.at("action_id")));
    }
    return std::make_pair(suggestions, candidates);
  };
  struct Case {
    const char* role;
    const char* query;
    const char* best;
  };
  const Case cases[] = {
      {"crew", "record delivery", "create_receiving"},
      {"crew", "accept delivery", "accept_receiving"},
      {"crew", "view delivery", "view_receiving_detail"},
      {"chief_engineer", "create purchase order", "create_purchase_order"},
      {"chief_engineer", "cancel purchase order", "cancel_purchase_order"},
      {"chief_engineer", "reject delivery", "reject_receiving"},
      {"captain", "create purchase order", "create_purchase_order"},
      {"captain", "accept delivery", "accept_receiving"},
      {"purser", "create purchase order", "create_purchase_order"},
  };
  for (const Case& c : cases) {
    const auto [ids, tied] = suggest(c.role, c.query);
    ASSERT_FALSE(ids.empty()) << c.role << " '" << c.query << "'";
    EXPECT_EQ(ids.front(), c.best) << c.role << " '" << c.query << "'";
  }
  // Looser queries: a head of department is offered ordering, crew never are.
  for (const char* query : {"purchase order", "receive delivery", "order from supplier",
                            "create purchase order", "cancel order", "reject delivery"}) {
    const auto [crew, crew_tied] = suggest("crew", query);
    for (const auto* list : {&crew, &crew_tied}) {
      for (const std::string& id : *list) {
        EXPECT_NE(id, "create_purchase_order") << "crew '" << query << "'";
        EXPECT_NE(id, "cancel_purchase_order") << "crew '" << query << "'";
        EXPECT_NE(id, "reject_receiving") << "crew '" << query << "'";
      }
    }
  }
  for (const char* role : {"chief_engineer", "captain"}) {
    const auto [hod, hod_tied] = suggest(role, "purchase order");
    EXPECT_NE(std::find(hod.begin(), hod.end(), "create_purchase_order"), hod.end())
        << role << " 'purchase order'";
    const auto [delivery, delivery_tied] = suggest(role, "receive delivery");
    bool offered = false;
    for (const std::string& id : delivery) offered |= kReceivingActions.contains(id);
    EXPECT_TRUE(offered) << role << " 'receive delivery' offers no receiving action";
  }
  const auto [crew_delivery, crew_delivery_tied] = suggest("crew", "receive delivery");
  bool crew_offered = false;
  for (const std::string& id : crew_delivery) crew_offered |= id == "create_receiving";
  EXPECT_TRUE(crew_offered) << "crew 'receive delivery' should offer recording it";

  // The action list: crew see the six actions everyone may start, a captain all nine.
  auto listed = [&](const std::string& role) {
    ClientResponse r = Get(UserA(role), "/v1/actions/list?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::set<std::string> out;
    const boost::json::value json = r.Json();
    for (const auto& a : json.at("actions").as_array()) {
      const std::string id = TextOf(a.at("action_id"));
      if (kReceivingActions.contains(id)) out.insert(id);
    }
    return out;
  };
  EXPECT_EQ(listed("captain"), kReceivingActions);
  EXPECT_EQ(listed("crew"), (std::set<std::string>{"view_purchase_order", "list_purchase_orders",
                                                   "create_receiving", "accept_receiving",
                                                   "view_receiving_detail", "list_receivings"}));
  std::set<std::string> purser = kReceivingActions;
  purser.erase("cancel_purchase_order");
  purser.erase("reject_receiving");
  EXPECT_EQ(listed("purser"), purser);
}

TEST_F(ReceivingTest, AnotherYachtsOrdersDeliveriesPartsAndRequestsLookMissing) {
  const std::string part = AddPart("Impeller", "IMP-1", 2);
  const std::string item = ApprovedItem(part, "Impeller", 4);
  const std::string order = Order({item});
  const std::string draft = Draft({ItemLine(item, 1)}, order);
  const std::string spare_item = ApprovedItem(AddPart("Belt", "BLT-1"), "Belt", 1);
  // Yacht B's own part, for the delivery against A's order.
  ClientResponse b_added =
      Execute(UserB("chief_engineer"), B().id, "add_part", {{"name", "Impeller"}});
  ASSERT_EQ(b_added.status, 201) << Describe(b_added);
  const std::string b_part = TextOf(b_added.Json().at("entity_id"));
  const std::string before = Fingerprint();
  const std::string missing = RandomUuidV4();

  struct Case {
    const char* name;
    const char* role;
    const char* action;
    std::string id;              // yacht A's record the call names
    boost::json::object theirs;  // the payload naming it
    boost::json::object nobody;  // the same naming `missing` instead
    bool signed_by_b = false;
  };
  const Case cases[] = {
      {"view A's order",
       "crew",
       "view_purchase_order",
       order,
       {{"purchase_order_id", order}},
       {{"purchase_order_id", missing}}},
      {"cancel A's order",
       "captain",
       "cancel_purchase_order",
       order,
       {{"purchase_order_id", order}},
       {{"purchase_order_id", missing}}},
      {"view A's delivery",
       "manager",
       "view_receiving_detail",
       draft,
       {{"receiving_id", draft}},
       {{"receiving_id", missing}}},
      {"reject A's delivery",
       "chief_officer",
       "reject_receiving",
       draft,
       {{"receiving_id", draft}, {"reason", "x"}},
       {{"receiving_id", missing}, {"reason", "x"}}},
      {"accept A's delivery",
       "crew",
       "accept_receiving",
       draft,
       {{"receiving_id", draft}},
       {{"receiving_id", missing}},
       true},
      {"order A's request",
       "purser",
       "create_purchase_order",
       spare_item,
       {{"supplier", "S"}, {"item_ids", boost::json::array{spare_item}}},
       {{"supplier", "S"}, {"item_ids", boost::json::array{missing}}}},
      {"deliver against A's order",
       "crew",
       "create_receiving",
       order,
       {{"purchase_order_id", order}, {"lines", boost::json::array{PartLine(b_part, 1)}}},
       {{"purchase_order_id", missing}, {"lines", boost::json::array{PartLine(b_part, 1)}}}},
      {"deliver A's part",
       "crew",
       "create_receiving",
       part,
       {{"lines", boost::json::array{PartLine(part, 5)}}},
       {{"lines", boost::json::array{PartLine(missing, 5)}}}},
      {"deliver A's request",
       "crew",
       "create_receiving",
       item,
       {{"lines", boost::json::array{ItemLine(item, 5)}}},
       {{"lines", boost::json::array{ItemLine(missing, 5)}}}},
  };
  for (const Case& c : cases) {
    std::optional<boost::json::value> signature;
    if (c.signed_by_b) signature = boost::json::value(PinSignature(UserB("captain")));
    ClientResponse r = Execute(UserB(c.role), B().id, c.action, c.theirs, signature);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.name;
    ClientResponse control = Execute(UserB(c.role), B().id, c.action, c.nobody, signature);
    EXPECT_TRUE(IsError(control, 404, "not_found")) << c.name << " (missing)";
    EXPECT_EQ(Anonymised(r, c.id), Anonymised(control, missing))
        << c.name << ": another yacht's record must look like a missing one";
  }
  // B's members cannot call on A at all; B's lists do not show A's records.
  ClientResponse crossing =
      Execute(UserB("captain"), A().id, "view_purchase_order", {{"purchase_order_id", order}});
  EXPECT_TRUE(IsError(crossing, 403, "yacht_access_denied"));
  for (const auto& [action, key] :
       {std::pair<const char*, const char*>{"list_purchase_orders", "purchase_orders"},
        {"list_receivings", "receivings"}}) {
    ClientResponse r = Execute(UserB("crew"), B().id, action, {{"limit", 200}});
    ASSERT_EQ(r.status, 200) << Describe(r);
    const boost::json::object result = ResultOf(r);
    for (const auto& e : result.at(key).as_array()) {
      EXPECT_NE(TextOf(e.at("id")), order);
      EXPECT_NE(TextOf(e.at("id")), draft);
    }
  }
  // A's signer cannot sign on B, and B's signer not on A.
  ClientResponse foreign_signer =
      Execute(UserA("crew"), A().id, "accept_receiving", {{"receiving_id", draft}},
              boost::json::value(PinSignature(UserB("captain"))));
  EXPECT_TRUE(IsError(foreign_signer, 403, "invalid_signer_role")) << Describe(foreign_signer);

  EXPECT_EQ(Fingerprint(), before) << "yacht A is untouched";
  EXPECT_EQ(OnHand(part), 2);
  EXPECT_EQ(ItemStatus(item), "ordered");
  EXPECT_EQ(TextOf(ViewReceiving(draft).at("status")), "draft");
  EXPECT_EQ(OrderStatus(order), "ordered");
}

TEST_F(ReceivingTest, WithTheFlagOffEveryReceivingActionIsDisabled) {
  const std::string part = AddPart("Impeller", "IMP-1");
  const std::string item = ApprovedItem(part, "Impeller", 2);
  const std::string order = Order({item});
  const std::string draft = Draft({ItemLine(item, 2)}, order);

  auto put_flag = [&](const char* flag, bool enabled) {
    auto r = client_->Put("/v1/flags/" + std::string(flag),
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  };
  put_flag(kReceivingFlag, false);
  const std::string before = Fingerprint();
  struct Case {
    const char* action;
    const char* role;  // crew where their role could not start it: the flag answers first
    boost::json::object payload;
  };
  const Case cases[] = {
      {"create_purchase_order",
       "crew",
       {{"supplier", "S"}, {"item_ids", boost::json::array{item}}}},
      {"view_purchase_order", "crew", {{"purchase_order_id", order}}},
      {"list_purchase_orders", "crew", {}},
      {"cancel_purchase_order", "captain", {{"purchase_order_id", order}}},
      {"create_receiving", "crew", {{"lines", boost::json::array{ItemLine(item, 1)}}}},
      {"accept_receiving", "crew", {{"receiving_id", draft}}},
      {"reject_receiving", "crew", {{"receiving_id", draft}, {"reason", "x"}}},
      {"view_receiving_detail", "crew", {{"receiving_id", draft}}},
      {"list_receivings", "crew", {{"status", "draft"}}},
  };
  for (const Case& c : cases) {
    std::optional<boost::json::value> signature;
    if (std::string_view(c.action) == "accept_receiving") {
      signature = boost::json::value(PinSignature(UserA("captain")));
    }
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload, signature);
    EXPECT_TRUE(IsError(r, 503, "feature_disabled")) << c.action;
  }
  EXPECT_EQ(Fingerprint(), before);
  // Off for every role: nothing listed, nothing suggested. The other lenses still work.
  for (const char* role : {"crew", "captain", "manager"}) {
    ClientResponse list = Get(UserA(role), "/v1/actions/list?yacht_id=" + A().id);
    ASSERT_EQ(list.status, 200) << Describe(list);
    const boost::json::value json = list.Json();
    for (const auto& a : json.at("actions").as_array()) {
      EXPECT_FALSE(kReceivingActions.contains(TextOf(a.at("action_id"))))
          << role << " listed " << TextOf(a.at("action_id"));
    }
    ClientResponse s =
        Post(UserA(role), "/v1/actions/suggestions",
             boost::json::object{{"query", "create purchase order"}, {"yacht_id", A().id}});
    ASSERT_EQ(s.status, 200) << Describe(s);
    const boost::json::value sj = s.Json();
    for (const auto& e : sj.at("suggestions").as_array()) {
      EXPECT_FALSE(kReceivingActions.contains(TextOf(e.at("action_id")))) << role;
    }
  }
  EXPECT_EQ(OnHand(part), 0);
  EXPECT_EQ(ItemStatus(item), "ordered");

  // On again: the draft is still there and books. The parts lens's own flag does not
  // matter: stock that came aboard is on board.
  put_flag(kReceivingFlag, true);
  put_flag("PART_LENS_V2_ENABLED", false);
  ClientResponse parts_off =
      Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
  EXPECT_TRUE(IsError(parts_off, 503, "feature_disabled"));
  ClientResponse accepted = Accept(draft);
  ASSERT_EQ(accepted.status, 200) << Describe(accepted);
  EXPECT_EQ(SqlNumber("SELECT on_hand FROM pms_part_stock WHERE yacht_id = '" + A().id +
                      "' AND part_id = '" + part + "'"),
            2);
  put_flag("PART_LENS_V2_ENABLED", true);
  EXPECT_EQ(OnHand(part), 2);
  EXPECT_EQ(ItemStatus(item), "fulfilled");
}

}  // namespace
}  // namespace celeste::testing

// The parts lens over HTTP (issue 4, docs/lenses/parts.md): the catalog (add_part, duplicate
// part numbers, who may add), the stock ledger (receive, consume, idempotency keys, never
// below zero), the reads (view_part_detail, list_parts, view_low_stock and
// GET /v1/parts/low-stock), tenancy, and consumers racing for the last units of one part.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

// A JSON number (integer or not) as a double; NaN for anything else.
double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

// details.<key> of an error envelope as a number (NaN when absent or not a number).
double DetailNumberOf(const ClientResponse& r, std::string_view key) {
  auto json = r.Json();
  if (!json.is_object() || !json.as_object().contains("details")) return std::nan("");
  const auto& details = json.at("details");
  if (!details.is_object() || !details.as_object().contains(key)) return std::nan("");
  return Number(details.at(key));
}

// result.<key> of a success envelope as text ("" when absent or not a string).
std::string ResultString(const ClientResponse& r, std::string_view key) {
  auto json = r.Json();
  if (!json.is_object() || !json.as_object().contains("result")) return "";
  const auto& result = json.at("result");
  if (!result.is_object()) return "";
  return GetString(result.as_object(), key).value_or("");
}

// result.<key> of a success envelope as a number (NaN when absent or not a number).
double ResultNumber(const ClientResponse& r, std::string_view key) {
  auto json = r.Json();
  if (!json.is_object() || !json.as_object().contains("result")) return std::nan("");
  const auto& result = json.at("result");
  if (!result.is_object() || !result.as_object().contains(key)) return std::nan("");
  return Number(result.at(key));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The ids of `parts` (an array of part objects), in order.
std::vector<std::string> IdsOf(const boost::json::array& parts) {
  std::vector<std::string> ids;
  for (const auto& p : parts) ids.emplace_back(p.at("id").as_string());
  return ids;
}

// The ids of `ids` that are in `mine`, in order.
std::vector<std::string> OnlyMine(const std::vector<std::string>& ids,
                                  const std::vector<std::string>& mine) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (std::find(mine.begin(), mine.end(), id) != mine.end()) out.push_back(id);
  }
  return out;
}

class PartsTest : public IntegrationTest {
 protected:
  // Adds a part on yacht A as the chief engineer; returns its id (asserts 201).
  std::string AddPart(boost::json::object fields, const DemoUser* as = nullptr) {
    ClientResponse r = Execute(as ? *as : UserA("chief_engineer"), A().id, "add_part", fields);
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? ResultString(r, "id") : "";
  }
  ClientResponse Receive(const std::string& part_id, double quantity, const std::string& key,
                         const DemoUser* as = nullptr) {
    return Execute(as ? *as : UserA("crew"), A().id, "receive_part",
                   {{"part_id", part_id}, {"quantity", quantity}, {"idempotency_key", key}});
  }
  // Receives `quantity` under a fresh idempotency key (asserts 201).
  void Stock(const std::string& part_id, double quantity) {
    ClientResponse r = Receive(part_id, quantity, "stock-" + RandomUuidV4());
    ASSERT_EQ(r.status, 201) << Describe(r);
  }
  ClientResponse Consume(const std::string& part_id, double quantity,
                         boost::json::object extra = {}) {
    boost::json::object payload{{"part_id", part_id}, {"quantity", quantity}};
    for (auto& kv : extra) payload[kv.key()] = kv.value();
    return Execute(UserA("crew"), A().id, "consume_part", payload);
  }
  // view_part_detail's result on yacht A, as the crew (asserts 200; empty on failure).
  boost::json::object Detail(const std::string& part_id) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part_id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return {};
    return r.Json().at("result").as_object();
  }
  double OnHand(const std::string& part_id) {
    boost::json::object detail = Detail(part_id);
    return detail.contains("on_hand") ? Number(detail.at("on_hand")) : std::nan("");
  }
  size_t LedgerRows(const std::string& part_id) {
    boost::json::object detail = Detail(part_id);
    return detail.contains("transactions") ? detail.at("transactions").as_array().size() : 0;
  }
  // list_parts' result on yacht A as the crew (asserts 200).
  boost::json::object List(boost::json::object payload) {
    ClientResponse r = Execute(UserA("crew"), A().id, "list_parts", payload);
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return {};
    return r.Json().at("result").as_object();
  }
  // The part's audit trail on yacht A, oldest first, read by a head of department.
  boost::json::array AuditTrail(const std::string& part_id) {
    const std::string target =
        "/v1/audit?yacht_id=" + A().id + "&entity_id=" + part_id + "&limit=1000";
    ClientResponse r = Get(UserA("captain"), target);
    EXPECT_EQ(r.status, 200) << target << ": " << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("entries")) return {};
    return json.at("entries").as_array();
  }
};

TEST_F(PartsTest, AddReceiveConsumeThenTheDetailShowsBalanceAndLedger) {
  const DemoUser& engineer = UserA("chief_engineer");
  ClientResponse added = Execute(engineer, A().id, "add_part",
                                 {{"name", "Raw water pump impeller"},
                                  {"part_number", "JAB-1210-0001"},
                                  {"manufacturer", "Jabsco"},
                                  {"unit", "pcs"},
                                  {"min_level", 2},
                                  {"location", "Engine room, locker 3"}});
  ASSERT_EQ(added.status, 201) << Describe(added);
  const auto add_body = added.Json().as_object();
  const auto& part = add_body.at("result").as_object();
  const std::string part_id(part.at("id").as_string());
  EXPECT_EQ(add_body.at("action").as_string(), "add_part");
  EXPECT_EQ(add_body.at("entity_id").as_string(), part_id);
  EXPECT_EQ(part.at("name").as_string(), "Raw water pump impeller");
  EXPECT_EQ(part.at("part_number").as_string(), "JAB-1210-0001");
  EXPECT_EQ(part.at("manufacturer").as_string(), "Jabsco");
  EXPECT_EQ(part.at("unit").as_string(), "pcs");
  EXPECT_EQ(Number(part.at("min_level")), 2);
  EXPECT_EQ(part.at("location").as_string(), "Engine room, locker 3");
  EXPECT_EQ(part.at("created_by").as_string(), engineer.user_id);
  EXPECT_FALSE(part.at("created_at").as_string().empty());
  EXPECT_EQ(Number(part.at("on_hand")), 0);

  // Parts consumed on a work order name it (it must be the yacht's: work_orders lens).
  ClientResponse job = Execute(UserA("chief_engineer"), A().id, "create_work_order",
                               {{"title", "Replace raw water impeller"}});
  ASSERT_EQ(job.status, 201) << Describe(job);
  const std::string work_order(job.Json().at("entity_id").as_string());
  ClientResponse received = Execute(UserA("purser"), A().id, "receive_part",
                                    {{"part_id", part_id},
                                     {"quantity", 10},
                                     {"idempotency_key", "delivery-2026-11-22-1"},
                                     {"reference", "PO-4711"}});
  ASSERT_EQ(received.status, 201) << Describe(received);
  EXPECT_EQ(ResultString(received, "part_id"), part_id);
  EXPECT_EQ(ResultString(received, "type"), "receive");
  EXPECT_EQ(ResultNumber(received, "quantity"), 10);
  EXPECT_EQ(ResultNumber(received, "on_hand"), 10);
  const std::string receive_tx = ResultString(received, "transaction_id");
  EXPECT_FALSE(receive_tx.empty()) << Describe(received);

  ClientResponse consumed = Consume(part_id, 3, {{"work_order_id", work_order}});
  ASSERT_EQ(consumed.status, 201) << Describe(consumed);
  EXPECT_EQ(ResultString(consumed, "part_id"), part_id);
  EXPECT_EQ(ResultString(consumed, "type"), "consume");
  EXPECT_EQ(ResultNumber(consumed, "quantity"), 3) << "as asked: positive";
  EXPECT_EQ(ResultNumber(consumed, "on_hand"), 7);
  const std::string consume_tx = ResultString(consumed, "transaction_id");
  EXPECT_FALSE(consume_tx.empty()) << Describe(consumed);
  EXPECT_NE(consume_tx, receive_tx);

  const boost::json::object detail = Detail(part_id);
  ASSERT_FALSE(detail.empty());
  EXPECT_EQ(detail.at("id").as_string(), part_id);
  EXPECT_EQ(detail.at("name").as_string(), "Raw water pump impeller");
  EXPECT_EQ(detail.at("part_number").as_string(), "JAB-1210-0001");
  EXPECT_EQ(Number(detail.at("on_hand")), 7);
  const auto& txs = detail.at("transactions").as_array();
  ASSERT_EQ(txs.size(), 2u) << ToJson(detail);
  // Newest first; consumption is negative in the ledger.
  const auto& newest = txs[0].as_object();
  EXPECT_EQ(newest.at("id").as_string(), consume_tx);
  EXPECT_EQ(newest.at("part_id").as_string(), part_id);
  EXPECT_EQ(newest.at("type").as_string(), "consume");
  EXPECT_EQ(Number(newest.at("quantity")), -3);
  EXPECT_EQ(newest.at("work_order_id").as_string(), work_order);
  EXPECT_TRUE(newest.at("idempotency_key").is_null());
  EXPECT_EQ(newest.at("actor_id").as_string(), UserA("crew").user_id);
  EXPECT_EQ(newest.at("actor_role").as_string(), "crew");
  EXPECT_FALSE(newest.at("created_at").as_string().empty());
  const auto& oldest = txs[1].as_object();
  EXPECT_EQ(oldest.at("id").as_string(), receive_tx);
  EXPECT_EQ(oldest.at("type").as_string(), "receive");
  EXPECT_EQ(Number(oldest.at("quantity")), 10);
  EXPECT_EQ(oldest.at("reference").as_string(), "PO-4711");
  EXPECT_EQ(oldest.at("idempotency_key").as_string(), "delivery-2026-11-22-1");
  EXPECT_TRUE(oldest.at("work_order_id").is_null());
  EXPECT_EQ(oldest.at("actor_id").as_string(), UserA("purser").user_id);
  EXPECT_EQ(oldest.at("actor_role").as_string(), "purser");

  // One audit row per mutation, on the part, in order; the reads wrote none.
  const boost::json::array trail = AuditTrail(part_id);
  ASSERT_EQ(trail.size(), 3u) << ToJson(trail);
  const std::pair<const char*, const ClientResponse*> expected[] = {
      {"add_part", &added}, {"receive_part", &received}, {"consume_part", &consumed}};
  for (size_t i = 0; i < trail.size(); ++i) {
    const auto& row = trail[i].as_object();
    EXPECT_EQ(row.at("action").as_string(), expected[i].first) << "row " << i;
    EXPECT_EQ(row.at("entity_type").as_string(), "part") << "row " << i;
    EXPECT_EQ(row.at("entity_id").as_string(), part_id) << "row " << i;
    EXPECT_EQ(row.at("id").as_string(), expected[i].second->Json().at("audit_id").as_string())
        << "row " << i;
  }
}

TEST_F(PartsTest, AReusedIdempotencyKeyIsADuplicateAndMovesNothing) {
  const std::string part_id = AddPart({{"name", "Fuel filter element"}});
  ASSERT_FALSE(part_id.empty());
  ClientResponse first = Receive(part_id, 5, "delivery-42");
  ASSERT_EQ(first.status, 201) << Describe(first);
  const std::string first_tx = ResultString(first, "transaction_id");
  ASSERT_FALSE(first_tx.empty());

  struct Case {
    const char* name;
    const char* action;
    const char* role;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"the same receive again",
       "receive_part",
       "crew",
       {{"part_id", part_id}, {"quantity", 5}, {"idempotency_key", "delivery-42"}}},
      {"another quantity, same key",
       "receive_part",
       "chief_engineer",
       {{"part_id", part_id}, {"quantity", 7}, {"idempotency_key", "delivery-42"}}},
      {"a consume under the key",
       "consume_part",
       "crew",
       {{"part_id", part_id}, {"quantity", 1}, {"idempotency_key", "delivery-42"}}},
  };
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, 409, "duplicate")) << c.name;
    EXPECT_EQ(DetailOf(r, "existing_id"), first_tx) << c.name << ": " << Describe(r);
  }
  EXPECT_EQ(OnHand(part_id), 5);
  EXPECT_EQ(LedgerRows(part_id), 1u);
  EXPECT_EQ(AuditTrail(part_id).size(), 2u) << "add_part and the first receive only";

  // The key is required on receive; a new key is a new delivery.
  ClientResponse keyless =
      Execute(UserA("crew"), A().id, "receive_part", {{"part_id", part_id}, {"quantity", 5}});
  EXPECT_TRUE(IsError(keyless, 400, "missing_field"));
  EXPECT_EQ(DetailOf(keyless, "field"), "idempotency_key") << Describe(keyless);
  ClientResponse second = Receive(part_id, 5, "delivery-43");
  ASSERT_EQ(second.status, 201) << Describe(second);
  EXPECT_EQ(ResultNumber(second, "on_hand"), 10);
  EXPECT_EQ(LedgerRows(part_id), 2u);
}

TEST_F(PartsTest, ABlankIdempotencyKeyOnAConsumeIsNoKey) {
  const std::string part = AddPart({{"name", "Shackle"}});
  Stock(part, 5);
  for (const char* key : {"", "   "}) {
    ClientResponse first = Consume(part, 1, {{"idempotency_key", key}});
    ASSERT_EQ(first.status, 201) << Describe(first);
    ClientResponse second = Consume(part, 1, {{"idempotency_key", key}});
    EXPECT_EQ(second.status, 201) << "a blank key must not make a duplicate: " << Describe(second);
  }
  EXPECT_EQ(OnHand(part), 1);
}

TEST_F(PartsTest, ConsumingMoreThanOnHandIsRefusedAndChangesNothing) {
  const std::string part_id = AddPart({{"name", "Impeller gasket"}});
  const std::string empty_part = AddPart({{"name", "Never stocked"}});
  ASSERT_FALSE(part_id.empty());
  ASSERT_FALSE(empty_part.empty());
  Stock(part_id, 2);

  struct Case {
    const char* name;
    std::string part;
    double quantity;
    double on_hand;
  };
  const Case cases[] = {
      {"more than on hand", part_id, 5, 2},
      {"just over", part_id, 2.5, 2},
      {"a part never stocked", empty_part, 1, 0},
  };
  for (const Case& c : cases) {
    ClientResponse r = Consume(c.part, c.quantity);
    EXPECT_TRUE(IsError(r, 400, "business_rule_violation")) << c.name;
    EXPECT_EQ(DetailOf(r, "rule"), "insufficient_stock") << c.name << ": " << Describe(r);
    EXPECT_EQ(DetailNumberOf(r, "on_hand"), c.on_hand) << c.name << ": " << Describe(r);
    EXPECT_EQ(DetailNumberOf(r, "requested"), c.quantity) << c.name << ": " << Describe(r);
  }
  EXPECT_EQ(OnHand(part_id), 2);
  EXPECT_EQ(LedgerRows(part_id), 1u);
  EXPECT_EQ(OnHand(empty_part), 0);
  EXPECT_EQ(LedgerRows(empty_part), 0u);
  EXPECT_EQ(AuditTrail(part_id).size(), 2u) << "add_part and the receive only";

  // Exactly what is on hand may go: the balance reaches zero, not below.
  ClientResponse all = Consume(part_id, 2);
  ASSERT_EQ(all.status, 201) << Describe(all);
  EXPECT_EQ(ResultNumber(all, "on_hand"), 0);
}

TEST_F(PartsTest, QuantitiesMustBePositiveNumbers) {
  const std::string part_id = AddPart({{"name", "Zinc anode"}});
  ASSERT_FALSE(part_id.empty());
  Stock(part_id, 4);
  struct Case {
    const char* name;
    std::optional<boost::json::value> quantity;  // nullopt: absent
    const char* code;
  };
  const Case cases[] = {
      {"zero", boost::json::value(0), "invalid_field"},
      {"negative", boost::json::value(-1), "invalid_field"},
      {"a numeric string", boost::json::value("1"), "invalid_field"},
      {"absent", std::nullopt, "missing_field"},
  };
  for (const char* action : {"receive_part", "consume_part"}) {
    for (const Case& c : cases) {
      boost::json::object payload{{"part_id", part_id}, {"idempotency_key", "q-" + RandomUuidV4()}};
      if (c.quantity) payload["quantity"] = *c.quantity;
      ClientResponse r = Execute(UserA("crew"), A().id, action, payload);
      EXPECT_TRUE(IsError(r, 400, c.code)) << action << ": " << c.name;
      EXPECT_EQ(DetailOf(r, "field"), "quantity") << action << ": " << c.name;
    }
  }
  EXPECT_EQ(OnHand(part_id), 4);
  EXPECT_EQ(LedgerRows(part_id), 1u);
}

TEST_F(PartsTest, HeadsOfDepartmentAndThePurserAddPartsCrewMayNot) {
  struct Case {
    const char* role;
    int status;
  };
  const Case cases[] = {{"crew", 403},    {"purser", 201},        {"chief_engineer", 201},
                        {"captain", 201}, {"chief_officer", 201}, {"manager", 201}};
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), A().id, "add_part",
                               {{"name", std::string("Spare for ") + c.role},
                                {"part_number", std::string("ROLE-") + c.role}});
    if (c.status == 403) {
      EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << c.role;
      EXPECT_EQ(DetailOf(r, "role"), c.role) << Describe(r);
    } else {
      EXPECT_EQ(r.status, c.status) << c.role << ": " << Describe(r);
      EXPECT_EQ(ResultString(r, "created_by"), UserA(c.role).user_id) << c.role;
    }
  }
  // The crew's attempt left nothing behind.
  const boost::json::object found = List({{"q", "ROLE-crew"}});
  ASSERT_TRUE(found.contains("parts"));
  EXPECT_TRUE(found.at("parts").as_array().empty()) << ToJson(found);

  // Every role moves and reads stock.
  const std::string part_id = AddPart({{"name", "Shared spare"}});
  ASSERT_FALSE(part_id.empty());
  for (const char* role :
       {"crew", "purser", "chief_engineer", "captain", "chief_officer", "manager"}) {
    ClientResponse in = Receive(part_id, 2, std::string("in-") + role, &UserA(role));
    EXPECT_EQ(in.status, 201) << role << ": " << Describe(in);
    ClientResponse out =
        Execute(UserA(role), A().id, "consume_part", {{"part_id", part_id}, {"quantity", 1}});
    EXPECT_EQ(out.status, 201) << role << ": " << Describe(out);
    for (const char* read : {"view_part_detail", "list_parts", "view_low_stock"}) {
      boost::json::object payload;
      if (std::string_view(read) == "view_part_detail") payload["part_id"] = part_id;
      ClientResponse r = Execute(UserA(role), A().id, read, payload);
      EXPECT_EQ(r.status, 200) << role << " " << read << ": " << Describe(r);
    }
  }
  EXPECT_EQ(OnHand(part_id), 6);
}

TEST_F(PartsTest, AReusedPartNumberIsADuplicateNamingThePart) {
  const std::string existing = AddPart({{"name", "Oil filter"}, {"part_number", "VP-3817"}});
  ASSERT_FALSE(existing.empty());
  ClientResponse again = Execute(UserA("captain"), A().id, "add_part",
                                 {{"name", "Oil filter (other name)"}, {"part_number", "VP-3817"}});
  EXPECT_TRUE(IsError(again, 409, "duplicate"));
  EXPECT_EQ(DetailOf(again, "existing_id"), existing) << Describe(again);
  const boost::json::object found = List({{"q", "VP-3817"}});
  ASSERT_TRUE(found.contains("parts"));
  EXPECT_EQ(IdsOf(found.at("parts").as_array()), std::vector<std::string>{existing});

  // The catalog is per yacht: yacht B may use the same number.
  ClientResponse on_b = Execute(UserB("chief_engineer"), B().id, "add_part",
                                {{"name", "Oil filter"}, {"part_number", "VP-3817"}});
  EXPECT_EQ(on_b.status, 201) << Describe(on_b);
  EXPECT_NE(ResultString(on_b, "id"), existing);
}

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

TEST_F(PartsTest, AnotherYachtsPartLooksLikeNoPartAtAll) {
  const std::string part_id =
      AddPart({{"name", "Watermaker membrane"}, {"part_number", "WM-1"}, {"min_level", 5}});
  ASSERT_FALSE(part_id.empty());
  Stock(part_id, 3);
  const std::string missing = RandomUuidV4();

  struct Case {
    const char* action;
    const char* role;
    boost::json::object extra;
  };
  const Case cases[] = {
      {"view_part_detail", "crew", {}},
      {"view_part_detail", "manager", {}},
      {"receive_part", "crew", {{"quantity", 1}, {"idempotency_key", "b-delivery"}}},
      {"consume_part", "chief_engineer", {{"quantity", 1}}},
  };
  for (const Case& c : cases) {
    boost::json::object theirs = c.extra, nobody = c.extra;
    theirs["part_id"] = part_id;
    nobody["part_id"] = missing;
    ClientResponse r = Execute(UserB(c.role), B().id, c.action, theirs);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.action << " as " << c.role;
    ClientResponse control = Execute(UserB(c.role), B().id, c.action, nobody);
    EXPECT_TRUE(IsError(control, 404, "not_found")) << c.action << " (no such part)";
    EXPECT_EQ(Anonymised(r, part_id), Anonymised(control, missing))
        << c.action << ": another yacht's part must look like a missing one";
  }
  // Yacht B's lists do not show it; a yacht B member cannot call on yacht A.
  ClientResponse listed = Execute(UserB("crew"), B().id, "list_parts", {{"limit", 200}});
  ASSERT_EQ(listed.status, 200) << Describe(listed);
  for (const auto& id : IdsOf(listed.Json().at("result").at("parts").as_array())) {
    EXPECT_NE(id, part_id);
  }
  ClientResponse low = Execute(UserB("crew"), B().id, "view_low_stock", {});
  ASSERT_EQ(low.status, 200) << Describe(low);
  for (const auto& id : IdsOf(low.Json().at("result").at("parts").as_array())) {
    EXPECT_NE(id, part_id);
  }
  ClientResponse crossing =
      Execute(UserB("crew"), A().id, "consume_part", {{"part_id", part_id}, {"quantity", 1}});
  EXPECT_TRUE(IsError(crossing, 403, "yacht_access_denied"));

  EXPECT_EQ(OnHand(part_id), 3);
  EXPECT_EQ(LedgerRows(part_id), 1u);
  EXPECT_EQ(AuditTrail(part_id).size(), 2u);
}

TEST_F(PartsTest, ListPartsSearchesFiltersAndPagesThroughEveryPartOnce) {
  struct Spec {
    const char* name;
    const char* number;
    const char* maker;
    double min_level;
    double stock;
  };
  const Spec specs[] = {
      {"Raw Water Impeller", "IMP-100", "Jabsco", 2, 1},  // low
      {"Fuel filter element", "FF-2010", "Racor", 0, 0},  // min 0: never low
      {"Oil filter", "OF-7", "Volvo Penta", 4, 9},        // plenty
      {"V-belt", "VB-1", "Gates", 3, 3},                  // low (at the minimum)
      {"Sea strainer basket", "SS-5", "Groco", 0, 2},
  };
  std::vector<std::string> mine;
  for (const Spec& s : specs) {
    mine.push_back(AddPart({{"name", s.name},
                            {"part_number", s.number},
                            {"manufacturer", s.maker},
                            {"min_level", s.min_level}}));
    ASSERT_FALSE(mine.back().empty());
    if (s.stock > 0) Stock(mine.back(), s.stock);
  }

  // q: a case-insensitive substring of name, part number or manufacturer.
  struct Query {
    const char* q;
    std::set<std::string> expected;
  };
  const Query queries[] = {
      {"impeller", {mine[0]}},         // name, other case
      {"ff-20", {mine[1]}},            // part number, other case
      {"VOLVO", {mine[2]}},            // manufacturer, other case
      {"filter", {mine[1], mine[2]}},  // two names
      {"gAtEs", {mine[3]}},           {"no such thing zzz", {}},
  };
  for (const Query& query : queries) {
    const boost::json::object page = List({{"q", query.q}, {"limit", 200}});
    ASSERT_TRUE(page.contains("parts")) << query.q;
    const auto& parts = page.at("parts").as_array();
    const std::vector<std::string> ids = IdsOf(parts);
    const std::vector<std::string> of_mine = OnlyMine(ids, mine);
    EXPECT_EQ(std::set<std::string>(of_mine.begin(), of_mine.end()), query.expected) << query.q;
    for (const auto& p : parts) {  // parts from elsewhere must match too
      std::string haystack = std::string(p.at("name").as_string());
      for (const char* key : {"part_number", "manufacturer"}) {
        if (p.at(key).is_string()) haystack += "\n" + std::string(p.at(key).as_string());
      }
      EXPECT_NE(Lower(haystack).find(Lower(query.q)), std::string::npos)
          << query.q << " matched " << ToJson(p);
    }
  }

  // low_stock_only: min_level > 0 and on_hand <= min_level.
  const boost::json::object low = List({{"low_stock_only", true}, {"limit", 200}});
  ASSERT_TRUE(low.contains("parts"));
  const std::vector<std::string> low_mine = OnlyMine(IdsOf(low.at("parts").as_array()), mine);
  EXPECT_EQ(std::set<std::string>(low_mine.begin(), low_mine.end()),
            (std::set<std::string>{mine[0], mine[3]}));
  for (const auto& p : low.at("parts").as_array()) {
    EXPECT_GT(Number(p.at("min_level")), 0) << ToJson(p);
    EXPECT_LE(Number(p.at("on_hand")), Number(p.at("min_level"))) << ToJson(p);
  }

  // Pages of two, newest first, cover every part exactly once.
  const boost::json::object whole = List({{"limit", 200}});
  ASSERT_TRUE(whole.contains("parts"));
  EXPECT_TRUE(whole.at("next_cursor").is_null());
  const std::vector<std::string> all = IdsOf(whole.at("parts").as_array());
  std::vector<std::string> paged;
  std::optional<std::string> cursor;
  int pages = 0;
  for (; pages < 50; ++pages) {
    boost::json::object payload{{"limit", 2}};
    if (cursor) payload["cursor"] = *cursor;
    const boost::json::object page = List(payload);
    ASSERT_TRUE(page.contains("parts")) << "page " << pages;
    const auto& parts = page.at("parts").as_array();
    EXPECT_LE(parts.size(), 2u) << "page " << pages;
    for (const auto& id : IdsOf(parts)) paged.push_back(id);
    if (page.at("next_cursor").is_null()) break;
    cursor = std::string(page.at("next_cursor").as_string());
  }
  ASSERT_LT(pages, 50) << "pagination did not end";
  EXPECT_EQ(paged, all) << "the pages, joined, are the whole list";
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size())
      << "a part appeared twice";
  std::vector<std::string> newest_first(mine.rbegin(), mine.rend());
  EXPECT_EQ(OnlyMine(all, mine), newest_first);

  ClientResponse bad_cursor =
      Execute(UserA("crew"), A().id, "list_parts", {{"cursor", "not-a-cursor"}});
  EXPECT_TRUE(IsError(bad_cursor, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(bad_cursor, "field"), "cursor");
  for (int limit : {0, 201}) {
    ClientResponse r = Execute(UserA("crew"), A().id, "list_parts", {{"limit", limit}});
    EXPECT_TRUE(IsError(r, 400, "invalid_field")) << "limit " << limit;
    EXPECT_EQ(DetailOf(r, "field"), "limit") << "limit " << limit;
  }
}

TEST_F(PartsTest, LowStockListsPartsAtOrBelowTheirMinimumLargestShortfallFirst) {
  struct Spec {
    const char* name;
    double min_level;
    double stock;
  };
  const Spec specs[] = {
      {"Short by four", 5, 1},   // shortfall 4
      {"At the minimum", 3, 3},  // shortfall 0: still low
      {"No minimum", 0, 0},      // min_level 0 is never low stock
      {"Plenty", 2, 10},         // not low
  };
  std::vector<std::string> mine;
  for (const Spec& s : specs) {
    mine.push_back(AddPart({{"name", s.name}, {"min_level", s.min_level}}));
    ASSERT_FALSE(mine.back().empty());
    if (s.stock > 0) Stock(mine.back(), s.stock);
  }

  ClientResponse r = Execute(UserA("crew"), A().id, "view_low_stock", {});
  ASSERT_EQ(r.status, 200) << Describe(r);
  EXPECT_FALSE(r.Json().as_object().contains("audit_id")) << "a read writes no audit row";
  const boost::json::value result = r.Json().at("result");
  const auto& parts = result.at("parts").as_array();
  EXPECT_EQ(OnlyMine(IdsOf(parts), mine), (std::vector<std::string>{mine[0], mine[1]}))
      << ToJson(result);
  double previous = INFINITY;
  for (const auto& p : parts) {
    const double min_level = Number(p.at("min_level"));
    const double on_hand = Number(p.at("on_hand"));
    const double shortfall = Number(p.at("shortfall"));
    EXPECT_GT(min_level, 0) << ToJson(p);
    EXPECT_LE(on_hand, min_level) << ToJson(p);
    EXPECT_EQ(shortfall, min_level - on_hand) << ToJson(p);
    EXPECT_LE(shortfall, previous) << "largest shortfall first: " << ToJson(result);
    previous = shortfall;
    const std::string id(p.at("id").as_string());
    if (id == mine[0]) {
      EXPECT_EQ(on_hand, 1);
      EXPECT_EQ(shortfall, 4);
      EXPECT_EQ(p.at("name").as_string(), "Short by four");
    }
    if (id == mine[1]) {
      EXPECT_EQ(on_hand, 3);
      EXPECT_EQ(shortfall, 0);
    }
  }

  // The convenience read answers the same result object, unwrapped.
  ClientResponse get = Get(UserA("crew"), "/v1/parts/low-stock?yacht_id=" + A().id);
  ASSERT_EQ(get.status, 200) << Describe(get);
  EXPECT_EQ(get.Json(), result) << Describe(get);
  ClientResponse denied = Get(UserB("crew"), "/v1/parts/low-stock?yacht_id=" + A().id);
  EXPECT_TRUE(IsError(denied, 403, "yacht_access_denied"));

  // Consuming down to the minimum makes a part low stock at once.
  ASSERT_EQ(Consume(mine[3], 8).status, 201);
  ClientResponse after = Get(UserA("captain"), "/v1/parts/low-stock?yacht_id=" + A().id);
  ASSERT_EQ(after.status, 200) << Describe(after);
  EXPECT_EQ(OnlyMine(IdsOf(after.Json().at("parts").as_array()), mine),
            (std::vector<std::string>{mine[0], mine[1], mine[3]}))
      << Describe(after);
}

}  // namespace
}  // namespace celeste::testing

namespace celeste::testing {
namespace {

constexpr int kConsumerThreads = 10;
constexpr int kConsumesPerThread = 5;
constexpr int kStartingStock = 30;

// Consumers racing for the last units of one part: the ledger locks the balance, so every
// unit goes exactly once and the balance never dips below zero.
class PartsRaceTest : public PartsTest {
 protected:
  void SetUp() override {
    // An I/O thread and a database connection per consumer, so the consumes really overlap.
    server_ = std::make_unique<TestServer>(
        TestServerOptions{.threads = kConsumerThreads, .pool = kConsumerThreads});
    client_ = std::make_unique<HttpClient>(server_->Client());
  }
};

TEST_F(PartsRaceTest, FiftyConcurrentConsumesOfThirtyUnitsTakeEachUnitOnce) {
  const std::string part_id = AddPart({{"name", "O-ring kit"}, {"part_number", "OR-RACE"}});
  ASSERT_FALSE(part_id.empty());
  Stock(part_id, kStartingStock);

  const std::vector<std::string> roles = {"crew", "chief_engineer", "purser", "captain"};
  std::vector<std::string> tokens;
  std::vector<HttpClient> clients;
  for (int t = 0; t < kConsumerThreads; ++t) {
    tokens.push_back(server_->TokenFor(UserA(roles[t % roles.size()])));
    clients.push_back(server_->Client());
  }
  struct Outcome {
    std::optional<ClientResponse> response;
    std::string error;  // a transport failure
  };
  std::vector<std::vector<Outcome>> outcomes(kConsumerThreads,
                                             std::vector<Outcome>(kConsumesPerThread));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kConsumerThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kConsumerThreads) std::this_thread::yield();  // start together
      for (int i = 0; i < kConsumesPerThread; ++i) {
        boost::json::object body{
            {"action", "consume_part"},
            {"context", {{"yacht_id", A().id}}},
            {"payload",
             {{"part_id", part_id},
              {"quantity", 1},
              {"reference", "race " + std::to_string(t) + "-" + std::to_string(i)}}}};
        auto r = clients[t].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + tokens[t]}});
        if (r.ok()) {
          outcomes[t][i].response = *r;
        } else {
          outcomes[t][i].error = r.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  int consumed = 0, refused = 0;
  std::set<std::string> transaction_ids;
  std::multiset<long> balances_after;
  for (int t = 0; t < kConsumerThreads; ++t) {
    for (int i = 0; i < kConsumesPerThread; ++i) {
      const Outcome& o = outcomes[t][i];
      if (!o.response) {
        ADD_FAILURE() << "thread " << t << " consume " << i << ": " << o.error;
        continue;
      }
      const ClientResponse& r = *o.response;
      EXPECT_LT(r.status, 500) << Describe(r);
      if (r.status == 201) {
        ++consumed;
        transaction_ids.insert(ResultString(r, "transaction_id"));
        balances_after.insert(std::lround(ResultNumber(r, "on_hand")));
      } else if (IsError(r, 400, "business_rule_violation") &&
                 DetailOf(r, "rule") == "insufficient_stock") {
        ++refused;
        EXPECT_EQ(DetailNumberOf(r, "on_hand"), 0)
            << "refused while stock was left: " << Describe(r);
      } else {
        ADD_FAILURE() << "thread " << t << " consume " << i << ": " << Describe(r);
      }
    }
  }
  EXPECT_EQ(consumed, kStartingStock);
  EXPECT_EQ(refused, kConsumerThreads * kConsumesPerThread - kStartingStock);
  EXPECT_EQ(transaction_ids.size(), static_cast<size_t>(consumed)) << "transaction ids repeat";
  // Each consume saw its own balance: 29, 28, ..., 0, each exactly once.
  std::multiset<long> expected_balances;
  for (int b = 0; b < kStartingStock; ++b) expected_balances.insert(b);
  EXPECT_EQ(balances_after, expected_balances);

  // The balance, the ledger and the audit log agree.
  const boost::json::object detail = Detail(part_id);
  ASSERT_FALSE(detail.empty());
  EXPECT_EQ(Number(detail.at("on_hand")), kStartingStock - consumed);
  EXPECT_EQ(Number(detail.at("on_hand")), 0);
  const auto& txs = detail.at("transactions").as_array();
  EXPECT_EQ(txs.size(), 20u) << "the last 20 movements";
  for (const auto& tx : txs) {
    EXPECT_EQ(tx.at("type").as_string(), "consume") << ToJson(tx);
    EXPECT_EQ(Number(tx.at("quantity")), -1) << ToJson(tx);
    EXPECT_TRUE(transaction_ids.contains(std::string(tx.at("id").as_string()))) << ToJson(tx);
  }
  RunResult ledger = RunSql(*server_,
                            "SELECT COUNT(*), SUM(quantity) FROM pms_inventory_transactions "
                            "WHERE part_id = '" +
                                part_id + "'");
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  const size_t bar = ledger.out.find('|');
  ASSERT_NE(bar, std::string::npos) << ledger.out;
  EXPECT_EQ(std::stoi(ledger.out.substr(0, bar)), 1 + kStartingStock) << ledger.out;
  EXPECT_EQ(std::stod(ledger.out.substr(bar + 1)), 0) << ledger.out;
  EXPECT_EQ(AuditTrail(part_id).size(), static_cast<size_t>(2 + kStartingStock))
      << "add, receive and one row per unit consumed; none for the refusals";
}

}  // namespace
}  // namespace celeste::testing

namespace celeste::testing {
namespace {

// Low stock is read from a marker the database keeps next to each balance (migration 0006):
// it must follow stock moved through the actions and a min_level edited past the server
// (plain SQL: no action edits one), on both backends.
class PartsLowStockMarkerTest : public PartsTest {
 protected:
  // Sets the part's min_level directly in the database, as an operator's script would.
  void SetMinLevel(const std::string& part_id, double min_level) {
    RunResult r = RunSql(*server_, "UPDATE pms_parts SET min_level = " + std::to_string(min_level) +
                                       " WHERE id = '" + part_id + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The part as GET /v1/parts/low-stock lists it ("" when it is not listed): "on_hand
  // shortfall"; and list_parts with low_stock_only must agree on whether it is listed.
  std::string LowStockEntry(const std::string& part_id) {
    ClientResponse r = Get(UserA("crew"), "/v1/parts/low-stock?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return "error";
    const boost::json::value json = r.Json();
    std::string entry;
    for (const auto& p : json.at("parts").as_array()) {
      if (p.at("id").as_string() != part_id) continue;
      entry = std::to_string(std::lround(Number(p.at("on_hand")))) + " " +
              std::to_string(std::lround(Number(p.at("shortfall"))));
    }
    const boost::json::object listed = List({{"low_stock_only", true}, {"limit", 200}});
    const std::vector<std::string> ids = listed.contains("parts")
                                             ? IdsOf(listed.at("parts").as_array())
                                             : std::vector<std::string>{};
    EXPECT_EQ(std::find(ids.begin(), ids.end(), part_id) != ids.end(), !entry.empty())
        << "list_parts low_stock_only disagrees with view_low_stock on " << part_id << ": "
        << entry;
    return entry;
  }
};

TEST_F(PartsLowStockMarkerTest, LowStockFollowsMinLevelEditsAndStockMoves) {
  const std::string part = AddPart({{"name", "Sea strainer basket"}, {"min_level", 4}});
  ASSERT_FALSE(part.empty());
  EXPECT_EQ(LowStockEntry(part), "0 4") << "a minimum and nothing received yet: low";
  Stock(part, 10);
  EXPECT_EQ(LowStockEntry(part), "") << "10 on hand, minimum 4";

  SetMinLevel(part, 12);
  EXPECT_EQ(LowStockEntry(part), "10 2") << "minimum raised above what is on hand";
  SetMinLevel(part, 3);
  EXPECT_EQ(LowStockEntry(part), "") << "minimum lowered again";

  ASSERT_EQ(Consume(part, 8).status, 201);
  EXPECT_EQ(LowStockEntry(part), "2 1") << "used below the minimum";
  ASSERT_EQ(Consume(part, 1).status, 201);
  EXPECT_EQ(LowStockEntry(part), "1 2");
  Stock(part, 5);
  EXPECT_EQ(LowStockEntry(part), "") << "received above the minimum";
  SetMinLevel(part, 6);
  EXPECT_EQ(LowStockEntry(part), "6 0") << "exactly at the new minimum";
  SetMinLevel(part, 0);
  ASSERT_EQ(Consume(part, 6).status, 201);
  EXPECT_EQ(LowStockEntry(part), "") << "minimum 0: never low, even empty";

  // A part added without a minimum never had a balance: one set later still lists it.
  const std::string plain = AddPart({{"name", "Spare shackle"}});
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(LowStockEntry(plain), "");
  SetMinLevel(plain, 2);
  EXPECT_EQ(LowStockEntry(plain), "0 2") << "a minimum set on a part that never moved";
  Stock(plain, 2);
  EXPECT_EQ(LowStockEntry(plain), "2 0");
  Stock(plain, 1);
  EXPECT_EQ(LowStockEntry(plain), "");

  // The books still agree: the balances the markers created hold no stock of their own.
  RunResult verify = server_->Cli({"parts", "verify-stock", "--yacht", A().id});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace celeste::testing

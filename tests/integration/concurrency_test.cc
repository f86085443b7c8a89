// Concurrent writers: 200 creates over 20 kept-alive connections all land, each exactly
// once, with one audit row each and an intact hash chain.
#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr int kThreads = 20;
constexpr int kCreatesPerThread = 10;
constexpr int kCreates = kThreads * kCreatesPerThread;

class ConcurrencyTest : public IntegrationTest {
 protected:
  // Every item id on yacht A, following next_cursor page by page.
  std::vector<std::string> AllItemIds() {
    std::vector<std::string> ids;
    std::optional<std::string> cursor;
    for (int page = 0; page < 100; ++page) {
      boost::json::object payload{{"limit", 50}};
      if (cursor) payload["cursor"] = *cursor;
      ClientResponse r = Execute(UserA("captain"), A().id, "list_shopping_list_items", payload);
      EXPECT_EQ(r.status, 200) << "page " << page << ": " << Describe(r);
      if (r.status != 200) break;
      const auto result = r.Json().at("result").as_object();
      for (const auto& item : result.at("items").as_array()) {
        ids.emplace_back(item.at("id").as_string());
      }
      if (result.at("next_cursor").is_null()) return ids;
      cursor = std::string(result.at("next_cursor").as_string());
    }
    ADD_FAILURE() << "pagination did not end within 100 pages";
    return ids;
  }

  boost::json::array WholeAuditLog() {
    ClientResponse r = Get(UserA("manager"), "/v1/audit?yacht_id=" + A().id + "&limit=1000");
    EXPECT_EQ(r.status, 200) << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("entries")) return {};
    return json.at("entries").as_array();
  }
};

TEST_F(ConcurrencyTest, TwoHundredConcurrentCreatesAllLandOnceEach) {
  const std::vector<std::string> ids_before = AllItemIds();
  const boost::json::array audit_before = WholeAuditLog();
  ASSERT_FALSE(ids_before.empty()) << "the demo fleet has items on yacht A";

  // Tokens minted up front; each thread owns one client (one connection).
  const std::vector<std::string> roles = {"crew", "chief_engineer", "captain", "purser"};
  struct Outcome {
    int status = 0;
    std::string entity_id;
    std::string audit_id;
    std::string error;
  };
  std::vector<std::vector<Outcome>> outcomes(kThreads, std::vector<Outcome>(kCreatesPerThread));
  std::vector<std::string> tokens;
  std::vector<HttpClient> clients;
  for (int t = 0; t < kThreads; ++t) {
    tokens.push_back(server_->TokenFor(UserA(roles[t % roles.size()])));
    clients.push_back(server_->Client());
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      for (int i = 0; i < kCreatesPerThread; ++i) {
        boost::json::object body{
            {"action", "create_shopping_list_item"},
            {"context", {{"yacht_id", A().id}}},
            {"payload",
             {{"part_name", "Load test part " + std::to_string(t) + "-" + std::to_string(i)},
              {"quantity_requested", 1 + i},
              {"source_type", "manual_add"}}}};
        auto r = clients[t].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + tokens[t]}});
        Outcome& o = outcomes[t][i];
        if (!r.ok()) {
          o.error = r.status().ToString();
          continue;
        }
        o.status = r->status;
        auto json = r->Json();
        if (r->status == 201 && json.is_object()) {
          o.entity_id = std::string(json.at("entity_id").as_string());
          o.audit_id = std::string(json.at("audit_id").as_string());
        } else {
          o.error = r->body.substr(0, 300);
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  int created = 0, server_errors = 0;
  std::set<std::string> new_ids, audit_ids;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kCreatesPerThread; ++i) {
      const Outcome& o = outcomes[t][i];
      if (o.status == 201) {
        ++created;
        new_ids.insert(o.entity_id);
        audit_ids.insert(o.audit_id);
      } else {
        ADD_FAILURE() << "thread " << t << " create " << i << ": status " << o.status << " "
                      << o.error;
      }
      if (o.status >= 500) ++server_errors;
    }
  }
  EXPECT_EQ(created, kCreates);
  EXPECT_EQ(server_errors, 0);
  EXPECT_EQ(new_ids.size(), static_cast<size_t>(kCreates)) << "entity ids repeat";
  EXPECT_EQ(audit_ids.size(), static_cast<size_t>(kCreates)) << "audit ids repeat";
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(clients[t].connections_opened(), 1)
        << "thread " << t << " did not keep its connection";
  }

  // The list holds exactly the old items plus the 200 new ones, each once.
  const std::vector<std::string> ids_after = AllItemIds();
  EXPECT_EQ(ids_after.size(), ids_before.size() + kCreates);
  std::set<std::string> expected(ids_before.begin(), ids_before.end());
  expected.insert(new_ids.begin(), new_ids.end());
  EXPECT_EQ(std::set<std::string>(ids_after.begin(), ids_after.end()), expected);

  // The audit log grew by exactly 200 rows: one per create, numbered without gaps.
  const boost::json::array audit_after = WholeAuditLog();
  ASSERT_EQ(audit_after.size(), audit_before.size() + kCreates);
  std::set<std::string> logged;
  for (size_t j = audit_before.size(); j < audit_after.size(); ++j) {
    const auto& row = audit_after[j].as_object();
    EXPECT_EQ(row.at("action").as_string(), "create_shopping_list_item") << "row " << j;
    logged.emplace(row.at("id").as_string());
    EXPECT_TRUE(new_ids.contains(std::string(row.at("entity_id").as_string()))) << "row " << j;
  }
  EXPECT_EQ(logged, audit_ids);
  for (size_t j = 0; j < audit_after.size(); ++j) {
    EXPECT_EQ(audit_after[j].at("seq").as_int64(), static_cast<int64_t>(j) + 1) << "row " << j;
  }

  RunResult verify = server_->Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace celeste::testing

namespace celeste::testing {
namespace {

constexpr int kRacers = 8;

// Creates racing for one catalog part: the duplicates rule (one open item per part and
// work order) must hold when the requests overlap in the database, not only one by one.
class PartRaceTest : public IntegrationTest {
 protected:
  void SetUp() override {
    // An I/O thread and a database connection per racer, so the creates really overlap.
    server_ = std::make_unique<TestServer>(TestServerOptions{.threads = kRacers, .pool = kRacers});
    client_ = std::make_unique<HttpClient>(server_->Client());
  }

  // Sends `action` kRacers times at once as `role` on yacht A, racer i with payload(i) (and
  // `signature`, for a SIGNED action), each on its own connection; returns the answers in
  // racer order.
  std::vector<ClientResponse> Race(const std::string& role, const std::string& action,
                                   const std::function<boost::json::object(int)>& payload,
                                   const std::optional<boost::json::object>& signature = {}) {
    std::vector<std::string> tokens;
    std::vector<HttpClient> clients;
    for (int i = 0; i < kRacers; ++i) {
      tokens.push_back(server_->TokenFor(UserA(role)));
      clients.push_back(server_->Client());
    }
    std::vector<ClientResponse> answers(kRacers);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kRacers) std::this_thread::yield();  // start together
        boost::json::object body{
            {"action", action}, {"context", {{"yacht_id", A().id}}}, {"payload", payload(i)}};
        if (signature) body["signature"] = *signature;
        auto r = clients[i].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + tokens[i]}});
        if (r.ok()) answers[i] = *r;
      });
    }
    for (auto& th : threads) th.join();
    return answers;
  }
};

TEST_F(PartRaceTest, RacingCreatesForOnePartMakeOneItemAndDuplicatesNamingIt) {
  // A catalog part: a candidate item promoted by the chief engineer.
  const std::string candidate = CreateItem(UserA("crew"), A().id, {{"part_name", "Race pump"}});
  ClientResponse promoted = Execute(UserA("chief_engineer"), A().id, "promote_candidate_to_part",
                                    {{"item_id", candidate}, {"part_number", "RACE-1"}});
  ASSERT_EQ(promoted.status, 201) << Describe(promoted);
  const std::string part_id(promoted.Json().at("result").at("part").at("id").as_string());
  // The promoted item is the part's open item; rejecting it leaves the part free.
  ClientResponse rejected =
      Execute(UserA("chief_engineer"), A().id, "reject_shopping_list_item",
              {{"item_id", candidate}, {"rejection_reason", "cleared for the race"}});
  ASSERT_EQ(rejected.status, 200) << Describe(rejected);

  const std::vector<ClientResponse> answers =
      Race("crew", "create_shopping_list_item", [&](int) -> boost::json::object {
        return {{"part_name", "Race pump"},
                {"part_id", part_id},
                {"quantity_requested", 1},
                {"source_type", "manual_add"}};
      });

  std::string created_id;
  int created = 0, duplicates = 0;
  for (const ClientResponse& r : answers) {
    if (r.status == 201) {
      ++created;
      created_id = std::string(r.Json().at("entity_id").as_string());
    }
  }
  ASSERT_EQ(created, 1) << "exactly one open item per part";
  for (const ClientResponse& r : answers) {
    if (r.status == 201) continue;
    EXPECT_EQ(r.status, 409) << Describe(r);
    EXPECT_EQ(ErrorCodeOf(r), "duplicate") << Describe(r);
    EXPECT_EQ(DetailOf(r, "existing_id"), created_id) << Describe(r);
    ++duplicates;
  }
  EXPECT_EQ(duplicates, kRacers - 1);
}

TEST_F(PartRaceTest, RacingPromotionsToOnePartNumberMakeOnePartAndDuplicatesNamingIt) {
  // Several candidates promoted at once under one part number: one catalog part.
  std::vector<std::string> candidates;
  for (int i = 0; i < kRacers; ++i) {
    candidates.push_back(
        CreateItem(UserA("crew"), A().id, {{"part_name", "Strainer " + std::to_string(i)}}));
  }
  const std::vector<ClientResponse> answers =
      Race("chief_engineer", "promote_candidate_to_part", [&](int i) -> boost::json::object {
        return {{"item_id", candidates[i]}, {"part_number", "STR-RACE"}};
      });

  std::string part_id;
  int created = 0;
  for (const ClientResponse& r : answers) {
    if (r.status != 201) continue;
    ++created;
    part_id = std::string(r.Json().at("result").at("part").at("id").as_string());
  }
  ASSERT_EQ(created, 1) << "one part per part number";
  for (const ClientResponse& r : answers) {
    if (r.status == 201) continue;
    EXPECT_EQ(r.status, 409) << Describe(r);
    EXPECT_EQ(DetailOf(r, "existing_id"), part_id) << Describe(r);
  }
}

// The receiving lens under racing clients: every lock it takes, in the order it takes
// them, keeps concurrent orders and deliveries exact and free of deadlocks (a deadlock on
// PostgreSQL would answer 500, which the fixture fails).
class DeliveryRaceTest : public PartRaceTest {
 protected:
  std::string AddPart(const std::string& number) {
    ClientResponse r = Execute(UserA("chief_engineer"), A().id, "add_part",
                               {{"name", "Part " + number}, {"part_number", number}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? std::string(r.Json().at("entity_id").as_string()) : "";
  }

  std::string ApprovedRequest(const std::string& part_id, double quantity) {
    const std::string item = CreateItem(
        UserA("crew"), A().id,
        {{"part_name", "Requested part"}, {"part_id", part_id}, {"quantity_requested", quantity}});
    ClientResponse r = Execute(UserA("captain"), A().id, "approve_shopping_list_item",
                               {{"item_id", item}, {"quantity_approved", quantity}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return item;
  }

  // A draft receiving of `lines` ({part_id, quantity_received} objects, no order).
  std::string Draft(boost::json::array lines) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "create_receiving", {{"lines", std::move(lines)}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? std::string(r.Json().at("entity_id").as_string()) : "";
  }

  boost::json::object PartView(const std::string& part_id) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part_id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").as_object() : boost::json::object{};
  }
};

TEST_F(DeliveryRaceTest, RacingAcceptsOfOneDeliveryBookItOnce) {
  // A delivery of 4 of an ordered request for 6, and a spare (so no order named: a spare
  // is on none).
  const std::string part = AddPart("ACC-RACE");
  const std::string spare = AddPart("ACC-SPARE");
  const std::string item = ApprovedRequest(part, 6);
  ClientResponse order = Execute(
      UserA("purser"), A().id, "create_purchase_order",
      {{"supplier", "Race supplier"}, {"item_ids", boost::json::array{boost::json::value(item)}}});
  ASSERT_EQ(order.status, 201) << Describe(order);
  ClientResponse created = Execute(
      UserA("crew"), A().id, "create_receiving",
      {{"lines", boost::json::array{
                     boost::json::object{{"shopping_list_item_id", item}, {"quantity_received", 4}},
                     boost::json::object{{"part_id", spare}, {"quantity_received", 3}}}}});
  ASSERT_EQ(created.status, 201) << Describe(created);
  const std::string draft(created.Json().at("entity_id").as_string());

  const std::vector<ClientResponse> answers = Race(
      "crew", "accept_receiving",
      [&](int) -> boost::json::object {
        return {{"receiving_id", draft}};
      },
      PinSignature(UserA("captain")));

  int accepted = 0;
  for (const ClientResponse& r : answers) {
    if (r.status == 200) {
      ++accepted;
      continue;
    }
    EXPECT_TRUE(IsError(r, 400, "invalid_state_transition"));
    EXPECT_EQ(DetailOf(r, "current_state"), "accepted") << Describe(r);
  }
  EXPECT_EQ(accepted, 1);
  for (const auto& [id, quantity] : {std::pair{part, 4.0}, std::pair{spare, 3.0}}) {
    const boost::json::object view = PartView(id);
    EXPECT_EQ(view.at("on_hand").to_number<double>(), quantity);
    EXPECT_EQ(view.at("transactions").as_array().size(), 1u) << "one ledger row per line";
  }
  ClientResponse history =
      Execute(UserA("crew"), A().id, "view_shopping_list_history", {{"item_id", item}});
  ASSERT_EQ(history.status, 200) << Describe(history);
  const boost::json::value rows = history.Json().at("result").at("history");
  ASSERT_EQ(rows.as_array().size(), 4u) << "requested, approved, ordered, one receipt";
  EXPECT_EQ(rows.as_array().back().at("to_status").as_string(), "partially_fulfilled");
}

TEST_F(DeliveryRaceTest, RacingOrdersOfOneRequestOrderItOnce) {
  const std::string item = ApprovedRequest(AddPart("PO-RACE"), 2);

  const std::vector<ClientResponse> answers =
      Race("purser", "create_purchase_order", [&](int i) -> boost::json::object {
        return {{"supplier", "Supplier " + std::to_string(i)},
                {"item_ids", boost::json::array{boost::json::value(item)}}};
      });

  int ordered = 0;
  for (const ClientResponse& r : answers) {
    if (r.status == 201) {
      ++ordered;
      continue;
    }
    EXPECT_TRUE(IsError(r, 400, "invalid_state_transition"));
    EXPECT_EQ(DetailOf(r, "current_state"), "ordered") << Describe(r);
    EXPECT_EQ(DetailOf(r, "item_id"), item) << Describe(r);
  }
  EXPECT_EQ(ordered, 1);
  ClientResponse orders = Execute(UserA("crew"), A().id, "list_purchase_orders", {});
  ASSERT_EQ(orders.status, 200) << Describe(orders);
  const boost::json::value json = orders.Json();
  EXPECT_EQ(json.at("result").at("purchase_orders").as_array().size(), 1u);
}

TEST_F(DeliveryRaceTest, CrossingDeliveriesOfTwoPartsAllBookWithoutDeadlock) {
  // Half the drafts list part X then Y, half Y then X: accepted at once, they would
  // deadlock if each locked its lines' balances in its own order.
  const std::string x = AddPart("CROSS-X");
  const std::string y = AddPart("CROSS-Y");
  std::vector<std::string> drafts;
  for (int i = 0; i < kRacers; ++i) {
    boost::json::object first{{"part_id", i % 2 == 0 ? x : y}, {"quantity_received", 1}};
    boost::json::object second{{"part_id", i % 2 == 0 ? y : x}, {"quantity_received", 2}};
    drafts.push_back(Draft({first, second}));
  }

  const std::vector<ClientResponse> answers = Race(
      "crew", "accept_receiving",
      [&](int i) -> boost::json::object {
        return {{"receiving_id", drafts[i]}};
      },
      PinSignature(UserA("chief_officer")));

  for (const ClientResponse& r : answers) EXPECT_EQ(r.status, 200) << Describe(r);
  // Even racers booked X 1 and Y 2, odd ones Y 1 and X 2: 3 of each per pair.
  EXPECT_EQ(PartView(x).at("on_hand").to_number<double>(), 3.0 * kRacers / 2);
  EXPECT_EQ(PartView(y).at("on_hand").to_number<double>(), 3.0 * kRacers / 2);
  RunResult verified = server_->Cli({"parts", "verify-stock", "--yacht", A().id});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
}  // namespace celeste::testing

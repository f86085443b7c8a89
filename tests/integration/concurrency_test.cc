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

  // Sends `action` kRacers times at once as `role` on yacht A, racer i with payload(i), each
  // on its own connection; returns the answers in racer order.
  std::vector<ClientResponse> Race(const std::string& role, const std::string& action,
                                   const std::function<boost::json::object(int)>& payload) {
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

}  // namespace
}  // namespace celeste::testing

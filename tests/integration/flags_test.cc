// Feature flags (CONTRACT §6, DESIGN §1 rule 3): a disabled lens answers 503
// feature_disabled and vanishes from lists and suggestions; canary by sticky bucket; the
// flag routes' role gating and validation. Over HTTP and the CLI against the real server.
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <thread>

#include "core/json.h"
#include "flags/bucketing.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kLensFlag = "SHOPPING_LIST_LENS_V1_ENABLED";
// `celeste flags set` in another process is live "within ~1 s" (flag_service.h).
constexpr auto kPropagationBudget = std::chrono::seconds(2);
constexpr auto kPollLimit = std::chrono::seconds(3);

class FlagsTest : public IntegrationTest {
 protected:
  // These tests provoke 503 feature_disabled on purpose (CONTRACT §2), and the server
  // counts every 5xx in celeste_http_5xx_total. So instead of the base check (counter ==
  // 0), require that the only 5xx answers were the 503s these tests asked for.
  void TearDown() override {
    std::map<int, int64_t> counts = ResponseCountsByStatus(*server_);
    EXPECT_FALSE(counts.empty()) << "cannot read /metrics";
    for (const auto& [status, n] : counts) {
      if (status >= 500 && status != 503) {
        ADD_FAILURE() << n << " responses with status " << status
                      << " (a bug); log: " << server_->dir() << "/server.log";
      }
    }
    EXPECT_EQ(counts[503], feature_disabled_seen_)
        << "503s the tests did not see as feature_disabled";
    EXPECT_EQ(server_->ServerErrors(), 0) << "503 feature_disabled is not a server error";
    client_.reset();
    server_.reset();
  }

  // Runs a READ action of the lens as crew on `yacht_id`; returns the status (and counts
  // the 503 feature_disabled answers, checking their error code).
  int ProbeLens(const std::string& yacht_id, const DemoUser& crew) {
    ClientResponse r = Execute(crew, yacht_id, "list_shopping_list_items", {});
    if (r.status == 503) {
      ++feature_disabled_seen_;
      EXPECT_EQ(ErrorCodeOf(r), "feature_disabled") << Describe(r);
    } else {
      EXPECT_EQ(r.status, 200) << Describe(r);
    }
    return r.status;
  }
  int ProbeA() { return ProbeLens(A().id, UserA("crew")); }

  // Polls `done` every 50 ms up to kPollLimit; returns how long it took, or nullopt.
  static std::optional<std::chrono::milliseconds> WaitFor(const std::function<bool()>& done) {
    const auto start = std::chrono::steady_clock::now();
    while (true) {
      if (done()) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      }
      if (std::chrono::steady_clock::now() - start > kPollLimit) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void CliSetFlag(bool enabled, std::optional<int> percent = std::nullopt) {
    std::vector<std::string> args = {"flags", "set", kLensFlag, "--enabled",
                                     enabled ? "true" : "false"};
    if (percent) {
      args.push_back("--percent");
      args.push_back(std::to_string(*percent));
    }
    RunResult r = server_->Cli(args);
    ASSERT_EQ(r.exit_code, 0) << "celeste flags set: " << r.out << r.err;
  }

  // The shopping list lens's actions listed (other lenses have their own flags).
  std::set<std::string> ListedActionIds(const DemoUser& user, const std::string& yacht_id) {
    ClientResponse r = Get(user, "/v1/actions/list?yacht_id=" + yacht_id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::set<std::string> ids;
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("actions")) return ids;
    for (const auto& a : json.at("actions").as_array()) {
      if (a.at("domain") != "shopping_list") continue;
      ids.emplace(a.at("action_id").as_string());
    }
    return ids;
  }

  size_t SuggestionCount(const DemoUser& user, const std::string& yacht_id,
                         const std::string& query) {
    ClientResponse r = Post(user, "/v1/actions/suggestions",
                            boost::json::object{{"query", query}, {"yacht_id", yacht_id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("suggestions")) return 0;
    size_t count = 0;  // the shopping list lens's (other lenses may match words too)
    for (const auto& s : json.at("suggestions").as_array()) {
      if (s.at("domain") == "shopping_list") ++count;
    }
    return count;
  }

  ClientResponse PutFlag(const DemoUser& user, const std::string& name,
                         const boost::json::object& body) {
    auto r = client_->Put("/v1/flags/" + name, ToJson(body),
                          {{"Authorization", "Bearer " + server_->TokenFor(user)}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }

  int64_t feature_disabled_seen_ = 0;
};

TEST_F(FlagsTest, CliTurnsTheLensOffAndOnWithinTwoSeconds) {
  ASSERT_EQ(ProbeA(), 200) << "the demo fleet has the lens on";

  CliSetFlag(false);
  auto off_after = WaitFor([&] { return ProbeA() == 503; });
  ASSERT_TRUE(off_after) << "the lens still answers 3 s after `flags set --enabled false`";
  EXPECT_LE(*off_after, kPropagationBudget) << "took " << off_after->count() << " ms";

  // Every role: no shopping list action listed; no suggestion.
  for (const char* role : {"crew", "captain", "manager"}) {
    EXPECT_TRUE(ListedActionIds(UserA(role), A().id).empty()) << role;
    EXPECT_EQ(SuggestionCount(UserA(role), A().id, "add to shopping list"), 0u) << role;
  }
  // Mutations are refused too, with the envelope naming the lens.
  ClientResponse create = Execute(
      UserA("crew"), A().id, "create_shopping_list_item",
      {{"part_name", "Impeller"}, {"quantity_requested", 1}, {"source_type", "manual_add"}});
  ASSERT_EQ(create.status, 503) << Describe(create);
  ++feature_disabled_seen_;
  EXPECT_EQ(ErrorCodeOf(create), "feature_disabled");

  CliSetFlag(true);
  auto on_after = WaitFor([&] { return ProbeA() == 200; });
  ASSERT_TRUE(on_after) << "the lens is still off 3 s after `flags set --enabled true`";
  EXPECT_LE(*on_after, kPropagationBudget) << "took " << on_after->count() << " ms";
  EXPECT_EQ(ListedActionIds(UserA("manager"), A().id).size(), 9u);
  EXPECT_GT(SuggestionCount(UserA("crew"), A().id, "add to shopping list"), 0u);
  CreateItem(UserA("crew"), A().id);
}

// CONTRACT §6: on for a yacht iff enabled and bucket(flag:yacht) <= percentage.
TEST_F(FlagsTest, CanaryPercentageTurnsTheLensOnByBucket) {
  const int bucket_a = FlagBucket(kLensFlag, A().id);
  const int bucket_b = FlagBucket(kLensFlag, B().id);
  ASSERT_GE(bucket_a, 1);
  ASSERT_LE(bucket_a, 100);
  ASSERT_GE(bucket_b, 1);
  ASSERT_LE(bucket_b, 100);
  std::vector<int> percentages;
  if (bucket_a != bucket_b) {
    percentages = {std::min(bucket_a, bucket_b)};  // exactly the lower-bucket yacht is on
  } else {
    percentages = {bucket_a, bucket_a - 1};  // both on, then both off
  }
  for (int p : percentages) {
    CliSetFlag(true, p);
    const bool want_a = bucket_a <= p, want_b = bucket_b <= p;
    const std::string what = "percent " + std::to_string(p) +
                             ", buckets A=" + std::to_string(bucket_a) +
                             " B=" + std::to_string(bucket_b);
    auto settled = WaitFor([&] {
      return (ProbeLens(A().id, UserA("crew")) == 200) == want_a &&
             (ProbeLens(B().id, UserB("crew")) == 200) == want_b;
    });
    ASSERT_TRUE(settled) << what << ": the lens never settled to A " << (want_a ? "on" : "off")
                         << ", B " << (want_b ? "on" : "off");
    EXPECT_LE(*settled, kPropagationBudget) << what;
    EXPECT_EQ(ListedActionIds(UserA("crew"), A().id).empty(), !want_a) << what;
    EXPECT_EQ(ListedActionIds(UserB("crew"), B().id).empty(), !want_b) << what;

    // The flag list tells each yacht's HOD the same story.
    for (const DemoYacht* y : {&A(), &B()}) {
      ClientResponse r = Get(y->users.at("captain"), "/v1/flags?yacht_id=" + y->id);
      ASSERT_EQ(r.status, 200) << Describe(r);
      bool found = false;
      const boost::json::value json = r.Json();
      for (const auto& f : json.at("flags").as_array()) {
        if (f.at("flag_name").as_string() != kLensFlag) continue;
        found = true;
        EXPECT_EQ(f.at("canary_percentage").to_number<int64_t>(), p) << what;
        EXPECT_EQ(f.at("bucket").to_number<int64_t>(), FlagBucket(kLensFlag, y->id)) << what;
        EXPECT_EQ(f.at("enabled_for_yacht").as_bool(), FlagBucket(kLensFlag, y->id) <= p)
            << what << " yacht " << y->name;
      }
      EXPECT_TRUE(found) << what;
    }
  }
}

TEST_F(FlagsTest, HodListsFlagsWithBucketAndState) {
  ClientResponse r = Get(UserA("captain"), "/v1/flags?yacht_id=" + A().id);
  ASSERT_EQ(r.status, 200) << Describe(r);
  const auto body = r.Json().as_object();
  EXPECT_EQ(body.at("yacht_id").as_string(), A().id);
  bool found = false;
  for (const auto& v : body.at("flags").as_array()) {
    const auto& f = v.as_object();
    const std::string where = boost::json::serialize(f);
    for (const char* key :
         {"flag_name", "enabled", "canary_percentage", "bucket", "enabled_for_yacht"}) {
      EXPECT_TRUE(f.contains(key)) << where << " lacks " << key;
    }
    if (f.at("flag_name").as_string() != kLensFlag) continue;
    found = true;
    EXPECT_EQ(f.at("enabled").as_bool(), true) << where;
    EXPECT_EQ(f.at("canary_percentage").to_number<int64_t>(), 100) << where;
    EXPECT_EQ(f.at("bucket").to_number<int64_t>(), FlagBucket(kLensFlag, A().id)) << where;
    EXPECT_EQ(f.at("enabled_for_yacht").as_bool(), true) << where;
  }
  EXPECT_TRUE(found) << kLensFlag << " is not listed: " << Describe(r);

  for (const char* role : {"chief_engineer", "chief_officer", "manager"}) {
    EXPECT_EQ(Get(UserA(role), "/v1/flags?yacht_id=" + A().id).status, 200) << role;
  }
}

TEST_F(FlagsTest, CrewAndPurserMayNotListFlags) {
  for (const char* role : {"crew", "purser"}) {
    ClientResponse r = Get(UserA(role), "/v1/flags?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 403) << role << ": " << Describe(r);
    EXPECT_EQ(ErrorCodeOf(r), "forbidden_role") << role;
    EXPECT_EQ(DetailOf(r, "role"), role) << Describe(r);
  }
}

TEST_F(FlagsTest, ManagerTurnsTheLensOffAtOnce) {
  ClientResponse r =
      PutFlag(UserA("manager"), kLensFlag, {{"yacht_id", A().id}, {"enabled", false}});
  ASSERT_EQ(r.status, 200) << Describe(r);
  const auto body = r.Json().as_object();
  EXPECT_EQ(body.at("flag").at("enabled").as_bool(), false);
  EXPECT_EQ(body.at("flag").at("enabled_for_yacht").as_bool(), false);
  EXPECT_FALSE(body.at("audit_id").as_string().empty());
  // The same server process: no propagation delay.
  EXPECT_EQ(ProbeA(), 503);
  EXPECT_TRUE(ListedActionIds(UserA("crew"), A().id).empty());
  EXPECT_EQ(SuggestionCount(UserA("crew"), A().id, "add to shopping list"), 0u);
  // Flags are fleet-wide: yacht B's lens is off too.
  EXPECT_EQ(ProbeLens(B().id, UserB("crew")), 503);

  ClientResponse on =
      PutFlag(UserA("manager"), kLensFlag, {{"yacht_id", A().id}, {"enabled", true}});
  ASSERT_EQ(on.status, 200) << Describe(on);
  EXPECT_EQ(ProbeA(), 200);
}

TEST_F(FlagsTest, PutFlagIsGatedAndValidated) {
  struct Case {
    const char* name;
    const char* role;
    std::string flag;
    boost::json::object body;
    int status;
    const char* error_code;
  };
  const Case kCases[] = {
      {"captain is not a manager",
       "captain",
       kLensFlag,
       {{"yacht_id", A().id}, {"enabled", false}},
       403,
       "forbidden_role"},
      {"crew is not a manager",
       "crew",
       kLensFlag,
       {{"yacht_id", A().id}, {"enabled", false}},
       403,
       "forbidden_role"},
      {"unknown flag",
       "manager",
       "NO_SUCH_FLAG_V9",
       {{"yacht_id", A().id}, {"enabled", true}},
       404,
       "not_found"},
      {"percentage above 100",
       "manager",
       kLensFlag,
       {{"yacht_id", A().id}, {"enabled", true}, {"canary_percentage", 150}},
       400,
       "invalid_field"},
      {"negative percentage",
       "manager",
       kLensFlag,
       {{"yacht_id", A().id}, {"enabled", true}, {"canary_percentage", -5}},
       400,
       "invalid_field"},
  };
  for (const Case& c : kCases) {
    ClientResponse r = PutFlag(UserA(c.role), c.flag, c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << Describe(r);
    EXPECT_EQ(ErrorCodeOf(r), c.error_code) << c.name << ": " << Describe(r);
    if (std::string_view(c.error_code) == "invalid_field") {
      auto json = r.Json();
      ASSERT_TRUE(json.is_object() && json.as_object().contains("details")) << c.name;
      EXPECT_EQ(json.at("details").at("field").as_string(), "canary_percentage") << c.name;
    }
    // Nothing changed: the lens is still on.
    EXPECT_EQ(ProbeA(), 200) << "after " << c.name;
  }
}

}  // namespace
}  // namespace celeste::testing

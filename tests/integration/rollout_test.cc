// Canary rollouts (issue 6, docs/lens-ops.md "Canary rollout") against a live server: with
// short holds the monitor promotes a flag through healthy stages to completion, auditing
// each change as its own account; under injected 5xx a critical alert rolls it back (flag
// off, why recorded, a notice sent); `celeste rollout` start/status/pause/resume/abort.
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"

namespace celeste::testing {
namespace {

constexpr const char* kFlag = "SHOPPING_LIST_LENS_V1_ENABLED";

boost::json::object JsonObjectOf(const std::string& text) {
  auto json = ParseJson(text);
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

class RolloutTest : public IntegrationTest {
 protected:
  // The flag as GET /v1/flags shows it to yacht A's manager on `server`.
  static boost::json::object FlagOf(const TestServer& server, const std::string& name) {
    HttpClient client = server.Client();
    const DemoYacht& a = server.yacht_a();
    auto r = client.Get("/v1/flags?yacht_id=" + a.id,
                        {{"Authorization", "Bearer " + server.TokenFor(a.users.at("manager"))}});
    EXPECT_TRUE(r.ok() && r->status == 200);
    if (!r.ok()) return {};
    const boost::json::value json = r->Json();
    for (const auto& f : json.at("flags").as_array()) {
      if (f.at("flag_name") == name.c_str()) return f.as_object();
    }
    return {};
  }
  // Stages whose first one includes yacht A (its bucket), then 100 %.
  static std::string StagesIncludingA(const TestServer& server) {
    const int64_t bucket = FlagOf(server, kFlag).at("bucket").as_int64();
    return bucket >= 100 ? "100" : std::to_string(bucket) + ",100";
  }
  // The monitor of the shopping list lens, on the server's database.
  static std::vector<std::string> RolloutMonitor(const TestServer& server,
                                                 const std::vector<std::string>& extra) {
    std::vector<std::string> args =
        MonitorArgs(server, {"--lens", "shopping_list", "--db", server.db_url()});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  static boost::json::object Status(const TestServer& server) {
    RunResult r = server.Cli({"rollout", "status", kFlag, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return JsonObjectOf(r.out);
  }
};

TEST_F(RolloutTest, HealthyStagesArePromotedToCompletionByTheMonitor) {
  const std::string stages = StagesIncludingA(*server_);
  RunResult start =
      server_->Cli({"rollout", "start", kFlag, "--stages", stages, "--hold", "1s", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  const boost::json::object started = JsonObjectOf(start.out);
  EXPECT_EQ(started.at("state"), "running");
  EXPECT_EQ(started.at("stage"), 1);
  EXPECT_EQ(FlagOf(*server_, kFlag).at("enabled_for_yacht"), true);

  BackgroundCli monitor(RolloutMonitor(*server_, {"--interval", "300ms"}));
  std::string state;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    state = TextOf(Status(*server_).at("state"));
    if (state != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  monitor.Stop();
  const boost::json::object done = Status(*server_);
  ASSERT_EQ(state, "completed") << ToJson(done) << monitor.Err().substr(0, 2000);
  EXPECT_EQ(done.at("canary_percentage"), 100);
  EXPECT_EQ(FlagOf(*server_, kFlag).at("canary_percentage"), 100);
  EXPECT_NE(TextOf(done.at("reason")).find("complete"), std::string::npos);

  // Every change of the flag is audited with its actor: the operator's start, the monitor's
  // promotion (as the account whose token it holds).
  RunResult audit = RunSql(*server_,
                           "SELECT actor_role || '|' || actor_id FROM pms_audit_log WHERE "
                           "action = 'set_feature_flag' AND entity_id = '" +
                               std::string(kFlag) + "' ORDER BY seq");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_TRUE(std::regex_search(audit.out, std::regex("operator\\|cli:"))) << audit.out;
  if (stages != "100") {
    EXPECT_NE(audit.out.find("monitor|" + UserA("manager").user_id), std::string::npos)
        << audit.out;
  }
}

TEST_F(RolloutTest, ACriticalAlertRollsTheFlagBackAndSaysWhy) {
  TestServerOptions faulty;
  faulty.extra_args = {"--allow-fault-injection"};
  faulty.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:1"};
  TestServer server(faulty);
  WebhookReceiver receiver;
  const std::string hook = "critical=" + receiver.Url();

  RunResult start = server.Cli({"rollout", "start", kFlag, "--stages", StagesIncludingA(server),
                                "--hold", "1h", "--auto-rollback"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  RunResult round = RunCelesteCli(RolloutMonitor(server, {"--once", "--alert-webhook", hook}));
  EXPECT_EQ(round.exit_code, 1) << round.err;

  const boost::json::object status = Status(server);
  EXPECT_EQ(status.at("state"), "rolled_back") << ToJson(status);
  EXPECT_NE(TextOf(status.at("reason")).find("any_5xx"), std::string::npos) << ToJson(status);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the flag snapshot's second
  EXPECT_EQ(FlagOf(server, kFlag).at("enabled"), false);
  RunResult audit = RunSql(server,
                           "SELECT payload FROM pms_audit_log WHERE action = 'set_feature_flag' "
                           "AND actor_role = 'monitor' ORDER BY seq");
  EXPECT_NE(audit.out.find("rolled back"), std::string::npos) << audit.out;
  EXPECT_EQ(receiver.Count("^\\[CRITICAL\\] ROLLED BACK SHOPPING_LIST_LENS_V1_ENABLED"), 1)
      << receiver.Texts().size();
}

TEST_F(RolloutTest, OperatorsStartPauseResumeAndAbort) {
  EXPECT_EQ(server_->Cli({"rollout", "start", kFlag, "--stages", "50,20"}).exit_code, 2);
  EXPECT_EQ(server_->Cli({"rollout", "start", kFlag, "--hold", "soon"}).exit_code, 2);
  EXPECT_EQ(server_->Cli({"rollout", "start", kFlag, "--hold", "500ms"}).exit_code, 2);
  EXPECT_EQ(server_->Cli({"rollout", "start", "NO_SUCH_FLAG"}).exit_code, 2);
  EXPECT_EQ(server_->Cli({"rollout", "status", kFlag}).exit_code, 1) << "no rollout yet";
  EXPECT_EQ(server_->Cli({"rollout", "pause", kFlag}).exit_code, 1);

  const std::string stages = StagesIncludingA(*server_);
  ASSERT_EQ(server_->Cli({"rollout", "start", kFlag, "--stages", stages, "--hold", "1s"}).exit_code,
            0);
  RunResult twice = server_->Cli({"rollout", "start", kFlag});
  EXPECT_EQ(twice.exit_code, 1) << twice.out << twice.err;
  EXPECT_NE(twice.err.find("already running"), std::string::npos) << twice.err;

  ASSERT_EQ(server_->Cli({"rollout", "pause", kFlag}).exit_code, 0);
  EXPECT_EQ(Status(*server_).at("state"), "paused");
  EXPECT_EQ(server_->Cli({"rollout", "pause", kFlag}).exit_code, 1) << "already paused";
  // A paused rollout is not promoted, however healthy the lens.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(
      RunCelesteCli(RolloutMonitor(*server_, {"--count", "3", "--interval", "200ms"})).exit_code,
      0);
  EXPECT_EQ(Status(*server_).at("stage"), 1);
  EXPECT_EQ(Status(*server_).at("reason"), "paused");

  ASSERT_EQ(server_->Cli({"rollout", "resume", kFlag}).exit_code, 0);
  EXPECT_EQ(Status(*server_).at("state"), "running");
  RunResult table = server_->Cli({"rollout", "status", kFlag});
  EXPECT_NE(table.out.find(std::string(kFlag) + ": running (lens shopping_list)"),
            std::string::npos)
      << table.out;

  RunResult abort = server_->Cli({"rollout", "abort", kFlag, "--json"});
  ASSERT_EQ(abort.exit_code, 0) << abort.err;
  EXPECT_EQ(JsonObjectOf(abort.out).at("state"), "aborted");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(FlagOf(*server_, kFlag).at("enabled"), false) << "an abort turns the flag off";
  EXPECT_EQ(server_->Cli({"rollout", "resume", kFlag}).exit_code, 1) << "nothing active";
  EXPECT_EQ(server_->Cli({"rollout", "start", kFlag, "--stages", "100", "--hold", "1s"}).exit_code,
            0)
      << "a new rollout may start once the last one ended";
}

}  // namespace
}  // namespace celeste::testing

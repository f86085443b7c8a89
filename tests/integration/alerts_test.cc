// Lens Ops alerts (issue 6, docs/lens-ops.md "Alerts") against a live server and real local
// webhook receivers: under injected 500s the critical alert fires exactly once, a second
// unhealthy check fires "unhealthy twice", the lens's warnings stay silent, and resolved
// notices arrive once the fault is gone; a failing webhook is retried with backoff and every
// attempt recorded; a flag toggle is an info notice; `celeste alerts check|list`.
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "http/server.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

// A webhook receiver: a real HTTP server on a free port that records the "text" of every
// POST and answers 500 to the first `fail_first` of them.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(int fail_first = 0)
      : fail_first_(fail_first),
        server_(HttpServerOptions{.listen = "127.0.0.1:0", .threads = 1},
                [this](Request&& r) { return Receive(std::move(r)); }) {
    Status s = server_.Start();
    if (!s.ok()) throw std::runtime_error("webhook receiver: " + s.message());
  }
  // Its URL, with a path that stands for a webhook's secret.
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hooks/T000/secret-path";
  }
  std::string HostPort() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::vector<std::string> Texts() const {
    std::lock_guard lock(mu_);
    return texts_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Texts matching `pattern`.
  int Count(const std::string& pattern) const {
    int n = 0;
    for (const std::string& t : Texts()) n += std::regex_search(t, std::regex(pattern));
    return n;
  }

 private:
  Response Receive(Request&& r) {
    std::lock_guard lock(mu_);
    ++requests_;
    if (requests_ <= fail_first_) return Response::Text(500, "try later", "text/plain");
    auto json = ParseJson(r.body);
    if (r.method == Method::kPost && r.target == "/hooks/T000/secret-path" && json &&
        json->is_object() && json->as_object().contains("text")) {
      texts_.push_back(std::string(json->at("text").as_string()));
      return Response::Text(200, "ok", "text/plain");
    }
    return Response::Text(400, "not a Slack message", "text/plain");
  }

  const int fail_first_;
  mutable std::mutex mu_;
  std::vector<std::string> texts_;  // guarded by mu_
  int requests_ = 0;                // guarded by mu_
  HttpServer server_;
};

class AlertsTest : public IntegrationTest {
 protected:
  static RunResult Monitor(const TestServer& server, const std::vector<std::string>& extra) {
    const DemoYacht& a = server.yacht_a();
    std::vector<std::string> args = {"monitor",
                                     "--url",
                                     "http://127.0.0.1:" + std::to_string(server.port()),
                                     "--token",
                                     server.TokenFor(a.users.at("manager")),
                                     "--yacht",
                                     a.id,
                                     "--samples",
                                     "2",
                                     "--once"};
    args.insert(args.end(), extra.begin(), extra.end());
    return server.Cli(args);
  }
  static boost::json::object AlertsList(const TestServer& server) {
    RunResult r = server.Cli({"alerts", "list", "--yacht", server.yacht_a().id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto json = ParseJson(r.out);
    return json && json->is_object() ? json->as_object() : boost::json::object{};
  }
  static TestServerOptions Faulty() {
    TestServerOptions o;
    o.extra_args = {"--allow-fault-injection"};
    o.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:1"};
    return o;
  }
};

TEST_F(AlertsTest, TheCriticalAlertFiresOnceAndResolvesWhenTheFaultIsGone) {
  WebhookReceiver critical, warning, info;
  const std::vector<std::string> hooks = {"--lens",          "shopping_list",
                                          "--alert-webhook", "critical=" + critical.Url(),
                                          "--alert-webhook", "warning=" + warning.Url(),
                                          "--alert-webhook", "info=" + info.Url()};
  TestServer server(Faulty());
  EXPECT_EQ(Monitor(server, hooks).exit_code, 1);
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] FIRING any_5xx on lens shopping_list"), 1)
      << critical.Texts().size();
  EXPECT_EQ(critical.Texts().size(), 1u);

  RunResult second = Monitor(server, hooks);  // a new process: the state is in the database
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(critical.Count("FIRING any_5xx"), 1) << "de-duplicated: still the one notice";
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] FIRING unhealthy_twice on lens shopping_list"), 1);
  EXPECT_TRUE(warning.Texts().empty()) << "the error-rate warning is silenced by the critical";
  EXPECT_TRUE(info.Texts().empty());

  server.RestartWith({});
  EXPECT_EQ(Monitor(server, hooks).exit_code, 0);
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] RESOLVED any_5xx on lens shopping_list"), 1);
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] RESOLVED unhealthy_twice on lens shopping_list"), 1);
  EXPECT_EQ(critical.Texts().size(), 4u);
  EXPECT_TRUE(warning.Texts().empty()) << "a warning never announced is not resolved aloud";

  const boost::json::object list = AlertsList(server);
  std::map<std::string, std::string> states;
  for (const auto& a : list.at("alerts").as_array()) {
    states[TextOf(a.at("rule"))] = TextOf(a.at("state"));
  }
  EXPECT_EQ(states, (std::map<std::string, std::string>{{"any_5xx", "resolved"},
                                                        {"error_rate_over_1_percent", "resolved"},
                                                        {"unhealthy_twice", "resolved"}}));
  const auto& notices = list.at("notifications").as_array();
  EXPECT_EQ(notices.size(), 4u);
  for (const auto& n : notices) {
    EXPECT_EQ(n.at("status"), "delivered") << ToJson(n);
    EXPECT_EQ(n.at("attempts"), 1);
    EXPECT_EQ(n.at("last_status_code"), 200);
    EXPECT_EQ(n.at("webhook"), critical.HostPort().c_str()) << "host:port only";
  }
  EXPECT_EQ(ToJson(list).find("secret-path"), std::string::npos) << "a webhook's path is secret";
}

TEST_F(AlertsTest, AFailingWebhookIsRetriedWithBackoffAndEveryAttemptIsRecorded) {
  WebhookReceiver flaky(/*fail_first=*/2);
  TestServer server(Faulty());
  const auto started = std::chrono::steady_clock::now();
  RunResult r =
      Monitor(server, {"--lens", "shopping_list", "--alert-webhook", "critical=" + flaky.Url()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "two retries, after 1 s and 2 s";
  EXPECT_EQ(flaky.requests(), 3);
  EXPECT_EQ(flaky.Count("FIRING any_5xx"), 1);
  const boost::json::object list = AlertsList(server);
  const auto& notices = list.at("notifications").as_array();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].at("status"), "delivered");
  EXPECT_EQ(notices[0].at("attempts"), 3);
  EXPECT_EQ(notices[0].at("last_status_code"), 200);

  // With no webhook for its severity a notice is recorded as such, not retried.
  server.RestartWith({});
  EXPECT_EQ(Monitor(server, {"--lens", "shopping_list"}).exit_code, 0);
  const boost::json::object list_after = AlertsList(server);
  const auto& after = list_after.at("notifications").as_array();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].at("kind"), "resolved");
  EXPECT_EQ(after[0].at("status"), "no_webhook");
}

TEST_F(AlertsTest, AFlagToggleIsAnInfoNotice) {
  WebhookReceiver info;
  const std::vector<std::string> hooks = {"--lens", "parts", "--alert-webhook",
                                          "info=" + info.Url()};
  ASSERT_EQ(Monitor(*server_, hooks).exit_code, 0);
  ASSERT_EQ(server_->Cli({"flags", "set", "PART_LENS_V2_ENABLED", "--enabled", "false"}).exit_code,
            0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ASSERT_EQ(Monitor(*server_, hooks).exit_code, 0);
  EXPECT_EQ(info.Count("^\\[INFO\\] FIRING flag_toggled on lens parts"), 1)
      << (info.Texts().empty() ? "" : info.Texts()[0]);
  ASSERT_EQ(Monitor(*server_, hooks).exit_code, 0);
  EXPECT_EQ(info.Texts().size(), 1u) << "one notice per change, no resolved notice";
}

TEST_F(AlertsTest, AlertsCheckJudgesTheLatestChecksAndSendsDueReminders) {
  TestServer server(Faulty());
  EXPECT_EQ(Monitor(server, {"--lens", "shopping_list"}).exit_code, 1);  // no webhooks

  WebhookReceiver critical;
  const std::string yacht = server.yacht_a().id;
  RunResult check = server.Cli(
      {"alerts", "check", "--yacht", yacht, "--alert-webhook", "critical=" + critical.Url()});
  EXPECT_EQ(check.exit_code, 1) << "exit 1 while an alert fires: " << check.out << check.err;
  EXPECT_TRUE(std::regex_search(check.out, std::regex("firing +critical +any_5xx +shopping_list")))
      << check.out;
  EXPECT_TRUE(critical.Texts().empty()) << "judging the same check again sends nothing new";

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  RunResult remind = server.Cli({"alerts", "check", "--yacht", yacht, "--remind-every", "1s",
                                 "--alert-webhook", "critical=" + critical.Url(), "--json"});
  EXPECT_EQ(remind.exit_code, 1) << remind.err;
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] STILL FIRING since .*any_5xx"), 1)
      << (critical.Texts().empty() ? "" : critical.Texts()[0]);

  RunResult bad = server.Cli(
      {"alerts", "check", "--yacht", yacht, "--alert-webhook", "urgent=" + critical.Url()});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  RunResult https = server.Cli({"alerts", "check", "--yacht", yacht, "--alert-webhook",
                                "critical=https://hooks.example.com/services/T/B/XYZ"});
  EXPECT_EQ(https.exit_code, 2) << https.out << https.err;
  EXPECT_EQ(https.err.find("XYZ"), std::string::npos) << "the webhook's secret is not echoed";

  RunResult table = server.Cli({"alerts", "list", "--yacht", yacht});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("no_webhook"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("delivered"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace celeste::testing

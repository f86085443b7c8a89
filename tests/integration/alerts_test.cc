// Lens Ops alerts (issue 6, docs/lens-ops.md "Alerts") against a live server and real local
// webhook receivers: under injected 500s the critical alert fires exactly once, a second
// unhealthy check fires "unhealthy twice", the lens's warnings stay silent, and resolved
// notices arrive once the fault is gone; a failing webhook is retried with backoff and every
// attempt recorded; a flag toggle is an info notice; `celeste alerts check|list`.
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"

namespace celeste::testing {
namespace {

// An HTTPS webhook receiver: python3's http.server behind TLS, with a certificate for
// 127.0.0.1 that openssl makes for the test (trusted only where SSL_CERT_FILE names it).
// Each POST body is appended as a line to a file.
class HttpsReceiver {
 public:
  explicit HttpsReceiver(const std::string& dir)
      : cert_(dir + "/webhook-cert.pem"),
        key_(dir + "/webhook-key.pem"),
        bodies_(dir + "/webhook-bodies") {
    RunResult made = RunProgram({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                 "-keyout", key_, "-out", cert_, "-days", "1", "-subj",
                                 "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    if (made.exit_code != 0) throw std::runtime_error("openssl req: " + made.err);
    const std::string script = dir + "/webhook.py";
    std::ofstream(script) << R"(import http.server, ssl, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[3], "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
)";
    process_ = std::make_unique<BackgroundCli>(
        BackgroundCli::Program{},
        std::vector<std::string>{"python3", script, cert_, key_, bodies_});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (port_.empty() && std::chrono::steady_clock::now() < deadline) {
      const std::string out = process_->Out();
      if (out.find('\n') != std::string::npos) port_ = out.substr(0, out.find('\n'));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (port_.empty()) throw std::runtime_error("webhook.py did not start: " + process_->Err());
  }
  std::string Url() const { return "https://127.0.0.1:" + port_ + "/services/T0/B0/secret-path"; }
  const std::string& cert() const { return cert_; }
  std::string Bodies() const {
    std::ifstream in(bodies_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string cert_, key_, bodies_, port_;
  std::unique_ptr<BackgroundCli> process_;
};

class AlertsTest : public IntegrationTest {
 protected:
  static RunResult Monitor(const TestServer& server, const std::vector<std::string>& extra) {
    std::vector<std::string> args = MonitorArgs(server, {"--once"});
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

  // A monitor without a webhook for its severity leaves a notice pending for one that has.
  server.RestartWith({});
  EXPECT_EQ(Monitor(server, {"--lens", "shopping_list"}).exit_code, 0);
  const boost::json::object list_after = AlertsList(server);
  const auto& after = list_after.at("notifications").as_array();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].at("kind"), "resolved");
  EXPECT_EQ(after[0].at("status"), "pending");
  EXPECT_EQ(after[0].at("attempts"), 0);
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
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] FIRING any_5xx"), 1)
      << "the notice the monitor queued without a webhook, delivered by the cron job";
  RunResult again = server.Cli(
      {"alerts", "check", "--yacht", yacht, "--alert-webhook", "critical=" + critical.Url()});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_EQ(critical.Texts().size(), 1u) << "judging the same check again sends nothing new";

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  RunResult remind = server.Cli({"alerts", "check", "--yacht", yacht, "--remind-every", "1s",
                                 "--alert-webhook", "critical=" + critical.Url(), "--json"});
  EXPECT_EQ(remind.exit_code, 1) << remind.err;
  EXPECT_EQ(critical.Count("^\\[CRITICAL\\] STILL FIRING since .*any_5xx"), 1)
      << (critical.Texts().empty() ? "" : critical.Texts()[0]);

  RunResult bad = server.Cli(
      {"alerts", "check", "--yacht", yacht, "--alert-webhook", "urgent=" + critical.Url()});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  for (const char* url : {"critical=ftp://hooks.example.com/services/T/B/XYZ",
                          "critical=https://user:XYZ@hooks.example.com/x"}) {
    RunResult refused = server.Cli({"alerts", "check", "--yacht", yacht, "--alert-webhook", url});
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_EQ(refused.err.find("XYZ"), std::string::npos) << "a webhook's secret is not echoed";
  }

  RunResult table = server.Cli({"alerts", "list", "--yacht", yacht});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("delivered"), std::string::npos) << table.out;
}

// Slack's webhooks are https: the certificate is verified (an untrusted one is refused and
// retried later), and with it trusted the notice arrives over TLS.
TEST_F(AlertsTest, HttpsWebhooksAreVerifiedAndDelivered) {
  TestServer server(Faulty());
  HttpsReceiver receiver(server.dir());
  EXPECT_EQ(Monitor(server, {"--lens", "shopping_list"}).exit_code, 1);  // firing, no webhook
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::vector<std::string> check = {"alerts",
                                          "check",
                                          "--yacht",
                                          server.yacht_a().id,
                                          "--db",
                                          server.db_url(),
                                          "--remind-every",
                                          "1s",
                                          "--alert-webhook",
                                          "critical=" + receiver.Url()};
  RunResult untrusted = RunCelesteCli(check);
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.err;
  // The firing notice the monitor left pending and the reminder now due: both refused.
  EXPECT_NE(untrusted.out.find("2 notice(s) still pending"), std::string::npos) << untrusted.out;
  {
    const boost::json::object list = AlertsList(server);
    const auto& notices = list.at("notifications").as_array();
    ASSERT_EQ(notices.size(), 2u);
    for (const auto& n : notices) {
      EXPECT_EQ(n.at("status"), "pending");
      EXPECT_EQ(n.at("attempts"), 1);
      EXPECT_NE(TextOf(n.at("last_error")).find("handshake"), std::string::npos) << ToJson(n);
    }
    EXPECT_EQ(ToJson(list).find("secret-path"), std::string::npos);
  }
  EXPECT_EQ(receiver.Bodies(), "") << "nothing was sent to an unverified server";

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the retry's backoff
  RunResult trusted = RunCelesteCli(check, {"SSL_CERT_FILE=" + receiver.cert()});
  EXPECT_EQ(trusted.exit_code, 1) << trusted.err;
  EXPECT_NE(receiver.Bodies().find("FIRING any_5xx"), std::string::npos)
      << receiver.Bodies() << trusted.err;
  EXPECT_NE(receiver.Bodies().find("STILL FIRING"), std::string::npos) << receiver.Bodies();
  const boost::json::object list = AlertsList(server);
  bool retried_and_delivered = false;
  for (const auto& n : list.at("notifications").as_array()) {
    if (n.at("status") == "delivered" && n.at("attempts") == 2) retried_and_delivered = true;
  }
  EXPECT_TRUE(retried_and_delivered) << ToJson(list);
}

// A webhook that does not answer: the error is recorded without the webhook's path.
TEST_F(AlertsTest, AnUnreachableWebhookIsRecordedWithoutItsSecret) {
  TestServer server(Faulty());
  EXPECT_EQ(Monitor(server, {"--lens", "shopping_list"}).exit_code, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  RunResult check =
      server.Cli({"alerts", "check", "--yacht", server.yacht_a().id, "--remind-every", "1s",
                  "--alert-webhook", "critical=http://127.0.0.1:9/hooks/T000/secret-path"});
  EXPECT_EQ(check.exit_code, 1) << check.err;
  const boost::json::object list = AlertsList(server);
  const auto& notices = list.at("notifications").as_array();
  ASSERT_FALSE(notices.empty());
  EXPECT_EQ(notices[0].at("status"), "pending");
  EXPECT_EQ(notices[0].at("attempts"), 1);
  EXPECT_NE(TextOf(notices[0].at("last_error")).find("127.0.0.1:9"), std::string::npos)
      << ToJson(notices[0]);
  EXPECT_EQ(ToJson(list).find("secret-path"), std::string::npos) << ToJson(list);
  EXPECT_EQ(check.err.find("secret-path"), std::string::npos) << "nor in the log";
}

}  // namespace
}  // namespace celeste::testing

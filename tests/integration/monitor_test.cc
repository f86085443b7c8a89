// The Lens Ops health monitor (issue 6, docs/lens-ops.md) against a live server: `celeste
// monitor` records every lens healthy; injected 500s make a lens unhealthy with events;
// a flag turned off makes the lens disabled and is an info event (and back); the loop keeps
// going while the server is stopped and restarted; GET /v1/ops/health* return what was
// written, to heads of department and managers only; `celeste ops` prints it.
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"

namespace celeste::testing {
namespace {

constexpr const char* kAllLenses[] = {"shopping_list", "parts",     "receiving",  "certificates",
                                      "faults",        "equipment", "work_orders"};

boost::json::object JsonObjectOf(const std::string& text) {
  auto json = ParseJson(text);
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

int64_t Count(const TestServer& server, const std::string& sql) {
  RunResult r = RunSql(server, sql);
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  return r.exit_code == 0 && !r.out.empty() ? std::stoll(r.out) : -1;
}

class MonitorTest : public IntegrationTest {
 protected:
  RunResult Monitor(const TestServer& server, const std::vector<std::string>& extra) const {
    return server.Cli(MonitorArgs(server, extra));
  }
  // `celeste ops ...` as the manager of the server's yacht A.
  static RunResult Ops(const TestServer& server, std::vector<std::string> args) {
    const DemoYacht& a = server.yacht_a();
    args.insert(args.end(), {"--url", UrlOf(server), "--token",
                             server.TokenFor(a.users.at("manager")), "--yacht", a.id});
    return RunCelesteCli(args);
  }
  // The latest check of `lens` from GET /v1/ops/health as the captain.
  boost::json::object Latest(const std::string& lens) {
    ClientResponse r = Get(UserA("captain"), "/v1/ops/health?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    boost::json::value json = r.Json();
    if (!json.is_object()) return {};
    for (const auto& l : json.at("lenses").as_array()) {
      if (l.at("lens_id") == lens.c_str()) return l.as_object();
    }
    return {};
  }
  // Polls `sql` (a count) until it reaches `at_least` or `timeout` passes.
  bool WaitForCount(const std::string& sql, int64_t at_least, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Count(*server_, sql) >= at_least) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

TEST_F(MonitorTest, OneRoundRecordsEveryLensHealthy) {
  RunResult r = Monitor(*server_, {"--once", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const boost::json::object round = JsonObjectOf(r.out);
  ASSERT_TRUE(round.contains("checks")) << r.out;
  EXPECT_EQ(round.at("checks").as_array().size(), std::size(kAllLenses));
  for (const auto& c : round.at("checks").as_array()) {
    EXPECT_EQ(c.at("status"), "healthy") << ToJson(c);
  }

  ClientResponse health = Get(UserA("manager"), "/v1/ops/health?yacht_id=" + A().id);
  ASSERT_EQ(health.status, 200) << Describe(health);
  const boost::json::object body = health.Json().as_object();
  EXPECT_TRUE(body.at("never_checked").as_array().empty());
  std::set<std::string> seen;
  for (const auto& v : body.at("lenses").as_array()) {
    const auto& c = v.as_object();
    seen.insert(TextOf(c.at("lens_id")));
    EXPECT_EQ(c.at("status"), "healthy") << ToJson(c);
    EXPECT_EQ(c.at("sample_size"), 10) << "5 probes x 2 samples";
    EXPECT_TRUE(c.at("p95_ms").is_number());
    EXPECT_EQ(c.at("error_rate_percent").to_number<double>(), 0.0);
    EXPECT_EQ(c.at("slo_p95_ms"), 500);
    EXPECT_TRUE(c.at("notes").at("flags").is_object());
  }
  EXPECT_EQ(seen, std::set<std::string>(std::begin(kAllLenses), std::end(kAllLenses)));
  EXPECT_EQ(Count(*server_, "SELECT count(*) FROM pms_health_checks"), 7);
  EXPECT_EQ(Count(*server_, "SELECT count(*) FROM pms_health_events"), 0);
  EXPECT_EQ(Count(*server_, "SELECT count(*) FROM pms_health_rollups"), 7);

  // One structured log line per probe, none holding the token.
  const std::string token = server_->TokenFor(UserA("manager"));
  int probe_lines = 0;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    const boost::json::object o = JsonObjectOf(line);
    if (o.contains("msg") && o.at("msg") == "probe") ++probe_lines;
  }
  EXPECT_EQ(probe_lines, 7 * 5 * 2);
  EXPECT_EQ(r.err.find(token.substr(token.size() - 20)), std::string::npos);
  EXPECT_EQ(r.out.find(token.substr(token.size() - 20)), std::string::npos);

  // The table and its JSON.
  RunResult status = Ops(*server_, {"ops", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  for (const char* lens : kAllLenses) {
    EXPECT_TRUE(std::regex_search(status.out, std::regex(std::string(lens) + " +healthy")))
        << status.out;
  }
  RunResult status_json = Ops(*server_, {"ops", "status", "--json"});
  ASSERT_EQ(status_json.exit_code, 0) << status_json.err;
  EXPECT_EQ(JsonObjectOf(status_json.out).at("lenses").as_array().size(), 7u);
}

TEST_F(MonitorTest, InjectedServerErrorsMakeTheLensUnhealthyWithEvents) {
  TestServerOptions faulty;
  faulty.extra_args = {"--allow-fault-injection"};
  faulty.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:1"};
  TestServer server(faulty);
  {
    HttpClient client = server.Client();
    auto health = client.Get("/v1/actions/health");
    ASSERT_TRUE(health.ok());
    const boost::json::object body = health->Json().as_object();
    EXPECT_NE(TextOf(body.at("warning")).find("FAULT INJECTION"), std::string::npos);
    EXPECT_EQ(body.at("fault_injection").at(0).at("lens"), "shopping_list");
  }

  RunResult r = Monitor(server, {"--once", "--lens", "shopping_list", "--lens", "parts"});
  EXPECT_EQ(r.exit_code, 1) << "a round with an unhealthy lens exits 1: " << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("shopping_list +unhealthy"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("parts +healthy"))) << r.out;

  HttpClient client = server.Client();
  const DemoYacht& a = server.yacht_a();
  auto unhealthy =
      client.Get("/v1/ops/health/unhealthy?yacht_id=" + a.id,
                 {{"Authorization", "Bearer " + server.TokenFor(a.users.at("captain"))}});
  ASSERT_TRUE(unhealthy.ok());
  ASSERT_EQ(unhealthy->status, 200) << Describe(*unhealthy);
  const boost::json::object body = unhealthy->Json().as_object();
  ASSERT_EQ(body.at("lenses").as_array().size(), 1u) << unhealthy->body;
  const boost::json::object& lens = body.at("lenses").at(0).as_object();
  EXPECT_EQ(lens.at("lens_id"), "shopping_list");
  EXPECT_EQ(lens.at("status"), "unhealthy");
  EXPECT_EQ(lens.at("unhealthy_since"), lens.at("observed_at"));
  EXPECT_EQ(lens.at("error_rate_percent").to_number<double>(), 20.0) << "2 of 10 probes";
  int failed_probes = 0;
  for (const auto& e : lens.at("events").as_array()) {
    if (e.at("kind") != "probe_failed") continue;
    ++failed_probes;
    EXPECT_EQ(e.at("level"), "error");
    EXPECT_EQ(e.at("detail").at("status"), 500);
    EXPECT_EQ(e.at("detail").at("request"), "POST /v1/actions/execute");
    EXPECT_NE(TextOf(e.at("detail").at("error")).find("internal_error"), std::string::npos);
  }
  EXPECT_EQ(failed_probes, 2);
  const std::string token = server.TokenFor(a.users.at("manager"));
  EXPECT_EQ(RunSql(server, "SELECT detail FROM pms_health_events").out.find(token.substr(0, 30)),
            std::string::npos);

  RunResult ops = Ops(server, {"ops", "unhealthy"});
  EXPECT_EQ(ops.exit_code, 1) << "exit 1 while a lens is unhealthy: " << ops.out << ops.err;
  EXPECT_NE(ops.out.find("shopping_list: unhealthy since"), std::string::npos) << ops.out;

  // The fault is gone: healthy again, and the change of status is an event.
  server.RestartWith({});
  RunResult again = Monitor(server, {"--once", "--lens", "shopping_list"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  RunResult none = Ops(server, {"ops", "unhealthy"});
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  EXPECT_NE(none.out.find("no lens is unhealthy"), std::string::npos) << none.out;
  RunResult changed = RunSql(server,
                             "SELECT level || ' ' || detail FROM pms_health_events "
                             "WHERE kind = 'status_changed' ORDER BY observed_at");
  // (PostgreSQL prints jsonb with a space after each colon.)
  const std::string compact = std::regex_replace(changed.out, std::regex(" "), "");
  EXPECT_EQ(compact.rfind("info{", 0), 0u) << changed.out;
  EXPECT_NE(compact.find("\"from\":\"unhealthy\""), std::string::npos) << changed.out;
  EXPECT_NE(compact.find("\"to\":\"healthy\""), std::string::npos) << changed.out;
}

TEST_F(MonitorTest, AFlagTurnedOffDisablesTheLensAndIsAnEvent) {
  ASSERT_EQ(Monitor(*server_, {"--once", "--lens", "parts"}).exit_code, 0);
  ASSERT_EQ(server_->Cli({"flags", "set", "PART_LENS_V2_ENABLED", "--enabled", "false"}).exit_code,
            0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the flag snapshot's second
  ClientResponse probe = Execute(UserA("manager"), A().id, "view_low_stock", {});
  ASSERT_TRUE(IsError(probe, 503, "feature_disabled"));

  RunResult off = Monitor(*server_, {"--once", "--lens", "parts"});
  EXPECT_EQ(off.exit_code, 0) << "disabled is not unhealthy: " << off.out << off.err;
  boost::json::object latest = Latest("parts");
  EXPECT_EQ(latest.at("status"), "disabled") << ToJson(latest);
  EXPECT_EQ(latest.at("sample_size"), 0) << "a disabled lens is not probed";
  EXPECT_NE(TextOf(latest.at("notes").at("reason")).find("PART_LENS_V2_ENABLED"),
            std::string::npos);
  RunResult events = RunSql(*server_,
                            "SELECT level || '|' || kind FROM pms_health_events "
                            "WHERE lens_id = 'parts' ORDER BY id");
  EXPECT_EQ(events.out, "info|flag_changed\ninfo|status_changed\n");

  ASSERT_EQ(server_->Cli({"flags", "set", "PART_LENS_V2_ENABLED", "--enabled", "true"}).exit_code,
            0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ASSERT_EQ(Monitor(*server_, {"--once", "--lens", "parts"}).exit_code, 0);
  EXPECT_EQ(Latest("parts").at("status"), "healthy");
  RunResult back = RunSql(*server_,
                          "SELECT detail FROM pms_health_events WHERE kind = 'flag_changed' "
                          "ORDER BY id");
  std::vector<std::pair<bool, bool>> changes;  // from, to
  std::istringstream lines(back.out);
  for (std::string line; std::getline(lines, line);) {
    const boost::json::object detail = JsonObjectOf(line);
    EXPECT_EQ(detail.at("flag"), "PART_LENS_V2_ENABLED") << line;
    changes.emplace_back(detail.at("from").as_bool(), detail.at("to").as_bool());
  }
  const std::vector<std::pair<bool, bool>> expected = {{true, false}, {false, true}};
  EXPECT_EQ(changes, expected) << back.out;
}

TEST_F(MonitorTest, TheLoopKeepsGoingWhileTheServerIsStoppedAndRestarted) {
  const std::string lens_checks = "SELECT count(*) FROM pms_health_checks WHERE lens_id = 'faults'";
  BackgroundCli monitor([&] {
    std::vector<std::string> args =
        MonitorArgs(*server_, {"--lens", "faults", "--interval", "300ms", "--timeout", "1s"});
    args.insert(args.end(), {"--db", server_->db_url()});
    return args;
  }());
  ASSERT_TRUE(WaitForCount(lens_checks, 2, std::chrono::seconds(30))) << monitor.Err();

  ASSERT_GE(server_->TerminateAndWait(std::chrono::seconds(10)), 0);
  ASSERT_TRUE(WaitForCount(lens_checks + " AND status = 'unhealthy'", 2, std::chrono::seconds(30)))
      << "the monitor records the stopped server as unhealthy and goes on: " << monitor.Err();
  server_->Restart();
  ASSERT_TRUE(WaitUntilServing(*server_, std::chrono::seconds(10)));
  const int64_t before = Count(*server_, lens_checks);
  ASSERT_TRUE(WaitForCount(lens_checks, before + 2, std::chrono::seconds(30))) << monitor.Err();
  EXPECT_FALSE(monitor.WaitForExit(std::chrono::milliseconds(0)).has_value())
      << "the monitor is still running";
  monitor.Stop();

  EXPECT_EQ(Latest("faults").at("status"), "healthy");
  // The unhealthy checks say why: probes without an answer.
  RunResult why = RunSql(*server_,
                         "SELECT count(*) FROM pms_health_events WHERE lens_id = 'faults' "
                         "AND kind = 'probe_failed' AND level = 'error'");
  EXPECT_GT(std::stoll(why.out), 0) << why.err;
}

TEST_F(MonitorTest, HistoryReturnsWhatWasWrittenWithHourlyPercentiles) {
  ASSERT_EQ(Monitor(*server_, {"--count", "2", "--interval", "100ms", "--lens", "parts"}).exit_code,
            0);
  ClientResponse r =
      Get(UserA("chief_engineer"), "/v1/ops/health/history?yacht_id=" + A().id + "&lens=parts");
  ASSERT_EQ(r.status, 200) << Describe(r);
  const boost::json::object body = r.Json().as_object();
  EXPECT_EQ(body.at("lens_id"), "parts");
  EXPECT_EQ(body.at("hours"), 24);
  const auto& checks = body.at("checks").as_array();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_GT(TextOf(checks[0].at("observed_at")), TextOf(checks[1].at("observed_at")))
      << "newest first";
  int64_t hourly_checks = 0, hourly_samples = 0;
  for (const auto& h : body.at("hourly").as_array()) {
    hourly_checks += h.at("checks").as_int64();
    hourly_samples += h.at("samples").as_int64();
    EXPECT_TRUE(h.at("p95_ms").is_number());
  }
  EXPECT_EQ(hourly_checks, 2);
  EXPECT_EQ(hourly_samples, 20);
  const auto& summary = body.at("summary").as_object();
  EXPECT_EQ(summary.at("samples"), 20);
  EXPECT_EQ(summary.at("failed_samples"), 0);
  EXPECT_EQ(summary.at("status_counts").at("healthy"), 2);
  EXPECT_TRUE(summary.at("p95_ms").is_number());
  EXPECT_LE(summary.at("p50_ms").to_number<double>(), summary.at("p99_ms").to_number<double>());

  RunResult cli = Ops(*server_, {"ops", "history", "--lens", "parts", "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(JsonObjectOf(cli.out).at("checks"), body.at("checks"));
  RunResult table = Ops(*server_, {"ops", "history", "--lens", "parts"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("parts over the last 24 h: 2 checks, 20 samples"), std::string::npos)
      << table.out;

  // Yacht B's monitor writes B's rows only.
  RunResult b = server_->Cli({"monitor", "--url", UrlOf(*server_), "--token",
                              server_->TokenFor(UserB("manager")), "--yacht", B().id, "--once",
                              "--samples", "1", "--lens", "faults"});
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  ClientResponse a_health = Get(UserA("manager"), "/v1/ops/health?yacht_id=" + A().id);
  EXPECT_EQ(a_health.Json().at("lenses").as_array().size(), 1u) << a_health.body;
  ClientResponse b_health = Get(UserB("manager"), "/v1/ops/health?yacht_id=" + B().id);
  ASSERT_EQ(b_health.Json().at("lenses").as_array().size(), 1u) << b_health.body;
  EXPECT_EQ(b_health.Json().at("lenses").at(0).at("lens_id"), "faults");
}

TEST_F(MonitorTest, HealthReadsAreForHeadsOfDepartmentAndManagers) {
  const std::string q = "?yacht_id=" + A().id;
  for (const std::string& path :
       {"/v1/ops/health" + q, "/v1/ops/health/history" + q + "&lens=parts",
        "/v1/ops/health/unhealthy" + q}) {
    SCOPED_TRACE(path);
    ClientResponse crew = Get(UserA("crew"), path);
    EXPECT_TRUE(IsError(crew, 403, "forbidden_role"));
    EXPECT_EQ(DetailOf(crew, "role"), "crew");
    for (const char* role : {"captain", "chief_engineer", "chief_officer", "manager"}) {
      EXPECT_EQ(Get(UserA(role), path).status, 200) << role;
    }
    EXPECT_TRUE(IsError(Get(UserB("manager"), path), 403, "yacht_access_denied"));
  }
  const std::string history = "/v1/ops/health/history" + q;
  EXPECT_TRUE(IsError(Get(UserA("captain"), history), 400, "missing_field"));
  ClientResponse unknown = Get(UserA("captain"), history + "&lens=nonesuch");
  EXPECT_TRUE(IsError(unknown, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(unknown, "field"), "lens");
  for (const char* hours : {"0", "abc", "9601", "-1", "24h"}) {
    ClientResponse bad = Get(UserA("captain"), history + "&lens=parts&hours=" + hours);
    EXPECT_TRUE(IsError(bad, 400, "invalid_field")) << hours;
    EXPECT_EQ(DetailOf(bad, "field"), "hours");
  }
  ClientResponse crew_cli_like = Get(UserA("crew"), "/v1/ops/health" + q);
  EXPECT_EQ(crew_cli_like.status, 403);
  RunResult crew_ops = RunCelesteCli({"ops", "status", "--url", UrlOf(*server_), "--token",
                                      server_->TokenFor(UserA("crew")), "--yacht", A().id});
  EXPECT_EQ(crew_ops.exit_code, 1) << crew_ops.out << crew_ops.err;
  EXPECT_NE(crew_ops.err.find("403 forbidden_role"), std::string::npos) << crew_ops.err;
}

TEST_F(MonitorTest, MonitorRefusesBadUsageWithExitTwo) {
  const std::string url = UrlOf(*server_);
  const std::string token = server_->TokenFor(UserA("manager"));
  struct Case {
    const char* name;
    std::vector<std::string> args;
  };
  const Case kCases[] = {
      {"no token", {"monitor", "--url", url, "--yacht", A().id, "--once"}},
      {"https url", {"monitor", "--url", "https://x", "--token", token, "--yacht", A().id}},
      {"unknown lens",
       {"monitor", "--url", url, "--token", token, "--yacht", A().id, "--lens", "nonesuch"}},
      {"bad interval",
       {"monitor", "--url", url, "--token", token, "--yacht", A().id, "--interval", "soon"}},
      {"yacht not a uuid", {"monitor", "--url", url, "--token", token, "--yacht", "celeste"}},
      {"a token the server refuses",
       {"monitor", "--url", url, "--token", "not-a-jwt", "--yacht", A().id, "--once"}},
  };
  for (const Case& c : kCases) {
    RunResult r = server_->Cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out << r.err;
  }
  EXPECT_EQ(Count(*server_, "SELECT count(*) FROM pms_health_checks"), 0);
}

TEST_F(MonitorTest, ServeRefusesFaultInjectionUnlessAllowed) {
  const std::string db = "sqlite:" + server_->dir() + "/other.db";
  RunResult refused = RunCelesteCli({"serve", "--db", db, "--listen", "127.0.0.1:0"},
                                    {"CELESTE_FAULT_INJECTION=parts:500:1"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("--allow-fault-injection"), std::string::npos) << refused.err;
  RunResult bad =
      RunCelesteCli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--allow-fault-injection"},
                    {"CELESTE_FAULT_INJECTION=parts:502:1"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("parts:502:1"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace celeste::testing

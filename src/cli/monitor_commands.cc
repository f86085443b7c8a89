// monitor, ops status|history|unhealthy: the Lens Ops health monitor and its reports
// (issue 6, docs/lens-ops.md).
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/json.h"
#include "core/log.h"
#include "lenses/lenses.h"
#include "ops/alert_notifier.h"
#include "ops/http_client.h"
#include "ops/monitor.h"
#include "rollout/rollout_driver.h"

namespace celeste {
namespace {

constexpr int64_t kRollupRetentionDays = 400;

std::atomic<bool> g_stop_requested{false};
extern "C" void RequestStop(int) { g_stop_requested = true; }

std::string Ms(const boost::json::value& v) {
  return v.is_number() ? fmt::format("{:.1f}", v.to_number<double>()) : "-";
}

// "just now", "3 min ago", "2 h ago", "4 d ago".
std::string Age(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) return rfc3339;
  const int64_t s = (SystemClock::Instance().Now() - *t) / kMicrosPerSecond;
  if (s < 60) return "just now";
  if (s < 3600) return fmt::format("{} min ago", s / 60);
  if (s < 48 * 3600) return fmt::format("{} h ago", s / 3600);
  return fmt::format("{} d ago", s / 86400);
}

std::string Text(const boost::json::object& o, std::string_view key) {
  return GetString(o, key).value_or("");
}

// --- monitor ---

struct MonitorCliOptions {
  OpsClientOptions client;
  std::string db = kDefaultDbUrl;
  std::string interval = "15m";
  bool once = false;
  int count = 0;
  std::vector<std::string> lenses;
  int samples = 3;
  std::string timeout = "30s";
  std::string retention = "30d";
  std::vector<std::string> webhooks;  // SEVERITY=URL
  std::string remind_every = "4h";
  bool json = false;
};

void PrintRound(int round, const std::vector<ops::LensCheck>& checks, bool json) {
  if (json) {
    boost::json::array out;
    for (const auto& c : checks) {
      boost::json::object o = health::HealthCheckJson(c.check);
      o["events"] = c.events.size();
      out.push_back(std::move(o));
    }
    PrintJson({{"round", round}, {"checks", std::move(out)}});
    return;
  }
  std::cout << fmt::format("round {}\n{:<15} {:<13} {:>9} {:>8} {:>8}  {}\n", round, "lens",
                           "status", "p95 ms", "errors", "samples", "reason");
  for (const auto& c : checks) {
    const auto& k = c.check;
    std::cout << fmt::format("{:<15} {:<13} {:>9} {:>7.1f}% {:>8}  {}\n", k.lens_id,
                             health::CheckStatusName(k.status),
                             k.p95_ms ? fmt::format("{:.1f}", *k.p95_ms) : "-",
                             k.error_rate_percent, k.sample_size, c.reason);
  }
  std::cout.flush();
}

// Sleeps until `until`, waking early when a stop was requested.
void SleepUntil(std::chrono::steady_clock::time_point until) {
  while (!g_stop_requested && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
}

int RunMonitor(const MonitorCliOptions& o) {
  auto token = ResolveToken(o.client);
  if (!token.ok()) return ReportError(token.status(), o.json);
  auto endpoint = ParseHttpUrl(o.client.url);
  if (!endpoint.ok()) return ReportError(endpoint.status(), o.json);
  auto interval = DurationFlag("--interval", o.interval);
  if (!interval.ok()) return ReportError(interval.status(), o.json);
  auto timeout = DurationFlag("--timeout", o.timeout);
  if (!timeout.ok()) return ReportError(timeout.status(), o.json);
  auto retention = DurationFlag("--retention", o.retention);
  if (!retention.ok()) return ReportError(retention.status(), o.json);
  if (*retention < 3600 * kMicrosPerSecond) {
    // Shorter would delete the previous check, which flag and status changes compare with.
    return ReportError(Status::InvalidRequest("--retention must be at least 1h"), o.json);
  }
  auto remind_every = DurationFlag("--remind-every", o.remind_every);
  if (!remind_every.ok()) return ReportError(remind_every.status(), o.json);
  auto webhooks = WebhooksFlag(o.webhooks);
  if (!webhooks.ok()) return ReportError(webhooks.status(), o.json);

  Registry registry;
  RegisterAllLenses(registry);
  for (const std::string& lens : o.lenses) {
    if (!registry.FindLens(lens)) {
      std::string known;
      for (const auto& l : registry.lenses()) known += (known.empty() ? "" : ", ") + l.id;
      return ReportError(
          Status::InvalidRequest("--lens " + lens + ": no such lens (" + known + ")"), o.json);
    }
  }

  ops::MonitorOptions options;
  options.host = endpoint->host;
  options.port = endpoint->port;
  options.token = *token;
  options.yacht_id = o.client.yacht;
  options.lenses = o.lenses;
  options.samples_per_probe = o.samples;
  options.probe_timeout = std::chrono::milliseconds(*timeout / 1000);
  options.remind_every = *remind_every;

  // A token the server refuses would make every check unhealthy for the wrong reason: say so
  // now. A server that does not answer yet is a finding, not a usage error.
  RolloutActor monitor_actor{"monitor", "monitor"};
  {
    HttpClient client(options.host, options.port, options.probe_timeout);
    auto me = client.Get("/v1/me", {{"authorization", "Bearer " + options.token}});
    if (me.ok() && me->status == 401) {
      return ReportError(Status::InvalidRequest("the server refused the token (401): mint a "
                                                "fresh one with `celeste token`"),
                         o.json);
    }
    // The monitor's account: the actor of the flag changes its rollouts make.
    const boost::json::value me_json = me.ok() ? me->Json() : boost::json::value();
    if (me.ok() && me->status == 200 && me_json.is_object()) {
      if (auto user = me_json.as_object().if_contains("user"); user && user->is_object()) {
        monitor_actor.id = GetString(user->as_object(), "id").value_or(monitor_actor.id);
      }
    }
  }

  auto store = OpenMigratedStore(o.db);
  if (!store.ok()) return ReportError(store.status(), o.json);
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);

  ops::Monitor monitor(registry, **store, options, SystemClock::Instance());
  // Alert notices are delivered on their own thread, so a dead webhook never delays a round.
  ops::AlertNotifier notifier(**store, options.yacht_id, std::move(*webhooks),
                              SystemClock::Instance());
  notifier.Start();
  FlagService flags(**store, registry.AllFlags(), SystemClock::Instance());
  const int rounds = o.once ? 1 : o.count;
  bool failed = false;
  for (int round = 1; !g_stop_requested; ++round) {
    const auto started = std::chrono::steady_clock::now();
    auto checks = monitor.RunRound();
    // Rollouts move on what this round (and the other yachts' monitors) recorded.
    auto rollouts = AdvanceRollouts(**store, flags, monitor_actor, SystemClock::Instance());
    if (!rollouts.ok()) {
      Log(LogLevel::kError, "rollouts not advanced", {{"error", rollouts.status().message()}});
    }
    notifier.Wake();
    if (checks.ok()) {
      PrintRound(round, *checks, o.json);
      failed = std::any_of(checks->begin(), checks->end(), [](const ops::LensCheck& c) {
        return c.check.status == health::CheckStatus::kUnhealthy;
      });
    } else {
      // The loop goes on: the database may come back as the server does.
      Log(LogLevel::kError, "round not recorded",
          {{"round", round}, {"error", checks.status().message()}});
      failed = true;
    }
    auto kept = monitor.ApplyRetention(std::chrono::seconds(*retention / kMicrosPerSecond),
                                       std::chrono::hours(24 * kRollupRetentionDays));
    if (!kept.ok()) {
      Log(LogLevel::kError, "retention failed", {{"error", kept.status().message()}});
    } else if (kept->checks_deleted + kept->rollups_deleted > 0) {
      Log(LogLevel::kInfo, "retention",
          {{"checks_deleted", kept->checks_deleted},
           {"events_deleted", kept->events_deleted},
           {"rollups_deleted", kept->rollups_deleted}});
    }
    if (rounds > 0 && round >= rounds) break;
    SleepUntil(started + std::chrono::microseconds(*interval));
  }
  // Before leaving, give the notices of the last round a chance (retries wait their backoff).
  if (auto left = notifier.Drain(std::chrono::seconds(g_stop_requested ? 5 : 30));
      left.ok() && *left > 0) {
    Log(LogLevel::kWarn, "alert notices left pending; the next monitor delivers them",
        {{"pending", *left}});
  }
  notifier.Stop();
  (*store)->Close();
  return failed ? kExitFailed : kExitOk;
}

// --- ops status | history | unhealthy ---

struct OpsReadOptions {
  OpsClientOptions client;
  std::string lens;
  int hours = 24;
  bool json = false;
};

// GETs `target` with the token; the answer's JSON object, or the error the server gave
// (400s are usage errors, exit 2; anything else exit 1).
Result<boost::json::object> FetchJson(const OpsReadOptions& o, const std::string& target) {
  CELESTE_ASSIGN_OR_RETURN(std::string token, ResolveToken(o.client));
  CELESTE_ASSIGN_OR_RETURN(HttpEndpoint endpoint, ParseHttpUrl(o.client.url));
  HttpClient client(endpoint.host, endpoint.port);
  auto r = client.Get(target, {{"authorization", "Bearer " + token}});
  if (!r.ok())
    return Status::Internal("cannot reach " + o.client.url + ": " + r.status().message());
  boost::json::value json = r->Json();
  if (r->status != 200 || !json.is_object()) {
    const std::string code = json.is_object() ? Text(json.as_object(), "error_code") : "";
    const std::string message = json.is_object() ? Text(json.as_object(), "message") : r->body;
    const std::string text = fmt::format("the server answered {} {}: {}", r->status, code, message);
    return r->status == 400 ? Status::InvalidRequest(text) : Status::Internal(text);
  }
  return std::move(json.as_object());
}

int OpsStatus(const OpsReadOptions& o) {
  auto json = FetchJson(o, "/v1/ops/health?yacht_id=" + o.client.yacht);
  if (!json.ok()) return ReportError(json.status(), o.json);
  if (o.json) {
    PrintJson(*json);
    return kExitOk;
  }
  std::cout << fmt::format("{:<15} {:<13} {:>9} {:>8} {:>8}  {:<14} {}\n", "lens", "status",
                           "p95 ms", "errors", "samples", "checked", "reason");
  for (const auto& v : json->at("lenses").as_array()) {
    const auto& c = v.as_object();
    const auto& notes = c.at("notes").as_object();
    std::cout << fmt::format(
        "{:<15} {:<13} {:>9} {:>7.1f}% {:>8}  {:<14} {}\n", Text(c, "lens_id"), Text(c, "status"),
        Ms(c.at("p95_ms")), GetNumber(c, "error_rate_percent").value_or(0),
        GetInt(c, "sample_size").value_or(0), Age(Text(c, "observed_at")), Text(notes, "reason"));
  }
  for (const auto& v : json->at("never_checked").as_array()) {
    std::cout << fmt::format("{:<15} {:<13}\n", v.as_string().c_str(), "never checked");
  }
  return kExitOk;
}

int OpsHistory(const OpsReadOptions& o) {
  auto json = FetchJson(o, fmt::format("/v1/ops/health/history?yacht_id={}&lens={}&hours={}",
                                       o.client.yacht, o.lens, o.hours));
  if (!json.ok()) return ReportError(json.status(), o.json);
  if (o.json) {
    PrintJson(*json);
    return kExitOk;
  }
  const auto& s = json->at("summary").as_object();
  std::cout << fmt::format(
      "{} over the last {} h: {} checks, {} samples, {:.1f}% failed; p50 {} / p95 {} / p99 {} ms "
      "(SLO p95 {} ms)\n",
      o.lens, o.hours, GetInt(s, "checks").value_or(0), GetInt(s, "samples").value_or(0),
      GetNumber(s, "error_rate_percent").value_or(0), Ms(s.at("p50_ms")), Ms(s.at("p95_ms")),
      Ms(s.at("p99_ms")), GetInt(*json, "slo_p95_ms").value_or(0));
  std::cout << fmt::format("{:<28} {:<13} {:>9} {:>9} {:>9} {:>8}\n", "observed at", "status",
                           "p50 ms", "p95 ms", "p99 ms", "errors");
  for (const auto& v : json->at("checks").as_array()) {
    const auto& c = v.as_object();
    std::cout << fmt::format("{:<28} {:<13} {:>9} {:>9} {:>9} {:>7.1f}%\n", Text(c, "observed_at"),
                             Text(c, "status"), Ms(c.at("p50_ms")), Ms(c.at("p95_ms")),
                             Ms(c.at("p99_ms")), GetNumber(c, "error_rate_percent").value_or(0));
  }
  return kExitOk;
}

int OpsUnhealthy(const OpsReadOptions& o) {
  auto json = FetchJson(o, "/v1/ops/health/unhealthy?yacht_id=" + o.client.yacht);
  if (!json.ok()) return ReportError(json.status(), o.json);
  const auto& lenses = json->at("lenses").as_array();
  if (o.json) {
    PrintJson(*json);
  } else if (lenses.empty()) {
    std::cout << "no lens is unhealthy\n";
  } else {
    for (const auto& v : lenses) {
      const auto& c = v.as_object();
      const auto since = GetString(c, "unhealthy_since");
      std::cout << fmt::format("{}: unhealthy since {} ({}): {}\n", Text(c, "lens_id"),
                               since.value_or("?"), since ? Age(*since) : "?",
                               Text(c.at("notes").as_object(), "reason"));
      for (const auto& e : c.at("events").as_array()) {
        const auto& ev = e.as_object();
        const auto& d = ev.at("detail").as_object();
        std::cout << fmt::format("  {:<7} {:<15} {}\n", Text(ev, "level"), Text(ev, "kind"),
                                 ToJson(d));
      }
    }
  }
  // Like a check: exit 1 while some lens is unhealthy.
  return lenses.empty() ? kExitOk : kExitFailed;
}

}  // namespace

Command AddMonitorCommand(CLI::App& cli) {
  auto o = std::make_shared<MonitorCliOptions>();
  CLI::App* cmd = cli.add_subcommand(
      "monitor", "Probe every lens of a running server and record its health in the database");
  AddOpsClientOptions(cmd, o->client);
  cmd->add_option("--db", o->db, "Database the checks are written to")->capture_default_str();
  cmd->add_option("--interval", o->interval, "Time between rounds (e.g. 30s, 15m, 1h)")
      ->capture_default_str();
  cmd->add_flag("--once", o->once, "Run one round and exit");
  cmd->add_option("--count", o->count, "Stop after this many rounds (0: run until stopped)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--lens", o->lenses, "Check only this lens (repeatable)");
  cmd->add_option("--samples", o->samples, "Samples of each probe per check")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--timeout", o->timeout,
                  "Time a probe may take before it counts as failed (above 10s, so that the "
                  "p99 > 10 s alert can see slow answers)")
      ->capture_default_str();
  cmd->add_option("--retention", o->retention, "How long checks and events are kept")
      ->capture_default_str();
  cmd->add_option("--alert-webhook", o->webhooks,
                  "SEVERITY=URL: where alerts of that severity (critical, warning, info) are "
                  "posted as Slack-compatible JSON (repeatable)");
  cmd->add_option("--remind-every", o->remind_every, "Reminder interval while an alert fires")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "One JSON line per round on stdout instead of a table");
  return {cmd, [o] { return RunMonitor(*o); }};
}

std::vector<Command> AddOpsCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("ops", "Read what the monitor recorded (lens health)");
  group->require_subcommand(1);
  auto make = [group](const char* name, const char* help, auto run, bool history) {
    auto o = std::make_shared<OpsReadOptions>();
    CLI::App* cmd = group->add_subcommand(name, help);
    AddOpsClientOptions(cmd, o->client);
    if (history) {
      cmd->add_option("--lens", o->lens, "The lens")->required();
      cmd->add_option("--hours", o->hours, "How far back")
          ->capture_default_str()
          ->check(CLI::Range(1, 9600));
    }
    cmd->add_flag("--json", o->json, "The server's JSON instead of a table");
    return Command{cmd, [o, run] { return run(*o); }};
  };
  return {make("status", "The latest check of every lens", OpsStatus, false),
          make("history", "One lens's checks and hourly percentiles", OpsHistory, true),
          make("unhealthy", "Lenses whose latest check is unhealthy (exit 1 when any)",
               OpsUnhealthy, false)};
}

}  // namespace celeste

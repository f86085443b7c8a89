#include "ops/monitor.h"

#include <algorithm>

#include "core/json.h"
#include "core/log.h"
#include "core/uuid.h"
#include "health/alert_record.h"
#include "ops/redact.h"

namespace celeste::ops {
namespace {

using health::CheckStatus;
using health::HealthCheck;
using health::HealthEvent;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The level an event about a check with this status carries.
std::string LevelFor(CheckStatus status) {
  switch (status) {
    case CheckStatus::kUnhealthy:
      return "error";
    case CheckStatus::kDegraded:
    case CheckStatus::kInconclusive:
      return "warning";
    default:
      return "info";
  }
}

// "error_code: message" of an error envelope, redacted; "" when the body is not one.
std::string ErrorOf(const ClientResponse& r) {
  boost::json::value json = r.Json();
  if (!json.is_object()) return "";
  auto code = GetString(json.as_object(), "error_code");
  auto message = GetString(json.as_object(), "message");
  if (!code) return "";
  return RedactSecrets(*code + (message ? ": " + *message : ""));
}

}  // namespace

std::string LensKeyword(const LensDef& lens, const Registry& registry) {
  for (const auto& action : registry.actions()) {
    if (action->lens == lens.id && !action->search_keywords.empty()) {
      return action->search_keywords.front();
    }
  }
  return "";
}

std::vector<Probe> LensProbes(const LensDef& lens, const Registry& registry,
                              const std::string& yacht_id) {
  const std::string query = "?yacht_id=" + yacht_id;
  const boost::json::object suggestion{
      {"query", LensKeyword(lens, registry)}, {"yacht_id", yacht_id}, {"domain", lens.id}};
  const boost::json::object execute{{"action", lens.probe_action},
                                    {"context", {{"yacht_id", yacht_id}}},
                                    {"payload", boost::json::object{}}};
  return {
      {"health", Method::kGet, "/v1/actions/health", "", 200},
      {"flags", Method::kGet, "/v1/flags" + query, "", 200},
      {"list", Method::kGet, "/v1/actions/list" + query + "&domain=" + lens.id, "", 200},
      {"suggestions", Method::kPost, "/v1/actions/suggestions", ToJson(suggestion), 200},
      {"execute", Method::kPost, "/v1/actions/execute", ToJson(execute), 200},
  };
}

Monitor::Monitor(const Registry& registry, Store& store, MonitorOptions options, const Clock& clock)
    : registry_(registry),
      store_(store),
      options_(std::move(options)),
      clock_(clock),
      client_(options_.host, options_.port, options_.probe_timeout) {}

std::optional<std::map<std::string, bool>> Monitor::FetchFlags() {
  auto r = client_.Get("/v1/flags?yacht_id=" + options_.yacht_id,
                       {{"authorization", "Bearer " + options_.token}});
  if (!r.ok() || r->status != 200) return std::nullopt;
  boost::json::value json = r->Json();
  if (!json.is_object() || !json.as_object().contains("flags") ||
      !json.as_object().at("flags").is_array()) {
    return std::nullopt;
  }
  std::map<std::string, bool> flags;
  for (const auto& f : json.as_object().at("flags").as_array()) {
    if (!f.is_object()) continue;
    auto name = GetString(f.as_object(), "flag_name");
    auto on = GetBool(f.as_object(), "enabled_for_yacht");
    if (name && on) flags[*name] = *on;
  }
  return flags;
}

health::Sample Monitor::Take(const LensDef& lens, const Probe& probe, LensCheck& out) {
  const auto start = std::chrono::steady_clock::now();
  auto r = client_.Send(probe.method, probe.target, probe.body,
                        {{"authorization", "Bearer " + options_.token}});
  health::Sample sample{probe.name, std::nullopt, MillisSince(start), probe.expected_status};
  std::string error;
  if (r.ok()) {
    sample.http_status = r->status;
    if (r->status != probe.expected_status) error = ErrorOf(*r);
  } else {
    error = RedactSecrets(r.status().message());
  }
  const bool ok = sample.http_status == probe.expected_status;
  const std::string request = std::string(MethodName(probe.method)) + " " + probe.target;
  boost::json::object line{{"lens", lens.id},
                           {"probe", probe.name},
                           {"request", request},
                           {"status", sample.http_status ? boost::json::value(*sample.http_status)
                                                         : boost::json::value(nullptr)},
                           {"expected_status", probe.expected_status},
                           {"latency_ms", sample.latency_ms},
                           {"ok", ok}};
  if (!error.empty()) line["error"] = error;
  Log(ok ? LogLevel::kInfo : LogLevel::kWarn, "probe", line);

  ++out.samples.samples;
  if (sample.http_status) out.samples.latencies.Record(sample.latency_ms);
  if (!ok) {
    ++out.samples.failed;
    const int64_t listed =
        std::count_if(out.events.begin(), out.events.end(),
                      [](const HealthEvent& e) { return e.kind == "probe_failed"; });
    if (listed < options_.max_events_per_check) {
      line.erase("lens");
      line.erase("ok");
      const bool server_side = !sample.http_status || *sample.http_status >= 500;
      out.events.push_back({NewUuidV7(), out.check.id, lens.id, server_side ? "error" : "warning",
                            "probe_failed", std::move(line), out.check.observed_at});
    }
  }
  return sample;
}

LensCheck Monitor::CheckLens(const LensDef& lens,
                             const std::optional<std::map<std::string, bool>>& flags,
                             const std::optional<HealthCheck>& previous) {
  LensCheck out;
  HealthCheck& check = out.check;
  check.id = NewUuidV7();
  check.yacht_id = options_.yacht_id;
  check.lens_id = lens.id;
  check.observed_at = FormatRfc3339(clock_.Now());

  // The lens's flags as the server sees them for this yacht. When they could not be read
  // (the server is down, say), the lens is probed anyway and judged on its answers.
  bool enabled = true;
  std::string off_flag;
  boost::json::object flag_states;
  if (flags) {
    for (const std::string& f : lens.flags) {
      auto it = flags->find(f);
      const bool on = it != flags->end() && it->second;
      flag_states[f] = on;
      if (!on && enabled) {
        enabled = false;
        off_flag = f;
      }
    }
  }
  // A flag that changed since the previous check is an event of this one.
  if (flags && previous) {
    if (auto it = previous->notes.find("flags");
        it != previous->notes.end() && it->value().is_object()) {
      for (const auto& kv : flag_states) {
        auto before = GetBool(it->value().as_object(), kv.key());
        if (!before || *before == kv.value().as_bool()) continue;
        const bool now_on = kv.value().as_bool();
        out.events.push_back(
            {NewUuidV7(), check.id, lens.id, "info", "flag_changed",
             boost::json::object{{"flag", kv.key()},
                                 {"from", *before},
                                 {"to", now_on},
                                 {"effect", now_on ? "the lens's actions answer again"
                                                   : "the lens's actions answer 503 "
                                                     "feature_disabled"}},
             check.observed_at});
      }
    }
  }

  boost::json::object probe_counts;
  boost::json::object counts;  // what the alert rules read (health/alert_record.h)
  if (!enabled) {
    check.status = CheckStatus::kDisabled;
    out.reason = "flag " + off_flag + " is off for this yacht";
  } else {
    std::vector<health::Sample> samples;
    const std::vector<Probe> probes = LensProbes(lens, registry_, options_.yacht_id);
    for (int i = 0; i < options_.samples_per_probe; ++i) {
      for (const Probe& probe : probes) samples.push_back(Take(lens, probe, out));
    }
    for (const Probe& probe : probes) {
      int64_t failed = 0;
      for (const auto& s : samples) {
        if (s.probe == probe.name && s.http_status != s.expected_status) ++failed;
      }
      probe_counts[probe.name] = {{"samples", options_.samples_per_probe}, {"failed", failed}};
    }
    const health::CheckVerdict verdict = health::JudgeCheck(
        samples, {static_cast<double>(lens.slo_p95_ms), options_.min_samples, 5.0});
    check.status = verdict.status;
    check.p50_ms = verdict.p50_ms;
    check.p95_ms = verdict.p95_ms;
    check.p99_ms = verdict.p99_ms;
    check.error_rate_percent = verdict.error_rate_percent;
    check.sample_size = static_cast<int64_t>(verdict.sample_size);
    out.reason = verdict.reason;
    counts = {{"server_errors", verdict.server_errors},
              {"connection_failures", verdict.connection_failures},
              {"unexpected_4xx", verdict.unexpected_4xx}};
  }
  const int64_t omitted = out.samples.failed - std::count_if(out.events.begin(), out.events.end(),
                                                             [](const HealthEvent& e) {
                                                               return e.kind == "probe_failed";
                                                             });
  check.notes = {{"reason", out.reason},
                 {"slo_p95_ms", lens.slo_p95_ms},
                 {"flags", flags ? boost::json::value(flag_states) : boost::json::value(nullptr)},
                 {"probes", std::move(probe_counts)}};
  if (omitted > 0) check.notes["failed_probes_not_listed"] = omitted;
  for (const auto& kv : counts) check.notes[kv.key()] = kv.value();
  check.notes["flag_changes"] =
      std::count_if(out.events.begin(), out.events.end(),
                    [](const HealthEvent& e) { return e.kind == "flag_changed"; });

  if (previous && previous->status != check.status) {
    out.events.push_back({NewUuidV7(), check.id, lens.id, LevelFor(check.status), "status_changed",
                          boost::json::object{{"from", health::CheckStatusName(previous->status)},
                                              {"to", health::CheckStatusName(check.status)},
                                              {"reason", out.reason}},
                          check.observed_at});
  }
  return out;
}

Result<std::vector<LensCheck>> Monitor::RunRound() {
  std::map<std::string, HealthCheck> previous;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, options_.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto latest, health::LatestChecks(tx, options_.yacht_id));
    for (auto& c : latest) previous.emplace(c.lens_id, std::move(c));
    return Status::OK();
  }));
  const auto flags = FetchFlags();
  std::vector<LensCheck> results;
  for (const LensDef& lens : registry_.lenses()) {
    if (!options_.lenses.empty() && std::find(options_.lenses.begin(), options_.lenses.end(),
                                              lens.id) == options_.lenses.end()) {
      continue;
    }
    auto prev = previous.find(lens.id);
    LensCheck result =
        CheckLens(lens, flags,
                  prev == previous.end() ? std::nullopt : std::optional<HealthCheck>(prev->second));
    // The check, its events, its rollup and the alerts it moves: one transaction.
    CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, options_.yacht_id, [&](Tx& tx) -> Status {
      CELESTE_RETURN_IF_ERROR(
          health::InsertHealthCheck(tx, result.check, result.events, result.samples));
      CELESTE_ASSIGN_OR_RETURN(result.alerts,
                               health::JudgeAlerts(tx, result.check, lens.slo_p95_ms, clock_.Now(),
                                                   options_.remind_every));
      return Status::OK();
    }));
    const HealthCheck& c = result.check;
    Log(c.status == CheckStatus::kUnhealthy ? LogLevel::kWarn : LogLevel::kInfo, "check",
        {{"lens", c.lens_id},
         {"status", health::CheckStatusName(c.status)},
         {"p95_ms", c.p95_ms ? boost::json::value(*c.p95_ms) : boost::json::value(nullptr)},
         {"error_rate_percent", c.error_rate_percent},
         {"sample_size", c.sample_size},
         {"events", result.events.size()},
         {"alert_notices", result.alerts.notices.size()},
         {"reason", result.reason},
         {"check_id", c.id}});
    results.push_back(std::move(result));
  }
  return results;
}

Result<health::RetentionResult> Monitor::ApplyRetention(std::chrono::seconds keep_checks,
                                                        std::chrono::seconds keep_rollups) {
  const Micros now = clock_.Now();
  const std::string checks_before = FormatRfc3339(now - keep_checks.count() * kMicrosPerSecond);
  const std::string rollups_before = FormatRfc3339(now - keep_rollups.count() * kMicrosPerSecond);
  health::RetentionResult result;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, options_.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(
        result, health::ApplyRetention(tx, options_.yacht_id, checks_before, rollups_before));
    return Status::OK();
  }));
  return result;
}

}  // namespace celeste::ops

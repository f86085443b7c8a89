// GET /v1/ops/health, /v1/ops/health/history, /v1/ops/health/unhealthy: what the monitor
// recorded (health/health_record.h); GET /v1/ops/alerts and /v1/ops/rollouts: the open
// alerts and each flag's latest rollout. For heads of department and managers.
#include <boost/json/array.hpp>
#include <charconv>

#include "api/request_helpers.h"
#include "api/routes.h"
#include "health/alert_record.h"
#include "health/health_record.h"
#include "rollout/rollout_plan.h"

namespace celeste {
namespace {

constexpr int64_t kDefaultHistoryHours = 24;
constexpr int64_t kMaxHistoryHours = 400 * 24;  // as long as rollups are kept
constexpr int64_t kMaxHistoryChecks = 1000;

boost::json::value OptNumber(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

// The caller's membership, when they are a head of department or a manager.
Result<Membership> ResolveOpsReader(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  if (!IsHod(m.role)) {
    return Status::Forbidden(RoleName(m.role),
                             "only heads of department and managers may read lens health");
  }
  return m;
}

// The latest check of every lens, and the registered lenses never checked yet.
Result<Response> LatestHealth(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveOpsReader(services, request));
  std::vector<health::HealthCheck> latest;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(latest, health::LatestChecks(tx, m.yacht_id));
    return Status::OK();
  }));
  boost::json::array lenses;
  boost::json::array never_checked;
  for (const LensDef& lens : services.registry.lenses()) {
    auto it = std::find_if(latest.begin(), latest.end(),
                           [&](const health::HealthCheck& c) { return c.lens_id == lens.id; });
    if (it == latest.end()) {
      never_checked.emplace_back(lens.id);
      continue;
    }
    boost::json::object o = health::HealthCheckJson(*it);
    o["label"] = lens.label;
    o["slo_p95_ms"] = lens.slo_p95_ms;
    lenses.push_back(std::move(o));
  }
  return JsonOk({{"yacht_id", m.yacht_id},
                 {"lenses", std::move(lenses)},
                 {"never_checked", std::move(never_checked)}});
}

// One lens's checks over the last `hours` (newest first), its hourly rollups (oldest first)
// and a summary whose percentiles come from the rollups' merged latency histograms.
Result<Response> HealthHistory(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveOpsReader(services, request));
  auto lens_param = request.QueryParam("lens");
  if (!lens_param || lens_param->empty()) return Status::MissingField("lens");
  const LensDef* lens = services.registry.FindLens(*lens_param);
  if (!lens) {
    return Status::InvalidField("lens", "no lens '" + std::string(*lens_param) + "'");
  }
  int64_t hours = kDefaultHistoryHours;
  if (auto h = request.QueryParam("hours")) {
    auto [end, ec] = std::from_chars(h->data(), h->data() + h->size(), hours);
    if (ec != std::errc() || end != h->data() + h->size() || hours < 1 ||
        hours > kMaxHistoryHours) {
      return Status::InvalidField("hours", "hours must be a whole number from 1 to 9600");
    }
  }
  const std::string since = FormatRfc3339(services.clock.Now() - hours * 3600 * kMicrosPerSecond);
  std::vector<health::HealthCheck> checks;
  std::vector<health::HourlyRollup> rollups;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(
        checks, health::CheckHistory(tx, m.yacht_id, lens->id, since, kMaxHistoryChecks));
    CELESTE_ASSIGN_OR_RETURN(rollups, health::RollupsSince(tx, m.yacht_id, lens->id, since));
    return Status::OK();
  }));
  boost::json::array check_json;
  for (const auto& c : checks) check_json.push_back(health::HealthCheckJson(c));
  boost::json::array hourly;
  health::LatencyHistogram all;
  int64_t total_checks = 0, samples = 0, failed = 0;
  boost::json::object status_counts;
  for (const auto& r : rollups) {
    hourly.push_back({{"hour", r.hour},
                      {"checks", r.checks},
                      {"status_counts", r.status_counts},
                      {"samples", r.samples},
                      {"failed_samples", r.failed_samples},
                      {"p50_ms", OptNumber(r.latencies.Percentile(50))},
                      {"p95_ms", OptNumber(r.latencies.Percentile(95))},
                      {"p99_ms", OptNumber(r.latencies.Percentile(99))}});
    all.Merge(r.latencies);
    total_checks += r.checks;
    samples += r.samples;
    failed += r.failed_samples;
    for (const auto& kv : r.status_counts) {
      const int64_t n = kv.value().is_int64() ? kv.value().as_int64() : 0;
      auto it = status_counts.find(kv.key());
      status_counts[kv.key()] = (it == status_counts.end() ? 0 : it->value().as_int64()) + n;
    }
  }
  boost::json::object summary{
      {"checks", total_checks},
      {"status_counts", std::move(status_counts)},
      {"samples", samples},
      {"failed_samples", failed},
      {"error_rate_percent",
       samples > 0 ? 100.0 * static_cast<double>(failed) / static_cast<double>(samples) : 0.0},
      {"p50_ms", OptNumber(all.Percentile(50))},
      {"p95_ms", OptNumber(all.Percentile(95))},
      {"p99_ms", OptNumber(all.Percentile(99))}};
  return JsonOk({{"yacht_id", m.yacht_id},
                 {"lens_id", lens->id},
                 {"hours", hours},
                 {"since", since},
                 {"slo_p95_ms", lens->slo_p95_ms},
                 {"summary", std::move(summary)},
                 {"hourly", std::move(hourly)},
                 {"checks", std::move(check_json)}});
}

// The lenses whose latest check is unhealthy: that check, since when, and its events.
Result<Response> UnhealthyLenses(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveOpsReader(services, request));
  boost::json::array lenses;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto latest, health::LatestChecks(tx, m.yacht_id));
    for (const auto& c : latest) {
      if (c.status != health::CheckStatus::kUnhealthy) continue;
      CELESTE_ASSIGN_OR_RETURN(auto since, health::StatusSince(tx, m.yacht_id, c.lens_id,
                                                               health::CheckStatus::kUnhealthy));
      CELESTE_ASSIGN_OR_RETURN(auto events, health::EventsOfCheck(tx, m.yacht_id, c.id));
      boost::json::object o = health::HealthCheckJson(c);
      o["unhealthy_since"] = since ? boost::json::value(*since) : boost::json::value(nullptr);
      boost::json::array event_json;
      for (const auto& e : events) event_json.push_back(health::HealthEventJson(e));
      o["events"] = std::move(event_json);
      lenses.push_back(std::move(o));
    }
    return Status::OK();
  }));
  return JsonOk({{"yacht_id", m.yacht_id}, {"lenses", std::move(lenses)}});
}

// The yacht's open alerts (pending or firing), as `celeste alerts list` shows them.
Result<Response> OpenAlertsRoute(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveOpsReader(services, request));
  boost::json::array alerts;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto open, health::OpenAlerts(tx, m.yacht_id, ""));
    for (const auto& a : open) alerts.push_back(health::AlertJson(a));
    return Status::OK();
  }));
  return JsonOk({{"yacht_id", m.yacht_id}, {"alerts", std::move(alerts)}});
}

// The latest rollout of every flag that has had one (running, paused or ended), in flag
// name order. Rollouts are fleet-wide, as flags are.
Result<Response> LatestRollouts(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveOpsReader(services, request));
  boost::json::array rollouts;
  const std::vector<FlagState> flags = services.flags.List();
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, "", [&](Tx& tx) -> Status {
    for (const FlagState& flag : flags) {
      CELESTE_ASSIGN_OR_RETURN(auto latest, LatestRollout(tx, flag.name));
      if (latest) rollouts.push_back(RolloutJson(*latest));
    }
    return Status::OK();
  }));
  return JsonOk({{"yacht_id", m.yacht_id}, {"rollouts", std::move(rollouts)}});
}

}  // namespace

void RegisterOpsRoutes(Services& services, const AddRoute& add) {
  add(Method::kGet, "/v1/ops/health",
      [&services](Request& r) { return LatestHealth(services, r); });
  add(Method::kGet, "/v1/ops/health/history",
      [&services](Request& r) { return HealthHistory(services, r); });
  add(Method::kGet, "/v1/ops/health/unhealthy",
      [&services](Request& r) { return UnhealthyLenses(services, r); });
  add(Method::kGet, "/v1/ops/alerts",
      [&services](Request& r) { return OpenAlertsRoute(services, r); });
  add(Method::kGet, "/v1/ops/rollouts",
      [&services](Request& r) { return LatestRollouts(services, r); });
}

}  // namespace celeste

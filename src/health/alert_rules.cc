#include "health/alert_rules.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace celeste::health {
namespace {

constexpr double kP99LimitMs = 10'000;
constexpr double kErrorRateLimitPercent = 1;

// The one-shot rule: it reports a change, which has no lasting condition to clear.
constexpr std::string_view kFlagToggled = "flag_toggled";

std::string Finding(const AlertRule& rule, const CheckFacts& c) {
  const auto ms = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.1f}", *v) : "-";
  };
  if (rule.id == "any_5xx") return fmt::format("{} probe(s) answered 5xx", c.server_errors);
  if (rule.id == "p99_over_10s") return fmt::format("p99 {} ms above 10000 ms", ms(c.p99_ms));
  if (rule.id == "unhealthy_twice") return "unhealthy: " + c.reason;
  if (rule.id == "error_rate_over_1_percent") {
    return fmt::format("error rate {:.1f} % above 1 %", c.error_rate_percent);
  }
  if (rule.id == "p95_over_slo") {
    return fmt::format("p95 {} ms above the SLO {:.0f} ms", ms(c.p95_ms), c.slo_p95_ms);
  }
  return fmt::format("{} flag change(s); now {}: {}", c.flag_changes, CheckStatusName(c.status),
                     c.reason);
}

std::string NoticeText(NoticeKind kind, const Alert& a, const std::string& check_id) {
  std::string severity(AlertSeverityName(a.severity));
  std::transform(severity.begin(), severity.end(), severity.begin(), ::toupper);
  switch (kind) {
    case NoticeKind::kFiring:
      return fmt::format("[{}] FIRING {} on lens {} (yacht {}): {} (check {})", severity, a.rule,
                         a.lens_id, a.yacht_id, a.summary, check_id);
    case NoticeKind::kReminder:
      return fmt::format("[{}] STILL FIRING since {}: {} on lens {} (yacht {}): {}", severity,
                         a.fired_at, a.rule, a.lens_id, a.yacht_id, a.summary);
    case NoticeKind::kResolved:
      return fmt::format("[{}] RESOLVED {} on lens {} (yacht {}), firing since {} (check {})",
                         severity, a.rule, a.lens_id, a.yacht_id, a.fired_at, check_id);
    case NoticeKind::kRollback:
      break;  // written by the rollout driver
  }
  return "";
}

}  // namespace

std::string_view AlertSeverityName(AlertSeverity severity) {
  switch (severity) {
    case AlertSeverity::kCritical:
      return "critical";
    case AlertSeverity::kWarning:
      return "warning";
    case AlertSeverity::kInfo:
      return "info";
  }
  return "info";
}

std::optional<AlertSeverity> ParseAlertSeverity(std::string_view name) {
  for (AlertSeverity s :
       {AlertSeverity::kCritical, AlertSeverity::kWarning, AlertSeverity::kInfo}) {
    if (AlertSeverityName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    case AlertState::kResolved:
      return "resolved";
  }
  return "resolved";
}

std::optional<AlertState> ParseAlertState(std::string_view name) {
  for (AlertState s : {AlertState::kPending, AlertState::kFiring, AlertState::kResolved}) {
    if (AlertStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view NoticeKindName(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::kFiring:
      return "firing";
    case NoticeKind::kReminder:
      return "reminder";
    case NoticeKind::kResolved:
      return "resolved";
    case NoticeKind::kRollback:
      return "rollback";
  }
  return "firing";
}

const std::vector<AlertRule>& AlertRules() {
  static const std::vector<AlertRule> kRules = {
      {"any_5xx", AlertSeverity::kCritical, 1, "a probe was answered with a 5xx"},
      {"p99_over_10s", AlertSeverity::kCritical, 2, "p99 above 10 s in two consecutive checks"},
      {"unhealthy_twice", AlertSeverity::kCritical, 2, "unhealthy in two consecutive checks"},
      {"error_rate_over_1_percent", AlertSeverity::kWarning, 1, "error rate above 1 %"},
      {"p95_over_slo", AlertSeverity::kWarning, 1, "p95 above the lens's SLO"},
      {kFlagToggled, AlertSeverity::kInfo, 1, "one of the lens's flags changed"},
  };
  return kRules;
}

const AlertRule* FindAlertRule(std::string_view id) {
  for (const AlertRule& r : AlertRules()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

bool RuleHolds(const AlertRule& rule, const CheckFacts& c) {
  if (rule.id == "any_5xx") return c.server_errors > 0;
  if (rule.id == "p99_over_10s") return c.p99_ms && *c.p99_ms > kP99LimitMs;
  if (rule.id == "unhealthy_twice") return c.status == CheckStatus::kUnhealthy;
  if (rule.id == "error_rate_over_1_percent") return c.error_rate_percent > kErrorRateLimitPercent;
  if (rule.id == "p95_over_slo") return c.p95_ms && *c.p95_ms > c.slo_p95_ms;
  if (rule.id == kFlagToggled) return c.flag_changes > 0;
  return false;
}

AlertChanges EvaluateLensAlerts(const CheckFacts& check, const std::vector<Alert>& open_alerts,
                                const std::string& yacht_id, Micros now, Micros remind_every,
                                const std::function<std::string()>& new_id) {
  const std::string now_text = FormatRfc3339(now);
  std::map<std::string_view, Alert> alerts;  // by rule
  for (const Alert& a : open_alerts) {
    const AlertRule* rule = FindAlertRule(a.rule);  // a rule since retired is left alone
    if (rule && a.lens_id == check.lens_id) alerts.emplace(rule->id, a);
  }
  std::map<std::string_view, bool> changed, just_resolved;

  // 1. Each rule on this check (a check already judged adds nothing).
  for (const AlertRule& rule : AlertRules()) {
    auto it = alerts.find(rule.id);
    if (it != alerts.end() && it->second.last_check_id == check.check_id) continue;
    if (RuleHolds(rule, check)) {
      if (it == alerts.end()) {
        Alert a;
        a.id = new_id();
        a.yacht_id = yacht_id;
        a.rule = std::string(rule.id);
        a.lens_id = check.lens_id;
        a.severity = rule.severity;
        a.started_at = now_text;
        it = alerts.emplace(rule.id, std::move(a)).first;
      }
      Alert& a = it->second;
      ++a.hits;
      a.summary = Finding(rule, check);
      a.last_check_id = check.check_id;
      if (a.state == AlertState::kPending && a.hits >= rule.consecutive) {
        a.state = AlertState::kFiring;
        a.fired_at = now_text;
      }
      changed[rule.id] = true;
    } else if (it != alerts.end()) {
      Alert& a = it->second;
      a.last_check_id = check.check_id;
      a.state = AlertState::kResolved;
      a.resolved_at = now_text;
      a.silenced_by.clear();
      changed[rule.id] = just_resolved[rule.id] = true;
    }
  }

  // 2. Notices, with a firing critical silencing the lens's warnings.
  std::string critical;
  for (const auto& [rule, a] : alerts) {
    if (a.severity == AlertSeverity::kCritical && a.state == AlertState::kFiring) critical = a.id;
  }
  AlertChanges out;
  for (const AlertRule& rule : AlertRules()) {
    auto it = alerts.find(rule.id);
    if (it == alerts.end()) continue;
    Alert& a = it->second;
    const auto notify = [&](NoticeKind kind) {
      out.notices.push_back({a.id, kind, a.severity, NoticeText(kind, a, check.check_id)});
      a.last_notified_at = now_text;
      changed[rule.id] = true;
    };
    const bool announced = !a.last_notified_at.empty();
    if (a.state == AlertState::kFiring) {
      const std::string silenced_by = a.severity == AlertSeverity::kWarning ? critical : "";
      if (silenced_by != a.silenced_by) {
        a.silenced_by = silenced_by;
        changed[rule.id] = true;
      }
      if (!silenced_by.empty()) continue;
      if (!announced) {
        notify(NoticeKind::kFiring);
      } else if (auto last = ParseRfc3339(a.last_notified_at);
                 last && now - *last >= remind_every) {
        notify(NoticeKind::kReminder);
      }
      if (rule.id == kFlagToggled) {
        a.state = AlertState::kResolved;
        a.resolved_at = now_text;
      }
    } else if (just_resolved[rule.id] && announced) {
      notify(NoticeKind::kResolved);
    }
  }
  for (const AlertRule& rule : AlertRules()) {
    if (changed[rule.id]) out.alerts.push_back(alerts.at(rule.id));
  }
  return out;
}

}  // namespace celeste::health

// The alert rules (issue 6, docs/lens-ops.md "Alerts"): six rules judged after every check
// of a lens, and what each judgement changes. Pure: the caller reads the lens's open alerts,
// calls EvaluateLensAlerts, and writes back what it returns (health/alert_record.h), in the
// check's own transaction.
//
// An alert is one (rule, lens, yacht) that holds: never two open at once (the database
// enforces it). It is `pending` while its rule has held on fewer consecutive checks than the
// rule needs, `firing` from then on, and `resolved` on the first check where the rule no
// longer holds. Notices: one when it fires, a reminder every `remind_every` while it fires,
// one when a fired alert resolves. A pending alert that clears resolves silently. While a
// critical alert of a lens fires, the lens's warnings are silenced: they keep their state
// but send no firing notice nor reminder, and one that was never announced is announced
// once the critical clears. A warning announced before the critical fired is still
// resolved aloud: whoever heard it fire hears it end.
// "flag_toggled" is a one-shot: it fires and resolves with the check that saw the change.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "health/check_status.h"

namespace celeste::health {

enum class AlertSeverity { kCritical, kWarning, kInfo };
std::string_view AlertSeverityName(AlertSeverity severity);  // "critical", ...
std::optional<AlertSeverity> ParseAlertSeverity(std::string_view name);

struct AlertRule {
  std::string_view id;
  AlertSeverity severity;
  int consecutive;  // checks in a row the condition must hold before the alert fires
  std::string_view description;
};
// The six rules, critical first.
const std::vector<AlertRule>& AlertRules();
const AlertRule* FindAlertRule(std::string_view id);

// What the rules look at in one check.
struct CheckFacts {
  std::string check_id;
  std::string lens_id;
  CheckStatus status = CheckStatus::kHealthy;
  std::optional<double> p95_ms, p99_ms;
  double error_rate_percent = 0;
  int64_t server_errors = 0;  // 5xx answers
  int64_t flag_changes = 0;   // flag_changed events of this check
  double slo_p95_ms = 500;
  std::string reason;  // the check's one-line reason
};

// Whether `rule`'s condition holds on this one check.
bool RuleHolds(const AlertRule& rule, const CheckFacts& check);

enum class AlertState { kPending, kFiring, kResolved };
std::string_view AlertStateName(AlertState state);
std::optional<AlertState> ParseAlertState(std::string_view name);

// A pms_alerts row.
struct Alert {
  std::string id;
  std::string yacht_id;
  std::string rule;
  std::string lens_id;
  AlertSeverity severity = AlertSeverity::kWarning;
  AlertState state = AlertState::kPending;
  int64_t hits = 0;              // consecutive checks the rule has held on
  std::string summary;           // the latest finding, one line
  std::string started_at;        // the first check it held on
  std::string fired_at;          // "" until it fires
  std::string resolved_at;       // "" until it resolves
  std::string last_check_id;     // the check last judged
  std::string last_notified_at;  // "" until a notice was queued: "announced"
  std::string silenced_by;       // a firing critical alert's id, "" when not silenced
};

// kRollback: a rollout this alert rolled back (rollout/rollout_driver.h).
enum class NoticeKind { kFiring, kReminder, kResolved, kRollback };
std::string_view NoticeKindName(NoticeKind kind);

// A notice to deliver (the outbox row is written with the alert change).
struct Notice {
  std::string alert_id;
  NoticeKind kind = NoticeKind::kFiring;
  AlertSeverity severity = AlertSeverity::kWarning;
  std::string text;  // Slack-compatible message text
};

struct AlertChanges {
  std::vector<Alert> alerts;  // every alert created or changed (open or just resolved)
  std::vector<Notice> notices;
};

// Judges every rule on `check` (the lens's newest) against the lens's open alerts. Judging
// the same check twice adds no hit: only reminders can be due then. `new_id` makes ids.
AlertChanges EvaluateLensAlerts(const CheckFacts& check, const std::vector<Alert>& open_alerts,
                                const std::string& yacht_id, Micros now, Micros remind_every,
                                const std::function<std::string()>& new_id);

}  // namespace celeste::health

// The alert tables (migration 0010): alerts and their notices' outbox. Shared by the
// monitor (which judges each check in the check's own transaction), the notifier (which
// delivers the outbox) and `celeste alerts`. Every function runs in the caller's
// transaction, scoped to the yacht.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "health/alert_rules.h"
#include "health/health_record.h"
#include "store/store.h"

namespace celeste::health {

// What the rules need from a check (its notes carry the counts; see ops::Monitor).
CheckFacts FactsOfCheck(const HealthCheck& check, double slo_p95_ms);

// The yacht's open (pending or firing) alerts of one lens ("" for every lens).
Result<std::vector<Alert>> OpenAlerts(Tx& tx, const std::string& yacht_id,
                                      const std::string& lens_id);
// Writes the alerts EvaluateLensAlerts changed and queues its notices (status pending).
Status SaveAlertChanges(Tx& tx, const std::string& yacht_id, const AlertChanges& changes,
                        Micros now);
// Judges the rules on `check` and saves what changed: the one call the monitor and `celeste
// alerts check` make, inside the transaction that holds the check. Judges of one lens take
// turns; a check that is no longer the lens's newest is not judged (nothing changes), and
// a check judged before adds nothing but due reminders.
Result<AlertChanges> JudgeAlerts(Tx& tx, const HealthCheck& check, double slo_p95_ms, Micros now,
                                 Micros remind_every);
// The alerts of the yacht, open ones first, then the most recently changed.
Result<std::vector<Alert>> RecentAlerts(Tx& tx, const std::string& yacht_id, int64_t limit);

// A pms_alert_notifications row.
struct AlertNotification {
  std::string id;
  std::string alert_id;
  NoticeKind kind = NoticeKind::kFiring;
  AlertSeverity severity = AlertSeverity::kWarning;
  std::string text;
  std::string status;  // pending, delivered, failed
  int64_t attempts = 0;
  std::string webhook;  // host:port of the last attempt
  std::optional<int64_t> last_status_code;
  std::string last_error;
  std::string next_attempt_at;
  std::string created_at;
  std::string updated_at;
};

// Claims the pending notices of these severities due at `now`, oldest first: each is
// leased (not due for anyone else) until now + lease, so two notifiers never post one
// notice twice; a notifier that dies mid-delivery leaves it to the next after the lease.
Result<std::vector<AlertNotification>> ClaimDueNotifications(
    Tx& tx, const std::string& yacht_id, const std::vector<AlertSeverity>& severities, Micros now,
    Micros lease, int64_t limit);
// Notices of these severities still pending (due or waiting for a retry).
Result<int64_t> PendingNotificationCount(Tx& tx, const std::string& yacht_id,
                                         const std::vector<AlertSeverity>& severities);
// Records one delivery attempt: the row's new status, what the webhook answered (or the
// error) and, while pending, when to try again. False (nothing written) when the row is no
// longer the pending one with `attempts_before` attempts that was claimed.
Result<bool> RecordNotificationAttempt(Tx& tx, const std::string& yacht_id,
                                       const AlertNotification& attempt, int64_t attempts_before,
                                       Micros now);
// The notices of the yacht, newest first.
Result<std::vector<AlertNotification>> RecentNotifications(Tx& tx, const std::string& yacht_id,
                                                           int64_t limit);

boost::json::object AlertJson(const Alert& alert);
boost::json::object AlertNotificationJson(const AlertNotification& notification);

}  // namespace celeste::health

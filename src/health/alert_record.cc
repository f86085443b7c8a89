#include "health/alert_record.h"

#include "core/json.h"
#include "core/uuid.h"

namespace celeste::health {
namespace {

#define CELESTE_ALERT_COLUMNS                                                           \
  "id, yacht_id, rule, lens_id, severity, state, hits, summary, started_at, fired_at, " \
  "resolved_at, last_check_id, last_notified_at, silenced_by"

const Sql kOpenAlerts{"SELECT " CELESTE_ALERT_COLUMNS
                      " FROM pms_alerts WHERE yacht_id = $1 AND ($2 = '' OR lens_id = $2) "
                      "AND (state = 'pending' OR state = 'firing') ORDER BY lens_id, rule",
                      "SELECT " CELESTE_ALERT_COLUMNS
                      " FROM pms_alerts WHERE yacht_id = $1 AND ($2::text = '' OR lens_id = "
                      "$2::text) AND state IN ('pending', 'firing') ORDER BY lens_id, rule"};
// Judging a lens takes a lock on (yacht, lens) until the commit on PostgreSQL, so two
// judges (two monitors, a monitor and `alerts check`) take turns: a row lock could not
// cover an alert not created yet. SQLite's one writer serialises them anyway.
const Sql kLockLens{"SELECT $1 || ':' || $2",
                    "SELECT pg_advisory_xact_lock(hashtext($1::text || ':' || $2::text))"};
// The lens's newest check: only it is judged.
const Sql kNewestCheck{
    "SELECT id FROM pms_health_checks WHERE yacht_id = $1 AND lens_id = $2 "
    "ORDER BY observed_at DESC, id DESC LIMIT 1"};
// Alerts this check already resolved (a one-shot flag_toggled among them): judged already.
const Sql kResolvedByCheck{"SELECT " CELESTE_ALERT_COLUMNS
                           " FROM pms_alerts WHERE yacht_id = $1 AND lens_id = $2 AND "
                           "last_check_id = $3 AND state = 'resolved'"};
const Sql kUpsertAlert{
    "INSERT INTO pms_alerts (" CELESTE_ALERT_COLUMNS
    ", updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
    "ON CONFLICT (yacht_id, id) DO UPDATE SET state = excluded.state, hits = excluded.hits, "
    "summary = excluded.summary, fired_at = excluded.fired_at, "
    "resolved_at = excluded.resolved_at, last_check_id = excluded.last_check_id, "
    "last_notified_at = excluded.last_notified_at, silenced_by = excluded.silenced_by, "
    "updated_at = excluded.updated_at"};
const Sql kRecentAlerts{"SELECT " CELESTE_ALERT_COLUMNS
                        " FROM pms_alerts WHERE yacht_id = $1 ORDER BY "
                        "CASE WHEN state = 'resolved' THEN 1 ELSE 0 END, updated_at DESC, id DESC "
                        "LIMIT $2"};
const Sql kInsertNotification{
    "INSERT INTO pms_alert_notifications (id, yacht_id, alert_id, kind, severity, text, "
    "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)"};

#define CELESTE_NOTIFICATION_COLUMNS                                                  \
  "id, alert_id, kind, severity, text, status, attempts, webhook, last_status_code, " \
  "last_error, next_attempt_at, created_at, updated_at"

// Due notices of the severities a notifier serves ($3..$5; "" for none), locked on
// PostgreSQL so that two notifiers skip each other's rows while one claims them.
const Sql kDueNotifications{
    "SELECT " CELESTE_NOTIFICATION_COLUMNS
    " FROM pms_alert_notifications WHERE yacht_id = $1 AND status = 'pending' AND "
    "next_attempt_at <= $2 AND (severity = $3 OR severity = $4 OR severity = $5) "
    "ORDER BY created_at, id LIMIT $6",
    "SELECT " CELESTE_NOTIFICATION_COLUMNS
    " FROM pms_alert_notifications WHERE yacht_id = $1 AND status = 'pending' AND "
    "next_attempt_at <= $2 AND severity IN ($3, $4, $5) "
    "ORDER BY created_at, id LIMIT $6 FOR UPDATE SKIP LOCKED"};
// A claim: the notice is not due again for anyone until the lease ends.
const Sql kLease{
    "UPDATE pms_alert_notifications SET next_attempt_at = $3 WHERE yacht_id = $1 AND id = $2"};
const Sql kPendingCount{
    "SELECT count(*) FROM pms_alert_notifications WHERE yacht_id = $1 AND status = 'pending' "
    "AND (severity = $2 OR severity = $3 OR severity = $4)"};
const Sql kRecordAttempt{
    "UPDATE pms_alert_notifications SET status = $3, attempts = $4, webhook = $5, "
    "last_status_code = $6, last_error = $7, next_attempt_at = $8, updated_at = $9 "
    "WHERE yacht_id = $1 AND id = $2 AND status = 'pending' AND attempts = $10"};
const Sql kRecentNotifications{"SELECT " CELESTE_NOTIFICATION_COLUMNS
                               " FROM pms_alert_notifications WHERE yacht_id = $1 "
                               "ORDER BY created_at DESC, id DESC LIMIT $2"};

std::optional<std::string> OrNull(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Result<Alert> AlertFromRow(const Row& row) {
  Alert a;
  a.id = row.Text(0);
  a.yacht_id = row.Text(1);
  a.rule = row.Text(2);
  a.lens_id = row.Text(3);
  auto severity = ParseAlertSeverity(row.Text(4));
  auto state = ParseAlertState(row.Text(5));
  if (!severity || !state) return Status::Internal("pms_alerts: bad severity or state");
  a.severity = *severity;
  a.state = *state;
  a.hits = row.Int(6);
  a.summary = row.Text(7);
  a.started_at = row.Text(8);
  a.fired_at = row.Text(9);
  a.resolved_at = row.Text(10);
  a.last_check_id = row.Text(11);
  a.last_notified_at = row.Text(12);
  a.silenced_by = row.Text(13);
  return a;
}

Result<std::vector<Alert>> AlertsFromRows(const Rows& rows) {
  return FromRows<Alert>(rows, AlertFromRow);
}

Result<AlertNotification> NotificationFromRow(const Row& row) {
  AlertNotification n;
  n.id = row.Text(0);
  n.alert_id = row.Text(1);
  const std::string kind = row.Text(2);
  n.kind = kind == "reminder"   ? NoticeKind::kReminder
           : kind == "resolved" ? NoticeKind::kResolved
           : kind == "rollback" ? NoticeKind::kRollback
                                : NoticeKind::kFiring;
  auto severity = ParseAlertSeverity(row.Text(3));
  if (!severity) return Status::Internal("pms_alert_notifications: bad severity");
  n.severity = *severity;
  n.text = row.Text(4);
  n.status = row.Text(5);
  n.attempts = row.Int(6);
  n.webhook = row.Text(7);
  if (!row.IsNull(8)) n.last_status_code = row.Int(8);
  n.last_error = row.Text(9);
  n.next_attempt_at = row.Text(10);
  n.created_at = row.Text(11);
  n.updated_at = row.Text(12);
  return n;
}

Result<std::vector<AlertNotification>> NotificationsFromRows(const Rows& rows) {
  return FromRows<AlertNotification>(rows, NotificationFromRow);
}

}  // namespace

CheckFacts FactsOfCheck(const HealthCheck& check, double slo_p95_ms) {
  CheckFacts f;
  f.check_id = check.id;
  f.lens_id = check.lens_id;
  f.status = check.status;
  f.p95_ms = check.p95_ms;
  f.p99_ms = check.p99_ms;
  f.error_rate_percent = check.error_rate_percent;
  f.server_errors = GetInt(check.notes, "server_errors").value_or(0);
  f.flag_changes = GetInt(check.notes, "flag_changes").value_or(0);
  f.slo_p95_ms = slo_p95_ms;
  f.reason = GetString(check.notes, "reason").value_or("");
  return f;
}

Result<std::vector<Alert>> OpenAlerts(Tx& tx, const std::string& yacht_id,
                                      const std::string& lens_id) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kOpenAlerts, {yacht_id, lens_id}));
  return AlertsFromRows(rows);
}

Status SaveAlertChanges(Tx& tx, const std::string& yacht_id, const AlertChanges& changes,
                        Micros now) {
  const std::string now_text = FormatRfc3339(now);
  for (const Alert& a : changes.alerts) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(
        kUpsertAlert,
        {a.id, yacht_id, a.rule, a.lens_id, AlertSeverityName(a.severity), AlertStateName(a.state),
         a.hits, a.summary, a.started_at, OrNull(a.fired_at), OrNull(a.resolved_at),
         a.last_check_id, OrNull(a.last_notified_at), OrNull(a.silenced_by), now_text},
        1));
  }
  for (const Notice& n : changes.notices) {
    CELESTE_RETURN_IF_ERROR(
        tx.ExecDeferred(kInsertNotification,
                        {NewUuidV7(), yacht_id, n.alert_id, NoticeKindName(n.kind),
                         AlertSeverityName(n.severity), n.text, now_text},
                        1));
  }
  return Status::OK();
}

Result<AlertChanges> JudgeAlerts(Tx& tx, const HealthCheck& check, double slo_p95_ms, Micros now,
                                 Micros remind_every) {
  CELESTE_RETURN_IF_ERROR(tx.Query(kLockLens, {check.yacht_id, check.lens_id}).status());
  CELESTE_ASSIGN_OR_RETURN(auto newest, tx.QueryOne(kNewestCheck, {check.yacht_id, check.lens_id}));
  if (!newest || newest->Text(0) != check.id) return AlertChanges{};  // a newer check decides
  CELESTE_ASSIGN_OR_RETURN(auto open, OpenAlerts(tx, check.yacht_id, check.lens_id));
  CELESTE_ASSIGN_OR_RETURN(Rows rows,
                           tx.Query(kResolvedByCheck, {check.yacht_id, check.lens_id, check.id}));
  CELESTE_ASSIGN_OR_RETURN(auto judged, AlertsFromRows(rows));
  open.insert(open.end(), judged.begin(), judged.end());
  AlertChanges changes = EvaluateLensAlerts(FactsOfCheck(check, slo_p95_ms), open, check.yacht_id,
                                            now, remind_every, NewUuidV7);
  CELESTE_RETURN_IF_ERROR(SaveAlertChanges(tx, check.yacht_id, changes, now));
  return changes;
}

Result<std::vector<Alert>> RecentAlerts(Tx& tx, const std::string& yacht_id, int64_t limit) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kRecentAlerts, {yacht_id, limit}));
  return AlertsFromRows(rows);
}

Result<std::vector<AlertNotification>> ClaimDueNotifications(
    Tx& tx, const std::string& yacht_id, const std::vector<AlertSeverity>& severities, Micros now,
    Micros lease, int64_t limit) {
  if (severities.empty()) return std::vector<AlertNotification>{};
  Params params{yacht_id, FormatRfc3339(now)};
  for (size_t i = 0; i < 3; ++i) {
    params.emplace_back(i < severities.size() ? std::string(AlertSeverityName(severities[i]))
                                              : std::string());
  }
  params.emplace_back(limit);
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kDueNotifications, params));
  CELESTE_ASSIGN_OR_RETURN(auto due, NotificationsFromRows(rows));
  const std::string until = FormatRfc3339(now + lease);
  for (const auto& n : due) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kLease, {yacht_id, n.id, until}, 1));
  }
  return due;
}

Result<int64_t> PendingNotificationCount(Tx& tx, const std::string& yacht_id,
                                         const std::vector<AlertSeverity>& severities) {
  Params params{yacht_id};
  for (size_t i = 0; i < 3; ++i) {
    params.emplace_back(i < severities.size() ? std::string(AlertSeverityName(severities[i]))
                                              : std::string());
  }
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kPendingCount, params));
  return row ? row->Int(0) : 0;
}

Result<bool> RecordNotificationAttempt(Tx& tx, const std::string& yacht_id,
                                       const AlertNotification& n, int64_t attempts_before,
                                       Micros now) {
  CELESTE_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec(kRecordAttempt,
              {yacht_id, n.id, n.status, n.attempts, OrNull(n.webhook), n.last_status_code,
               OrNull(n.last_error), n.next_attempt_at, FormatRfc3339(now), attempts_before}));
  return changed == 1;
}

Result<std::vector<AlertNotification>> RecentNotifications(Tx& tx, const std::string& yacht_id,
                                                           int64_t limit) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kRecentNotifications, {yacht_id, limit}));
  return NotificationsFromRows(rows);
}

boost::json::object AlertJson(const Alert& a) {
  const auto opt = [](const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  };
  return {{"id", a.id},
          {"rule", a.rule},
          {"lens_id", a.lens_id},
          {"severity", AlertSeverityName(a.severity)},
          {"state", AlertStateName(a.state)},
          {"hits", a.hits},
          {"summary", a.summary},
          {"started_at", a.started_at},
          {"fired_at", opt(a.fired_at)},
          {"resolved_at", opt(a.resolved_at)},
          {"last_check_id", a.last_check_id},
          {"last_notified_at", opt(a.last_notified_at)},
          {"silenced_by", opt(a.silenced_by)}};
}

boost::json::object AlertNotificationJson(const AlertNotification& n) {
  return {
      {"id", n.id},
      {"alert_id", n.alert_id},
      {"kind", NoticeKindName(n.kind)},
      {"severity", AlertSeverityName(n.severity)},
      {"text", n.text},
      {"status", n.status},
      {"attempts", n.attempts},
      {"webhook", n.webhook.empty() ? boost::json::value(nullptr) : boost::json::value(n.webhook)},
      {"last_status_code",
       n.last_status_code ? boost::json::value(*n.last_status_code) : boost::json::value(nullptr)},
      {"last_error",
       n.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(n.last_error)},
      {"next_attempt_at", n.next_attempt_at},
      {"created_at", n.created_at},
      {"updated_at", n.updated_at}};
}

}  // namespace celeste::health

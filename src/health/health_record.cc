#include "health/health_record.h"

#include "core/json.h"

namespace celeste::health {
namespace {

#define CELESTE_CHECK_COLUMNS                                                                \
  "id, yacht_id, lens_id, status, p50_ms, p95_ms, p99_ms, error_rate_percent, sample_size, " \
  "observed_at, notes"

const Sql kInsertCheck{"INSERT INTO pms_health_checks (" CELESTE_CHECK_COLUMNS
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};
const Sql kInsertEvent{
    "INSERT INTO pms_health_events (id, yacht_id, check_id, lens_id, level, kind, detail, "
    "observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
const Sql kTouchRollup{
    "INSERT INTO pms_health_rollups (yacht_id, lens_id, hour) VALUES ($1, $2, $3) "
    "ON CONFLICT (yacht_id, lens_id, hour) DO NOTHING"};
// The row is locked until the commit on PostgreSQL; SQLite's one writer serialises anyway.
const Sql kRollupForUpdate{
    "SELECT checks, status_counts, samples, failed_samples, histogram FROM pms_health_rollups "
    "WHERE yacht_id = $1 AND lens_id = $2 AND hour = $3",
    "SELECT checks, status_counts, samples, failed_samples, histogram FROM pms_health_rollups "
    "WHERE yacht_id = $1 AND lens_id = $2 AND hour = $3 FOR UPDATE"};
const Sql kUpdateRollup{
    "UPDATE pms_health_rollups SET checks = $4, status_counts = $5, samples = $6, "
    "failed_samples = $7, histogram = $8 WHERE yacht_id = $1 AND lens_id = $2 AND hour = $3"};
const Sql kLatestChecks{
    "SELECT " CELESTE_CHECK_COLUMNS
    " FROM pms_health_checks c WHERE c.yacht_id = $1 "
    "AND c.observed_at = (SELECT max(observed_at) FROM pms_health_checks l "
    "WHERE l.yacht_id = c.yacht_id AND l.lens_id = c.lens_id) ORDER BY c.lens_id, c.id DESC"};
const Sql kHistory{"SELECT " CELESTE_CHECK_COLUMNS
                   " FROM pms_health_checks WHERE yacht_id = $1 AND lens_id = $2 "
                   "AND observed_at >= $3 ORDER BY observed_at DESC, id DESC LIMIT $4"};
const Sql kEventsOfCheck{
    "SELECT id, check_id, lens_id, level, kind, detail, observed_at FROM pms_health_events "
    "WHERE yacht_id = $1 AND check_id = $2 ORDER BY id"};
const Sql kLastOtherStatus{
    "SELECT max(observed_at) FROM pms_health_checks WHERE yacht_id = $1 AND lens_id = $2 "
    "AND status <> $3"};
const Sql kFirstSince{
    "SELECT min(observed_at) FROM pms_health_checks WHERE yacht_id = $1 AND lens_id = $2 "
    "AND status = $3 AND ($4 IS NULL OR observed_at > $4)",
    "SELECT min(observed_at) FROM pms_health_checks WHERE yacht_id = $1 AND lens_id = $2 "
    "AND status = $3 AND ($4::timestamptz IS NULL OR observed_at > $4::timestamptz)"};
const Sql kRollups{
    "SELECT lens_id, hour, checks, status_counts, samples, failed_samples, histogram "
    "FROM pms_health_rollups WHERE yacht_id = $1 AND lens_id = $2 AND hour >= $3 "
    "ORDER BY hour"};
const Sql kDeleteEvents{"DELETE FROM pms_health_events WHERE yacht_id = $1 AND observed_at < $2"};
const Sql kDeleteChecks{"DELETE FROM pms_health_checks WHERE yacht_id = $1 AND observed_at < $2"};
const Sql kDeleteRollups{"DELETE FROM pms_health_rollups WHERE yacht_id = $1 AND hour < $2"};

// A JSON object column; a damaged one is an internal error, never silently empty.
Result<boost::json::object> ObjectColumn(const Row& row, size_t col, std::string_view what) {
  auto json = ParseJson(row.Text(col));
  if (!json || !json->is_object()) {
    return Status::Internal(std::string(what) + " is not a JSON object");
  }
  return std::move(json->as_object());
}

Result<HealthCheck> CheckFromRow(const Row& row) {
  HealthCheck c;
  c.id = row.Text(0);
  c.yacht_id = row.Text(1);
  c.lens_id = row.Text(2);
  auto status = ParseCheckStatus(row.Text(3));
  if (!status) return Status::Internal("pms_health_checks: unknown status " + row.Text(3));
  c.status = *status;
  c.p50_ms = row.OptReal(4);
  c.p95_ms = row.OptReal(5);
  c.p99_ms = row.OptReal(6);
  c.error_rate_percent = row.Real(7);
  c.sample_size = row.Int(8);
  c.observed_at = row.Text(9);
  CELESTE_ASSIGN_OR_RETURN(c.notes, ObjectColumn(row, 10, "pms_health_checks.notes"));
  return c;
}

Result<std::vector<HealthCheck>> ChecksFromRows(const Rows& rows) {
  return FromRows<HealthCheck>(rows, CheckFromRow);
}

Status AddToRollup(Tx& tx, const HealthCheck& check, const CheckSamples& samples) {
  auto observed = ParseRfc3339(check.observed_at);
  if (!observed) return Status::Internal("health check without a valid observed_at");
  const std::string hour = FormatRfc3339(HourStart(*observed));
  const Params key{check.yacht_id, check.lens_id, hour};
  CELESTE_RETURN_IF_ERROR(tx.Exec(kTouchRollup, key).status());
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kRollupForUpdate, key));
  if (!row) return Status::Internal("the hour's health rollup vanished");
  CELESTE_ASSIGN_OR_RETURN(auto counts, ObjectColumn(*row, 1, "pms_health_rollups.status_counts"));
  CELESTE_ASSIGN_OR_RETURN(auto histogram_json,
                           ObjectColumn(*row, 4, "pms_health_rollups.histogram"));
  CELESTE_ASSIGN_OR_RETURN(LatencyHistogram histogram, LatencyHistogram::FromJson(histogram_json));
  histogram.Merge(samples.latencies);
  const std::string status(CheckStatusName(check.status));
  counts[status] = GetInt(counts, status).value_or(0) + 1;
  Params update = key;
  update.emplace_back(row->Int(0) + 1);
  update.emplace_back(ToJson(counts));
  update.emplace_back(row->Int(2) + samples.samples);
  update.emplace_back(row->Int(3) + samples.failed);
  update.emplace_back(ToJson(histogram.ToJson()));
  return tx.ExecDeferred(kUpdateRollup, update, 1);
}

}  // namespace

Micros HourStart(Micros t) {
  constexpr Micros kHour = 3600 * kMicrosPerSecond;
  return t - ((t % kHour) + kHour) % kHour;
}

Status InsertHealthCheck(Tx& tx, const HealthCheck& check, const std::vector<HealthEvent>& events,
                         const CheckSamples& samples) {
  CELESTE_RETURN_IF_ERROR(
      tx.ExecDeferred(kInsertCheck,
                      {check.id, check.yacht_id, check.lens_id, CheckStatusName(check.status),
                       check.p50_ms, check.p95_ms, check.p99_ms, check.error_rate_percent,
                       check.sample_size, check.observed_at, ToJson(check.notes)},
                      1));
  for (const HealthEvent& e : events) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertEvent,
                                            {e.id, check.yacht_id, check.id, check.lens_id, e.level,
                                             e.kind, ToJson(e.detail), e.observed_at},
                                            1));
  }
  return AddToRollup(tx, check, samples);
}

Result<std::vector<HealthCheck>> LatestChecks(Tx& tx, const std::string& yacht_id) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kLatestChecks, {yacht_id}));
  CELESTE_ASSIGN_OR_RETURN(auto checks, ChecksFromRows(rows));
  // Two checks of one lens at the same instant: keep the later id (ids are time-ordered).
  std::vector<HealthCheck> latest;
  for (HealthCheck& c : checks) {
    if (latest.empty() || latest.back().lens_id != c.lens_id) latest.push_back(std::move(c));
  }
  return latest;
}

Result<std::vector<HealthCheck>> CheckHistory(Tx& tx, const std::string& yacht_id,
                                              const std::string& lens_id, const std::string& since,
                                              int64_t limit) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kHistory, {yacht_id, lens_id, since, limit}));
  return ChecksFromRows(rows);
}

Result<std::vector<HealthEvent>> EventsOfCheck(Tx& tx, const std::string& yacht_id,
                                               const std::string& check_id) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kEventsOfCheck, {yacht_id, check_id}));
  return FromRows<HealthEvent>(rows, [](const Row& row) -> Result<HealthEvent> {
    HealthEvent e;
    e.id = row.Text(0);
    e.check_id = row.Text(1);
    e.lens_id = row.Text(2);
    e.level = row.Text(3);
    e.kind = row.Text(4);
    CELESTE_ASSIGN_OR_RETURN(e.detail, ObjectColumn(row, 5, "pms_health_events.detail"));
    e.observed_at = row.Text(6);
    return e;
  });
}

Result<std::optional<std::string>> StatusSince(Tx& tx, const std::string& yacht_id,
                                               const std::string& lens_id, CheckStatus status) {
  const std::string name(CheckStatusName(status));
  CELESTE_ASSIGN_OR_RETURN(auto other, tx.QueryOne(kLastOtherStatus, {yacht_id, lens_id, name}));
  const std::optional<std::string> after = other ? other->OptText(0) : std::nullopt;
  CELESTE_ASSIGN_OR_RETURN(auto first, tx.QueryOne(kFirstSince, {yacht_id, lens_id, name, after}));
  return first ? first->OptText(0) : std::nullopt;
}

Result<std::vector<HourlyRollup>> RollupsSince(Tx& tx, const std::string& yacht_id,
                                               const std::string& lens_id,
                                               const std::string& since) {
  auto since_micros = ParseRfc3339(since);
  if (!since_micros) return Status::Internal("RollupsSince: bad time " + since);
  CELESTE_ASSIGN_OR_RETURN(
      Rows rows, tx.Query(kRollups, {yacht_id, lens_id, FormatRfc3339(HourStart(*since_micros))}));
  return FromRows<HourlyRollup>(rows, [](const Row& row) -> Result<HourlyRollup> {
    HourlyRollup r;
    r.lens_id = row.Text(0);
    r.hour = row.Text(1);
    r.checks = row.Int(2);
    CELESTE_ASSIGN_OR_RETURN(r.status_counts,
                             ObjectColumn(row, 3, "pms_health_rollups.status_counts"));
    r.samples = row.Int(4);
    r.failed_samples = row.Int(5);
    CELESTE_ASSIGN_OR_RETURN(auto histogram, ObjectColumn(row, 6, "pms_health_rollups.histogram"));
    CELESTE_ASSIGN_OR_RETURN(r.latencies, LatencyHistogram::FromJson(histogram));
    return r;
  });
}

Result<RetentionResult> ApplyRetention(Tx& tx, const std::string& yacht_id,
                                       const std::string& checks_before,
                                       const std::string& rollups_before) {
  RetentionResult r;
  CELESTE_ASSIGN_OR_RETURN(r.events_deleted, tx.Exec(kDeleteEvents, {yacht_id, checks_before}));
  CELESTE_ASSIGN_OR_RETURN(r.checks_deleted, tx.Exec(kDeleteChecks, {yacht_id, checks_before}));
  CELESTE_ASSIGN_OR_RETURN(r.rollups_deleted, tx.Exec(kDeleteRollups, {yacht_id, rollups_before}));
  return r;
}

boost::json::object HealthCheckJson(const HealthCheck& c) {
  auto number = [](const std::optional<double>& v) -> boost::json::value {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  return {{"id", c.id},
          {"lens_id", c.lens_id},
          {"status", CheckStatusName(c.status)},
          {"p50_ms", number(c.p50_ms)},
          {"p95_ms", number(c.p95_ms)},
          {"p99_ms", number(c.p99_ms)},
          {"error_rate_percent", c.error_rate_percent},
          {"sample_size", c.sample_size},
          {"observed_at", c.observed_at},
          {"notes", c.notes}};
}

boost::json::object HealthEventJson(const HealthEvent& e) {
  return {
      {"id", e.id},     {"check_id", e.check_id}, {"lens_id", e.lens_id},        {"level", e.level},
      {"kind", e.kind}, {"detail", e.detail},     {"observed_at", e.observed_at}};
}

}  // namespace celeste::health

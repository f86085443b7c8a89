// The health tables (migration 0009): what `celeste monitor` writes and what
// GET /v1/ops/health* and `celeste ops` read. One door for both, so the monitor and the
// server agree on every column. Every function runs inside the caller's transaction,
// scoped to the yacht (row-level security on PostgreSQL), and filters by yacht_id itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "health/check_status.h"
#include "health/latency_histogram.h"
#include "store/store.h"

namespace celeste::health {

// A pms_health_checks row.
struct HealthCheck {
  std::string id;  // UUIDv7
  std::string yacht_id;
  std::string lens_id;
  CheckStatus status = CheckStatus::kInconclusive;
  std::optional<double> p50_ms, p95_ms, p99_ms;
  double error_rate_percent = 0;
  int64_t sample_size = 0;
  std::string observed_at;    // RFC 3339
  boost::json::object notes;  // reason, flags, probes
};

// A pms_health_events row: something a reviewer should see about one check.
struct HealthEvent {
  std::string id;
  std::string check_id;
  std::string lens_id;
  std::string level;  // info, warning, error
  std::string kind;   // probe_failed, flag_changed, status_changed
  boost::json::object detail;
  std::string observed_at;
};

// What one check adds to its hour's rollup.
struct CheckSamples {
  LatencyHistogram latencies;  // the answered probes
  int64_t samples = 0;         // probes taken
  int64_t failed = 0;          // probes not answered with their expected status
};

// A pms_health_rollups row: one lens's checks in one hour.
struct HourlyRollup {
  std::string lens_id;
  std::string hour;  // the hour's start, RFC 3339
  int64_t checks = 0;
  boost::json::object status_counts;  // {"healthy": n, ...}
  int64_t samples = 0;
  int64_t failed_samples = 0;
  LatencyHistogram latencies;
};

// Writes the check, its events and its share of the hour's rollup.
Status InsertHealthCheck(Tx& tx, const HealthCheck& check, const std::vector<HealthEvent>& events,
                         const CheckSamples& samples);

// The newest check of each lens that has one, by lens id.
Result<std::vector<HealthCheck>> LatestChecks(Tx& tx, const std::string& yacht_id);
// One lens's checks observed at or after `since` (RFC 3339), newest first, at most `limit`.
Result<std::vector<HealthCheck>> CheckHistory(Tx& tx, const std::string& yacht_id,
                                              const std::string& lens_id, const std::string& since,
                                              int64_t limit);
// The events of one check, oldest first.
Result<std::vector<HealthEvent>> EventsOfCheck(Tx& tx, const std::string& yacht_id,
                                               const std::string& check_id);
// When the lens's current run of checks with this status began: the oldest check of the run
// that ends with its newest check.
Result<std::optional<std::string>> StatusSince(Tx& tx, const std::string& yacht_id,
                                               const std::string& lens_id, CheckStatus status);
// One lens's hourly rollups from the hour holding `since` on, oldest first.
Result<std::vector<HourlyRollup>> RollupsSince(Tx& tx, const std::string& yacht_id,
                                               const std::string& lens_id,
                                               const std::string& since);

struct RetentionResult {
  int64_t checks_deleted = 0;
  int64_t events_deleted = 0;
  int64_t rollups_deleted = 0;
};
// Deletes checks and events observed before `checks_before`, and rollups of hours before
// `rollups_before` (both RFC 3339).
Result<RetentionResult> ApplyRetention(Tx& tx, const std::string& yacht_id,
                                       const std::string& checks_before,
                                       const std::string& rollups_before);

// The start of the hour holding `t`.
Micros HourStart(Micros t);

// The API's JSON for a check and an event (GET /v1/ops/health*, `celeste ops --json`).
boost::json::object HealthCheckJson(const HealthCheck& check);
boost::json::object HealthEventJson(const HealthEvent& event);

}  // namespace celeste::health

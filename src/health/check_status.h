// The monitor's verdict on one check of one lens (issue 6, docs/lens-ops.md "Status of a
// check"): the samples its probes took, judged against the lens's SLO. Pure: no clock, no
// I/O, so every rule is a unit test.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace celeste::health {

enum class CheckStatus { kHealthy, kDegraded, kUnhealthy, kInconclusive, kDisabled };

std::string_view CheckStatusName(CheckStatus status);  // "healthy", ...
std::optional<CheckStatus> ParseCheckStatus(std::string_view name);

// One probe's outcome: the HTTP status it was answered with (nullopt: no answer at all —
// refused, reset, timed out) and how long it took.
struct Sample {
  std::string probe;  // "health", "flags", "list", "suggestions", "execute"
  std::optional<int> http_status;
  double latency_ms = 0;
  int expected_status = 200;  // what a healthy server answers this probe
};

struct CheckPolicy {
  double slo_p95_ms = 500;            // the lens's SLO (LensDef::slo_p95_ms)
  size_t min_samples = 5;             // fewer answered samples: inconclusive
  double max_error_rate_percent = 5;  // above: unhealthy
};

struct CheckVerdict {
  CheckStatus status = CheckStatus::kInconclusive;
  std::string reason;  // one line: why this status (the first rule that decided it)
  // Latency percentiles over the answered samples (nearest rank); nullopt without any.
  std::optional<double> p50_ms, p95_ms, p99_ms;
  double error_rate_percent = 0;  // samples not answered with their expected status
  size_t sample_size = 0;         // samples taken
  size_t answered = 0;            // samples that got an HTTP answer
  size_t server_errors = 0;       // 5xx answers
  size_t connection_failures = 0;
  size_t unexpected_4xx = 0;
};

// The first rule that holds decides, in this order:
//   1. any 5xx, or any probe left without an answer        -> unhealthy
//   2. fewer answered samples than policy.min_samples     -> inconclusive
//   3. error rate above policy.max_error_rate_percent     -> unhealthy
//   4. p95 above the SLO, or any unexpected 4xx           -> degraded
//   5. otherwise                                           -> healthy
// The error rate counts every sample not answered with its expected status (5xx, no answer,
// an unexpected 4xx or any other status) over all samples taken. A lens whose flag is off is
// not judged here: the monitor reports it disabled without probing its actions.
CheckVerdict JudgeCheck(const std::vector<Sample>& samples, const CheckPolicy& policy);

// The nearest-rank percentile (0 < p <= 100) of `values`; nullopt when empty.
std::optional<double> Percentile(std::vector<double> values, double p);

}  // namespace celeste::health

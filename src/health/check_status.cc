#include "health/check_status.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace celeste::health {
namespace {

constexpr std::array kNames = {"healthy", "degraded", "unhealthy", "inconclusive", "disabled"};
constexpr std::array kStatuses = {CheckStatus::kHealthy, CheckStatus::kDegraded,
                                  CheckStatus::kUnhealthy, CheckStatus::kInconclusive,
                                  CheckStatus::kDisabled};

std::string Ms(double ms) { return fmt::format("{:.1f} ms", ms); }

}  // namespace

std::string_view CheckStatusName(CheckStatus status) { return kNames[static_cast<size_t>(status)]; }

std::optional<CheckStatus> ParseCheckStatus(std::string_view name) {
  for (CheckStatus status : kStatuses) {
    if (CheckStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return values[std::min(index, values.size() - 1)];
}

CheckVerdict JudgeCheck(const std::vector<Sample>& samples, const CheckPolicy& policy) {
  CheckVerdict v;
  v.sample_size = samples.size();
  std::vector<double> latencies;
  size_t errors = 0;
  for (const Sample& s : samples) {
    if (!s.http_status) {
      ++v.connection_failures;
      ++errors;
      continue;
    }
    ++v.answered;
    latencies.push_back(s.latency_ms);
    const int status = *s.http_status;
    if (status == s.expected_status) continue;
    ++errors;
    if (status >= 500) {
      ++v.server_errors;
    } else if (status >= 400) {
      ++v.unexpected_4xx;
    }
  }
  v.p50_ms = Percentile(latencies, 50);
  v.p95_ms = Percentile(latencies, 95);
  v.p99_ms = Percentile(latencies, 99);
  v.error_rate_percent =
      samples.empty() ? 0
                      : 100.0 * static_cast<double>(errors) / static_cast<double>(samples.size());

  if (v.server_errors > 0 || v.connection_failures > 0) {
    v.status = CheckStatus::kUnhealthy;
    v.reason = fmt::format("{} server error(s) and {} probe(s) without an answer", v.server_errors,
                           v.connection_failures);
  } else if (v.answered < policy.min_samples) {
    v.status = CheckStatus::kInconclusive;
    v.reason = fmt::format("{} answered sample(s), fewer than the minimum {}", v.answered,
                           policy.min_samples);
  } else if (v.error_rate_percent > policy.max_error_rate_percent) {
    v.status = CheckStatus::kUnhealthy;
    v.reason = fmt::format("error rate {:.1f} % above {:.1f} %", v.error_rate_percent,
                           policy.max_error_rate_percent);
  } else if (*v.p95_ms > policy.slo_p95_ms) {
    v.status = CheckStatus::kDegraded;
    v.reason = fmt::format("p95 {} above the SLO {}", Ms(*v.p95_ms), Ms(policy.slo_p95_ms));
  } else if (errors > 0) {
    v.status = CheckStatus::kDegraded;
    v.reason = fmt::format("{} unexpected answer(s) ({} 4xx)", errors, v.unexpected_4xx);
  } else {
    v.status = CheckStatus::kHealthy;
    v.reason = fmt::format("{} samples, p95 {} within the SLO {}", v.answered, Ms(*v.p95_ms),
                           Ms(policy.slo_p95_ms));
  }
  return v;
}

}  // namespace celeste::health

// LatencyHistogram: latencies counted in log-scale buckets, so percentiles over any number
// of samples (an hour of checks, a week of hours) come from the samples themselves in
// bounded memory, and histograms add up (Merge) where percentiles do not.
//
// Bucket i holds latencies in (kGrowth^(i-1), kGrowth^i] microseconds; bucket 0 holds
// everything up to 1 µs. A percentile answers its bucket's upper bound, so it is never
// below the true value and at most 4 % above it. Sparse: only buckets with samples are
// kept (a 10-minute timeout is bucket 516). Stored as JSON {"b": {"index": count, ...}}.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include <boost/json/object.hpp>

#include "core/result.h"

namespace celeste::health {

class LatencyHistogram {
 public:
  static constexpr double kGrowth = 1.04;

  void Record(double latency_ms);
  void Merge(const LatencyHistogram& other);
  int64_t count() const { return count_; }
  // Nearest rank (0 < p <= 100) over the recorded samples, as its bucket's upper bound in
  // milliseconds; nullopt when empty.
  std::optional<double> Percentile(double p) const;

  boost::json::object ToJson() const;
  // kInternal when `json` is not what ToJson writes (a damaged row).
  static Result<LatencyHistogram> FromJson(const boost::json::object& json);

  // The bucket of a latency, and the upper bound of a bucket (ms).
  static int BucketOf(double latency_ms);
  static double UpperBoundMs(int bucket);

 private:
  std::map<int, int64_t> buckets_;
  int64_t count_ = 0;
};

}  // namespace celeste::health

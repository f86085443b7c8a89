#include "health/latency_histogram.h"

#include <charconv>
#include <cmath>
#include <string>

namespace celeste::health {
namespace {

constexpr int kMaxBucket = 1000;  // 1.04^1000 µs is far beyond any timeout

}  // namespace

int LatencyHistogram::BucketOf(double latency_ms) {
  const double micros = latency_ms * 1000.0;
  if (!(micros > 1.0)) return 0;  // also NaN
  const int bucket = static_cast<int>(std::ceil(std::log(micros) / std::log(kGrowth) - 1e-9));
  return std::min(bucket, kMaxBucket);
}

double LatencyHistogram::UpperBoundMs(int bucket) { return std::pow(kGrowth, bucket) / 1000.0; }

void LatencyHistogram::Record(double latency_ms) {
  ++buckets_[BucketOf(latency_ms)];
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (const auto& [bucket, n] : other.buckets_) buckets_[bucket] += n;
  count_ += other.count_;
}

std::optional<double> LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return std::nullopt;
  const auto rank = static_cast<int64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  int64_t seen = 0;
  for (const auto& [bucket, n] : buckets_) {
    seen += n;
    if (seen >= std::max<int64_t>(rank, 1)) return UpperBoundMs(bucket);
  }
  return UpperBoundMs(buckets_.rbegin()->first);
}

boost::json::object LatencyHistogram::ToJson() const {
  boost::json::object buckets;
  for (const auto& [bucket, n] : buckets_) buckets[std::to_string(bucket)] = n;
  return {{"b", std::move(buckets)}};
}

Result<LatencyHistogram> LatencyHistogram::FromJson(const boost::json::object& json) {
  LatencyHistogram h;
  auto it = json.find("b");
  if (it == json.end()) return h;  // a rollup row not yet written to
  if (!it->value().is_object()) return Status::Internal("histogram: \"b\" is not an object");
  for (const auto& kv : it->value().as_object()) {
    int bucket = -1;
    const std::string_view key = kv.key();
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), bucket);
    if (ec != std::errc() || end != key.data() + key.size() || bucket < 0 || bucket > kMaxBucket ||
        !kv.value().is_int64() || kv.value().as_int64() < 0) {
      return Status::Internal("histogram: bad bucket '" + std::string(key) + "'");
    }
    h.buckets_[bucket] += kv.value().as_int64();
    h.count_ += kv.value().as_int64();
  }
  return h;
}

}  // namespace celeste::health

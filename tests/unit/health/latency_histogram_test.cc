// LatencyHistogram: log-scale buckets whose percentiles are never below the true value and
// at most 4 % above it, that merge exactly, and that survive their JSON form.
#include "health/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "core/json.h"
#include "health/check_status.h"

namespace celeste::health {
namespace {

TEST(LatencyHistogramTest, EmptyHasNoPercentile) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_FALSE(h.Percentile(95).has_value());
}

TEST(LatencyHistogramTest, PercentilesAreWithinFourPercentAboveTheExactOnes) {
  std::mt19937 random(7);
  std::lognormal_distribution<double> latency(1.0, 1.2);  // ms, a long tail
  std::vector<double> values;
  LatencyHistogram h;
  for (int i = 0; i < 10'000; ++i) {
    values.push_back(latency(random));
    h.Record(values.back());
  }
  EXPECT_EQ(h.count(), 10'000);
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    const double exact = *Percentile(values, p);
    const double approx = *h.Percentile(p);
    EXPECT_GE(approx, exact) << "p" << p;
    EXPECT_LE(approx, exact * LatencyHistogram::kGrowth * 1.0001) << "p" << p;
  }
}

TEST(LatencyHistogramTest, BucketBoundsAreInclusiveAbove) {
  for (int bucket : {1, 10, 200, 500}) {
    const double upper = LatencyHistogram::UpperBoundMs(bucket);
    EXPECT_EQ(LatencyHistogram::BucketOf(upper * 0.9999), bucket);
    EXPECT_EQ(LatencyHistogram::BucketOf(upper * 1.001), bucket + 1);
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(0), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(-3), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(0.0005), 0);  // under a microsecond
}

// A p95 over several hours comes from the merged samples, not from the hours' p95s: one slow
// hour among quiet ones shows in the merged p95 only as much as its share of the samples.
TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram quiet, slow, all;
  for (int i = 0; i < 950; ++i) {
    quiet.Record(2.0 + i % 5);
    all.Record(2.0 + i % 5);
  }
  for (int i = 0; i < 50; ++i) {
    slow.Record(800.0 + i);
    all.Record(800.0 + i);
  }
  LatencyHistogram merged = quiet;
  merged.Merge(slow);
  EXPECT_EQ(merged.count(), 1000);
  EXPECT_EQ(merged.ToJson(), all.ToJson());
  EXPECT_EQ(*merged.Percentile(95), *all.Percentile(95));
  EXPECT_LT(*merged.Percentile(95), 10.0);   // the 950 quiet samples hold the p95
  EXPECT_GT(*merged.Percentile(99), 700.0);  // the slow hour shows in the tail
  const double mean_of_p95s = (*quiet.Percentile(95) + *slow.Percentile(95)) / 2;
  EXPECT_GT(mean_of_p95s, 400.0) << "averaging percentiles would have said this";
}

TEST(LatencyHistogramTest, JsonRoundTrips) {
  LatencyHistogram h;
  for (double v : {0.2, 1.0, 1.0, 35.5, 9000.0}) h.Record(v);
  auto back = LatencyHistogram::FromJson(h.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->count(), 5);
  EXPECT_EQ(back->ToJson(), h.ToJson());
  EXPECT_EQ(*back->Percentile(100), *h.Percentile(100));
  EXPECT_TRUE(LatencyHistogram::FromJson({}).ok()) << "a new rollup row holds {}";
}

TEST(LatencyHistogramTest, DamagedJsonIsRefused) {
  for (const char* text : {R"({"b":[1]})", R"({"b":{"x":1}})", R"({"b":{"-1":1}})",
                           R"({"b":{"3":-2}})", R"({"b":{"3":1.5}})", R"({"b":{"99999":1}})"}) {
    auto json = ParseJson(text)->as_object();
    EXPECT_FALSE(LatencyHistogram::FromJson(json).ok()) << text;
  }
}

}  // namespace
}  // namespace celeste::health

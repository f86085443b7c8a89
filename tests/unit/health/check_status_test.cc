// The monitor's verdict on a check (src/health/check_status.h): each rule, their order, the
// percentiles and the error rate.
#include "health/check_status.h"

#include <gtest/gtest.h>

namespace celeste::health {
namespace {

// `n` samples answered `status` in `ms` each.
std::vector<Sample> Answered(size_t n, int status, double ms, int expected = 200) {
  return std::vector<Sample>(n, Sample{.probe = "execute",
                                       .http_status = status,
                                       .latency_ms = ms,
                                       .expected_status = expected});
}

std::vector<Sample> operator+(std::vector<Sample> a, const std::vector<Sample>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Sample NoAnswer(double ms = 30000) {
  return Sample{.probe = "health", .http_status = std::nullopt, .latency_ms = ms};
}

TEST(CheckStatusTest, NamesRoundTrip) {
  for (CheckStatus s : {CheckStatus::kHealthy, CheckStatus::kDegraded, CheckStatus::kUnhealthy,
                        CheckStatus::kInconclusive, CheckStatus::kDisabled}) {
    EXPECT_EQ(ParseCheckStatus(CheckStatusName(s)), s) << CheckStatusName(s);
  }
  EXPECT_EQ(CheckStatusName(CheckStatus::kDegraded), "degraded");
  EXPECT_EQ(ParseCheckStatus("ok"), std::nullopt);
}

TEST(CheckStatusTest, PercentilesAreNearestRank) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // 1..100, unsorted
  EXPECT_EQ(Percentile(v, 50), 50);
  EXPECT_EQ(Percentile(v, 95), 95);
  EXPECT_EQ(Percentile(v, 99), 99);
  EXPECT_EQ(Percentile(v, 100), 100);
  EXPECT_EQ(Percentile({7}, 99), 7);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 51), 3);
  EXPECT_EQ(Percentile({}, 50), std::nullopt);
}

TEST(CheckStatusTest, FastAndExpectedIsHealthy) {
  const CheckVerdict v = JudgeCheck(Answered(20, 200, 12), {});
  EXPECT_EQ(v.status, CheckStatus::kHealthy) << v.reason;
  EXPECT_EQ(v.sample_size, 20u);
  EXPECT_EQ(v.answered, 20u);
  EXPECT_EQ(v.error_rate_percent, 0);
  EXPECT_EQ(v.p50_ms, 12);
  EXPECT_EQ(v.p99_ms, 12);
}

TEST(CheckStatusTest, AnExpectedErrorStatusIsHealthy) {
  // A disabled sub-flag's action answering its designed 503 is what the probe expects.
  const CheckVerdict v = JudgeCheck(Answered(10, 503, 5, /*expected=*/503), {});
  EXPECT_EQ(v.status, CheckStatus::kHealthy) << v.reason;
  EXPECT_EQ(v.server_errors, 0u);
}

TEST(CheckStatusTest, OneServerErrorMakesItUnhealthy) {
  const CheckVerdict v = JudgeCheck(Answered(99, 200, 5) + Answered(1, 500, 5), {});
  EXPECT_EQ(v.status, CheckStatus::kUnhealthy) << v.reason;
  EXPECT_EQ(v.server_errors, 1u);
  EXPECT_DOUBLE_EQ(v.error_rate_percent, 1.0);
}

TEST(CheckStatusTest, OneProbeWithoutAnAnswerMakesItUnhealthyEvenWithFewSamples) {
  const CheckVerdict v = JudgeCheck(Answered(2, 200, 5) + std::vector<Sample>{NoAnswer()}, {});
  EXPECT_EQ(v.status, CheckStatus::kUnhealthy) << v.reason;
  EXPECT_EQ(v.connection_failures, 1u);
  EXPECT_EQ(v.answered, 2u);
  // Latency percentiles are over answers only: the timeout is not a latency.
  EXPECT_EQ(v.p99_ms, 5);
}

TEST(CheckStatusTest, AServerThatIsDownIsUnhealthyNotInconclusive) {
  const CheckVerdict v = JudgeCheck({NoAnswer(), NoAnswer(), NoAnswer()}, {});
  EXPECT_EQ(v.status, CheckStatus::kUnhealthy) << v.reason;
  EXPECT_EQ(v.p50_ms, std::nullopt);
  EXPECT_DOUBLE_EQ(v.error_rate_percent, 100);
}

TEST(CheckStatusTest, TooFewAnswersIsInconclusive) {
  const CheckVerdict none = JudgeCheck({}, {});
  EXPECT_EQ(none.status, CheckStatus::kInconclusive) << none.reason;
  const CheckVerdict four = JudgeCheck(Answered(4, 200, 5), {.min_samples = 5});
  EXPECT_EQ(four.status, CheckStatus::kInconclusive) << four.reason;
  // Slow and refused, but too few to say: inconclusive decides before those rules.
  const CheckVerdict slow = JudgeCheck(Answered(4, 404, 900), {.min_samples = 5});
  EXPECT_EQ(slow.status, CheckStatus::kInconclusive) << slow.reason;
  const CheckVerdict five = JudgeCheck(Answered(5, 200, 5), {.min_samples = 5});
  EXPECT_EQ(five.status, CheckStatus::kHealthy) << five.reason;
}

TEST(CheckStatusTest, ManyUnexpectedAnswersAreUnhealthyAFewAreDegraded) {
  // 1 in 20 = 5 %: not above 5 %, so degraded (an unexpected 4xx).
  const CheckVerdict few = JudgeCheck(Answered(19, 200, 5) + Answered(1, 403, 5), {});
  EXPECT_EQ(few.status, CheckStatus::kDegraded) << few.reason;
  EXPECT_EQ(few.unexpected_4xx, 1u);
  EXPECT_DOUBLE_EQ(few.error_rate_percent, 5.0);
  // 2 in 20 = 10 %: unhealthy.
  const CheckVerdict many = JudgeCheck(Answered(18, 200, 5) + Answered(2, 403, 5), {});
  EXPECT_EQ(many.status, CheckStatus::kUnhealthy) << many.reason;
  EXPECT_DOUBLE_EQ(many.error_rate_percent, 10.0);
}

TEST(CheckStatusTest, P95AboveTheSloIsDegraded) {
  // 95 fast and 5 slow: the 95th value is still fast.
  const CheckVerdict within = JudgeCheck(Answered(95, 200, 10) + Answered(5, 200, 900), {});
  EXPECT_EQ(within.status, CheckStatus::kHealthy) << within.reason;
  EXPECT_EQ(within.p95_ms, 10);
  EXPECT_EQ(within.p99_ms, 900);
  // 94 fast and 6 slow: the 95th is slow.
  const CheckVerdict above = JudgeCheck(Answered(94, 200, 10) + Answered(6, 200, 900), {});
  EXPECT_EQ(above.status, CheckStatus::kDegraded) << above.reason;
  EXPECT_EQ(above.p95_ms, 900);
  // The lens's own SLO decides.
  const CheckVerdict loose =
      JudgeCheck(Answered(94, 200, 10) + Answered(6, 200, 900), {.slo_p95_ms = 1000});
  EXPECT_EQ(loose.status, CheckStatus::kHealthy) << loose.reason;
  // Exactly at the SLO is within it.
  const CheckVerdict at = JudgeCheck(Answered(20, 200, 500), {.slo_p95_ms = 500});
  EXPECT_EQ(at.status, CheckStatus::kHealthy) << at.reason;
}

TEST(CheckStatusTest, EachVerdictSaysWhy) {
  EXPECT_NE(JudgeCheck(Answered(20, 200, 5), {}).reason.find("within the SLO"), std::string::npos);
  EXPECT_NE(JudgeCheck(Answered(20, 500, 5), {}).reason.find("20 server error"), std::string::npos);
  EXPECT_NE(JudgeCheck(Answered(2, 200, 5), {}).reason.find("fewer than the minimum 5"),
            std::string::npos);
  EXPECT_NE(JudgeCheck(Answered(20, 200, 700), {}).reason.find("p95 700.0 ms above the SLO"),
            std::string::npos);
}

}  // namespace
}  // namespace celeste::health

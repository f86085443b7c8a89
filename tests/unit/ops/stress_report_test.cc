// The stress runner's judgement and reports (ops/stress_report.h): thresholds as people
// write them, a verdict that fails on any 5xx, error or missed threshold, and reports that
// always say how many 5xx there were.
#include "ops/stress_report.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace celeste::ops {
namespace {

LoadResult Answered(std::map<int, int64_t> statuses, int expected = 200) {
  LoadResult r;
  double ms = 1;
  for (const auto& [status, n] : statuses) {
    for (int64_t i = 0; i < n; ++i) {
      r.latencies.Record(ms);
      r.sum_ms += ms;
      r.max_ms = ms;
      if (r.answered == 0) r.min_ms = ms;
      ++r.answered;
      ++r.sent;
      if (status != expected) ++r.unexpected;
      ms += 1;  // 1, 2, 3, ... ms
    }
    r.statuses[status] = n;
  }
  r.elapsed_s = 2;
  r.connections_opened = 4;
  r.peak_open_connections = 4;
  return r;
}

const StressPlan kPlan{"shopping_list",
                       "read",
                       "http://127.0.0.1:8080/...",
                       "yacht-a",
                       4,
                       100,
                       30,
                       "2026-12-06T10:00:00.000000Z"};

TEST(StressThresholdTest, ParsesMetricsOperatorsAndUnits) {
  auto t = ParseThreshold("p95<200");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->metric, "p95");
  EXPECT_EQ(t->op, "<");
  EXPECT_EQ(t->limit, 200);
  t = ParseThreshold(" p99.9 <= 1.5s ");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->metric, "p99.9");
  EXPECT_EQ(t->op, "<=");
  EXPECT_EQ(t->limit, 1500);
  t = ParseThreshold("error_rate<1%");
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->limit, 0.01);
  t = ParseThreshold("rps>=50");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->op, ">=");
  EXPECT_EQ(t->limit, 50);
}

TEST(StressThresholdTest, RefusesWhatItCannotRead) {
  for (const char* bad : {"p95", "p96<200", "latency<3", "p95<", "p95<abc", "p95<-1", "rps>1%",
                          "p95=200", "", "p95<inf", "p95<nan", "error_rate<5", "error_rate<101%"}) {
    SCOPED_TRACE(bad);
    auto t = ParseThreshold(bad);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_NE(t.status().message().find("--threshold"), std::string::npos);
  }
}

TEST(StressVerdictTest, PassesOnlyWithNo5xxNoErrorAndEveryThresholdMet) {
  const LoadResult clean = Answered({{200, 100}});  // latencies 1..100 ms
  EXPECT_TRUE(JudgeStress(clean, {}).pass);
  EXPECT_TRUE(JudgeStress(clean, {*ParseThreshold("p95<200"), *ParseThreshold("rps>=50")}).pass);

  StressVerdict slow = JudgeStress(clean, {*ParseThreshold("p95<50")});
  EXPECT_FALSE(slow.pass);
  ASSERT_EQ(slow.thresholds.size(), 1u);
  EXPECT_FALSE(slow.thresholds[0].pass);
  EXPECT_NEAR(*slow.thresholds[0].actual, 95, 95 * 0.04);

  StressVerdict one_500 = JudgeStress(Answered({{200, 99}, {500, 1}}), {});
  EXPECT_FALSE(one_500.pass);
  EXPECT_EQ(one_500.reasons, std::vector<std::string>{"1 answers were 5xx"});

  StressVerdict forbidden = JudgeStress(Answered({{403, 10}}), {});
  EXPECT_FALSE(forbidden.pass);
  EXPECT_EQ(forbidden.reasons,
            std::vector<std::string>{"10 answers had another status than expected"});

  LoadResult refused = Answered({{200, 10}});
  refused.transport_errors = 3;
  EXPECT_FALSE(JudgeStress(refused, {}).pass);
  EXPECT_NEAR(*StressMetric(refused, "error_rate"), 3.0 / 13, 1e-9);

  EXPECT_FALSE(JudgeStress(LoadResult{}, {}).pass);  // nothing answered
}

TEST(StressReportTest, TextJsonAndMarkdownAlwaysCountThe5xx) {
  const LoadResult clean = Answered({{200, 20}});
  const StressVerdict verdict = JudgeStress(clean, {*ParseThreshold("p95<200")});
  const std::string text = StressText(kPlan, clean, verdict);
  EXPECT_NE(text.find("5xx: 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict    PASS"), std::string::npos) << text;
  const std::string markdown = StressMarkdown(kPlan, clean, verdict);
  EXPECT_NE(markdown.find("**Verdict: PASS**"), std::string::npos);
  EXPECT_NE(markdown.find("| 5xx | 0 |"), std::string::npos);
  EXPECT_NE(markdown.find("\n5xx: 0\n"), std::string::npos);

  const boost::json::object json = StressJson(kPlan, clean, verdict);
  EXPECT_EQ(ToJson(json.at("status")),
            R"({"2xx":20,"3xx":0,"4xx":0,"5xx":0,"unexpected":0,"transport_errors":0,)"
            R"("by_code":{"200":20}})");
  EXPECT_EQ(GetString(json, "verdict"), "PASS");
  const boost::json::object& latency = json.at("latency_ms").as_object();
  for (const char* key : {"p50", "p90", "p95", "p99", "p99_9", "min", "mean", "max"}) {
    EXPECT_TRUE(latency.at(key).is_number()) << key;
  }
  // The same run gives the same JSON: stable for machines.
  EXPECT_EQ(ToJson(json), ToJson(StressJson(kPlan, clean, verdict)));

  const LoadResult failed = Answered({{200, 5}, {503, 2}});
  const std::string failed_text = StressText(kPlan, failed, JudgeStress(failed, {}));
  EXPECT_NE(failed_text.find("5xx: 2\n"), std::string::npos) << failed_text;
  EXPECT_NE(failed_text.find("verdict    FAIL"), std::string::npos);
}

}  // namespace
}  // namespace celeste::ops

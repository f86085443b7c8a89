// A rollout's plan and the monitor's decision on it (rollout/rollout_plan.h), rule by rule.
#include "rollout/rollout_plan.h"

#include <gtest/gtest.h>

#include "lenses/lenses.h"

namespace celeste {
namespace {

constexpr Micros kT0 = 1'796'551'200LL * kMicrosPerSecond;
constexpr Micros kMinute = 60 * kMicrosPerSecond;

Rollout Plan() {
  Rollout r;
  r.flag = "SHOPPING_LIST_LENS_V1_ENABLED";
  r.lens_id = "shopping_list";
  r.stages = {5, 20, 50, 100};
  r.hold_seconds = 600;
  r.stage_started_at = FormatRfc3339(kT0);
  return r;
}

RolloutEvidence Healthy(int64_t checks = 3) {
  RolloutEvidence e;
  e.healthy_checks = checks;
  return e;
}

TEST(RolloutPlanTest, ParsesIncreasingPercentages) {
  EXPECT_EQ(*ParseStages("5,20,50,100"), (std::vector<int>{5, 20, 50, 100}));
  EXPECT_EQ(*ParseStages("100"), (std::vector<int>{100}));
  for (const char* bad :
       {"", "5,,20", "0,50", "5,101", "20,5", "5,5", "5%,20", "a", "5,20,", "5,20"}) {
    auto r = ParseStages(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidField) << bad;
    }
  }
}

TEST(RolloutPlanTest, FlagsBelongToTheLensesThatUseThem) {
  Registry registry;
  RegisterAllLenses(registry);
  EXPECT_EQ(LensOfFlag(registry, "SHOPPING_LIST_LENS_V1_ENABLED"), "shopping_list");
  EXPECT_EQ(LensOfFlag(registry, "FAULT_LENS_SUGGESTIONS_ENABLED"), "faults");
  EXPECT_EQ(LensOfFlag(registry, "FAULT_LENS_SIGNED_ACTIONS_ENABLED"), "faults");
  EXPECT_FALSE(LensOfFlag(registry, "NO_SUCH_FLAG").has_value());
}

TEST(RolloutPlanTest, WaitsForTheHold) {
  const RolloutDecision d = DecideRollout(Plan(), Healthy(), kT0 + 9 * kMinute, 2);
  EXPECT_EQ(d.step, RolloutStep::kWait);
  EXPECT_NE(d.reason.find("holding stage 1 (5 %) until"), std::string::npos) << d.reason;
}

TEST(RolloutPlanTest, PromotesAfterAHealthyHold) {
  const RolloutDecision d = DecideRollout(Plan(), Healthy(), kT0 + 10 * kMinute, 2);
  EXPECT_EQ(d.step, RolloutStep::kPromote);
  EXPECT_NE(d.reason.find("promoted to 20 %"), std::string::npos) << d.reason;
}

TEST(RolloutPlanTest, AnyCheckNotHealthyHoldsInconclusiveIncluded) {
  RolloutEvidence e = Healthy();
  e.other_checks = 1;
  e.first_other = "inconclusive on yacht A";
  const RolloutDecision d = DecideRollout(Plan(), e, kT0 + 20 * kMinute, 2);
  EXPECT_EQ(d.step, RolloutStep::kWait);
  EXPECT_NE(d.reason.find("inconclusive on yacht A"), std::string::npos) << d.reason;
}

TEST(RolloutPlanTest, TooFewHealthyChecksHold) {
  const RolloutDecision d = DecideRollout(Plan(), Healthy(1), kT0 + 20 * kMinute, 2);
  EXPECT_EQ(d.step, RolloutStep::kWait);
  EXPECT_NE(d.reason.find("1 healthy check(s)"), std::string::npos) << d.reason;
  EXPECT_EQ(DecideRollout(Plan(), Healthy(0), kT0 + 20 * kMinute, 2).step, RolloutStep::kWait)
      << "no yacht in the canary checked: nothing to judge, so no promotion";
}

TEST(RolloutPlanTest, TheLastStageCompletes) {
  Rollout r = Plan();
  r.stage_index = 3;
  EXPECT_EQ(DecideRollout(r, Healthy(), kT0 + 10 * kMinute, 2).step, RolloutStep::kComplete);
}

TEST(RolloutPlanTest, ACriticalAlertRollsBackOnlyWithAutoRollbackEvenWhenPaused) {
  RolloutEvidence e = Healthy();
  e.critical_alert_id = "alert-1";
  e.critical_yacht_id = "yacht-a";
  e.critical_summary = "any_5xx: 2 probe(s) answered 5xx";
  Rollout r = Plan();
  EXPECT_EQ(DecideRollout(r, e, kT0 + kMinute, 2).step, RolloutStep::kWait)
      << "without auto-rollback it just does not promote";
  r.auto_rollback = true;
  r.state = "paused";
  const RolloutDecision d = DecideRollout(r, e, kT0 + kMinute, 2);
  EXPECT_EQ(d.step, RolloutStep::kRollBack);
  EXPECT_NE(d.reason.find("any_5xx"), std::string::npos) << d.reason;
}

TEST(RolloutPlanTest, PausedNeverPromotes) {
  Rollout r = Plan();
  r.state = "paused";
  EXPECT_EQ(DecideRollout(r, Healthy(), kT0 + 60 * kMinute, 2).step, RolloutStep::kWait);
}

TEST(RolloutPlanTest, TheWindowIsTheLastHoldOfTheStage) {
  const Rollout r = Plan();
  EXPECT_EQ(RolloutWindowStart(r, kT0 + 5 * kMinute), kT0) << "not before the stage began";
  EXPECT_EQ(RolloutWindowStart(r, kT0 + 25 * kMinute), kT0 + 15 * kMinute);
}

}  // namespace
}  // namespace celeste

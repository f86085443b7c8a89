// Stress scenarios come from each lens's definition (ops/stress_scenario.h): the requests
// each one makes, and a create scenario that is checked before the run starts.
#include "ops/stress_scenario.h"

#include <gtest/gtest.h>

#include <set>

#include "core/json.h"
#include "lenses/lenses.h"

namespace celeste::ops {
namespace {

constexpr const char* kYacht = "0192f000-0000-7000-8000-00000000000a";

IdResolver AnyId() {
  return [](std::string_view) -> Result<std::string> {
    return std::string("0192f000-0000-7000-8000-000000000001");
  };
}

std::string ActionOf(const LoadRequest& r) {
  auto body = ParseJson(r.body);
  return body && body->is_object() ? GetString(body->as_object(), "action").value_or("") : "";
}

class StressScenarioTest : public ::testing::Test {
 protected:
  StressScenarioTest() { RegisterAllLenses(registry_); }
  std::function<LoadRequest(int64_t)> Make(const std::string& lens, StressScenario scenario,
                                           const IdResolver& ids = AnyId()) {
    auto next = MakeStressRequests(registry_, *registry_.FindLens(lens), scenario, kYacht,
                                   "stress t", 0, ids);
    EXPECT_TRUE(next.ok()) << next.status().message();
    return next.ok() ? *next : nullptr;
  }
  Registry registry_;
};

TEST_F(StressScenarioTest, NamesRoundTripAndUnknownOnesAreRefused) {
  for (auto s : {StressScenario::kList, StressScenario::kRead, StressScenario::kCreate,
                 StressScenario::kMixed}) {
    EXPECT_EQ(*ParseStressScenario(StressScenarioName(s)), s);
  }
  auto bad = ParseStressScenario("burst");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--scenario"), std::string::npos);
}

TEST_F(StressScenarioTest, ListAndReadAreTheLensesOwnRequests) {
  const LoadRequest list = Make("faults", StressScenario::kList)(0);
  EXPECT_EQ(list.method, Method::kGet);
  EXPECT_EQ(list.target, std::string("/v1/actions/list?yacht_id=") + kYacht + "&domain=faults");
  EXPECT_EQ(list.expected_status, 200);
  const LoadRequest read = Make("faults", StressScenario::kRead)(5);
  EXPECT_EQ(read.target, "/v1/actions/execute");
  EXPECT_EQ(ActionOf(read), "list_faults");
  EXPECT_EQ(read.expected_status, 200);
}

TEST_F(StressScenarioTest, CreateMakesAUniqueValidPayloadPerRequest) {
  auto next = Make("shopping_list", StressScenario::kCreate);
  std::set<std::string> bodies;
  for (int64_t i = 0; i < 5; ++i) {
    const LoadRequest r = next(i);
    EXPECT_EQ(ActionOf(r), "create_shopping_list_item");
    EXPECT_EQ(r.expected_status, 201);
    bodies.insert(r.body);
  }
  EXPECT_EQ(bodies.size(), 5u);
}

TEST_F(StressScenarioTest, MixedIsSixReadsTwoListsAndTwoCreatesInTen) {
  auto next = Make("receiving", StressScenario::kMixed);
  std::map<std::string, int> seen;
  for (int64_t i = 0; i < 100; ++i) {
    const LoadRequest r = next(i);
    ++seen[r.method == Method::kGet ? "list" : ActionOf(r)];
  }
  EXPECT_EQ(seen["list_purchase_orders"], 60);
  EXPECT_EQ(seen["list"], 20);
  EXPECT_EQ(seen["create_receiving"], 20);
}

TEST_F(StressScenarioTest, ACreateThatCannotBeMadeIsRefusedBeforeTheRun) {
  int asked = 0;
  IdResolver none = [&](std::string_view) -> Result<std::string> {
    ++asked;
    return Status::RuleViolation("needs_data", "list_parts lists nothing");
  };
  for (auto scenario : {StressScenario::kCreate, StressScenario::kMixed}) {
    auto next = MakeStressRequests(registry_, *registry_.FindLens("receiving"), scenario, kYacht,
                                   "t", 0, none);
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.status().message(), "list_parts lists nothing");
  }
  EXPECT_EQ(asked, 2);
  // list and read need no id.
  EXPECT_TRUE(MakeStressRequests(registry_, *registry_.FindLens("receiving"), StressScenario::kRead,
                                 kYacht, "t", 0, none)
                  .ok());
}

}  // namespace
}  // namespace celeste::ops

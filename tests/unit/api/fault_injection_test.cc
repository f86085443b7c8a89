// Fault injection: the CELESTE_FAULT_INJECTION rules, and the errors they answer with.
#include "api/fault_injection.h"

#include <gtest/gtest.h>

#include "lenses/lenses.h"

namespace celeste {
namespace {

Registry AllLenses() {
  Registry registry;
  RegisterAllLenses(registry);
  return registry;
}

TEST(FaultInjectionTest, ParsesRules) {
  const Registry registry = AllLenses();
  auto rules = ParseFaultSpec("shopping_list:500:0.2,parts:503:1", registry);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].lens, "shopping_list");
  EXPECT_EQ((*rules)[0].status, 500);
  EXPECT_DOUBLE_EQ((*rules)[0].rate, 0.2);
  EXPECT_EQ((*rules)[1].status, 503);
}

TEST(FaultInjectionTest, RefusesBadRules) {
  const Registry registry = AllLenses();
  for (const char* spec :
       {"", "parts", "parts:500", "parts:500:0.5:1", "nolens:500:1", "parts:502:1", "parts:200:1",
        "parts:abc:1", "parts:500:0", "parts:500:1.5", "parts:500:x", "parts:500:1,"}) {
    auto r = ParseFaultSpec(spec, registry);
    EXPECT_FALSE(r.ok()) << spec;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
      EXPECT_NE(r.status().message().find("CELESTE_FAULT_INJECTION"), std::string::npos);
    }
  }
}

TEST(FaultInjectionTest, AnswersTheContractsEnvelopeForTheStatus) {
  FaultInjector faults({{"parts", 500, 1.0}, {"receiving", 503, 1.0}, {"faults", 429, 1.0}});
  EXPECT_TRUE(faults.active());
  const Status a = faults.Decide("parts");
  EXPECT_EQ(a.code(), ErrorCode::kInternal);
  EXPECT_EQ(HttpStatusOf(a.code()), 500);
  EXPECT_EQ(a.details().at("injected_fault"), true);
  EXPECT_EQ(HttpStatusOf(faults.Decide("receiving").code()), 503);
  EXPECT_EQ(HttpStatusOf(faults.Decide("faults").code()), 429);
  EXPECT_TRUE(faults.Decide("shopping_list").ok()) << "a lens without a rule is untouched";
  EXPECT_EQ(faults.Json().size(), 3u);
}

TEST(FaultInjectionTest, TheRateIsTheShareOfCallsAnsweredWithTheFault) {
  FaultInjector faults({{"parts", 500, 0.2}});
  int injected = 0;
  constexpr int kCalls = 20'000;
  for (int i = 0; i < kCalls; ++i) injected += !faults.Decide("parts").ok();
  // 20 % of 20,000 is 4,000; the standard deviation is about 57.
  EXPECT_GT(injected, 3'600);
  EXPECT_LT(injected, 4'400);
}

TEST(FaultInjectionTest, NoRulesIsInactive) {
  FaultInjector none({});
  EXPECT_FALSE(none.active());
  EXPECT_TRUE(none.Decide("parts").ok());
}

}  // namespace
}  // namespace celeste

// Throttle: five failures of one subject within 15 minutes lock it for 15 minutes from
// the fifth; kept in a real, migrated SQLite store and driven by a FakeClock.
#include "auth/throttle.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

namespace celeste {
namespace {

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;
constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kMinute = 60 * kSecond;

enum class Op { kFail, kClear, kAdvance };

struct Step {
  Op op;
  AttemptKind kind = AttemptKind::kPin;
  const char* subject = "signer";
  Micros advance = 0;  // kAdvance only
};

Step Fail(AttemptKind kind = AttemptKind::kPin, const char* subject = "signer") {
  return {Op::kFail, kind, subject};
}
Step Clear(AttemptKind kind = AttemptKind::kPin, const char* subject = "signer") {
  return {Op::kClear, kind, subject};
}
Step Wait(Micros advance) { return {Op::kAdvance, AttemptKind::kPin, "", advance}; }

// Failures `gap` apart (the clock moves before each but the first).
std::vector<Step> Fails(int n, Micros gap = 10 * kSecond, AttemptKind kind = AttemptKind::kPin,
                        const char* subject = "signer") {
  std::vector<Step> out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out.push_back(Wait(gap));
    out.push_back(Fail(kind, subject));
  }
  return out;
}

std::vector<Step> Then(std::vector<Step> a, const std::vector<Step>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

struct Check {
  AttemptKind kind;
  const char* subject;
  std::optional<int> retry_after;  // nullopt: not locked
};

const char* KindName(AttemptKind kind) { return kind == AttemptKind::kPin ? "pin" : "login"; }

TEST(ThrottleTest, LocksAfterFiveFailuresWithinTheWindow) {
  using K = AttemptKind;
  struct Case {
    const char* name;
    std::vector<Step> steps;
    std::vector<Check> checks;
  };
  const Case kCases[] = {
      {"no failures", {}, {{K::kPin, "signer", std::nullopt}}},
      {"four failures do not lock", Fails(4), {{K::kPin, "signer", std::nullopt}}},
      {"the fifth failure locks for 15 minutes", Fails(5), {{K::kPin, "signer", 900}}},
      {"five at the same instant lock", Fails(5, 0), {{K::kPin, "signer", 900}}},
      {"the lock counts down", Then(Fails(5), {Wait(10 * kMinute)}), {{K::kPin, "signer", 300}}},
      {"one second before the end",
       Then(Fails(5), {Wait(15 * kMinute - kSecond)}),
       {{K::kPin, "signer", 1}}},
      {"retry rounds up to whole seconds",
       Then(Fails(5), {Wait(15 * kMinute - kSecond / 2)}),
       {{K::kPin, "signer", 1}}},
      {"the lock ends after 15 minutes",
       Then(Fails(5), {Wait(15 * kMinute)}),
       {{K::kPin, "signer", std::nullopt}}},
      {"the lock runs from the fifth failure, not the first",
       Then(Fails(5, 3 * kMinute), {Wait(14 * kMinute)}),
       {{K::kPin, "signer", 60}}},
      {"failures spread over more than 15 minutes do not lock",
       Fails(5, 4 * kMinute),
       {{K::kPin, "signer", std::nullopt}}},
      {"a later failure makes five within 15 minutes",
       Then(Fails(5, 4 * kMinute), {Wait(kMinute), Fail()}),
       {{K::kPin, "signer", 900}}},
      {"Clear resets a lock", Then(Fails(5), {Clear()}), {{K::kPin, "signer", std::nullopt}}},
      {"Clear forgets earlier failures",
       Then(Then(Fails(4), {Clear()}), Fails(4)),
       {{K::kPin, "signer", std::nullopt}}},
      {"pin failures do not lock login",
       Fails(5),
       {{K::kPin, "signer", 900}, {K::kLogin, "signer", std::nullopt}}},
      {"login failures do not lock pin",
       Fails(5, 10 * kSecond, K::kLogin),
       {{K::kLogin, "signer", 900}, {K::kPin, "signer", std::nullopt}}},
      {"kinds do not add up",
       Then(Fails(3, 10 * kSecond, K::kLogin), Fails(3, 10 * kSecond, K::kPin)),
       {{K::kLogin, "signer", std::nullopt}, {K::kPin, "signer", std::nullopt}}},
      {"Clear of one kind keeps the other",
       Then(Then(Fails(5, 0, K::kLogin), Fails(5, 0, K::kPin)), {Clear(K::kPin)}),
       {{K::kLogin, "signer", 900}, {K::kPin, "signer", std::nullopt}}},
      {"subjects are separate",
       Fails(5, 10 * kSecond, K::kPin, "alice"),
       {{K::kPin, "alice", 900}, {K::kPin, "bob", std::nullopt}}},
      {"Clear of one subject keeps the other",
       Then(Then(Fails(5, 0, K::kPin, "alice"), Fails(5, 0, K::kPin, "bob")),
            {Clear(K::kPin, "alice")}),
       {{K::kPin, "alice", std::nullopt}, {K::kPin, "bob", 900}}},
  };
  SetLogLevel(LogLevel::kWarn);
  for (const auto& c : kCases) {
    celeste::testing::TempDir dir;
    auto opened = OpenStore("sqlite:" + dir.File("celeste.db"));
    ASSERT_TRUE(opened.ok()) << "case " << c.name << ": " << opened.status().ToString();
    std::unique_ptr<Store> store = std::move(opened).value();
    ASSERT_TRUE(store->Migrate().ok()) << "case " << c.name;
    FakeClock clock(kT0);
    Throttle throttle(*store, clock);
    for (const Step& step : c.steps) {
      switch (step.op) {
        case Op::kFail:
          ASSERT_TRUE(throttle.RecordFailure(step.kind, step.subject).ok()) << "case " << c.name;
          break;
        case Op::kClear:
          ASSERT_TRUE(throttle.Clear(step.kind, step.subject).ok()) << "case " << c.name;
          break;
        case Op::kAdvance:
          clock.Advance(step.advance);
          break;
      }
    }
    for (const Check& check : c.checks) {
      auto locked = throttle.LockedFor(check.kind, check.subject);
      ASSERT_TRUE(locked.ok()) << "case " << c.name << ": " << locked.status().ToString();
      EXPECT_EQ(*locked, check.retry_after)
          << "case " << c.name << " (" << KindName(check.kind) << " " << check.subject << ")";
      if (*locked) {
        EXPECT_GT(**locked, 0) << "case " << c.name;
        EXPECT_LE(**locked, 900) << "case " << c.name;
      }
    }
    store->Close();
  }
}

// The lock lasts 15 minutes and then the subject starts afresh: four new failures after
// the lock do not lock it again at once.
TEST(ThrottleTest, AfterTheLockFourNewFailuresDoNotRelock) {
  SetLogLevel(LogLevel::kWarn);
  celeste::testing::TempDir dir;
  auto opened = OpenStore("sqlite:" + dir.File("celeste.db"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(opened).value();
  ASSERT_TRUE(store->Migrate().ok());
  FakeClock clock(kT0);
  Throttle throttle(*store, clock);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(throttle.RecordFailure(AttemptKind::kPin, "s").ok());
  ASSERT_EQ(*throttle.LockedFor(AttemptKind::kPin, "s"), std::optional<int>(900));
  clock.Advance(15 * kMinute + kSecond);
  ASSERT_EQ(*throttle.LockedFor(AttemptKind::kPin, "s"), std::nullopt);
  for (int i = 0; i < 4; ++i) {
    clock.Advance(kSecond);
    ASSERT_TRUE(throttle.RecordFailure(AttemptKind::kPin, "s").ok());
    EXPECT_EQ(*throttle.LockedFor(AttemptKind::kPin, "s"), std::nullopt) << "new failure " << i + 1;
  }
  clock.Advance(kSecond);
  ASSERT_TRUE(throttle.RecordFailure(AttemptKind::kPin, "s").ok());
  EXPECT_EQ(*throttle.LockedFor(AttemptKind::kPin, "s"), std::optional<int>(900));
  store->Close();
}

}  // namespace
}  // namespace celeste

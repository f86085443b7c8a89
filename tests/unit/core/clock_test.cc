#include "core/clock.h"

#include <string>

#include <gtest/gtest.h>

namespace celeste {
namespace {

constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kDay = 86'400 * kSecond;

TEST(ClockTest, FormatRfc3339IsFixedWidth) {
  struct Case {
    const char* name;
    Micros t;
    const char* text;
  };
  const Case kCases[] = {
      {"epoch", 0, "1970-01-01T00:00:00.000000Z"},
      {"one microsecond", 1, "1970-01-01T00:00:00.000001Z"},
      {"before the epoch", -1, "1969-12-31T23:59:59.999999Z"},
      {"leap day 2024", 1'709'164'800 * kSecond, "2024-02-29T00:00:00.000000Z"},
      {"leap day 2000", 951'782'400 * kSecond + 123'456, "2000-02-29T00:00:00.123456Z"},
      {"end of 2026", 1'798'761'599 * kSecond + 999'999, "2026-12-31T23:59:59.999999Z"},
      {"contract example", 1'795'341'600 * kSecond, "2026-11-22T10:00:00.000000Z"},
      {"year 2100", 4'102'444'800 * kSecond, "2100-01-01T00:00:00.000000Z"},
  };
  for (const auto& c : kCases) {
    const std::string text = FormatRfc3339(c.t);
    EXPECT_EQ(text, c.text) << "case " << c.name;
    EXPECT_EQ(text.size(), 27u) << "case " << c.name;
    EXPECT_EQ(ParseRfc3339(text), c.t) << "case " << c.name << ": round trip";
  }
}

TEST(ClockTest, FormattedTextSortsInTimeOrder) {
  const Micros kTimes[] = {-kDay, 0, 1, kSecond - 1, kSecond, kDay, 1'709'164'800 * kSecond};
  for (size_t i = 1; i < std::size(kTimes); ++i) {
    EXPECT_LT(FormatRfc3339(kTimes[i - 1]), FormatRfc3339(kTimes[i])) << "index " << i;
  }
}

TEST(ClockTest, ParseRfc3339Accepts) {
  constexpr Micros kBase = 1'795'341'600 * kSecond;  // 2026-11-22T10:00:00Z
  struct Case {
    const char* text;
    Micros t;
  };
  const Case kCases[] = {
      {"2026-11-22T10:00:00Z", kBase},
      {"2026-11-22t10:00:00z", kBase},
      {"2026-11-22 10:00:00Z", kBase},
      {"2026-11-22T10:00:00+00:00", kBase},
      {"2026-11-22T10:00:00-00:00", kBase},
      {"2026-11-22T12:30:00+02:30", kBase},
      {"2026-11-22T05:00:00-05:00", kBase},
      {"2026-11-23T09:59:00+23:59", kBase},
      {"2026-11-22T10:00:00.5Z", kBase + 500'000},
      {"2026-11-22T10:00:00.123456Z", kBase + 123'456},
      {"2026-11-22T10:00:00.1234567Z", kBase + 123'456},  // beyond microseconds: truncated
      {"2026-11-22T10:00:00.000001+01:00", kBase - 3600 * kSecond + 1},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -kSecond},
      {"2024-02-29T00:00:00Z", 1'709'164'800 * kSecond},
  };
  for (const auto& c : kCases) EXPECT_EQ(ParseRfc3339(c.text), c.t) << "'" << c.text << "'";
}

TEST(ClockTest, ParseRfc3339RejectsMalformed) {
  static constexpr const char* kCases[] = {
      "",
      "2026-11-22",
      "2026-11-22T10:00:00",    // no zone
      "2026-11-22T10:00Z",      // no seconds
      "2026-11-22T10:00:00.Z",  // empty fraction
      "2026-11-22X10:00:00Z",
      "2026-11-22T10:00:00ZZ",
      "2026-11-22T10:00:00Z ",
      " 2026-11-22T10:00:00Z",
      "2026-11-22T24:00:00Z",
      "2026-11-22T10:60:00Z",
      "2026-11-22T10:00:61Z",
      "2026-13-22T10:00:00Z",
      "2026-00-22T10:00:00Z",
      "2026-11-31T10:00:00Z",
      "2023-02-29T10:00:00Z",
      "2026-11-22T10:00:00+0100",
      "2026-11-22T10:00:00+01",
      "2026-11-22T10:00:00+24:00",
      "2026-11-22T10:00:00+01:60",
      "2026-11-22T10:00:00+01:00:00",
      "2026-1-22T10:00:00Z",
      "2026/11/22T10:00:00Z",
      "2026-11-22T1a:00:00Z",
      "+2026-11-22T10:00:00Z",
      "2026-11-22T10:00:00.12a4Z",
  };
  for (const char* text : kCases) {
    EXPECT_EQ(ParseRfc3339(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ClockTest, IsDateAndParseDateDays) {
  struct Case {
    const char* text;
    bool valid;
    int64_t days;  // since the epoch, when valid
  };
  const Case kCases[] = {
      {"1970-01-01", true, 0},      {"1969-12-31", true, -1},
      {"2024-02-29", true, 19'782}, {"2000-02-29", true, 11'016},
      {"2024-12-31", true, 20'088}, {"2023-02-29", false, 0},
      {"1900-02-29", false, 0},     {"2024-04-31", false, 0},
      {"2024-00-10", false, 0},     {"2024-13-01", false, 0},
      {"2024-01-00", false, 0},     {"2024-1-01", false, 0},
      {"2024-01-1", false, 0},      {"24-01-01", false, 0},
      {"2024/01/01", false, 0},     {"2024-01-01T00:00:00Z", false, 0},
      {"2024-01-01 ", false, 0},    {"", false, 0},
      {"abcd-ef-gh", false, 0},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsDate(c.text), c.valid) << "'" << c.text << "'";
    const auto days = ParseDateDays(c.text);
    EXPECT_EQ(days.has_value(), c.valid) << "'" << c.text << "'";
    if (c.valid && days) {
      EXPECT_EQ(*days, c.days) << "'" << c.text << "'";
    }
  }
}

TEST(ClockTest, FakeClockMovesOnlyByHand) {
  FakeClock clock(1'000);
  EXPECT_EQ(clock.Now(), 1'000);
  clock.Advance(15 * 60 * kSecond);
  EXPECT_EQ(clock.Now(), 1'000 + 15 * 60 * kSecond);
  clock.Set(-5);
  EXPECT_EQ(clock.Now(), -5);

  const Micros before = SystemClock::Instance().Now();
  EXPECT_GT(before, 1'577'836'800 * kSecond) << "system clock is after 2020-01-01";
  EXPECT_LE(before, SystemClock::Instance().Now());
}

}  // namespace
}  // namespace celeste

namespace celeste {
namespace {

TEST(DurationTest, ParsesANumberAndAUnit) {
  EXPECT_EQ(ParseDuration("250ms"), 250'000);
  EXPECT_EQ(ParseDuration("90s"), 90 * kMicrosPerSecond);
  EXPECT_EQ(ParseDuration("15m"), 15 * 60 * kMicrosPerSecond);
  EXPECT_EQ(ParseDuration("1h"), 3600 * kMicrosPerSecond);
  EXPECT_EQ(ParseDuration("30d"), 30LL * 86400 * kMicrosPerSecond);
  EXPECT_EQ(ParseDuration("3650d"), 3650LL * 86400 * kMicrosPerSecond) << "ten years is the most";
}

TEST(DurationTest, RefusesAnythingElse) {
  for (const char* text : {"", "15", "m", "0s", "-5m", "1.5h", "15 m", "15M", "3w", "1h30m",
                           "9999999999s", "999999999d", "3700d"}) {
    EXPECT_FALSE(ParseDuration(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace celeste

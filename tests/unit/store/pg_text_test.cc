#include "store/postgres/pg_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/clock.h"

namespace celeste {
namespace {

TEST(TimestamptzToRfc3339Test, PostgresIsoOutputBecomesCelesteTime) {
  EXPECT_EQ(TimestamptzToRfc3339("2026-11-22 03:51:38.3+00"), "2026-11-22T03:51:38.300000Z");
  EXPECT_EQ(TimestamptzToRfc3339("2026-11-22 03:51:38+00"), "2026-11-22T03:51:38.000000Z");
  EXPECT_EQ(TimestamptzToRfc3339("2026-11-22 03:51:38.123456+00"), "2026-11-22T03:51:38.123456Z");
  EXPECT_EQ(TimestamptzToRfc3339("0001-01-01 00:00:00.000001+00"), "0001-01-01T00:00:00.000001Z");
}

TEST(TimestamptzToRfc3339Test, RoundTripsEveryTimeCelesteWrites) {
  // What the server writes is FormatRfc3339 text; PostgreSQL trims trailing zeros.
  for (Micros t : {Micros{0}, Micros{1'795'000'000'000'000}, Micros{1'795'000'000'100'000},
                   Micros{1'795'000'000'000'001}, Micros{-86'400'000'000}}) {
    const std::string written = FormatRfc3339(t);
    std::string printed = written.substr(0, 10) + " " + written.substr(11, 15);
    while (printed.back() == '0') printed.pop_back();
    if (printed.back() == '.') printed.pop_back();
    printed += "+00";
    EXPECT_EQ(TimestamptzToRfc3339(printed), written) << printed;
  }
}

TEST(TimestamptzToRfc3339Test, OtherShapesAreLeftAlone) {
  for (const char* text :
       {"infinity", "-infinity", "2026-11-22 03:51:38+02", "2026-11-22 03:51:38.1234567+00",
        "2026-11-22T03:51:38Z", "12026-11-22 03:51:38+00", "2026-11-22 03:51:38.x+00",
        "2026-11-22 03:51:38 BC+00", ""}) {
    EXPECT_EQ(TimestamptzToRfc3339(text), text);
  }
}

TEST(ParamTextTest, ValuesAsPostgresParsesThem) {
  EXPECT_EQ(ParamText(Value()), std::nullopt);
  EXPECT_EQ(ParamText(Value("it's")), "it's");
  EXPECT_EQ(ParamText(Value(int64_t{-42})), "-42");
  EXPECT_EQ(ParamText(Value(true)), "t");
  EXPECT_EQ(ParamText(Value(false)), "f");
  EXPECT_EQ(ParamText(Value(2.5)), "2.5");
  EXPECT_EQ(ParamText(Value(0.1)), "0.1");
  EXPECT_EQ(ParamText(Value(1e300)), "1e+300");
  EXPECT_EQ(ParamText(Value(std::numeric_limits<double>::infinity())), "Infinity");
  EXPECT_EQ(ParamText(Value(-std::numeric_limits<double>::infinity())), "-Infinity");
  EXPECT_EQ(ParamText(Value(std::nan(""))), "NaN");
  // The shortest text that reads back as the same double.
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(*ParamText(Value(third))), third);
}

}  // namespace
}  // namespace celeste

#include "store/value.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace celeste {
namespace {

Row OneCell(std::optional<std::string> cell) { return Row({std::move(cell)}); }

TEST(RowTest, BoolReadsBothBackendsSpellings) {
  struct Case {
    std::optional<std::string> cell;
    bool want;
  };
  const Case kCases[] = {
      {"1", true},      {"t", true}, {"true", true}, {"0", false},          {"f", false},
      {"false", false}, {"", false}, {"yes", false}, {std::nullopt, false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(OneCell(c.cell).Bool(0), c.want) << "cell " << c.cell.value_or("NULL");
  }
}

TEST(RowTest, IntReadsIntegerAndRealText) {
  struct Case {
    std::optional<std::string> cell;
    int64_t want;
  };
  const Case kCases[] = {
      {"3", 3},   {"3.0", 3}, {"-12", -12}, {"0", 0},          {"9223372036854775807", INT64_MAX},
      {"2.9", 2}, {"abc", 0}, {"", 0},      {std::nullopt, 0},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(OneCell(c.cell).Int(0), c.want) << "cell " << c.cell.value_or("NULL");
  }
}

TEST(RowTest, RealAndOptReal) {
  EXPECT_DOUBLE_EQ(OneCell("2.5").Real(0), 2.5);
  EXPECT_DOUBLE_EQ(OneCell("3").Real(0), 3.0);
  EXPECT_DOUBLE_EQ(OneCell(std::nullopt).Real(0), 0.0);
  EXPECT_EQ(OneCell(std::nullopt).OptReal(0), std::nullopt);
  ASSERT_TRUE(OneCell("-0.25").OptReal(0).has_value());
  EXPECT_DOUBLE_EQ(*OneCell("-0.25").OptReal(0), -0.25);
}

TEST(RowTest, TextAndNulls) {
  const Row row({std::optional<std::string>("anchor"), std::nullopt, std::string()});
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row.Text(0), "anchor");
  EXPECT_FALSE(row.IsNull(0));
  EXPECT_TRUE(row.IsNull(1));
  EXPECT_EQ(row.Text(1), "");
  EXPECT_EQ(row.OptText(1), std::nullopt);
  EXPECT_FALSE(row.IsNull(2));  // empty text is not NULL
  EXPECT_EQ(row.OptText(2), std::optional<std::string>(""));
  EXPECT_THROW(row.Text(3), std::out_of_range);
}

TEST(ValueTest, HoldsTheBoundType) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_TRUE(Value(std::optional<int>()).is_null());
  EXPECT_EQ(std::get<int64_t>(Value(7).variant()), 7);
  EXPECT_EQ(std::get<int64_t>(Value(std::optional<int>(7)).variant()), 7);
  EXPECT_EQ(std::get<double>(Value(2.5).variant()), 2.5);
  EXPECT_EQ(std::get<bool>(Value(true).variant()), true);
  EXPECT_EQ(std::get<std::string>(Value("x").variant()), "x");
  EXPECT_EQ(std::get<std::string>(Value(std::string_view("y")).variant()), "y");
}

}  // namespace
}  // namespace celeste

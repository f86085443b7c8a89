#include "core/json.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace celeste {
namespace {

TEST(JsonTest, CanonicalJson) {
  struct Case {
    const char* name;
    const char* input;
    const char* canonical;
  };
  const Case kCases[] = {
      {"sorted keys", R"({"b":1,"a":2,"c":3})", R"({"a":2,"b":1,"c":3})"},
      {"nested objects sorted", R"({"z":{"y":1,"x":{"q":true,"p":null}},"a":[{"d":1,"c":2}]})",
       R"({"a":[{"c":2,"d":1}],"z":{"x":{"p":null,"q":true},"y":1}})"},
      {"whitespace removed", "{ \"a\" : [ 1 , 2 ] ,\n\t\"b\" : \"x y\" }",
       R"({"a":[1,2],"b":"x y"})"},
      {"array order kept", R"([3,1,2])", R"([3,1,2])"},
      {"bytewise order: upper case first", R"({"a":1,"B":2,"_":3,"1":4})",
       R"({"1":4,"B":2,"_":3,"a":1})"},
      {"prefix sorts first", R"({"ab":1,"a":2})", R"({"a":2,"ab":1})"},
      {"utf-8 after ascii", R"({"é":1,"z":2})", R"({"z":2,"é":1})"},
      {"string escapes", R"({"s":"quote\" slash\\ nl\n"})", R"({"s":"quote\" slash\\ nl\n"})"},
      {"scalars", R"([true,false,null,-7,0,"",{}])", R"([true,false,null,-7,0,"",{}])"},
      {"empty object", "{}", "{}"},
  };
  for (const auto& c : kCases) {
    auto value = ParseJson(c.input);
    ASSERT_TRUE(value.has_value()) << "case " << c.name;
    const std::string canonical = CanonicalJson(*value);
    EXPECT_EQ(canonical, c.canonical) << "case " << c.name;
    // Stable: canonicalising the canonical form changes nothing.
    auto again = ParseJson(canonical);
    ASSERT_TRUE(again.has_value()) << "case " << c.name;
    EXPECT_EQ(CanonicalJson(*again), canonical) << "case " << c.name;
  }
}

TEST(JsonTest, CanonicalJsonIgnoresInsertionOrder) {
  boost::json::object a;
  a["quantity"] = 2;
  a["part_name"] = "impeller";
  a["meta"] = {{"y", 1}, {"x", 2}};
  boost::json::object b;
  b["meta"] = {{"x", 2}, {"y", 1}};
  b["part_name"] = "impeller";
  b["quantity"] = 2;
  EXPECT_EQ(CanonicalJson(a), CanonicalJson(b));
  EXPECT_EQ(CanonicalJson(a), R"({"meta":{"x":2,"y":1},"part_name":"impeller","quantity":2})");
}

TEST(JsonTest, ParseJson) {
  struct Case {
    const char* text;
    bool ok;
  };
  const Case kCases[] = {
      {"{}", true},
      {"[]", true},
      {"1", true},
      {R"("s")", true},
      {"", false},
      {"{", false},
      {"{'a':1}", false},
      {R"({"a":1,})", false},
      {"[1,]", false},
      {"nul", false},
      {R"({"a":1} x)", false},
      {"// c\n{}", false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ParseJson(c.text).has_value(), c.ok) << "'" << c.text << "'";
  }
}

TEST(JsonTest, TypedGetters) {
  auto value = ParseJson(R"({"s":"text","i":-5,"u":18446744073709551615,"d":2.5,"b":true,)"
                         R"("n":null,"big":9223372036854775807})");
  ASSERT_TRUE(value && value->is_object());
  const auto& obj = value->get_object();

  EXPECT_EQ(GetString(obj, "s"), "text");
  EXPECT_EQ(GetString(obj, "i"), std::nullopt);
  EXPECT_EQ(GetString(obj, "missing"), std::nullopt);
  EXPECT_EQ(GetString(obj, "n"), std::nullopt);

  EXPECT_EQ(GetInt(obj, "i"), -5);
  EXPECT_EQ(GetInt(obj, "big"), INT64_MAX);
  EXPECT_EQ(GetInt(obj, "u"), std::nullopt) << "above int64 range";
  EXPECT_EQ(GetInt(obj, "d"), std::nullopt) << "not an integer";
  EXPECT_EQ(GetInt(obj, "s"), std::nullopt);

  EXPECT_EQ(GetNumber(obj, "d"), 2.5);
  EXPECT_EQ(GetNumber(obj, "i"), -5.0);
  EXPECT_EQ(GetNumber(obj, "s"), std::nullopt);
  EXPECT_EQ(GetNumber(obj, "b"), std::nullopt);

  EXPECT_EQ(GetBool(obj, "b"), true);
  EXPECT_EQ(GetBool(obj, "i"), std::nullopt);
  EXPECT_EQ(GetBool(obj, "missing"), std::nullopt);

  EXPECT_EQ(ToJson(boost::json::value{{"k", "v"}}), R"({"k":"v"})");
}

}  // namespace
}  // namespace celeste

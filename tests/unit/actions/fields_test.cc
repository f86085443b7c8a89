// Payload validation (CONTRACT §2 step 7): unknown_field, then missing_field, then
// invalid_field, each naming the field in details.field; and the field descriptions that
// /v1/actions/list serves (CONTRACT §4).
#include "actions/fields.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "actions/action.h"
#include "core/json.h"

namespace celeste {
namespace {

namespace json = boost::json;

FieldDef Field(std::string name, FieldType type, bool required = false) {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  f.label = f.name;
  return f;
}

FieldDef WithMin(FieldDef f, double min, bool exclusive = false) {
  f.min = min;
  f.min_exclusive = exclusive;
  return f;
}

FieldDef WithMax(FieldDef f, double max) {
  f.max = max;
  return f;
}

FieldDef WithMaxLength(FieldDef f, size_t max_length) {
  f.max_length = max_length;
  return f;
}

FieldDef WithReferences(FieldDef f, std::string entity_type) {
  f.references = std::move(entity_type);
  return f;
}

FieldDef WithExample(FieldDef f, std::string example) {
  f.example = std::move(example);
  return f;
}

FieldDef WithEnum(FieldDef f, std::vector<std::string> values) {
  f.enum_values = std::move(values);
  return f;
}

ActionDef ActionWith(std::vector<FieldDef> fields) {
  ActionDef a;
  a.id = "probe_action";
  a.label = "Probe";
  a.lens = "probe";
  a.fields = std::move(fields);
  return a;
}

// A JSON string literal of `n` copies of `c`, for length limits.
std::string Quoted(size_t n, char c = 'x') { return "\"" + std::string(n, c) + "\""; }

std::string ArrayOf(size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += i ? ",1" : "1";
  return out + "]";
}

std::string CodeName(ErrorCode code) { return std::string(ErrorCodeName(code)); }

TEST(FieldsTest, ValidatePayload) {
  struct Case {
    std::string name;
    std::vector<FieldDef> fields;
    std::string payload;  // a JSON object
    ErrorCode code;       // kOk when valid
    std::string field;    // details.field when not
  };
  const FieldDef qty = Field("qty", FieldType::kInteger, true);
  const FieldDef positive = WithMin(Field("amount", FieldType::kNumber, true), 0, true);
  const FieldDef when = Field("when", FieldType::kDate, true);
  const FieldDef at = Field("at", FieldType::kDateTime, true);
  const FieldDef id = Field("id", FieldType::kUuid, true);
  const FieldDef urgency =
      WithEnum(Field("urgency", FieldType::kEnum, true), {"low", "normal", "high", "critical"});
  const FieldDef flag = Field("flag", FieldType::kBoolean, true);
  const FieldDef tags = Field("tags", FieldType::kArray, true);
  const FieldDef short_name = WithMaxLength(Field("name", FieldType::kString, true), 5);
  const std::string uuid = "0192f3a4-7b1c-7def-8a12-3456789abcde";
  using E = ErrorCode;

  const Case kCases[] = {
      // Unknown fields are reported before anything else.
      {"unknown beats missing", {qty}, R"({"bogus":1})", E::kUnknownField, "bogus"},
      {"unknown beats invalid", {qty}, R"({"qty":"x","bogus":1})", E::kUnknownField, "bogus"},
      {"unknown on an action without fields", {}, R"({"x":null})", E::kUnknownField, "x"},
      {"empty payload, no fields", {}, R"({})", E::kOk, ""},
      // Missing: absent or null.
      {"required absent", {qty}, R"({})", E::kMissingField, "qty"},
      {"required null", {qty}, R"({"qty":null})", E::kMissingField, "qty"},
      {"optional absent", {Field("qty", FieldType::kInteger)}, R"({})", E::kOk, ""},
      {"optional null", {Field("qty", FieldType::kInteger)}, R"({"qty":null})", E::kOk, ""},
      // Fields are visited in declaration order.
      {"first declared missing wins",
       {qty, Field("b", FieldType::kInteger, true)},
       R"({"b":"x"})",
       E::kMissingField,
       "qty"},
      {"first declared invalid wins",
       {qty, Field("b", FieldType::kInteger, true)},
       R"({"qty":"x"})",
       E::kInvalidField,
       "qty"},
      // integer
      {"integer 3", {qty}, R"({"qty":3})", E::kOk, ""},
      {"integer -3", {qty}, R"({"qty":-3})", E::kOk, ""},
      {"integer 3.0", {qty}, R"({"qty":3.0})", E::kOk, ""},
      {"integer 3.5", {qty}, R"({"qty":3.5})", E::kInvalidField, "qty"},
      {"integer \"3\"", {qty}, R"({"qty":"3"})", E::kInvalidField, "qty"},
      {"integer true", {qty}, R"({"qty":true})", E::kInvalidField, "qty"},
      {"integer array", {qty}, R"({"qty":[3]})", E::kInvalidField, "qty"},
      {"integer below min", {WithMin(qty, 1)}, R"({"qty":0})", E::kInvalidField, "qty"},
      {"integer at min", {WithMin(qty, 1)}, R"({"qty":1})", E::kOk, ""},
      {"integer above max", {WithMax(qty, 10)}, R"({"qty":11})", E::kInvalidField, "qty"},
      {"integer at max", {WithMax(qty, 10)}, R"({"qty":10})", E::kOk, ""},
      // number, min 0 exclusive
      {"number 0 (exclusive min)", {positive}, R"({"amount":0})", E::kInvalidField, "amount"},
      {"number 0.0 (exclusive min)", {positive}, R"({"amount":0.0})", E::kInvalidField, "amount"},
      {"number 0.1", {positive}, R"({"amount":0.1})", E::kOk, ""},
      {"number 2", {positive}, R"({"amount":2})", E::kOk, ""},
      {"number -1", {positive}, R"({"amount":-1})", E::kInvalidField, "amount"},
      {"number \"1\"", {positive}, R"({"amount":"1"})", E::kInvalidField, "amount"},
      {"number true", {positive}, R"({"amount":true})", E::kInvalidField, "amount"},
      {"number 0 (inclusive min)",
       {WithMin(Field("amount", FieldType::kNumber), 0)},
       R"({"amount":0})",
       E::kOk,
       ""},
      {"number at max", {WithMax(positive, 5)}, R"({"amount":5})", E::kOk, ""},
      {"number above max",
       {WithMax(positive, 5)},
       R"({"amount":5.01})",
       E::kInvalidField,
       "amount"},
      // boolean
      {"boolean true", {flag}, R"({"flag":true})", E::kOk, ""},
      {"boolean false", {flag}, R"({"flag":false})", E::kOk, ""},
      {"boolean \"true\"", {flag}, R"({"flag":"true"})", E::kInvalidField, "flag"},
      {"boolean 1", {flag}, R"({"flag":1})", E::kInvalidField, "flag"},
      // date
      {"date 2024-02-29 (leap year)", {when}, R"({"when":"2024-02-29"})", E::kOk, ""},
      {"date 2023-02-29", {when}, R"({"when":"2023-02-29"})", E::kInvalidField, "when"},
      {"date 2024-13-01", {when}, R"({"when":"2024-13-01"})", E::kInvalidField, "when"},
      {"date 2024-2-9", {when}, R"({"when":"2024-2-9"})", E::kInvalidField, "when"},
      {"date with a time", {when}, R"({"when":"2024-02-29T00:00:00Z"})", E::kInvalidField, "when"},
      {"date as a number", {when}, R"({"when":20240229})", E::kInvalidField, "when"},
      // datetime (RFC 3339)
      {"datetime Z", {at}, R"({"at":"2026-11-22T10:00:00Z"})", E::kOk, ""},
      {"datetime offset and fraction", {at}, R"({"at":"2026-11-22T10:00:00.5+02:00"})", E::kOk, ""},
      {"datetime without zone", {at}, R"({"at":"2026-11-22T10:00:00"})", E::kInvalidField, "at"},
      {"datetime date only", {at}, R"({"at":"2026-11-22"})", E::kInvalidField, "at"},
      {"datetime bad hour", {at}, R"({"at":"2026-11-22T24:00:00Z"})", E::kInvalidField, "at"},
      {"datetime bad day", {at}, R"({"at":"2026-02-30T10:00:00Z"})", E::kInvalidField, "at"},
      {"datetime as a number", {at}, R"({"at":1790000000})", E::kInvalidField, "at"},
      // uuid
      {"uuid lower case", {id}, R"({"id":")" + uuid + R"("})", E::kOk, ""},
      {"uuid upper case", {id}, R"({"id":"0192F3A4-7B1C-7DEF-8A12-3456789ABCDE"})", E::kOk, ""},
      {"uuid without dashes",
       {id},
       R"({"id":"0192f3a47b1c7def8a123456789abcde"})",
       E::kInvalidField,
       "id"},
      {"uuid not hex",
       {id},
       R"({"id":"0192f3a4-7b1c-7def-8a12-3456789abcdg"})",
       E::kInvalidField,
       "id"},
      {"uuid as a number", {id}, R"({"id":42})", E::kInvalidField, "id"},
      // enum
      {"enum listed value", {urgency}, R"({"urgency":"critical"})", E::kOk, ""},
      {"enum wrong case", {urgency}, R"({"urgency":"LOW"})", E::kInvalidField, "urgency"},
      {"enum unlisted", {urgency}, R"({"urgency":"urgent"})", E::kInvalidField, "urgency"},
      {"enum empty", {urgency}, R"({"urgency":""})", E::kInvalidField, "urgency"},
      {"enum as a number", {urgency}, R"({"urgency":1})", E::kInvalidField, "urgency"},
      // array
      {"array empty when required", {tags}, R"({"tags":[]})", E::kInvalidField, "tags"},
      {"array empty when optional",
       {Field("tags", FieldType::kArray)},
       R"({"tags":[]})",
       E::kOk,
       ""},
      {"array one item", {tags}, R"({"tags":["a"]})", E::kOk, ""},
      {"array 500 items", {tags}, R"({"tags":)" + ArrayOf(500) + "}", E::kOk, ""},
      {"array 501 items", {tags}, R"({"tags":)" + ArrayOf(501) + "}", E::kInvalidField, "tags"},
      {"array as an object", {tags}, R"({"tags":{}})", E::kInvalidField, "tags"},
      // string / text
      {"string at max_length", {short_name}, R"({"name":"abcde"})", E::kOk, ""},
      {"string over max_length", {short_name}, R"({"name":"abcdef"})", E::kInvalidField, "name"},
      {"string max_length counts bytes",
       {short_name},
       R"({"name":"ééé"})",
       E::kInvalidField,
       "name"},
      {"string blank when required", {short_name}, R"({"name":"   "})", E::kInvalidField, "name"},
      {"string empty when required", {short_name}, R"({"name":""})", E::kInvalidField, "name"},
      {"string empty when optional",
       {Field("name", FieldType::kString)},
       R"({"name":""})",
       E::kOk,
       ""},
      {"string as a number", {short_name}, R"({"name":5})", E::kInvalidField, "name"},
      {"string holding NUL", {short_name}, R"({"name":"a\u0000b"})", E::kInvalidField, "name"},
      {"text holding NUL",
       {Field("notes", FieldType::kText)},
       R"({"notes":"line\u0000"})",
       E::kInvalidField,
       "notes"},
      {"text with newlines and tabs",
       {Field("notes", FieldType::kText)},
       R"({"notes":"a\n\tb"})",
       E::kOk,
       ""},
      {"string default limit 200",
       {Field("name", FieldType::kString)},
       R"({"name":)" + Quoted(200) + "}",
       E::kOk,
       ""},
      {"string default limit 201",
       {Field("name", FieldType::kString)},
       R"({"name":)" + Quoted(201) + "}",
       E::kInvalidField,
       "name"},
      {"text default limit 10000",
       {Field("notes", FieldType::kText)},
       R"({"notes":)" + Quoted(10000) + "}",
       E::kOk,
       ""},
      {"text default limit 10001",
       {Field("notes", FieldType::kText)},
       R"({"notes":)" + Quoted(10001) + "}",
       E::kInvalidField,
       "notes"},
  };
  for (const auto& c : kCases) {
    const ActionDef action = ActionWith(c.fields);
    auto payload = ParseJson(c.payload);
    ASSERT_TRUE(payload && payload->is_object()) << "case " << c.name << ": bad test payload";
    const Status s = ValidatePayload(action, payload->get_object());
    EXPECT_EQ(CodeName(s.code()), CodeName(c.code)) << "case " << c.name << ": " << s.ToString();
    if (c.code == ErrorCode::kOk) continue;
    const auto* field = s.details().if_contains("field");
    ASSERT_NE(field, nullptr) << "case " << c.name << ": no details.field";
    EXPECT_EQ(json::value_to<std::string>(*field), c.field) << "case " << c.name;
    EXPECT_FALSE(s.message().empty()) << "case " << c.name;
  }
}

// What ValidatePayload accepts as an integer, a handler must be able to read back with
// ActionContext::Int/OptInt (int64): 3.0 reads as 3, and a value int64 cannot hold must be
// rejected up front rather than read back as 0 / nullopt.
TEST(FieldsTest, AcceptedIntegerReadsBackThroughActionContext) {
  struct Case {
    const char* name;
    const char* payload;
    std::optional<int64_t> want;  // nullopt: ValidatePayload must reject it (invalid_field)
  };
  const Case kCases[] = {
      {"integer 3", R"({"qty":3})", 3},
      {"integer 3.0", R"({"qty":3.0})", 3},
      {"integer -7.0", R"({"qty":-7.0})", -7},
      {"integer 1e3", R"({"qty":1e3})", 1000},
      {"largest int64", R"({"qty":9223372036854775807})", INT64_MAX},
      {"2^64-1 does not fit int64", R"({"qty":18446744073709551615})", std::nullopt},
  };
  const ActionDef action = ActionWith({Field("qty", FieldType::kInteger, true)});
  const Principal principal{"u", "u@example.test", "U", {}};
  for (const auto& c : kCases) {
    auto payload = ParseJson(c.payload);
    ASSERT_TRUE(payload && payload->is_object()) << "case " << c.name;
    const json::object& obj = payload->get_object();
    const Status valid = ValidatePayload(action, obj);
    if (!c.want) {
      EXPECT_EQ(CodeName(valid.code()), CodeName(ErrorCode::kInvalidField)) << "case " << c.name;
      continue;
    }
    ASSERT_TRUE(valid.ok()) << "case " << c.name << ": " << valid.ToString();
    const ActionContext ctx{.action = action,
                            .principal = principal,
                            .yacht_id = "y",
                            .role = Role::kCrew,
                            .entity_id = "",
                            .payload = obj,
                            .signature = nullptr,
                            .request_id = "r",
                            .now = 0,
                            .now_text = ""};
    EXPECT_EQ(ctx.OptInt("qty"), c.want) << "case " << c.name;
    EXPECT_EQ(ctx.Int("qty"), *c.want) << "case " << c.name;
  }
}

TEST(FieldsTest, DescribeField) {
  struct Case {
    const char* name;
    FieldDef field;
    std::set<std::string> keys;
    const char* type;
  };
  const std::set<std::string> kBase = {"name", "type", "required", "label"};
  auto plus = [&](std::initializer_list<const char*> extra) {
    std::set<std::string> keys = kBase;
    keys.insert(extra.begin(), extra.end());
    return keys;
  };
  const Case kCases[] = {
      {"plain string", Field("part_name", FieldType::kString, true), plus({"max_length"}),
       "string"},
      {"text", Field("notes", FieldType::kText), plus({"max_length"}), "text"},
      {"string with its own limit", WithMaxLength(Field("code", FieldType::kString), 16),
       plus({"max_length"}), "string"},
      {"integer with min and max", WithMax(WithMin(Field("limit", FieldType::kInteger), 1), 100),
       plus({"min", "max"}), "integer"},
      {"number with exclusive min",
       WithMin(Field("quantity_requested", FieldType::kNumber, true), 0, true),
       plus({"min", "min_exclusive"}), "number"},
      {"boolean", Field("flag", FieldType::kBoolean), kBase, "boolean"},
      {"date", Field("required_by_date", FieldType::kDate), kBase, "date"},
      {"datetime", Field("at", FieldType::kDateTime), kBase, "datetime"},
      {"uuid", Field("item_id", FieldType::kUuid, true), kBase, "uuid"},
      {"uuid naming an entity", WithReferences(Field("part_id", FieldType::kUuid), "part"),
       plus({"references"}), "uuid"},
      {"enum", WithEnum(Field("urgency", FieldType::kEnum), {"low", "high"}), plus({"enum"}),
       "enum"},
      {"array", Field("tags", FieldType::kArray), kBase, "array"},
      {"array with an example", WithExample(Field("lines", FieldType::kArray), R"([{"n": 1}])"),
       plus({"example"}), "array"},
  };
  for (const auto& c : kCases) {
    const json::object out = DescribeField(c.field);
    std::set<std::string> keys;
    for (const auto& kv : out) keys.insert(std::string(kv.key()));
    EXPECT_EQ(keys, c.keys) << "case " << c.name;
    EXPECT_EQ(out.at("name").as_string(), c.field.name) << "case " << c.name;
    EXPECT_EQ(out.at("type").as_string(), c.type) << "case " << c.name;
    EXPECT_EQ(out.at("required").as_bool(), c.field.required) << "case " << c.name;
    EXPECT_EQ(out.at("label").as_string(), c.field.label) << "case " << c.name;
    if (c.field.min) {
      EXPECT_EQ(out.at("min").to_number<double>(), *c.field.min) << "case " << c.name;
    }
    if (c.field.max) {
      EXPECT_EQ(out.at("max").to_number<double>(), *c.field.max) << "case " << c.name;
    }
    if (c.field.min_exclusive) {
      EXPECT_TRUE(out.at("min_exclusive").as_bool()) << "case " << c.name;
    }
    if (c.field.type == FieldType::kString || c.field.type == FieldType::kText) {
      const size_t want = c.field.max_length                 ? c.field.max_length
                          : c.field.type == FieldType::kText ? 10000u
                                                             : 200u;
      EXPECT_EQ(out.at("max_length").to_number<size_t>(), want) << "case " << c.name;
    }
    if (!c.field.references.empty()) {
      EXPECT_EQ(out.at("references").as_string(), c.field.references) << "case " << c.name;
    }
    if (!c.field.example.empty()) {
      EXPECT_EQ(out.at("example").as_string(), c.field.example) << "case " << c.name;
    }
    if (c.field.type == FieldType::kEnum) {
      json::array want;
      for (const auto& v : c.field.enum_values) want.emplace_back(v);
      EXPECT_EQ(out.at("enum").as_array(), want) << "case " << c.name;
    }
  }
}

}  // namespace
}  // namespace celeste

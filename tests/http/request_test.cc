#include "http/request.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace celeste {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndRejectsMalformedOnes) {
  struct Case {
    const char* text;
    bool plus_is_space;
    std::optional<std::string> want;
  };
  const Case kCases[] = {
      {"", false, ""},
      {"plain", false, "plain"},
      {"a%20b", false, "a b"},
      {"%41%42%43", false, "ABC"},
      {"%4a%4A", false, "JJ"},
      {"%e2%82%ac", false, "\xe2\x82\xac"},
      {"a+b", true, "a b"},
      {"a+b", false, "a+b"},
      {"%2B", true, "+"},
      {"%", false, std::nullopt},
      {"%4", false, std::nullopt},
      {"50%", false, std::nullopt},
      {"%zz", false, std::nullopt},
      {"%4g", false, std::nullopt},
      {"%g4", false, std::nullopt},
      {"ok%2", false, std::nullopt},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(PercentDecode(c.text, c.plus_is_space), c.want)
        << "text=\"" << c.text << "\" plus_is_space=" << c.plus_is_space;
  }
}

TEST(ParseQueryStringTest, SplitsAndDecodesPairsInOrder) {
  struct Case {
    const char* query;
    KeyValues want;
  };
  const Case kCases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=x%20y", {{"a", "1"}, {"b", "x y"}}},
      {"q=hydraulic+pump", {{"q", "hydraulic pump"}}},
      {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},
      {"flag", {{"flag", ""}}},
      {"empty=", {{"empty", ""}}},
      {"=v", {{"", "v"}}},
      {"a=b=c", {{"a", "b=c"}}},
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"k%3D=v%26", {{"k=", "v&"}}},
      // A pair with a malformed escape is dropped; the others survive.
      {"bad=%zz&ok=1", {{"ok", "1"}}},
      {"%zz=1&ok=2", {{"ok", "2"}}},
      {"x=%", {}},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(ParseQueryString(c.query), c.want) << "query=\"" << c.query << "\"";
  }
}

TEST(SplitTargetTest, FillsPathAndQuery) {
  struct Case {
    const char* target;
    const char* want_path;
    KeyValues want_query;
  };
  const Case kCases[] = {
      {"/health", "/health", {}},
      {"/v1/audit?yacht_id=Y&entity_id=E", "/v1/audit", {{"yacht_id", "Y"}, {"entity_id", "E"}}},
      {"/v1/parts/low-stock?", "/v1/parts/low-stock", {}},
      {"/a%20b?c=d%20e", "/a b", {{"c", "d e"}}},
      // '+' means a space only in the query.
      {"/a+b?c=d+e", "/a+b", {{"c", "d e"}}},
      // A malformed escape in the path leaves the path as received.
      {"/a%zz?x=1", "/a%zz", {{"x", "1"}}},
      {"/p?q=a?b", "/p", {{"q", "a?b"}}},
  };
  for (const Case& c : kCases) {
    Request request;
    request.target = c.target;
    SplitTarget(request);
    EXPECT_EQ(request.path, c.want_path) << "target=\"" << c.target << "\"";
    EXPECT_EQ(request.query, c.want_query) << "target=\"" << c.target << "\"";
  }
}

TEST(RequestTest, LooksUpHeadersQueryAndPathParams) {
  Request request;
  request.headers = {{"content-type", "application/json"}, {"x-request-id", "abc"}};
  request.query = {{"yacht_id", "Y1"}, {"yacht_id", "Y2"}};
  request.path_params = {{"name", "PARTS"}};

  EXPECT_EQ(request.Header("x-request-id"), "abc");
  EXPECT_EQ(request.Header("authorization"), std::nullopt);
  EXPECT_EQ(request.QueryParam("yacht_id"), "Y1") << "the first of repeated parameters wins";
  EXPECT_EQ(request.QueryParam("domain"), std::nullopt);
  EXPECT_EQ(request.PathParam("name"), "PARTS");
  EXPECT_EQ(request.PathParam("id"), std::nullopt);
}

TEST(ResponseTest, BuildsJsonAndTextResponses) {
  Response json = Response::Json(201, boost::json::object{{"ok", true}});
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, R"({"ok":true})");

  Response text = Response::Text(200, "hello", "text/plain");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.content_type, "text/plain");
  EXPECT_EQ(text.body, "hello");
}

TEST(MethodNameTest, NamesEveryMethod) {
  const std::pair<Method, const char*> kCases[] = {
      {Method::kGet, "GET"},         {Method::kHead, "HEAD"},   {Method::kPost, "POST"},
      {Method::kPut, "PUT"},         {Method::kPatch, "PATCH"}, {Method::kDelete, "DELETE"},
      {Method::kOptions, "OPTIONS"}, {Method::kOther, "OTHER"},
  };
  for (const auto& [method, name] : kCases) EXPECT_EQ(MethodName(method), name) << name;
}

}  // namespace
}  // namespace celeste

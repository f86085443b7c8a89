#include "http/router.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace celeste {
namespace {

// Each handler answers with its own route's name, so a test can tell which one matched.
Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name, "text/plain"); };
}

Router MakeRouter() {
  Router router;
  router.Add(Method::kGet, "/health", Named("health"));
  router.Add(Method::kGet, "/v1/flags", Named("list_flags"));
  router.Add(Method::kPut, "/v1/flags/{name}", Named("put_flag"));
  router.Add(Method::kGet, "/v1/items/{id}/history", Named("item_history"));
  router.Add(Method::kGet, "/v1/things", Named("get_things"));
  router.Add(Method::kPost, "/v1/things", Named("post_things"));
  router.Add(Method::kGet, "/v1/{a}/{b}/{c}", Named("three_captures"));
  return router;
}

TEST(RouterTest, MatchesMethodAndPath) {
  using Kind = Router::Match::Kind;
  struct Case {
    Method method;
    const char* path;
    Kind want_kind;
    const char* want_handler;  // for kFound
    KeyValues want_params;
    std::vector<Method> want_allowed;  // for kWrongMethod
  };
  const Case kCases[] = {
      {Method::kGet, "/health", Kind::kFound, "health", {}, {}},
      // HEAD is served by the GET handler.
      {Method::kHead, "/health", Kind::kFound, "health", {}, {}},
      {Method::kGet, "/v1/flags", Kind::kFound, "list_flags", {}, {}},
      {Method::kPut, "/v1/flags/PARTS", Kind::kFound, "put_flag", {{"name", "PARTS"}}, {}},
      {Method::kGet, "/v1/items/42/history", Kind::kFound, "item_history", {{"id", "42"}}, {}},
      {Method::kPost, "/v1/things", Kind::kFound, "post_things", {}, {}},
      {Method::kGet,
       "/v1/x/y/z",
       Kind::kFound,
       "three_captures",
       {{"a", "x"}, {"b", "y"}, {"c", "z"}},
       {}},
      // The path exists, the method does not: 405 with the allowed methods.
      {Method::kPost, "/health", Kind::kWrongMethod, nullptr, {}, {Method::kGet}},
      {Method::kGet, "/v1/flags/PARTS", Kind::kWrongMethod, nullptr, {}, {Method::kPut}},
      {Method::kDelete,
       "/v1/things",
       Kind::kWrongMethod,
       nullptr,
       {},
       {Method::kGet, Method::kPost}},
      {Method::kHead, "/v1/flags/PARTS", Kind::kWrongMethod, nullptr, {}, {Method::kPut}},
      {Method::kOther, "/health", Kind::kWrongMethod, nullptr, {}, {Method::kGet}},
      // No such path: 404.
      {Method::kGet, "/nope", Kind::kNoRoute, nullptr, {}, {}},
      {Method::kGet, "/", Kind::kNoRoute, nullptr, {}, {}},
      {Method::kGet, "/v1/flags/a/b/c", Kind::kNoRoute, nullptr, {}, {}},
      {Method::kGet, "/v1/items/42", Kind::kNoRoute, nullptr, {}, {}},
      {Method::kGet, "/HEALTH", Kind::kNoRoute, nullptr, {}, {}},
  };

  const Router router = MakeRouter();
  for (const Case& c : kCases) {
    const std::string name = std::string(MethodName(c.method)) + " " + c.path;
    Router::Match match = router.Find(c.method, c.path);
    ASSERT_EQ(match.kind, c.want_kind) << name;
    EXPECT_EQ(match.params, c.want_params) << name;
    EXPECT_EQ(match.allowed, c.want_allowed) << name;
    if (c.want_kind == Kind::kFound) {
      ASSERT_NE(match.handler, nullptr) << name;
      ASSERT_NE(match.pattern, nullptr) << name;
      Request request;
      EXPECT_EQ((*match.handler)(request).body, c.want_handler) << name;
    } else {
      EXPECT_EQ(match.handler, nullptr) << name;
    }
  }
}

TEST(RouterTest, ReportsTheMatchedPattern) {
  const Router router = MakeRouter();
  Router::Match match = router.Find(Method::kPut, "/v1/flags/PARTS");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(*match.pattern, "/v1/flags/{name}");
}

TEST(RouterTest, FirstRegisteredRouteWinsOverLaterCaptures) {
  Router router;
  router.Add(Method::kGet, "/v1/flags/defaults", Named("literal"));
  router.Add(Method::kGet, "/v1/flags/{name}", Named("capture"));
  Request request;

  Router::Match literal = router.Find(Method::kGet, "/v1/flags/defaults");
  ASSERT_EQ(literal.kind, Router::Match::Kind::kFound);
  EXPECT_EQ((*literal.handler)(request).body, "literal");
  EXPECT_TRUE(literal.params.empty());

  Router::Match capture = router.Find(Method::kGet, "/v1/flags/PARTS");
  ASSERT_EQ(capture.kind, Router::Match::Kind::kFound);
  EXPECT_EQ((*capture.handler)(request).body, "capture");
}

TEST(RouterTest, EmptyRouterFindsNothing) {
  Router router;
  EXPECT_EQ(router.Find(Method::kGet, "/health").kind, Router::Match::Kind::kNoRoute);
}

}  // namespace
}  // namespace celeste

// The HTTP surface (CONTRACT §1, §2 step 1-3, §4): body and envelope shape, routes and
// methods, request ids, the error envelope, health and metrics, keep-alive, malformed
// requests and graceful shutdown, against the real server.
#include <chrono>
#include <regex>
#include <sstream>

#include "core/json.h"
#include "core/uuid.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kExecute = "/v1/actions/execute";

class HttpTest : public IntegrationTest {
 protected:
  // Sends a request as given (no token unless the headers carry one).
  ClientResponse Send(Method method, std::string_view target, std::string_view body,
                      const KeyValues& headers) {
    auto r = client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << target << ": " << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }
  KeyValues Bearer(const DemoUser& user) const {
    return {{"Authorization", "Bearer " + server_->TokenFor(user)}};
  }
  std::string CreateBody() const {
    return ToJson(boost::json::object{
        {"action", "create_shopping_list_item"},
        {"context", {{"yacht_id", A().id}}},
        {"payload",
         {{"part_name", "Impeller"}, {"quantity_requested", 2}, {"source_type", "manual_add"}}}});
  }
};

// Checks the whole error envelope of CONTRACT §1, and that its request id is the header's.
void ExpectEnvelope(const ClientResponse& r, const std::string& name) {
  auto json = r.Json();
  ASSERT_TRUE(json.is_object()) << name << ": " << Describe(r);
  const auto& o = json.as_object();
  EXPECT_TRUE(o.contains("success") && o.at("success").is_bool() && !o.at("success").as_bool())
      << name << ": " << Describe(r);
  EXPECT_TRUE(o.contains("error_code") && o.at("error_code").is_string() &&
              !o.at("error_code").as_string().empty())
      << name << ": " << Describe(r);
  EXPECT_TRUE(o.contains("message") && o.at("message").is_string() &&
              !o.at("message").as_string().empty())
      << name << ": " << Describe(r);
  EXPECT_TRUE(o.contains("status") && o.at("status").is_int64() &&
              o.at("status").as_int64() == r.status)
      << name << ": " << Describe(r);
  auto header = r.Header("x-request-id");
  ASSERT_TRUE(header.has_value()) << name << ": no X-Request-Id";
  EXPECT_FALSE(header->empty()) << name;
  EXPECT_TRUE(o.contains("request_id") && o.at("request_id").is_string() &&
              o.at("request_id").as_string() == *header)
      << name << ": envelope request_id vs header " << *header << "; " << Describe(r);
  if (o.contains("details")) {
    EXPECT_TRUE(o.at("details").is_object()) << name;
  }
  auto type = r.Header("content-type");
  EXPECT_TRUE(type && type->starts_with("application/json")) << name << ": " << type.value_or("");
}

TEST_F(HttpTest, BodyAndEnvelopeShapeAreChecked) {
  const KeyValues json_type = {{"Content-Type", "application/json"}};
  struct Case {
    const char* name;
    std::string content_type;  // "" sends none
    std::string body;
    int status;
    const char* code;
  };
  const std::string yacht = A().id;
  const Case cases[] = {
      {"malformed JSON", "application/json", R"({"action": "create_shopping_list_item",)", 400,
       "invalid_request"},
      {"trailing garbage", "application/json", R"({"action": "x"} trailing)", 400,
       "invalid_request"},
      {"a JSON array", "application/json", R"([{"action": "list_shopping_list_items"}])", 400,
       "invalid_request"},
      {"a JSON string", "application/json", R"("hello")", 400, "invalid_request"},
      {"JSON null", "application/json", "null", 400, "invalid_request"},
      {"text/plain", "text/plain", CreateBody(), 415, "unsupported_media_type"},
      {"form encoded", "application/x-www-form-urlencoded", "action=x", 415,
       "unsupported_media_type"},
      {"application/jsonx", "application/jsonx", CreateBody(), 415, "unsupported_media_type"},
      {"no context", "application/json", R"({"action": "list_shopping_list_items", "payload": {}})",
       400, "invalid_request"},
      {"context without yacht_id", "application/json",
       R"({"action": "list_shopping_list_items", "context": {}, "payload": {}})", 400,
       "invalid_request"},
      {"context.yacht_id null", "application/json",
       R"({"action": "list_shopping_list_items", "context": {"yacht_id": null}})", 400,
       "invalid_request"},
      {"context.yacht_id not a uuid", "application/json",
       R"({"action": "list_shopping_list_items", "context": {"yacht_id": "celeste"}})", 400,
       "invalid_request"},
      {"context an array", "application/json",
       R"({"action": "list_shopping_list_items", "context": [")" + yacht + R"("]})", 400,
       "invalid_request"},
      {"no action", "application/json", R"({"context": {"yacht_id": ")" + yacht + R"("}})", 400,
       "invalid_request"},
      {"action a number", "application/json",
       R"({"action": 7, "context": {"yacht_id": ")" + yacht + R"("}})", 400, "invalid_request"},
      {"payload an array", "application/json",
       R"({"action": "list_shopping_list_items", "context": {"yacht_id": ")" + yacht +
           R"("}, "payload": []})",
       400, "invalid_request"},
  };
  for (const Case& c : cases) {
    KeyValues headers = Bearer(UserA("crew"));
    if (!c.content_type.empty()) headers.emplace_back("Content-Type", c.content_type);
    ClientResponse r = Send(Method::kPost, kExecute, c.body, headers);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
    ExpectEnvelope(r, c.name);
  }
  // Controls: the same body with a JSON content type (parameters allowed) is accepted.
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON"}) {
    KeyValues headers = Bearer(UserA("crew"));
    headers.emplace_back("Content-Type", type);
    ClientResponse r = Send(Method::kPost, kExecute, CreateBody(), headers);
    EXPECT_EQ(r.status, 201) << type << ": " << Describe(r);
  }
}

TEST_F(HttpTest, TheEnvelopeIsCheckedBeforeTheToken) {
  struct Case {
    const char* name;
    std::string body;
    KeyValues auth;
    int status;
    const char* code;
  };
  const std::string well_formed = CreateBody();
  const Case cases[] = {
      {"malformed JSON, no token", "{nope", {}, 400, "invalid_request"},
      {"array, no token", "[]", {}, 400, "invalid_request"},
      {"no context, no token",
       R"({"action": "create_shopping_list_item"})",
       {},
       400,
       "invalid_request"},
      {"no context, bad token",
       R"({"action": "create_shopping_list_item"})",
       {{"Authorization", "Bearer not.a.jwt"}},
       400,
       "invalid_request"},
      // Controls: with a sane envelope the token decides.
      {"well formed, no token", well_formed, {}, 401, "missing_token"},
      {"well formed, bad token",
       well_formed,
       {{"Authorization", "Bearer not.a.jwt"}},
       401,
       "invalid_token"},
      // Step 3 before step 4: an unknown action on a foreign yacht is unknown_action.
      {"unknown action",
       R"({"action": "launch_tender", "context": {"yacht_id": ")" + A().id +
           R"("}, "payload": {}})",
       Bearer(UserA("crew")), 404, "unknown_action"},
      {"unknown action, foreign yacht",
       R"({"action": "launch_tender", "context": {"yacht_id": ")" + B().id +
           R"("}, "payload": {}})",
       Bearer(UserA("crew")), 404, "unknown_action"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Send(Method::kPost, kExecute, c.body, c.auth);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
    ExpectEnvelope(r, c.name);
  }
}

TEST_F(HttpTest, RoutesAndMethods) {
  struct Case {
    const char* name;
    Method method;
    std::string target;
    int status;
    const char* code;
    const char* allow_contains;  // for 405
  };
  const Case cases[] = {
      {"unknown route", Method::kGet, "/v1/nothing-here", 404, "route_not_found", nullptr},
      {"unknown route under actions", Method::kPost, "/v1/actions/launch", 404, "route_not_found",
       nullptr},
      {"root", Method::kGet, "/", 404, "route_not_found", nullptr},
      {"GET on execute", Method::kGet, kExecute, 405, "method_not_allowed", "POST"},
      {"DELETE on execute", Method::kDelete, kExecute, 405, "method_not_allowed", "POST"},
      {"POST on health", Method::kPost, "/health", 405, "method_not_allowed", "GET"},
      {"POST on me", Method::kPost, "/v1/me", 405, "method_not_allowed", "GET"},
      {"GET on login", Method::kGet, "/v1/auth/login", 405, "method_not_allowed", "POST"},
  };
  for (const Case& c : cases) {
    KeyValues headers = Bearer(UserA("crew"));
    std::string body = c.method == Method::kPost ? "{}" : "";
    ClientResponse r = Send(c.method, c.target, body, headers);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
    ExpectEnvelope(r, c.name);
    if (c.allow_contains) {
      auto allow = r.Header("allow");
      ASSERT_TRUE(allow.has_value()) << c.name << ": 405 without an Allow header";
      EXPECT_NE(allow->find(c.allow_contains), std::string::npos) << c.name << ": " << *allow;
    }
  }
  // The query string is not part of the route.
  ClientResponse health = Send(Method::kGet, "/health?probe=1", "", {});
  EXPECT_EQ(health.status, 200) << Describe(health);
}

TEST_F(HttpTest, BodiesOverTheLimitAre413) {
  const std::string big(2 * 1024 * 1024, 'x');
  {
    HttpClient client = server_->Client();
    auto r = client.Post(kExecute, big, Bearer(UserA("crew")));
    ASSERT_TRUE(r.ok()) << "2 MiB with Content-Length: " << r.status().ToString();
    EXPECT_TRUE(IsError(*r, 413, "payload_too_large")) << "Content-Length";
    ExpectEnvelope(*r, "2 MiB with Content-Length");
    // The server may close this connection; a next request (reconnecting) is answered.
    auto again = client.Get("/health");
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->status, 200);
  }
  {
    // Without a Content-Length, the limit is found while reading chunks.
    std::string raw =
        "POST /v1/actions/execute HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(64 * 1024, 'y');
    for (int i = 0; i < 32; ++i) raw += "10000\r\n" + chunk + "\r\n";
    raw += "0\r\n\r\n";
    HttpClient client = server_->Client();
    auto r = client.SendRaw(raw);
    ASSERT_TRUE(r.ok()) << "2 MiB chunked: " << r.status().ToString();
    EXPECT_TRUE(IsError(*r, 413, "payload_too_large")) << "chunked";
    ExpectEnvelope(*r, "2 MiB chunked");
  }
  // Control: just under the limit is read and judged on its content (notes too long).
  boost::json::object body{{"action", "create_shopping_list_item"},
                           {"context", {{"yacht_id", A().id}}},
                           {"payload",
                            {{"part_name", "Impeller"},
                             {"quantity_requested", 2},
                             {"source_type", "manual_add"},
                             {"notes", std::string(1000 * 1000, 'n')}}}};
  ClientResponse r = Post(UserA("crew"), kExecute, body);
  EXPECT_TRUE(IsError(r, 400, "invalid_field")) << "1 MB of notes";
  EXPECT_EQ(DetailOf(r, "field"), "notes");
}

TEST_F(HttpTest, RequestIdsAreEchoedWhenSaneAndReplacedOtherwise) {
  // Distinct requests get distinct ids.
  ClientResponse h1 = Send(Method::kGet, "/health", "", {});
  ClientResponse h2 = Send(Method::kGet, "/health", "", {});
  ASSERT_TRUE(h1.Header("x-request-id") && h2.Header("x-request-id"));
  EXPECT_NE(*h1.Header("x-request-id"), *h2.Header("x-request-id"));

  struct Case {
    const char* name;
    std::string sent;
    bool echoed;
  };
  const Case cases[] = {
      {"uuid", "0192f3a4-7b1c-7def-8a12-3456789abcde", true},
      {"token with . _ : -", "client-7_a.b:c", true},
      {"64 characters", std::string(64, 'r'), true},
      {"with spaces", "my request id", false},
      {"300 characters", std::string(300, 'r'), false},
      {"with a slash", "a/b", false},
      {"with quotes", "\"quoted\"", false},
      {"with angle brackets", "<script>", false},
  };
  for (const Case& c : cases) {
    // An error (no token) and a success, both carrying the id in header and body.
    ClientResponse error = Send(Method::kPost, kExecute, CreateBody(), {{"X-Request-Id", c.sent}});
    EXPECT_TRUE(IsError(error, 401, "missing_token")) << c.name;
    ExpectEnvelope(error, c.name);
    KeyValues headers = Bearer(UserA("crew"));
    headers.emplace_back("X-Request-Id", c.sent);
    ClientResponse ok = Send(Method::kPost, kExecute, CreateBody(), headers);
    ASSERT_EQ(ok.status, 201) << c.name << ": " << Describe(ok);
    for (const ClientResponse* r : {&error, &ok}) {
      auto header = r->Header("x-request-id");
      ASSERT_TRUE(header.has_value()) << c.name;
      EXPECT_EQ(r->Json().at("request_id").as_string(), *header) << c.name;
      if (c.echoed) {
        EXPECT_EQ(*header, c.sent) << c.name << ": a sane id is echoed";
      } else {
        EXPECT_NE(*header, c.sent) << c.name << ": an insane id is replaced";
        EXPECT_FALSE(header->empty()) << c.name;
        EXPECT_LE(header->size(), 128u) << c.name;
        EXPECT_EQ(header->find(' '), std::string::npos) << c.name;
      }
    }
  }
}

TEST_F(HttpTest, EveryResponseCarriesARequestId) {
  struct Case {
    const char* name;
    Method method;
    std::string target;
    std::string body;
    KeyValues headers;
    int status;
  };
  const Case cases[] = {
      {"health", Method::kGet, "/health", "", {}, 200},
      {"actions health", Method::kGet, "/v1/actions/health", "", {}, 200},
      {"metrics", Method::kGet, "/metrics", "", {}, 200},
      {"me", Method::kGet, "/v1/me", "", Bearer(UserA("crew")), 200},
      {"actions list", Method::kGet, "/v1/actions/list?yacht_id=" + A().id, "",
       Bearer(UserA("crew")), 200},
      {"execute 201", Method::kPost, kExecute, CreateBody(), Bearer(UserA("crew")), 201},
      {"401", Method::kGet, "/v1/me", "", {}, 401},
      {"403", Method::kGet, "/v1/actions/list?yacht_id=" + B().id, "", Bearer(UserA("crew")), 403},
      {"404", Method::kGet, "/nope", "", {}, 404},
      {"405", Method::kGet, kExecute, "", {}, 405},
      {"415", Method::kPost, kExecute, "{}", {{"Content-Type", "text/plain"}}, 415},
  };
  for (const Case& c : cases) {
    ClientResponse r = Send(c.method, c.target, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << Describe(r);
    auto id = r.Header("x-request-id");
    EXPECT_TRUE(id && !id->empty()) << c.name << ": no X-Request-Id";
    if (r.status >= 400) ExpectEnvelope(r, c.name);
    if (r.status == 201) {
      EXPECT_EQ(r.Json().at("request_id").as_string(), id.value_or("")) << c.name;
    }
  }
}

TEST_F(HttpTest, HealthEndpointsNeedNoToken) {
  ClientResponse live = Send(Method::kGet, "/health", "", {});
  ASSERT_EQ(live.status, 200) << Describe(live);
  EXPECT_EQ(live.Json(), boost::json::value(boost::json::object{{"status", "ok"}})) << live.body;
  auto type = live.Header("content-type");
  EXPECT_TRUE(type && type->starts_with("application/json")) << type.value_or("");

  ClientResponse r = Send(Method::kGet, "/v1/actions/health", "", {});
  ASSERT_EQ(r.status, 200) << Describe(r);
  auto health = r.Json().as_object();
  EXPECT_EQ(health.at("status").as_string(), "healthy");
  ASSERT_TRUE(health.at("handlers_total").is_number());
  EXPECT_GE(health.at("handlers_total").to_number<int64_t>(), 9);
  EXPECT_EQ(health.at("handlers_total").to_number<int64_t>(),
            health.at("handlers_ok").to_number<int64_t>());
  const boost::json::object* shopping = nullptr;
  int64_t actions_in_lenses = 0;
  for (const auto& lens : health.at("lenses").as_array()) {
    actions_in_lenses += lens.at("actions").to_number<int64_t>();
    if (lens.at("lens").as_string() == "shopping_list") shopping = &lens.as_object();
  }
  ASSERT_NE(shopping, nullptr) << Describe(r);
  EXPECT_EQ(shopping->at("actions").to_number<int64_t>(), 9);
  EXPECT_EQ(shopping->at("flags"),
            boost::json::value(boost::json::object{{"SHOPPING_LIST_LENS_V1_ENABLED", true}}));
  EXPECT_EQ(actions_in_lenses, health.at("handlers_total").to_number<int64_t>())
      << "every handler belongs to a lens";
}

TEST_F(HttpTest, MetricsArePrometheusText) {
  CreateItem(UserA("crew"), A().id);
  ClientResponse failed = Execute(UserA("crew"), A().id, "approve_shopping_list_item",
                                  {{"item_id", RandomUuidV4()}, {"quantity_approved", 1}});
  EXPECT_TRUE(IsError(failed, 403, "forbidden_role"));
  // User input must not become a label.
  Send(Method::kPost, kExecute,
       R"({"action": "zz_injected_action", "context": {"yacht_id": ")" + A().id + R"("}})",
       Bearer(UserA("crew")));
  Send(Method::kGet, "/v1/zz-injected-route", "", {});

  ClientResponse r = Send(Method::kGet, "/metrics", "", {});
  ASSERT_EQ(r.status, 200) << Describe(r);
  auto type = r.Header("content-type");
  EXPECT_TRUE(type && type->starts_with("text/plain")) << type.value_or("");
  const std::string& text = r.body;
  for (const char* needle :
       {"# TYPE celeste_http_requests_total counter", "celeste_http_requests_total{",
        "# TYPE celeste_http_request_duration_seconds histogram",
        "celeste_http_request_duration_seconds_bucket{", "le=\"+Inf\"",
        "celeste_http_request_duration_seconds_count{", "celeste_http_5xx_total 0\n",
        "celeste_action_executions_total{action=\"create_shopping_list_item\",outcome=\"ok\"} "
        "1\n",
        "celeste_action_executions_total{action=\"approve_shopping_list_item\","
        "outcome=\"forbidden_role\"} 1\n"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << "missing " << needle << " in:\n" << text;
  }
  EXPECT_EQ(text.find("zz_injected_action"), std::string::npos) << text;
  EXPECT_EQ(text.find("zz-injected-route"), std::string::npos) << text;
  // Every sample line is `name{labels} value` or `name value`.
  static const std::regex kSample(R"(^[a-z_0-9]+(\{[^}]*\})? ([0-9.eE+-]+|\+Inf|NaN)$)");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, kSample)) << "not a sample: " << line;
  }
}

TEST_F(HttpTest, KeepAliveServesManyRequestsOnOneConnection) {
  const KeyValues crew = Bearer(UserA("crew"));
  for (int i = 0; i < 50; ++i) {
    ClientResponse r;
    int want = 0;
    switch (i % 5) {
      case 0:
        r = Send(Method::kGet, "/health", "", {});
        want = 200;
        break;
      case 1:
        r = Send(Method::kPost, kExecute, CreateBody(), crew);
        want = 201;
        break;
      case 2:  // errors keep the connection too
        r = Send(Method::kGet, "/v1/me", "", {});
        want = 401;
        break;
      case 3:
        r = Send(Method::kPost, kExecute, "{broken", crew);
        want = 400;
        break;
      case 4:
        r = Send(Method::kGet, "/no/such/route", "", {});
        want = 404;
        break;
    }
    ASSERT_EQ(r.status, want) << "request " << i << ": " << Describe(r);
  }
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(HttpTest, MalformedHttpRequestsGet400) {
  struct Case {
    const char* name;
    std::string raw;
  };
  const Case cases[] = {
      {"garbage request line", "GARBAGE\r\n\r\n"},
      {"bad version", "GET /health HTTP/9.x\r\nHost: x\r\n\r\n"},
      {"header without colon", "GET /health HTTP/1.1\r\nHost x\r\n\r\n"},
      {"bad content length",
       "POST /v1/actions/execute HTTP/1.1\r\nHost: x\r\n"
       "Content-Length: ten\r\n\r\n"},
      {"headers over the limit",
       "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'b') + "\r\n\r\n"},
  };
  for (const Case& c : cases) {
    HttpClient client = server_->Client();
    auto r = client.SendRaw(c.raw);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_TRUE(IsError(*r, 400, "invalid_request")) << c.name;
    ExpectEnvelope(*r, c.name);
  }
  // The server is still fine.
  EXPECT_EQ(Send(Method::kGet, "/health", "", {}).status, 200);
}

TEST_F(HttpTest, SigtermStopsPromptlyAndKeepsTheData) {
  const std::string item = CreateItem(UserA("crew"), A().id, {{"part_name", "Fuel filter"}});
  ASSERT_FALSE(item.empty());
  // An idle kept-alive connection must not hold the shutdown up.
  ASSERT_EQ(Send(Method::kGet, "/health", "", {}).status, 200);

  const auto started = std::chrono::steady_clock::now();
  const int exit_code = server_->TerminateAndWait(std::chrono::seconds(10));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(exit_code, 0) << "celeste serve should exit 0 on SIGTERM";
  EXPECT_LT(took, std::chrono::seconds(3))
      << "took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";

  RunResult verify = server_->Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  server_->Restart();
  ASSERT_TRUE(WaitUntilServing(*server_, std::chrono::seconds(10))) << "no restart";
  client_ = std::make_unique<HttpClient>(server_->Client());
  ClientResponse view =
      Execute(UserA("crew"), A().id, "view_shopping_list_item", {{"item_id", item}});
  ASSERT_EQ(view.status, 200) << Describe(view);
  EXPECT_EQ(view.Json().at("result").at("part_name").as_string(), "Fuel filter");
  EXPECT_EQ(view.Json().at("result").at("status").as_string(), "requested");
  // And it keeps working: a write after the restart.
  EXPECT_FALSE(CreateItem(UserA("crew"), A().id).empty());
}

}  // namespace
}  // namespace celeste::testing

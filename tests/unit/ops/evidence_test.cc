// The evidence folder of `celeste accept`: transcripts hold no token, password, PIN or cookie
// (bodies included) but keep everything else; summaries carry the zero-5xx line; the folder
// refuses to mix with an older run.
#include "ops/evidence.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../store/temp_dir.h"
#include "core/json.h"
#include "ops/redact.h"

namespace celeste::ops {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
constexpr const char* kPassword = "correct-horse-battery-staple-91";
constexpr const char* kBearer = "opaque-bearer-value-5521";
constexpr const char* kCookie = "cookie-value-77f3a";
constexpr const char* kSetCookie = "set-cookie-value-90b1";

ClientResponse JsonResponse(int status, const std::string& body, KeyValues headers = {}) {
  ClientResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.emplace_back("content-type", "application/json");
  r.body = body;
  return r;
}

HttpExchange LoginExchange() {
  HttpExchange ex;
  ex.method = Method::kPost;
  ex.target = "/v1/auth/login";
  ex.request_headers = {{"Authorization", std::string("Bearer ") + kBearer},
                        {"Cookie", std::string("session=") + kCookie},
                        {"content-type", "application/json"}};
  ex.request_body = std::string(R"({"email":"crew@accept.test","password":")") + kPassword + "\"}";
  ex.response = JsonResponse(
      200,
      std::string(R"({"access_token":")") + kJwt +
          R"(","token_type":"bearer","expires_in":3600,"user":{"id":"u-1","email":"crew@accept.test"}})",
      {{"set-cookie", std::string("sid=") + kSetCookie}});
  return ex;
}

HttpExchange SignedExchange(const std::string& pin) {
  HttpExchange ex;
  ex.method = Method::kPost;
  ex.target = "/v1/actions/execute";
  ex.request_headers = {{"authorization", std::string("Bearer ") + kJwt}};
  ex.request_body = R"({"action":"create_shopping_list_item","context":{"yacht_id":"y-1"},)"
                    R"("payload":{"part_name":"Impeller","shopping_list_item":"kept"},)"
                    R"("signature":{"signer_id":"u-2","method":"pin","pin":")" +
                    pin + R"(","signed_at":"2026-11-22T10:00:00Z"}})";
  ex.response =
      JsonResponse(403, R"({"success":false,"error_code":"invalid_signer_role","status":403})");
  return ex;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory per test, removed at the end (unit/store/temp_dir.h).
class EvidenceFolderTest : public ::testing::Test {
 protected:
  celeste::testing::TempDir dir_;
  const fs::path root_ = dir_.path();
};

TEST(EvidenceTranscriptTest, HidesEverySecretInHeadersAndBodies) {
  const std::string text = FormatTranscript(LoginExchange(), {kPassword});
  for (const char* secret : {kJwt, kPassword, kBearer, kCookie, kSetCookie}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  }
  EXPECT_EQ(text.find("eyJ"), std::string::npos) << text;
  EXPECT_NE(text.find(kRedacted), std::string::npos) << text;
  // The rest is there, in order, for a reader.
  const size_t request = text.find("POST /v1/auth/login HTTP/1.1\n");
  const size_t separator = text.find("\n--- response\n");
  const size_t status = text.find("HTTP/1.1 200 OK\n");
  EXPECT_EQ(request, 0u) << text;
  ASSERT_NE(separator, std::string::npos) << text;
  EXPECT_GT(status, separator) << text;
  EXPECT_NE(text.find("crew@accept.test"), std::string::npos) << text;
  EXPECT_NE(text.find("\"token_type\": \"bearer\""), std::string::npos) << text;
  EXPECT_NE(text.find("content-type: application/json"), std::string::npos) << text;
}

TEST(EvidenceTranscriptTest, HidesTheSignaturePinAndKeepsOrdinaryFields) {
  for (const std::string pin : {"4321", "87654321"}) {
    const std::string text = FormatTranscript(SignedExchange(pin), {});
    EXPECT_EQ(text.find(pin), std::string::npos) << pin << " in\n" << text;
    EXPECT_EQ(text.find(kJwt), std::string::npos) << text;
    EXPECT_NE(text.find(kRedacted), std::string::npos) << text;
    for (const char* kept : {"\"part_name\": \"Impeller\"", "\"shopping_list_item\": \"kept\"",
                             "create_shopping_list_item", "invalid_signer_role", "signer_id",
                             "HTTP/1.1 403 Forbidden"}) {
      EXPECT_NE(text.find(kept), std::string::npos) << kept << " missing from\n" << text;
    }
  }
}

TEST(EvidenceTranscriptTest, ScrubsLiteralsAnywhereAndInTheirJsonForm) {
  struct Case {
    std::string text;
    std::vector<std::string> literals;
    std::string secret;
  };
  const std::string odd = "pa\"ss\\word-42x";
  const Case kCases[] = {
      {"the server said: no user with password-ish text s3cret-literal-value here",
       {"s3cret-literal-value"},
       "s3cret-literal-value"},
      {R"({"note":"pa\"ss\\word-42x"})", {odd}, R"(pa\"ss\\word-42x)"},
      {"a pin 12345678 quoted in a message", {"12345678"}, "12345678"},
  };
  for (const Case& c : kCases) {
    const std::string out = Scrub(c.text, c.literals);
    EXPECT_EQ(out.find(c.secret), std::string::npos) << c.text << " -> " << out;
    EXPECT_NE(out.find(kRedacted), std::string::npos) << c.text << " -> " << out;
  }
  // A short literal would blot out ordinary text: only its field name redacts it.
  EXPECT_EQ(Scrub("at 12:34, order 1234 arrived", {"1234"}), "at 12:34, order 1234 arrived");
}

TEST(EvidenceTranscriptTest, SaysWhenNoResponseCame) {
  HttpExchange ex;
  ex.method = Method::kGet;
  ex.target = "/v1/actions/list?yacht_id=y-1&domain=parts";
  ex.request_headers = {{"authorization", std::string("Bearer ") + kJwt}};
  ex.transport_error = "GET /v1/actions/list to 127.0.0.1:9 failed: Connection refused";
  const std::string text = FormatTranscript(ex, {});
  EXPECT_NE(text.find("(no response: GET /v1/actions/list to 127.0.0.1:9 failed: Connection "
                      "refused)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(kJwt), std::string::npos) << text;
  EXPECT_NE(text.find("\nauthorization: [REDACTED]\n"), std::string::npos) << text;
}

TEST(EvidenceTranscriptTest, LaysOutJsonAndLeavesOtherTextAlone) {
  EXPECT_EQ(PrettyJsonText(R"({"a":1,"b":[true,"x"],"c":{}})"),
            "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    \"x\"\n  ],\n  \"c\": {}\n}");
  EXPECT_EQ(PrettyJsonText("not json {"), "not json {");
}

TEST(EvidenceNamesTest, SlugsAndNumbersTranscriptFiles) {
  struct Case {
    const char* name;
    const char* slug;
  };
  const Case kCases[] = {
      {"gating:forbidden:approve_shopping_list_item",
       "gating-forbidden-approve_shopping_list_item"},
      {"login:crew", "login-crew"},
      {"flags:FAULT_LENS_V1_ENABLED", "flags-fault_lens_v1_enabled"},
      {"../../etc/passwd", "etc-passwd"},
      {"::", "request"},
  };
  for (const Case& c : kCases) EXPECT_EQ(CaseSlug(c.name), c.slug) << c.name;
  EXPECT_EQ(TranscriptFileName(7, "login:crew"), "007-login-crew.http");
  EXPECT_EQ(TranscriptFileName(1234, "no_5xx"), "1234-no_5xx.http");
}

AcceptanceReport SampleReport(bool all_pass, int64_t five_xx) {
  AcceptanceReport report;
  report.lens = "shopping_list";
  report.yacht_id = "0190a000-0000-7000-8000-00000000000a";
  report.url = "http://127.0.0.1:8080";
  report.started_at = "2026-11-22T10:00:00.000000Z";
  report.finished_at = "2026-11-22T10:00:02.000000Z";
  report.cases = {
      {"login:crew",
       "200, and the crew role on the yacht",
       "200, role crew",
       true,
       {"001-login-crew.http"}},
      {"gating:forbidden:approve_shopping_list_item",
       "403 forbidden_role",
       all_pass ? "403 forbidden_role" : "500 internal_error: a | pipe",
       all_pass,
       {"002-gating-forbidden-approve_shopping_list_item.http"}},
  };
  report.counts = {{"idempotency", "audit rows of part p-1", 1, 2}};
  report.responses = 2;
  report.responses_5xx = five_xx;
  return report;
}

TEST(EvidenceSummaryTest, PassingRunHasTheZero5xxLineAndEveryCase) {
  const AcceptanceReport report = SampleReport(true, 0);
  EXPECT_TRUE(report.passed());
  const std::string md = SummaryMarkdown(report);
  EXPECT_NE(md.find("\n5xx responses: 0\n"), std::string::npos) << md;
  EXPECT_NE(md.find("**PASS**"), std::string::npos) << md;
  EXPECT_NE(md.find("| case | expected | got | result |"), std::string::npos) << md;
  EXPECT_NE(md.find("| gating:forbidden:approve_shopping_list_item | 403 forbidden_role | 403 "
                    "forbidden_role | PASS |"),
            std::string::npos)
      << md;

  const boost::json::object summary = SummaryJson(report);
  EXPECT_EQ(summary.at("tool"), "celeste accept");
  EXPECT_EQ(summary.at("verdict"), "PASS");
  EXPECT_EQ(summary.at("responses"), 2);
  EXPECT_EQ(summary.at("responses_5xx"), 0);
  const boost::json::object first = summary.at("cases").as_array().at(0).as_object();
  EXPECT_EQ(first.at("name"), "login:crew");
  EXPECT_EQ(first.at("pass"), true);
  EXPECT_EQ(first.at("transcripts").as_array().at(0), "001-login-crew.http");

  const boost::json::object counts = CountsJson(report);
  EXPECT_EQ(counts.at("counts").as_array().at(0).at("difference"), 1);
}

TEST(EvidenceSummaryTest, FailingRunSaysFailAndCountsThe5xx) {
  const AcceptanceReport report = SampleReport(false, 1);
  EXPECT_FALSE(report.passed());
  EXPECT_FALSE(AcceptanceReport{}.passed()) << "no case is no pass";
  const std::string md = SummaryMarkdown(report);
  EXPECT_NE(md.find("**FAIL**"), std::string::npos) << md;
  EXPECT_NE(md.find("\n5xx responses: 1\n"), std::string::npos) << md;
  EXPECT_NE(md.find("500 internal_error: a \\| pipe | FAIL |"), std::string::npos) << md;
  EXPECT_EQ(SummaryJson(report).at("verdict"), "FAIL");
  EXPECT_EQ(FiveXxLine(0), "5xx responses: 0");
}

TEST_F(EvidenceFolderTest, WritesScrubbedTranscriptsAndSummaries) {
  const fs::path dir = root_ / "run" / "evidence";
  auto evidence = Evidence::Create(dir, {kPassword});
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  auto first = evidence->Record("login:crew", LoginExchange());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, "001-login-crew.http");
  // A token learnt mid-run is scrubbed as a literal from then on, even where no pattern
  // would catch it.
  evidence->AddSecret("opaque-token-learnt-later");
  HttpExchange echo = SignedExchange("4321");
  echo.response->body = R"({"message":"seen opaque-token-learnt-later"})";
  auto second = evidence->Record("signed:crew_signer", echo);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "002-signed-crew_signer.http");
  EXPECT_EQ(evidence->Scrubbed("x opaque-token-learnt-later y"), "x [REDACTED] y");

  AcceptanceReport report = SampleReport(true, 0);
  report.cases[0].got = std::string("200, echoed ") + kPassword;
  ASSERT_TRUE(evidence->WriteReport(report).ok());
  for (const char* name : {"001-login-crew.http", "002-signed-crew_signer.http", "summary.json",
                           "SUMMARY.md", "counts.json"}) {
    const std::string text = ReadFile(dir / name);
    ASSERT_FALSE(text.empty()) << name;
    for (const char* secret :
         {kJwt, kPassword, kBearer, kCookie, kSetCookie, "opaque-token-learnt-later", "4321"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << name;
    }
  }
  EXPECT_NE(ReadFile(dir / "SUMMARY.md").find("5xx responses: 0"), std::string::npos);
  const auto summary = ParseJson(ReadFile(dir / "summary.json"));
  ASSERT_TRUE(summary && summary->is_object());
  EXPECT_EQ(summary->at("verdict"), "PASS");
}

TEST_F(EvidenceFolderTest, RefusesAFolderThatIsNotEmptyOrNotAFolder) {
  ASSERT_TRUE(Evidence::Create(root_, {}).ok()) << "an empty folder is fine";
  { std::ofstream(root_ / "old.http") << "an older run"; }
  auto used = Evidence::Create(root_, {});
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(used.status().message().find("not empty"), std::string::npos);
  auto file = Evidence::Create(root_ / "old.http", {});
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace celeste::ops

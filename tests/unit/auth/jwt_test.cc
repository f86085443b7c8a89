#include "auth/jwt.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "core/hash.h"
#include "core/json.h"

namespace celeste {
namespace {

constexpr Micros kSecond = kMicrosPerSecond;

std::string ExpectName(const Result<JwtClaims>& r) {
  return r.ok() ? "ok" : std::string(ErrorCodeName(r.status().code()));
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }

  JwtConfig config_{"celeste-test-secret-0123456789abcdef", "authenticated"};
};

// Vectors minted by the `jose` npm package (tests/data/make_jwt_vectors.mjs), so our
// verifier is checked against an independent implementation.
class JwtVectorsTest : public JwtTest {
 protected:
  void SetUp() override {
    JwtTest::SetUp();
    const std::string path = std::string(CELESTE_TEST_DATA_DIR) + "/jwt_vectors.json";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot open " << path;
    std::stringstream text;
    text << in.rdbuf();
    auto json = ParseJson(text.str());
    ASSERT_TRUE(json && json->is_object()) << path << " is not a JSON object";
    vectors_ = std::move(json->get_object());
  }

  boost::json::object vectors_;
};

TEST_F(JwtVectorsTest, EveryVectorHasItsExpectedOutcome) {
  const JwtConfig config{std::string(vectors_.at("secret").as_string()),
                         std::string(vectors_.at("audience").as_string())};
  const Micros now = vectors_.at("now").to_number<int64_t>() * kSecond;
  const auto& cases = vectors_.at("cases").as_array();

  std::set<std::string> seen;
  for (const auto& c : cases) {
    const auto& obj = c.as_object();
    const std::string name(obj.at("name").as_string());
    const std::string expect(obj.at("expect").as_string());
    seen.insert(name);

    auto result = VerifyJwt(obj.at("token").as_string(), config, now);
    EXPECT_EQ(ExpectName(result), expect) << "case " << name << ": " << result.status().ToString();
    if (result.ok()) {
      EXPECT_EQ(result->sub, vectors_.at("sub").as_string()) << "case " << name;
      EXPECT_EQ(result->exp, vectors_.at("exp").as_int64()) << "case " << name;
      EXPECT_EQ(result->iat, 1767225600) << "case " << name;  // IAT in the script
    } else {
      // Error messages are returned to clients and logged: they must not leak secrets.
      const std::string& message = result.status().message();
      EXPECT_FALSE(message.empty()) << "case " << name;
      EXPECT_EQ(message.find(config.secret), std::string::npos) << "case " << name;
      EXPECT_EQ(message.find(std::string(obj.at("token").as_string())), std::string::npos)
          << "case " << name;
    }
  }

  // The file must still hold every case the contract cares about.
  static const char* const kRequired[] = {
      "valid",          "valid_aud_array",  "wrong_secret", "alg_none",
      "alg_hs512",      "expired",          "missing_sub",  "missing_exp",
      "wrong_audience", "tampered_payload", "not_a_jwt",    "valid_float_exp",
  };
  for (const char* name : kRequired) EXPECT_TRUE(seen.count(name)) << "missing vector " << name;
}

TEST_F(JwtVectorsTest, EmailIsReadWhenPresent) {
  const JwtConfig config{std::string(vectors_.at("secret").as_string()), "authenticated"};
  const Micros now = vectors_.at("now").to_number<int64_t>() * kSecond;
  for (const auto& c : vectors_.at("cases").as_array()) {
    const auto& obj = c.as_object();
    const std::string name(obj.at("name").as_string());
    if (name != "valid" && name != "valid_without_email") continue;
    auto result = VerifyJwt(obj.at("token").as_string(), config, now);
    ASSERT_TRUE(result.ok()) << "case " << name << ": " << result.status().ToString();
    if (name == "valid") {
      EXPECT_EQ(result->email, std::optional<std::string>(vectors_.at("email").as_string()));
    } else {
      EXPECT_EQ(result->email, std::nullopt) << "case " << name;
    }
  }
}

TEST_F(JwtTest, MintThenVerifyRoundTrips) {
  const Micros now = 1'767'225'600 * kSecond;
  JwtClaims claims;
  claims.sub = "0192f3a4-7b1c-7def-8a12-3456789abcde";
  claims.iat = 1'767'225'600;
  claims.exp = claims.iat + 3600;
  claims.email = "crew@example.org";

  const std::string token = MintJwt(claims, config_);
  auto result = VerifyJwt(token, config_, now);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->sub, claims.sub);
  EXPECT_EQ(result->exp, claims.exp);
  EXPECT_EQ(result->iat, claims.iat);
  EXPECT_EQ(result->email, claims.email);

  // The minted header and claims are what the header promises.
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.find('.', dot1 + 1);
  auto header = ParseJson(*Base64UrlDecode(token.substr(0, dot1)));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(CanonicalJson(*header), R"({"alg":"HS256","typ":"JWT"})");
  auto payload = ParseJson(*Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1)));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(
      CanonicalJson(*payload),
      R"({"aud":"authenticated","email":"crew@example.org","exp":1767229200,)"
      R"("iat":1767225600,"role":"authenticated","sub":"0192f3a4-7b1c-7def-8a12-3456789abcde"})");

  // Without email and iat, neither claim is written, and verify reports them absent.
  JwtClaims bare{"user-1", claims.exp, 0, std::nullopt};
  auto bare_result = VerifyJwt(MintJwt(bare, config_), config_, now);
  ASSERT_TRUE(bare_result.ok()) << bare_result.status().ToString();
  EXPECT_EQ(bare_result->sub, "user-1");
  EXPECT_EQ(bare_result->iat, 0);
  EXPECT_EQ(bare_result->email, std::nullopt);
}

TEST_F(JwtTest, MintedTokenIsRefusedWithAnotherSecretOrAudience) {
  const JwtClaims claims{"user-1", 2'000'000'000, 0, std::nullopt};
  const std::string token = MintJwt(claims, config_);
  const Micros now = 1'767'225'600 * kSecond;

  struct Case {
    const char* name;
    JwtConfig config;
  };
  const Case kCases[] = {
      {"other secret", {"another-secret-another-secret-0000", "authenticated"}},
      {"other audience", {config_.secret, "service"}},
      {"empty secret", {"", "authenticated"}},
  };
  for (const auto& c : kCases) {
    auto result = VerifyJwt(token, c.config, now);
    EXPECT_EQ(ExpectName(result), "invalid_token") << "case " << c.name;
  }
}

TEST_F(JwtTest, ExpiryBoundaryAtFixedNow) {
  const int64_t exp = 1'767'225'600;
  const std::string token = MintJwt({"user-1", exp, 0, std::nullopt}, config_);
  struct Case {
    const char* name;
    Micros now;
    const char* expect;
  };
  const Case kCases[] = {
      {"an hour before", (exp - 3600) * kSecond, "ok"},
      {"one microsecond before", exp * kSecond - 1, "ok"},
      {"exactly at exp", exp * kSecond, "token_expired"},
      {"one microsecond after", exp * kSecond + 1, "token_expired"},
      {"a day after", (exp + 86400) * kSecond, "token_expired"},
  };
  for (const auto& c : kCases) {
    auto result = VerifyJwt(token, config_, c.now);
    EXPECT_EQ(ExpectName(result), c.expect) << "case " << c.name;
  }
}

// Tokens built here from raw JSON, signed with the right secret, to reach the claim checks
// the jose vectors do not cover.
std::string SignRaw(std::string_view header_json, std::string_view payload_json,
                    std::string_view secret) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

TEST_F(JwtTest, ClaimShapes) {
  constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";
  const Micros now = 1'767'225'600 * kSecond;
  struct Case {
    const char* name;
    std::string_view header;
    std::string_view payload;
    const char* expect;
  };
  const Case kCases[] = {
      {"minimal", kHs256, R"({"sub":"u","aud":"authenticated","exp":2000000000})", "ok"},
      {"no typ", R"({"alg":"HS256"})", R"({"sub":"u","aud":"authenticated","exp":2000000000})",
       "ok"},
      {"exp fraction in the future", kHs256,
       R"({"sub":"u","aud":"authenticated","exp":1767225600.25})", "ok"},
      {"exp huge", kHs256, R"({"sub":"u","aud":"authenticated","exp":18446744073709551615})", "ok"},
      {"exp float at now", kHs256, R"({"sub":"u","aud":"authenticated","exp":1767225600.0})",
       "token_expired"},
      {"exp negative", kHs256, R"({"sub":"u","aud":"authenticated","exp":-1})", "token_expired"},
      {"exp bool", kHs256, R"({"sub":"u","aud":"authenticated","exp":true})", "invalid_token"},
      {"exp null", kHs256, R"({"sub":"u","aud":"authenticated","exp":null})", "invalid_token"},
      {"sub number", kHs256, R"({"sub":42,"aud":"authenticated","exp":2000000000})",
       "invalid_token"},
      {"aud number", kHs256, R"({"sub":"u","aud":1,"exp":2000000000})", "invalid_token"},
      {"aud empty array", kHs256, R"({"sub":"u","aud":[],"exp":2000000000})", "invalid_token"},
      {"aud wrong case", kHs256, R"({"sub":"u","aud":"Authenticated","exp":2000000000})",
       "invalid_token"},
      {"iat string", kHs256, R"({"sub":"u","aud":"authenticated","exp":2000000000,"iat":"1"})",
       "invalid_token"},
      {"nbf now", kHs256, R"({"sub":"u","aud":"authenticated","exp":2000000000,"nbf":1767225600})",
       "ok"},
      {"nbf one second later", kHs256,
       R"({"sub":"u","aud":"authenticated","exp":2000000000,"nbf":1767225601})", "invalid_token"},
      {"expired and wrong audience", kHs256, R"({"sub":"u","aud":"x","exp":1})", "invalid_token"},
      {"payload is an array", kHs256, R"(["sub","u"])", "invalid_token"},
      {"payload is not JSON", kHs256, R"({"sub":)", "invalid_token"},
      {"alg lower case", R"({"alg":"hs256"})",
       R"({"sub":"u","aud":"authenticated","exp":2000000000})", "invalid_token"},
      {"alg missing", R"({"typ":"JWT"})", R"({"sub":"u","aud":"authenticated","exp":2000000000})",
       "invalid_token"},
      {"alg not a string", R"({"alg":256})",
       R"({"sub":"u","aud":"authenticated","exp":2000000000})", "invalid_token"},
      {"alg RS256", R"({"alg":"RS256"})", R"({"sub":"u","aud":"authenticated","exp":2000000000})",
       "invalid_token"},
      {"crit header", R"({"alg":"HS256","crit":["b64"],"b64":false})",
       R"({"sub":"u","aud":"authenticated","exp":2000000000})", "invalid_token"},
      {"header is an array", R"(["HS256"])",
       R"({"sub":"u","aud":"authenticated","exp":2000000000})", "invalid_token"},
  };
  for (const auto& c : kCases) {
    auto result = VerifyJwt(SignRaw(c.header, c.payload, config_.secret), config_, now);
    EXPECT_EQ(ExpectName(result), c.expect)
        << "case " << c.name << ": " << result.status().ToString();
  }
}

TEST_F(JwtTest, MalformedTokens) {
  const Micros now = 1'767'225'600 * kSecond;
  const std::string good = MintJwt({"user-1", 2'000'000'000, 0, std::nullopt}, config_);
  ASSERT_TRUE(VerifyJwt(good, config_, now).ok());
  const size_t dot2 = good.rfind('.');

  struct Case {
    const char* name;
    std::string token;
  };
  const Case kCases[] = {
      {"empty", ""},
      {"no dots", "abc"},
      {"one dot", good.substr(0, dot2)},
      {"four parts", good + ".x"},
      {"empty signature", good.substr(0, dot2 + 1)},
      {"padded signature", good + "="},
      {"signature with invalid char", good.substr(0, good.size() - 1) + "*"},
      {"truncated signature", good.substr(0, good.size() - 1)},
      {"signature of other bytes",
       good.substr(0, dot2 + 1) + Base64UrlEncode(std::string(32, 'x'))},
      {"leading whitespace", " " + good},
      {"trailing newline", good + "\n"},
      {"bearer prefix", "Bearer " + good},
      {"three empty parts", ".."},
      {"oversized", good.substr(0, dot2) + std::string(9000, 'A') + good.substr(dot2)},
  };
  for (const auto& c : kCases) {
    auto result = VerifyJwt(c.token, config_, now);
    EXPECT_EQ(ExpectName(result), "invalid_token") << "case " << c.name;
  }
}

TEST_F(JwtTest, OversizedTokenIsRefusedEvenWhenCorrectlySigned) {
  const Micros now = 1'767'225'600 * kSecond;
  const std::string pad(8000, 'p');
  const std::string token =
      SignRaw(R"({"alg":"HS256"})",
              R"({"sub":"u","aud":"authenticated","exp":2000000000,"pad":")" + pad + R"("})",
              config_.secret);
  ASSERT_GT(token.size(), 8192u);
  EXPECT_EQ(ExpectName(VerifyJwt(token, config_, now)), "invalid_token");

  const std::string small_pad(5000, 'p');
  const std::string fits =
      SignRaw(R"({"alg":"HS256"})",
              R"({"sub":"u","aud":"authenticated","exp":2000000000,"pad":")" + small_pad + R"("})",
              config_.secret);
  ASSERT_LE(fits.size(), 8192u);
  EXPECT_EQ(ExpectName(VerifyJwt(fits, config_, now)), "ok");
}

}  // namespace
}  // namespace celeste

// Authentication over HTTP (CONTRACT §3, §2 step 2): login, its throttle, and the bearer
// tokens the server accepts and refuses, including hand-built attack tokens.
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "auth/jwt.h"
#include "core/hash.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

int64_t NowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// JWS compact serialisation, signed by hand (not by celeste's MintJwt).
enum class Alg { kHs256, kHs512, kNone };

std::string SignedToken(const boost::json::object& header, const boost::json::object& claims,
                        Alg alg, std::string_view secret) {
  const std::string input = Base64UrlEncode(boost::json::serialize(header)) + "." +
                            Base64UrlEncode(boost::json::serialize(claims));
  std::string mac;
  switch (alg) {
    case Alg::kHs256:
      mac = HmacSha256(secret, input);
      break;
    case Alg::kHs512: {
      unsigned char out[crypto_auth_hmacsha512_BYTES];
      crypto_auth_hmacsha512_state state;
      crypto_auth_hmacsha512_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                                  secret.size());
      crypto_auth_hmacsha512_update(&state, reinterpret_cast<const unsigned char*>(input.data()),
                                    input.size());
      crypto_auth_hmacsha512_final(&state, out);
      mac.assign(reinterpret_cast<const char*>(out), sizeof out);
      break;
    }
    case Alg::kNone:
      break;
  }
  return input + "." + Base64UrlEncode(mac);
}

const boost::json::object kHs256Header{{"alg", "HS256"}, {"typ", "JWT"}};

std::optional<boost::json::object> DecodePart(std::string_view part) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  auto json = ParseJson(*bytes);
  if (!json || !json->is_object()) return std::nullopt;
  return json->as_object();
}

class AuthTest : public IntegrationTest {
 protected:
  ClientResponse Login(std::string_view email, std::string_view password) {
    auto r = client_->Post("/v1/auth/login",
                           ToJson(boost::json::object{{"email", email}, {"password", password}}));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }
  ClientResponse MeWith(const std::string& token) {
    auto r = client_->Get("/v1/me", {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }
  // Valid claims for `user`, for hand-built tokens to start from.
  boost::json::object ClaimsFor(const DemoUser& user) const {
    return {{"sub", user.user_id},
            {"email", user.email},
            {"aud", "authenticated"},
            {"iat", NowSeconds()},
            {"exp", NowSeconds() + 3600}};
  }
  std::string Hs256For(const boost::json::object& claims) const {
    return SignedToken(kHs256Header, claims, Alg::kHs256, kTestJwtSecret);
  }
};

TEST_F(AuthTest, LoginAnswersATokenThatWorks) {
  const DemoUser& crew = UserA("crew");
  ClientResponse r = Login(crew.email, kDemoPassword);
  ASSERT_EQ(r.status, 200) << Describe(r);
  auto body = r.Json().as_object();
  ASSERT_TRUE(body.at("access_token").is_string());
  const std::string token(body.at("access_token").as_string());
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  EXPECT_EQ(body.at("token_type").as_string(), "bearer");
  ASSERT_TRUE(body.at("expires_in").is_int64()) << Describe(r);
  EXPECT_GT(body.at("expires_in").as_int64(), 0);
  const auto& user = body.at("user").as_object();
  EXPECT_EQ(user.at("id").as_string(), crew.user_id);
  EXPECT_EQ(user.at("email").as_string(), crew.email);
  EXPECT_FALSE(user.at("name").as_string().empty());
  const auto& memberships = body.at("memberships").as_array();
  ASSERT_EQ(memberships.size(), 1u) << Describe(r);
  EXPECT_EQ(memberships[0].at("yacht_id").as_string(), A().id);
  EXPECT_EQ(memberships[0].at("yacht_name").as_string(), "M/Y Celeste");
  EXPECT_EQ(memberships[0].at("role").as_string(), "crew");
  // The token is an HS256 JWT for this user, valid for expires_in seconds.
  auto claims =
      DecodePart(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
  ASSERT_TRUE(claims.has_value()) << token;
  EXPECT_EQ(claims->at("sub").as_string(), crew.user_id);
  EXPECT_NEAR(static_cast<double>(claims->at("exp").to_number<int64_t>()),
              static_cast<double>(NowSeconds() + body.at("expires_in").as_int64()), 60.0);

  ClientResponse me = MeWith(token);
  ASSERT_EQ(me.status, 200) << Describe(me);
  EXPECT_EQ(me.Json().at("user").at("id").as_string(), crew.user_id);
  EXPECT_EQ(me.Json().at("user").at("email").as_string(), crew.email);
  EXPECT_EQ(me.Json().at("memberships"), body.at("memberships"));

  // And it executes actions as that user.
  auto created = client_->Post(
      "/v1/actions/execute",
      ToJson(boost::json::object{
          {"action", "create_shopping_list_item"},
          {"context", {{"yacht_id", A().id}}},
          {"payload",
           {{"part_name", "Anode"}, {"quantity_requested", 4}, {"source_type", "manual_add"}}}}),
      {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << Describe(*created);
  EXPECT_EQ(created->Json().at("result").at("created_by").as_string(), crew.user_id);
}

TEST_F(AuthTest, WrongCredentialsAreIndistinguishable) {
  const DemoUser& captain = UserA("captain");
  struct Case {
    const char* name;
    std::string email;
    std::string password;
  };
  const Case cases[] = {
      {"wrong password", captain.email, "celeste-demo-wrong"},
      {"password in the wrong case", captain.email, Upper(kDemoPassword)},
      {"empty password", captain.email, ""},
      {"unknown email", "nobody@celeste.test", kDemoPassword},
      {"another yacht's password for a made-up user", "captain@nowhere.test", kDemoPassword},
  };
  std::optional<std::string> first_message;
  for (const Case& c : cases) {
    ClientResponse r = Login(c.email, c.password);
    EXPECT_TRUE(IsError(r, 401, "invalid_credentials")) << c.name;
    EXPECT_EQ(r.body.find("access_token"), std::string::npos) << c.name;
    auto message = r.Json().is_object() ? GetString(r.Json().as_object(), "message") : std::nullopt;
    ASSERT_TRUE(message.has_value()) << c.name;
    if (!first_message) first_message = message;
    EXPECT_EQ(*message, *first_message) << c.name << ": messages must not tell which was wrong";
  }
}

TEST_F(AuthTest, LoginBodyMustBeJsonWithEmailAndPassword) {
  struct Case {
    const char* name;
    std::string body;
    std::string type;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"no password", R"({"email": "crew@x.test"})", "application/json", 400, "invalid_request"},
      {"email a number", R"({"email": 1, "password": "x"})", "application/json", 400,
       "invalid_request"},
      {"not JSON", "email=a&password=b", "application/json", 400, "invalid_request"},
      {"form encoded", "email=a&password=b", "application/x-www-form-urlencoded", 415,
       "unsupported_media_type"},
  };
  for (const Case& c : cases) {
    auto r = client_->Post("/v1/auth/login", c.body, {{"Content-Type", c.type}});
    ASSERT_TRUE(r.ok()) << c.name;
    EXPECT_TRUE(IsError(*r, c.status, c.code)) << c.name;
  }
}

TEST_F(AuthTest, FiveFailuresLockTheLogin) {
  const DemoUser& captain = UserA("captain");
  for (int i = 1; i <= 5; ++i) {
    ClientResponse r = Login(captain.email, "wrong-password-" + std::to_string(i));
    ASSERT_TRUE(IsError(r, 401, "invalid_credentials")) << "failure " << i;
  }
  struct Case {
    const char* name;
    std::string email;
    std::string password;
  };
  const Case cases[] = {
      {"sixth with the right password", captain.email, kDemoPassword},
      {"sixth in upper case", Upper(captain.email), kDemoPassword},
      {"seventh with a wrong password", captain.email, "still-wrong"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Login(c.email, c.password);
    EXPECT_TRUE(IsError(r, 429, "rate_limited")) << c.name;
    EXPECT_EQ(r.body.find("access_token"), std::string::npos) << c.name;
    auto retry = r.Header("retry-after");
    ASSERT_TRUE(retry.has_value()) << c.name << ": 429 without Retry-After";
    ASSERT_FALSE(retry->empty());
    EXPECT_TRUE(
        std::all_of(retry->begin(), retry->end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        << c.name << ": Retry-After '" << *retry << "' is not whole seconds";
    const long seconds = std::strtol(retry->c_str(), nullptr, 10);
    EXPECT_GT(seconds, 0) << c.name;
    EXPECT_LE(seconds, 15 * 60) << c.name;
  }
  // The lock is per account: the crew member of the same yacht still logs in.
  EXPECT_EQ(Login(UserA("crew").email, kDemoPassword).status, 200);
  // Tokens already issued keep working.
  EXPECT_EQ(Get(captain, "/v1/me").status, 200);
}

TEST_F(AuthTest, EmailIsCaseInsensitive) {
  const DemoUser& crew = UserB("crew");
  std::string mixed = crew.email;
  for (size_t i = 0; i < mixed.size(); i += 2) {
    mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
  }
  for (const std::string& email : {Upper(crew.email), mixed}) {
    ClientResponse r = Login(email, kDemoPassword);
    ASSERT_EQ(r.status, 200) << email << ": " << Describe(r);
    EXPECT_EQ(r.Json().at("user").at("id").as_string(), crew.user_id) << email;
    EXPECT_EQ(r.Json().at("memberships").at(0).at("yacht_id").as_string(), B().id) << email;
  }
}

// The jose vectors (tests/data/jwt_vectors.json) carry claim shapes a standard library makes.
// Signed with their own secret, none of them authenticates here; with their claims re-signed
// by the server's secret for a real user, each answers what the vector expects.
TEST_F(AuthTest, JoseVectorsOverHttp) {
  std::ifstream in(std::string(CELESTE_TEST_DATA_DIR) + "/jwt_vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto file = ParseJson(ss.str());
  ASSERT_TRUE(file && file->is_object()) << "cannot read jwt_vectors.json";
  const auto& vectors = file->as_object();
  const std::string vector_secret(vectors.at("secret").as_string());
  const std::string vector_sub(vectors.at("sub").as_string());
  ASSERT_NE(vector_secret, kTestJwtSecret);
  const DemoUser& crew = UserA("crew");
  const std::string crew_token = server_->TokenFor(crew);

  int checked = 0;
  for (const auto& v : vectors.at("cases").as_array()) {
    const std::string name(v.at("name").as_string());
    const std::string token(v.at("token").as_string());
    const std::string expect(v.at("expect").as_string());

    // As made by jose: the secret is not ours, so nothing gets through.
    ClientResponse as_is = MeWith(token);
    EXPECT_TRUE(IsError(as_is, 401, "invalid_token")) << name << " (as made by jose)";

    const size_t dot1 = token.find('.');
    const size_t dot2 = token.rfind('.');
    if (dot1 == std::string::npos || dot1 == dot2) continue;  // not_a_jwt: done above
    auto header = DecodePart(token.substr(0, dot1));
    auto claims = DecodePart(token.substr(dot1 + 1, dot2 - dot1 - 1));
    ASSERT_TRUE(header && claims) << name;
    if (auto sub = claims->find("sub"); sub != claims->end() && sub->value().is_string() &&
                                        sub->value().get_string() == vector_sub) {
      sub->value() = crew.user_id;
    }
    std::string resigned;
    if (name == "tampered_payload") {
      // Another user's id under the crew member's valid signature.
      claims->at("sub") = UserA("captain").user_id;
      resigned = crew_token.substr(0, crew_token.find('.')) + "." +
                 Base64UrlEncode(boost::json::serialize(*claims)) +
                 crew_token.substr(crew_token.rfind('.'));
    } else {
      const std::string alg = GetString(*header, "alg").value_or("");
      const Alg how = alg == "HS512" ? Alg::kHs512 : alg == "none" ? Alg::kNone : Alg::kHs256;
      const std::string secret = name == "wrong_secret" ? vector_secret : kTestJwtSecret;
      resigned = SignedToken(*header, *claims, how, secret);
    }
    ClientResponse r = MeWith(resigned);
    if (expect == "ok") {
      EXPECT_EQ(r.status, 200) << name << " (re-signed): " << Describe(r);
      if (r.status == 200) {
        EXPECT_EQ(r.Json().at("user").at("id").as_string(), crew.user_id) << name;
      }
    } else {
      EXPECT_TRUE(IsError(r, 401, expect)) << name << " (re-signed)";
    }
    ++checked;
  }
  EXPECT_GE(checked, 18);
}

TEST_F(AuthTest, AttackTokensAreRefused) {
  const DemoUser& crew = UserA("crew");
  const int64_t now = NowSeconds();
  auto with = [&](const boost::json::object& changes,
                  const std::vector<std::string>& removed = {}) {
    boost::json::object claims = ClaimsFor(crew);
    for (const auto& kv : changes) claims[kv.key()] = kv.value();
    for (const std::string& k : removed) claims.erase(k);
    return claims;
  };
  const std::string valid = Hs256For(ClaimsFor(crew));
  const std::string valid_signature = valid.substr(valid.rfind('.') + 1);
  struct Case {
    const char* name;
    std::string token;
    const char* code;  // nullptr: accepted
  };
  const Case cases[] = {
      // Controls: the hand-built token and celeste's own minting both work.
      {"hand-built HS256 with our secret", valid, nullptr},
      {"MintJwt with our secret",
       MintJwt({.sub = crew.user_id, .exp = now + 60, .iat = now, .email = crew.email},
               {kTestJwtSecret}),
       nullptr},
      {"alg none, empty signature",
       SignedToken({{"alg", "none"}, {"typ", "JWT"}}, ClaimsFor(crew), Alg::kNone, ""),
       "invalid_token"},
      {"alg none, a valid HS256 signature",
       SignedToken({{"alg", "none"}}, ClaimsFor(crew), Alg::kNone, "") + valid_signature,
       "invalid_token"},
      {"alg None", SignedToken({{"alg", "None"}}, ClaimsFor(crew), Alg::kNone, ""),
       "invalid_token"},
      {"alg hs256 in lower case",
       SignedToken({{"alg", "hs256"}}, ClaimsFor(crew), Alg::kHs256, kTestJwtSecret),
       "invalid_token"},
      {"no alg", SignedToken({{"typ", "JWT"}}, ClaimsFor(crew), Alg::kHs256, kTestJwtSecret),
       "invalid_token"},
      {"HS512 with the right secret",
       SignedToken({{"alg", "HS512"}, {"typ", "JWT"}}, ClaimsFor(crew), Alg::kHs512,
                   kTestJwtSecret),
       "invalid_token"},
      {"HS256 header, HS512 signature",
       SignedToken(kHs256Header, ClaimsFor(crew), Alg::kHs512, kTestJwtSecret), "invalid_token"},
      {"a crit header",
       SignedToken({{"alg", "HS256"}, {"crit", {"exp"}}}, ClaimsFor(crew), Alg::kHs256,
                   kTestJwtSecret),
       "invalid_token"},
      {"wrong secret", SignedToken(kHs256Header, ClaimsFor(crew), Alg::kHs256, "not-the-secret"),
       "invalid_token"},
      {"MintJwt with the wrong secret",
       MintJwt({.sub = crew.user_id, .exp = now + 60, .iat = now, .email = crew.email},
               {"not-the-secret"}),
       "invalid_token"},
      {"empty-secret signature", SignedToken(kHs256Header, ClaimsFor(crew), Alg::kHs256, ""),
       "invalid_token"},
      {"expired a minute ago", Hs256For(with({{"exp", now - 60}})), "token_expired"},
      {"expired (MintJwt)", server_->TokenFor(crew, -10), "token_expired"},
      {"expires now", Hs256For(with({{"exp", now}})), "token_expired"},
      {"no exp", Hs256For(with({}, {"exp"})), "invalid_token"},
      {"exp null", Hs256For(with({{"exp", nullptr}})), "invalid_token"},
      {"missing sub", Hs256For(with({}, {"sub"})), "invalid_token"},
      {"empty sub", Hs256For(with({{"sub", ""}})), "invalid_token"},
      {"sub a number", Hs256For(with({{"sub", 42}})), "invalid_token"},
      {"sub of an unknown user", Hs256For(with({{"sub", RandomUuidV4()}})), "invalid_token"},
      {"sub not a uuid", Hs256For(with({{"sub", "admin"}})), "invalid_token"},
      {"sub the email", Hs256For(with({{"sub", crew.email}})), "invalid_token"},
      {"sub a yacht id", Hs256For(with({{"sub", A().id}})), "invalid_token"},
      {"wrong audience", Hs256For(with({{"aud", "anon"}})), "invalid_token"},
      {"no audience", Hs256For(with({}, {"aud"})), "invalid_token"},
      {"not valid before the future", Hs256For(with({{"nbf", now + 3600}})), "invalid_token"},
      {"payload swapped to the captain",
       valid.substr(0, valid.find('.')) + "." +
           Base64UrlEncode(boost::json::serialize(ClaimsFor(UserA("captain")))) + "." +
           valid_signature,
       "invalid_token"},
      {"signature with padding", valid + "=", "invalid_token"},
      {"two parts", valid.substr(0, valid.rfind('.')), "invalid_token"},
      {"four parts", valid + ".x", "invalid_token"},
      {"not base64", "!!!.???.***", "invalid_token"},
      {"very long", valid + std::string(10 * 1024, 'A'), "invalid_token"},
  };
  for (const Case& c : cases) {
    ClientResponse r = MeWith(c.token);
    if (!c.code) {
      EXPECT_EQ(r.status, 200) << c.name << ": " << Describe(r);
      continue;
    }
    EXPECT_TRUE(IsError(r, 401, c.code)) << c.name;
    EXPECT_EQ(r.body.find(crew.user_id), std::string::npos) << c.name << " leaks the user";
  }
  // Execute checks the token the same way (after the envelope).
  auto r = client_->Post("/v1/actions/execute",
                         ToJson(boost::json::object{{"action", "list_shopping_list_items"},
                                                    {"context", {{"yacht_id", A().id}}}}),
                         {{"Authorization", "Bearer " + server_->TokenFor(crew, -10)}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(IsError(*r, 401, "token_expired")) << "execute with an expired token";
}

TEST_F(AuthTest, TheTokensRoleClaimIsNeverTrusted) {
  const DemoUser& crew = UserA("crew");
  const std::string item = CreateItem(crew, A().id);
  boost::json::object claims = ClaimsFor(crew);
  claims["role"] = "captain";
  claims["user_role"] = "captain";
  claims["app_metadata"] = {{"role", "captain"}, {"yacht_role", "captain"}};
  claims["user_metadata"] = {{"role", "manager"}};
  const std::string token = Hs256For(claims);
  const KeyValues auth = {{"Authorization", "Bearer " + token}};

  ClientResponse me = MeWith(token);
  ASSERT_EQ(me.status, 200) << Describe(me);
  EXPECT_EQ(me.Json().at("memberships").at(0).at("role").as_string(), "crew");

  struct Case {
    const char* action;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"approve_shopping_list_item", {{"item_id", item}, {"quantity_approved", 2}}},
      {"reject_shopping_list_item", {{"item_id", item}, {"rejection_reason", "Because"}}},
      {"review_shopping_list_item", {{"item_id", item}}},
      {"promote_candidate_to_part", {{"item_id", item}}},
  };
  for (const Case& c : cases) {
    auto r = client_->Post(
        "/v1/actions/execute",
        ToJson(boost::json::object{
            {"action", c.action}, {"context", {{"yacht_id", A().id}}}, {"payload", c.payload}}),
        auth);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(IsError(*r, 403, "forbidden_role")) << c.action;
  }
  // The action list is the crew member's, not a captain's.
  auto list = client_->Get("/v1/actions/list?yacht_id=" + A().id, auth);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->status, 200) << Describe(*list);
  const boost::json::value actions = list->Json();
  for (const auto& a : actions.at("actions").as_array()) {
    EXPECT_NE(a.at("action_id").as_string(), "approve_shopping_list_item");
  }
  // Nor does a claimed role open another yacht.
  auto other = client_->Get("/v1/actions/list?yacht_id=" + B().id, auth);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(IsError(*other, 403, "yacht_access_denied"));

  ClientResponse view = Execute(crew, A().id, "view_shopping_list_item", {{"item_id", item}});
  ASSERT_EQ(view.status, 200) << Describe(view);
  EXPECT_EQ(view.Json().at("result").at("status").as_string(), "requested");
}

}  // namespace
}  // namespace celeste::testing

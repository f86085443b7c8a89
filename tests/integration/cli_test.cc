// The operator CLI (CONTRACT §8): exit codes (0 ok, 1 failed, 2 usage), --json output, and
// that what it creates is usable over HTTP by the running server on the same database.
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
const std::regex kJwt(R"([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)");

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

boost::json::object JsonOf(const RunResult& r) {
  auto json = ParseJson(r.out);
  EXPECT_TRUE(json && json->is_object()) << "not a JSON object: " << r.out << r.err;
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

class CliTest : public IntegrationTest {
 protected:
  // `celeste yacht add --name N --json`; returns the id (asserts success).
  std::string AddYacht(const std::string& name) {
    RunResult r = server_->Cli({"yacht", "add", "--name", name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto json = JsonOf(r);
    if (!json.contains("id")) return "";
    return std::string(json.at("id").as_string());
  }

  int64_t CountRows(const std::string& table) {
    RunResult r = Sqlite3(*server_, "SELECT count(*) FROM " + table + ";");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
  }
};

TEST_F(CliTest, HelpExitsZero) {
  RunResult r = RunCelesteCli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* command :
       {"serve", "migrate", "demo", "yacht", "user", "token", "flags", "audit"}) {
    EXPECT_NE(r.out.find(command), std::string::npos) << "--help does not mention " << command;
  }
}

TEST_F(CliTest, BadUsageExitsTwo) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
  };
  const Case kCases[] = {
      {"unknown subcommand", {"frobnicate"}},
      {"no subcommand", {}},
      {"yacht add without --name", {"yacht", "add"}},
      {"flags set with a non-boolean",
       {"flags", "set", "SHOPPING_LIST_LENS_V1_ENABLED", "--enabled", "maybe"}},
      {"flags set with percent 101",
       {"flags", "set", "SHOPPING_LIST_LENS_V1_ENABLED", "--enabled", "true", "--percent", "101"}},
  };
  for (const Case& c : kCases) {
    // Through the server's database where a --db makes sense; never the default path.
    std::vector<std::string> args = c.args;
    RunResult r =
        args.empty() || args[0] == "frobnicate" ? RunCelesteCli(args) : server_->Cli(args);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out << r.err;
  }
}

TEST_F(CliTest, YachtAddPrintsAnId) {
  RunResult r = server_->Cli({"yacht", "add", "--name", "M/Y Test Vessel", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  ASSERT_TRUE(json.contains("id")) << r.out;
  EXPECT_TRUE(std::regex_match(std::string(json.at("id").as_string()), kUuid)) << r.out;
  EXPECT_EQ(json.at("success").as_bool(), true);

  // Without --json: just the id on one line.
  RunResult plain = server_->Cli({"yacht", "add", "--name", "M/Y Second"});
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_TRUE(std::regex_match(Trim(plain.out), kUuid)) << plain.out;
}

TEST_F(CliTest, UserAddCreatesAWorkingLoginWithItsRole) {
  const std::string yacht = AddYacht("M/Y Cli Test");
  ASSERT_TRUE(std::regex_match(yacht, kUuid)) << yacht;
  RunResult r =
      server_->Cli({"user", "add", "--email", "bosun@cli.test", "--password", "long-enough-secret",
                    "--yacht", yacht, "--role", "captain", "--name", "Bosun", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  ASSERT_TRUE(json.contains("id")) << r.out;
  const std::string user_id(json.at("id").as_string());
  EXPECT_TRUE(std::regex_match(user_id, kUuid)) << r.out;

  auto login = client_->Post(
      "/v1/auth/login",
      ToJson(boost::json::object{{"email", "bosun@cli.test"}, {"password", "long-enough-secret"}}));
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_EQ(login->status, 200) << Describe(*login);
  auto body = login->Json().as_object();
  EXPECT_EQ(body.at("user").at("id").as_string(), user_id);
  EXPECT_FALSE(body.at("access_token").as_string().empty());
  const auto& memberships = body.at("memberships").as_array();
  ASSERT_EQ(memberships.size(), 1u) << Describe(*login);
  EXPECT_EQ(memberships[0].at("yacht_id").as_string(), yacht);
  EXPECT_EQ(memberships[0].at("yacht_name").as_string(), "M/Y Cli Test");
  EXPECT_EQ(memberships[0].at("role").as_string(), "captain");

  // The login's token works, and the new yacht starts with an empty shopping list.
  const std::string token(body.at("access_token").as_string());
  auto me = client_->Get("/v1/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->status, 200) << Describe(*me);

  // A wrong password is still refused.
  auto wrong = client_->Post(
      "/v1/auth/login",
      ToJson(boost::json::object{{"email", "bosun@cli.test"}, {"password", "not-the-password"}}));
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401) << Describe(*wrong);
  EXPECT_EQ(ErrorCodeOf(*wrong), "invalid_credentials");
}

TEST_F(CliTest, UserAddRejectsBadInput) {
  const std::string yacht = AddYacht("M/Y Strict");
  struct Case {
    const char* name;
    std::vector<std::string> args;
    int exit_code;
  };
  const Case kCases[] = {
      {"unknown role",
       {"user", "add", "--email", "x@cli.test", "--password", "long-enough-secret", "--yacht",
        yacht, "--role", "admiral"},
       2},
      {"yacht is not an id",
       {"user", "add", "--email", "y@cli.test", "--password", "long-enough-secret", "--yacht",
        "not-a-uuid", "--role", "crew"},
       2},
      {"missing --role",
       {"user", "add", "--email", "z@cli.test", "--password", "long-enough-secret", "--yacht",
        yacht},
       2},
  };
  const int64_t users_before = CountRows("users");
  for (const Case& c : kCases) {
    RunResult r = server_->Cli(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << ": " << r.out << r.err;
    EXPECT_FALSE(r.err.empty() && r.out.empty()) << c.name << ": no message";
  }
  EXPECT_EQ(CountRows("users"), users_before) << "a refused `user add` created a user";
}

// A `user add` that fails must leave nothing behind, so the operator can simply retry.
TEST_F(CliTest, UserAddOnAnUnknownYachtCreatesNothing) {
  const int64_t users_before = CountRows("users");
  RunResult r =
      server_->Cli({"user", "add", "--email", "ghost@cli.test", "--password", "long-enough-secret",
                    "--yacht", "0190a000-0000-7000-8000-000000000001", "--role", "crew"});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("yacht"), std::string::npos) << "message: " << r.err;
  EXPECT_EQ(CountRows("users"), users_before)
      << "the user row was created although its membership was refused";

  // The retry on a real yacht must not trip over a half-created user.
  const std::string yacht = AddYacht("M/Y Retry");
  RunResult retry = server_->Cli({"user", "add", "--email", "ghost@cli.test", "--password",
                                  "long-enough-secret", "--yacht", yacht, "--role", "crew"});
  EXPECT_EQ(retry.exit_code, 0) << retry.out << retry.err;
}

TEST_F(CliTest, DuplicateEmailExitsOneWithAMessage) {
  const std::string yacht = AddYacht("M/Y Dup");
  const std::vector<std::string> add = {
      "user", "add",    "--email", "twice@cli.test", "--password", "long-enough-secret", "--yacht",
      yacht,  "--role", "crew"};
  RunResult first = server_->Cli(add);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const int64_t users = CountRows("users");

  RunResult second = server_->Cli(add);
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("exists"), std::string::npos) << "message: " << second.err;

  // A demo user's e-mail, differently cased, is the same login.
  RunResult demo_email =
      server_->Cli({"user", "add", "--email", "CREW@celeste.demo", "--password",
                    "long-enough-secret", "--yacht", yacht, "--role", "crew", "--json"});
  EXPECT_EQ(demo_email.exit_code, 1) << demo_email.out << demo_email.err;
  auto json = JsonOf(demo_email);
  EXPECT_EQ(json["success"], boost::json::value(false)) << demo_email.out;
  EXPECT_EQ(json["error_code"], boost::json::value("duplicate")) << demo_email.out;
  EXPECT_EQ(CountRows("users"), users);
}

TEST_F(CliTest, TokenPrintsAJwtThatWorks) {
  const DemoUser& captain = UserA("captain");
  RunResult r = server_->Cli({"token", "--email", captain.email});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string token = Trim(r.out);
  ASSERT_TRUE(std::regex_match(token, kJwt)) << "not a JWT: " << r.out;

  auto me = client_->Get("/v1/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  ASSERT_EQ(me->status, 200) << Describe(*me);
  EXPECT_EQ(me->Json().at("user").at("id").as_string(), captain.user_id);
  EXPECT_EQ(me->Json().at("user").at("email").as_string(), captain.email);

  RunResult json = server_->Cli({"token", "--email", captain.email, "--ttl", "60", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  auto body = JsonOf(json);
  EXPECT_EQ(body["user_id"], boost::json::value(captain.user_id));
  EXPECT_EQ(body["expires_in"], boost::json::value(60));

  RunResult unknown = server_->Cli({"token", "--email", "nobody@nowhere.test"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
  EXPECT_TRUE(unknown.out.empty()) << "printed a token for an unknown user: " << unknown.out;
}

TEST_F(CliTest, FlagsListShowsTheLensEnabled) {
  RunResult r = server_->Cli({"flags", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  ASSERT_TRUE(json.contains("flags") && json.at("flags").is_array()) << r.out;
  bool found = false;
  for (const auto& f : json.at("flags").as_array()) {
    if (f.at("flag_name").as_string() != "SHOPPING_LIST_LENS_V1_ENABLED") continue;
    found = true;
    EXPECT_EQ(f.at("enabled").as_bool(), true) << r.out;
    EXPECT_EQ(f.at("canary_percentage").to_number<int64_t>(), 100) << r.out;
  }
  EXPECT_TRUE(found) << r.out;
}

TEST_F(CliTest, FlagsSetUnknownFlagExitsTwoAndChangesNothing) {
  const int64_t audit_rows = CountRows("pms_audit_log");
  RunResult r = server_->Cli({"flags", "set", "UNKNOWN", "--enabled", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_FALSE(r.err.empty()) << "no message";
  EXPECT_EQ(CountRows("feature_flags WHERE flag_name = 'UNKNOWN'"), 0);
  EXPECT_EQ(CountRows("pms_audit_log"), audit_rows);
}

TEST_F(CliTest, FlagsSetIsAuditedOnTheFleetChain) {
  const std::string fleet_flag_rows =
      "pms_audit_log WHERE yacht_id = '00000000-0000-0000-0000-000000000000' "
      "AND action = 'set_feature_flag'";
  const int64_t audit_rows = CountRows("pms_audit_log");
  const int64_t flag_rows = CountRows(fleet_flag_rows);
  RunResult r = server_->Cli({"flags", "set", "SHOPPING_LIST_LENS_V1_ENABLED", "--enabled", "true",
                              "--percent", "40", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  ASSERT_TRUE(json.contains("flag")) << r.out;
  EXPECT_EQ(json.at("flag").at("canary_percentage").to_number<int64_t>(), 40) << r.out;
  EXPECT_EQ(json.at("flag").at("enabled").as_bool(), true) << r.out;
  EXPECT_EQ(CountRows("pms_audit_log"), audit_rows + 1);
  EXPECT_EQ(CountRows(fleet_flag_rows), flag_rows + 1);
  RunResult last = Sqlite3(*server_, "SELECT actor_role, entity_id FROM " + fleet_flag_rows +
                                         " ORDER BY seq DESC LIMIT 1;");
  EXPECT_EQ(Trim(last.out), "operator|SHOPPING_LIST_LENS_V1_ENABLED") << last.err;
  RunResult verify = server_->Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliTest, DemoIsIdempotent) {
  const int64_t yachts = CountRows("yachts"), users = CountRows("users"),
                items = CountRows("pms_shopping_list_items"), audit = CountRows("pms_audit_log");
  RunResult r = server_->Cli({"demo", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  EXPECT_EQ(json["created"], boost::json::value(false)) << r.out;
  std::set<std::string> yacht_ids;
  std::set<std::string> logins;
  for (const auto& l : json["logins"].as_array()) {
    yacht_ids.emplace(l.at("yacht_id").as_string());
    logins.emplace(l.at("email").as_string());
    const DemoYacht& y = l.at("yacht_id").as_string() == A().id ? A() : B();
    const std::string role(l.at("role").as_string());
    ASSERT_TRUE(y.users.contains(role)) << l;
    EXPECT_EQ(l.at("user_id").as_string(), y.users.at(role).user_id) << l;
  }
  EXPECT_EQ(yacht_ids, (std::set<std::string>{A().id, B().id}));
  EXPECT_EQ(logins.size(), 12u);
  EXPECT_EQ(CountRows("yachts"), yachts);
  EXPECT_EQ(CountRows("users"), users);
  EXPECT_EQ(CountRows("pms_shopping_list_items"), items);
  EXPECT_EQ(CountRows("pms_audit_log"), audit);

  // The demo logins still work.
  auto login = client_->Post(
      "/v1/auth/login",
      ToJson(boost::json::object{{"email", UserA("crew").email}, {"password", kDemoPassword}}));
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->status, 200) << Describe(*login);
}

TEST_F(CliTest, MigrateTwiceIsHarmless) {
  const int64_t applied = CountRows("schema_migrations");
  ASSERT_GT(applied, 0);
  for (int run = 1; run <= 2; ++run) {
    RunResult r = server_->Cli({"migrate"});
    EXPECT_EQ(r.exit_code, 0) << "run " << run << ": " << r.out << r.err;
    EXPECT_EQ(CountRows("schema_migrations"), applied) << "run " << run;
  }
  // A fresh database too: the second run finds nothing to do.
  const std::string fresh = "sqlite:" + server_->dir() + "/fresh.db";
  for (int run = 1; run <= 2; ++run) {
    RunResult r = RunCelesteCli({"migrate", "--db", fresh, "--json"});
    EXPECT_EQ(r.exit_code, 0) << "fresh run " << run << ": " << r.out << r.err;
    EXPECT_EQ(JsonOf(r)["success"], boost::json::value(true)) << r.out;
  }
  RunResult count = RunProgram(
      {"sqlite3", server_->dir() + "/fresh.db", "SELECT count(*) FROM schema_migrations;"});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(std::stoll(count.out), applied);
}

}  // namespace
}  // namespace celeste::testing

// The Lens Ops acceptance runner (issue 7, `celeste accept`) against a live server, with the
// test's own accounts (unique passwords and PINs) on yacht A: the shopping list passes with an
// evidence folder in which none of the passwords, PINs or tokens appears; the faults lens,
// with its SIGNED action, passes the five signed steps and the flag toggles, leaving the flags
// as they were; injected 500s fail the run with a clear case report and a non-zero 5xx line;
// a server that does not answer fails it without a crash; usage errors exit 2.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"
#include "unit/store/temp_dir.h"

namespace celeste::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAccountRoles[] = {"crew", "chief_engineer", "captain", "manager"};
constexpr const char* kFaultFlags[] = {"FAULT_LENS_V1_ENABLED", "FAULT_LENS_SIGNED_ACTIONS_ENABLED",
                                       "FAULT_LENS_SUGGESTIONS_ENABLED"};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct TestAccount {
  std::string role;
  std::string email;
  std::string password;
  std::string pin;
};

// `count` random characters from `alphabet`.
std::string RandomText(std::mt19937_64& random, std::string_view alphabet, int count) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (int i = 0; i < count; ++i) out += alphabet[pick(random)];
  return out;
}

// An account per role on `yacht_id` (`celeste user add`), each with its own password
// (26 characters) and PIN (8 digits), none of which appears anywhere else in the run.
// An account `key` of the accounts file: a new user with `role` on `yacht_id` (`celeste user
// add`), its own password (26 characters) and PIN, neither of which appears anywhere else.
TestAccount MakeAccount(const TestServer& server, const std::string& yacht_id,
                        const std::string& key, const std::string& role, int pin_digits) {
  static std::mt19937_64 random(std::random_device{}());
  TestAccount a{
      key, "accept-" + key + "-" + RandomText(random, "abcdef0123456789", 8) + "@accept.test",
      "pw-" + RandomText(random, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz", 23),
      RandomText(random, "123456789", 1) + RandomText(random, "0123456789", pin_digits - 1)};
  RunResult added = server.Cli({"user", "add", "--email", a.email, "--password", a.password,
                                "--yacht", yacht_id, "--role", role, "--pin", a.pin});
  EXPECT_EQ(added.exit_code, 0) << key << ": " << added.out << added.err;
  return a;
}

// An account per role on `yacht_id`. The crew's PIN has 4 digits, as most do (too short to be
// scrubbed as a literal: only its field name hides it); the others have 8.
std::vector<TestAccount> MakeAccounts(const TestServer& server, const std::string& yacht_id) {
  std::vector<TestAccount> accounts;
  for (const char* role : kAccountRoles) {
    accounts.push_back(
        MakeAccount(server, yacht_id, role, role, role == std::string("crew") ? 4 : 8));
  }
  return accounts;
}

std::string WriteAccounts(const std::string& dir, const std::vector<TestAccount>& accounts) {
  boost::json::object file;
  for (const TestAccount& a : accounts) {
    file[a.role] = {{"email", a.email}, {"password", a.password}, {"pin", a.pin}};
  }
  const std::string path = dir + "/accounts.json";
  std::ofstream(path) << ToJson(file);
  return path;
}

std::vector<std::string> AcceptArgs(const std::string& url, const std::string& yacht_id,
                                    const std::string& lens, const std::string& accounts,
                                    const std::string& evidence,
                                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"accept", "--url",          url,     "--yacht",
                                   yacht_id, "--lens",         lens,    "--accounts",
                                   accounts, "--evidence-dir", evidence};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// The secrets of the run found in `text`: the passwords, the PINs (a short one as a JSON
// string, "1234", since its bare digits may be part of an id), and any JWT ("eyJ...").
std::vector<std::string> SecretsInText(const std::string& text,
                                       const std::vector<TestAccount>& accounts) {
  std::vector<std::string> found;
  if (text.find("eyJ") != std::string::npos) found.push_back("a JWT");
  for (const TestAccount& a : accounts) {
    if (text.find(a.password) != std::string::npos) found.push_back(a.role + "'s password");
    const std::string pin = a.pin.size() < 6 ? "\"" + a.pin + "\"" : a.pin;
    if (text.find(pin) != std::string::npos) found.push_back(a.role + "'s PIN");
  }
  return found;
}

// SecretsInText of every file of `dir` (recursively), as "file: what".
std::vector<std::string> SecretsIn(const std::string& dir,
                                   const std::vector<TestAccount>& accounts) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    for (const std::string& what : SecretsInText(ReadFile(entry.path()), accounts)) {
      found.push_back(entry.path().filename().string() + ": " + what);
    }
  }
  return found;
}

boost::json::object SummaryOf(const std::string& evidence) {
  auto json = ParseJson(ReadFile(fs::path(evidence) / "summary.json"));
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

// The cases of a summary.json, by name.
std::map<std::string, boost::json::object> CasesOf(const boost::json::object& summary) {
  std::map<std::string, boost::json::object> cases;
  const boost::json::value* list = summary.if_contains("cases");
  if (!list || !list->is_array()) return cases;
  for (const auto& c : list->as_array()) {
    if (c.is_object()) cases[TextOf(c.at("name"))] = c.as_object();
  }
  return cases;
}

class AcceptTest : public IntegrationTest {
 protected:
  // The flags of the faults lens as GET /v1/flags shows them to yacht A's manager.
  std::map<std::string, std::string> FaultFlags() {
    ClientResponse r = Get(UserA("manager"), "/v1/flags?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    std::map<std::string, std::string> flags;
    if (!json.is_object() || !json.as_object().contains("flags")) return flags;
    for (const auto& f : json.at("flags").as_array()) {
      const std::string name = TextOf(f.at("flag_name"));
      if (std::find(std::begin(kFaultFlags), std::end(kFaultFlags), name) ==
          std::end(kFaultFlags)) {
        continue;
      }
      flags[name] = ToJson(f.at("enabled")) + " " + ToJson(f.at("canary_percentage")) + " " +
                    ToJson(f.at("enabled_for_yacht"));
    }
    return flags;
  }
};

TEST_F(AcceptTest, ShoppingListPassesWithAnEvidenceFolderFreeOfSecrets) {
  TempDir tmp;
  const std::vector<TestAccount> accounts = MakeAccounts(*server_, A().id);
  const std::string evidence = tmp.File("evidence");
  RunResult r = RunCelesteCli(AcceptArgs(UrlOf(*server_), A().id, "shopping_list",
                                         WriteAccounts(tmp.path().string(), accounts), evidence));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS  gating:forbidden:approve_shopping_list_item  expected 403 "
                       "forbidden_role, got 403 forbidden_role"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("evidence: " + evidence), std::string::npos) << r.out;

  const std::string md = ReadFile(fs::path(evidence) / "SUMMARY.md");
  EXPECT_NE(md.find("\n5xx responses: 0\n"), std::string::npos) << md;
  EXPECT_NE(md.find("**PASS**"), std::string::npos) << md;
  const boost::json::object summary = SummaryOf(evidence);
  EXPECT_EQ(summary.at("verdict"), "PASS") << ToJson(summary);
  EXPECT_EQ(summary.at("lens"), "shopping_list");
  EXPECT_EQ(summary.at("responses_5xx"), 0);
  const auto cases = CasesOf(summary);
  for (const char* name :
       {"login:crew", "login:chief_engineer", "login:captain", "login:manager", "gating:list:crew",
        "gating:list:manager", "gating:forbidden:review_shopping_list_item",
        "gating:forbidden:approve_shopping_list_item", "gating:forbidden:reject_shopping_list_item",
        "gating:forbidden:promote_candidate_to_part", "read:crew", "read:manager", "create",
        "isolation:read", "no_5xx"}) {
    ASSERT_TRUE(cases.count(name)) << name << " missing from " << ToJson(summary);
    EXPECT_EQ(cases.at(name).at("pass"), true) << ToJson(cases.at(name));
  }
  EXPECT_FALSE(cases.count("gating:forbidden:create_shopping_list_item")) << "crew may create";
  EXPECT_FALSE(cases.count("idempotency")) << "the shopping list has no idempotency key";
  for (const auto& [name, c] : cases) {
    EXPECT_TRUE(c.at("pass").as_bool()) << ToJson(c);
    for (const auto& t : c.at("transcripts").as_array()) {
      EXPECT_TRUE(fs::exists(fs::path(evidence) / TextOf(t))) << name << ": " << TextOf(t);
    }
  }
  // A login transcript: the request and the response, the secrets replaced.
  const std::string login =
      ReadFile(fs::path(evidence) / TextOf(cases.at("login:crew").at("transcripts").at(0)));
  EXPECT_EQ(login.rfind("POST /v1/auth/login HTTP/1.1\n", 0), 0u) << login;
  EXPECT_NE(login.find("--- response\nHTTP/1.1 200 OK\n"), std::string::npos) << login;
  EXPECT_NE(login.find("[REDACTED]"), std::string::npos) << login;
  EXPECT_NE(login.find(accounts[0].email), std::string::npos) << "an e-mail is not a secret";

  EXPECT_EQ(SecretsIn(evidence, accounts), std::vector<std::string>{});
  EXPECT_EQ(SecretsInText(r.out + r.err, accounts), std::vector<std::string>{});
}

TEST_F(AcceptTest, FaultsPassTheSignedFlowAndTheFlagTogglesAndRestoreTheFlags) {
  TempDir tmp;
  std::vector<TestAccount> accounts = MakeAccounts(*server_, A().id);
  // A captain of yacht B: isolation with one of B's real faults.
  accounts.push_back(MakeAccount(*server_, B().id, "foreign", "captain", 6));
  const std::string evidence = tmp.File("evidence");
  const std::map<std::string, std::string> flags_before = FaultFlags();
  ASSERT_EQ(flags_before.size(), std::size(kFaultFlags));

  RunResult r = RunCelesteCli(AcceptArgs(UrlOf(*server_), A().id, "faults",
                                         WriteAccounts(tmp.path().string(), accounts), evidence,
                                         {"--toggle-flags"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const boost::json::object summary = SummaryOf(evidence);
  EXPECT_EQ(summary.at("verdict"), "PASS") << ToJson(summary);
  const auto cases = CasesOf(summary);
  const std::map<std::string, std::string> expected_got = {
      {"signed:no_signature", "400 signature_required"},
      {"signed:invalid_signature", "400 invalid_signature"},
      {"signed:crew_signer", "403 invalid_signer_role"},
      {"signed:captain_signer", "201"},
      {"signed:manager_signer", "201"},
      {"isolation:signed", "404 not_found"},
      {"isolation:read", "404 not_found"},
      {"isolation:foreign", "404 not_found"},
      {"gating:forbidden:acknowledge_fault", "403 forbidden_role"},
      {"gating:forbidden:close_fault", "403 forbidden_role"},
  };
  for (const auto& [name, got] : expected_got) {
    ASSERT_TRUE(cases.count(name)) << name << " missing from " << ToJson(summary);
    EXPECT_EQ(cases.at(name).at("got"), got.c_str()) << ToJson(cases.at(name));
    EXPECT_EQ(cases.at(name).at("pass"), true) << ToJson(cases.at(name));
  }
  for (const char* flag : kFaultFlags) {
    const std::string name = std::string("flags:") + flag;
    ASSERT_TRUE(cases.count(name)) << name << " missing from " << ToJson(summary);
    EXPECT_EQ(cases.at(name).at("pass"), true) << ToJson(cases.at(name));
    EXPECT_NE(TextOf(cases.at(name).at("got")).find("restored"), std::string::npos)
        << ToJson(cases.at(name));
  }
  EXPECT_NE(ReadFile(fs::path(evidence) / "SUMMARY.md").find("\n5xx responses: 0\n"),
            std::string::npos);
  EXPECT_EQ(FaultFlags(), flags_before) << "every flag back as it was";
  ASSERT_TRUE(cases.count("login:foreign"));
  EXPECT_NE(TextOf(cases.at("login:foreign").at("got")).find("captain on yacht " + B().id),
            std::string::npos)
      << ToJson(cases.at("login:foreign"));
  // The foreign fault is real: B's captain sees it on B.
  const std::string read_b =
      ReadFile(fs::path(evidence) / TextOf(cases.at("isolation:foreign").at("transcripts").at(0)));
  EXPECT_NE(read_b.find(B().id), std::string::npos) << "made on yacht B: " << read_b;
  EXPECT_NE(read_b.find("HTTP/1.1 201 Created"), std::string::npos) << read_b;
  EXPECT_EQ(SecretsIn(evidence, accounts), std::vector<std::string>{});
  EXPECT_EQ(SecretsInText(r.out + r.err, accounts), std::vector<std::string>{});
}

// The committed profile drives the run (as the generated workflow does), and parts has an
// idempotency key: two identical receipts, one audit row.
TEST_F(AcceptTest, PartsPassFromTheCommittedProfileWithOneRowForARepeatedKey) {
  TempDir tmp;
  const std::vector<TestAccount> accounts = MakeAccounts(*server_, A().id);
  const std::string evidence = tmp.File("evidence");
  const std::string profile =
      (fs::path(CELESTE_TEST_DATA_DIR).parent_path().parent_path() / "ops/lenses/parts.json")
          .string();
  RunResult r = RunCelesteCli({"accept", "--url", UrlOf(*server_), "--yacht", A().id, "--profile",
                               profile, "--accounts", WriteAccounts(tmp.path().string(), accounts),
                               "--evidence-dir", evidence});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const boost::json::object summary = SummaryOf(evidence);
  EXPECT_EQ(summary.at("lens"), "parts");
  const auto cases = CasesOf(summary);
  ASSERT_TRUE(cases.count("idempotency")) << ToJson(summary);
  EXPECT_EQ(cases.at("idempotency").at("pass"), true) << ToJson(cases.at("idempotency"));
  ASSERT_TRUE(cases.count("signed:captain_signer")) << ToJson(summary);
  EXPECT_EQ(cases.at("signed:captain_signer").at("pass"), true);

  auto counts = ParseJson(ReadFile(fs::path(evidence) / "counts.json"));
  ASSERT_TRUE(counts && counts->is_object());
  const boost::json::array& list = counts->at("counts").as_array();
  ASSERT_EQ(list.size(), 1u) << ToJson(*counts);
  EXPECT_EQ(list.at(0).at("difference"), 1) << ToJson(*counts);
  EXPECT_EQ(SecretsIn(evidence, accounts), std::vector<std::string>{});
}

TEST_F(AcceptTest, InjectedServerErrorsFailTheRunWithACaseReport) {
  TestServerOptions faulty;
  faulty.extra_args = {"--allow-fault-injection"};
  faulty.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:1"};
  TestServer server(faulty);  // its own server: the fixture's must stay free of 5xx
  TempDir tmp;
  const std::vector<TestAccount> accounts = MakeAccounts(server, server.yacht_a().id);
  const std::string evidence = tmp.File("evidence");
  RunResult r = RunCelesteCli(AcceptArgs(UrlOf(server), server.yacht_a().id, "shopping_list",
                                         WriteAccounts(tmp.path().string(), accounts), evidence));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  gating:forbidden:approve_shopping_list_item  expected 403 "
                       "forbidden_role, got 500 internal_error"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAIL: "), std::string::npos) << r.out;

  const std::string md = ReadFile(fs::path(evidence) / "SUMMARY.md");
  EXPECT_NE(md.find("**FAIL**"), std::string::npos) << md;
  EXPECT_TRUE(std::regex_search(md, std::regex("\n5xx responses: [1-9][0-9]*\n"))) << md;
  EXPECT_NE(md.find("| gating:forbidden:approve_shopping_list_item | 403 forbidden_role | 500 "
                    "internal_error"),
            std::string::npos)
      << md;
  const boost::json::object summary = SummaryOf(evidence);
  EXPECT_EQ(summary.at("verdict"), "FAIL");
  EXPECT_GT(summary.at("responses_5xx").as_int64(), 0);
  const auto cases = CasesOf(summary);
  ASSERT_TRUE(cases.count("no_5xx"));
  EXPECT_EQ(cases.at("no_5xx").at("pass"), false);
  EXPECT_FALSE(cases.at("no_5xx").at("transcripts").as_array().empty())
      << "the 5xx transcripts are named";
  ASSERT_TRUE(cases.count("login:crew"));
  EXPECT_EQ(cases.at("login:crew").at("pass"), true) << "logins are not the lens's actions";
  EXPECT_EQ(SecretsIn(evidence, accounts), std::vector<std::string>{});
}

TEST_F(AcceptTest, AServerThatDoesNotAnswerFailsEveryCaseWithoutACrash) {
  TempDir tmp;
  const std::vector<TestAccount> accounts = MakeAccounts(*server_, A().id);
  const std::string evidence = tmp.File("evidence");
  // Port 1: nothing listens there, the connection is refused at once.
  RunResult r = RunCelesteCli(AcceptArgs("http://127.0.0.1:1", A().id, "shopping_list",
                                         WriteAccounts(tmp.path().string(), accounts), evidence));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  login:crew"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no response"), std::string::npos) << r.out;
  const boost::json::object summary = SummaryOf(evidence);
  EXPECT_EQ(summary.at("verdict"), "FAIL") << ToJson(summary);
  const auto cases = CasesOf(summary);
  ASSERT_TRUE(cases.count("gating:forbidden"));
  EXPECT_NE(TextOf(cases.at("gating:forbidden").at("got")).find("crew did not log in"),
            std::string::npos)
      << ToJson(cases.at("gating:forbidden"));
}

TEST_F(AcceptTest, UsageErrorsExitTwoAndLeaveNoFolder) {
  TempDir tmp;
  const std::string url = UrlOf(*server_);
  // Accounts that need not exist: every case below stops before the first request.
  const std::string good = WriteAccounts(
      tmp.path().string(), {{"crew", "c@accept.test", "long-enough-secret-1", "1234"},
                            {"captain", "k@accept.test", "long-enough-secret-2", "123456"}});
  const std::string bad_role = tmp.File("bad-role.json");
  std::ofstream(bad_role) << R"({"bosun": {"email": "b@accept.test", "password": "x12345678"}})";
  const std::string no_password = tmp.File("no-password.json");
  std::ofstream(no_password) << R"({"crew": {"email": "c@accept.test", "pin": "1234"}})";
  const std::string not_json = tmp.File("not-json.json");
  std::ofstream(not_json) << "crew: c@accept.test";
  const std::string used = tmp.File("used");
  fs::create_directories(used);
  std::ofstream(used + "/001-login-crew.http") << "an older run";
  const std::string fresh = tmp.File("fresh");
  const std::string profile = tmp.File("parts.json");
  std::ofstream(profile) << R"({"lens_id": "parts", "signed_action": "list_parts"})";

  struct Case {
    const char* what;
    std::vector<std::string> args;
    const char* message;
  };
  const Case kCases[] = {
      {"unknown lens", AcceptArgs(url, A().id, "no_such_lens", good, fresh), "no lens named"},
      {"missing accounts file",
       AcceptArgs(url, A().id, "shopping_list", tmp.File("missing.json"), fresh), "cannot read"},
      {"unknown role", AcceptArgs(url, A().id, "shopping_list", bad_role, fresh), "not a role"},
      {"no password", AcceptArgs(url, A().id, "shopping_list", no_password, fresh), "no password"},
      {"not JSON", AcceptArgs(url, A().id, "shopping_list", not_json, fresh), "JSON object"},
      {"non-empty evidence dir", AcceptArgs(url, A().id, "shopping_list", good, used), "not empty"},
      {"https URL", AcceptArgs("https://127.0.0.1:1", A().id, "shopping_list", good, fresh),
       "http://"},
      {"yacht not a UUID", AcceptArgs(url, "yacht-a", "shopping_list", good, fresh), "UUID"},
      {"neither lens nor profile",
       {"accept", "--url", url, "--yacht", A().id, "--accounts", good, "--evidence-dir", fresh},
       "--profile"},
      {"a profile that is not one",
       {"accept", "--url", url, "--yacht", A().id, "--profile", good, "--accounts", good,
        "--evidence-dir", fresh},
       "no lens_id"},
      {"a profile of another lens",
       {"accept", "--url", url, "--yacht", A().id, "--lens", "faults", "--profile", profile,
        "--accounts", good, "--evidence-dir", fresh},
       "disagree"},
      {"a profile naming a READ action as its signed one",
       {"accept", "--url", url, "--yacht", A().id, "--profile", profile, "--accounts", good,
        "--evidence-dir", fresh},
       "list_parts is READ, not SIGNED"},
  };
  for (const Case& c : kCases) {
    RunResult r = RunCelesteCli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.what << ": " << r.out << r.err;
    EXPECT_NE((r.out + r.err).find(c.message), std::string::npos) << c.what << ": " << r.err;
    EXPECT_FALSE(fs::exists(fresh)) << c.what << " left an evidence folder";
  }
  EXPECT_EQ(ReadFile(used + "/001-login-crew.http"), "an older run");
  EXPECT_EQ(std::distance(fs::directory_iterator(used), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace celeste::testing

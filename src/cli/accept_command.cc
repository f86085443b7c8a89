// accept: the Lens Ops acceptance runner (issue 7, docs/lens-ops.md). Runs a lens's suite
// against a live server as an account per role (ops/acceptance.h) and leaves an evidence
// folder a reviewer can read (ops/evidence.h). Exit 0 only when every case passed, 1 when
// one failed, 2 on bad usage (URL, lens, accounts file, a non-empty evidence folder).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/json.h"
#include "core/uuid.h"
#include "lenses/lenses.h"
#include "ops/acceptance.h"
#include "ops/evidence.h"
#include "ops/http_client.h"
#include "ops/lens_ops_profile.h"

namespace celeste {
namespace {

struct AcceptCliOptions {
  std::string url;
  std::string yacht;
  std::string lens;
  std::string profile;
  std::string accounts;
  std::string evidence_dir;
  bool toggle_flags = false;
  bool json = false;
};

// The accounts file: an account per role, and the optional account on another yacht.
struct Accounts {
  std::map<std::string, ops::AcceptanceAccount> by_role;
  std::optional<ops::AcceptanceAccount> foreign;
};
constexpr std::string_view kForeign = "foreign";

bool IsPinText(std::string_view pin) {
  return pin.size() >= 4 && pin.size() <= 8 &&
         std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string KnownRoles() {
  std::string names;
  for (Role r : kAllRoles) names += (names.empty() ? "" : ", ") + std::string(RoleName(r));
  return names;
}

// One account of the file: {"email", "password", "pin"?}. The messages never quote a value.
Result<ops::AcceptanceAccount> ParseAccount(const std::string& role, const boost::json::value& v) {
  if (!v.is_object()) {
    return Status::InvalidRequest(fmt::format(
        "--accounts: the {} account must be an object with email, password and pin", role));
  }
  const boost::json::object& o = v.as_object();
  for (const auto& member : o) {
    const std::string_view key = member.key();
    if (key != "email" && key != "password" && key != "pin") {
      return Status::InvalidRequest(fmt::format(
          "--accounts: the {} account has an unexpected member '{}' (expected email, password, "
          "pin)",
          role, key));
    }
  }
  ops::AcceptanceAccount account;
  account.email = GetString(o, "email").value_or("");
  account.password = GetString(o, "password").value_or("");
  if (account.email.empty()) {
    return Status::InvalidRequest(fmt::format("--accounts: the {} account has no email", role));
  }
  if (account.password.empty()) {
    return Status::InvalidRequest(fmt::format("--accounts: the {} account has no password", role));
  }
  if (o.contains("pin")) {
    account.pin = GetString(o, "pin").value_or("");
    if (!IsPinText(account.pin)) {
      return Status::InvalidRequest(
          fmt::format("--accounts: the {} account's pin must be a string of 4 to 8 digits", role));
    }
  }
  return account;
}

// The accounts file: a JSON object naming an account per role.
Result<Accounts> ReadAccounts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidRequest("--accounts " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  const auto json = ParseJson(text.str());
  if (!json || !json->is_object()) {
    return Status::InvalidRequest("--accounts " + path +
                                  ": expected a JSON object naming an account per role, e.g. "
                                  "{\"crew\": {\"email\": ..., \"password\": ..., \"pin\": ...}}");
  }
  Accounts accounts;
  for (const auto& member : json->as_object()) {
    const std::string role(member.key());
    if (role == kForeign) {
      CELESTE_ASSIGN_OR_RETURN(accounts.foreign, ParseAccount(role, member.value()));
      continue;
    }
    if (!ParseRole(role)) {
      return Status::InvalidRequest(
          fmt::format("--accounts: '{}' is not a role (roles: {}; and \"foreign\", an account "
                      "on another yacht)",
                      role, KnownRoles()));
    }
    CELESTE_ASSIGN_OR_RETURN(ops::AcceptanceAccount account, ParseAccount(role, member.value()));
    accounts.by_role.emplace(role, std::move(account));
  }
  if (accounts.by_role.empty()) {
    return Status::InvalidRequest("--accounts " + path + " names no account of a role");
  }
  return accounts;
}

// The lens's profile: from --profile (a generated ops/lenses/L.json, its choices checked
// again against the registry), else the registry's defaults for --lens.
Result<ops::LensOpsProfile> ResolveProfile(const Registry& registry, const AcceptCliOptions& o) {
  if (o.profile.empty()) {
    if (o.lens.empty()) {
      return Status::InvalidRequest("give --lens LENS, or --profile ops/lenses/LENS.json");
    }
    return ops::ResolveLensOpsProfile(registry, o.lens, {}, "--lens");
  }
  const std::string option = "--profile " + o.profile;
  std::ifstream in(o.profile);
  if (!in) return Status::InvalidRequest(option + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  const auto json = ParseJson(text.str());
  CELESTE_ASSIGN_OR_RETURN(ops::ProfileFile file,
                           ops::ParseProfileFile(json ? *json : boost::json::value(), option));
  if (!o.lens.empty() && o.lens != file.lens_id) {
    return Status::InvalidRequest(
        fmt::format("--lens {} and {} (lens {}) disagree", o.lens, option, file.lens_id));
  }
  return ops::ResolveLensOpsProfile(registry, file.lens_id, file.choices, option);
}

// The passwords, and the PINs long enough to be scrubbed as literals (shorter ones are
// redacted by their field name).
std::vector<std::string> LiteralSecrets(const Accounts& accounts) {
  std::vector<std::string> secrets;
  auto add = [&](const ops::AcceptanceAccount& account) {
    secrets.push_back(account.password);
    if (account.pin.size() >= ops::kMinLiteralSecret) secrets.push_back(account.pin);
  };
  for (const auto& [role, account] : accounts.by_role) add(account);
  if (accounts.foreign) add(*accounts.foreign);
  return secrets;
}

void PrintVerdict(const ops::AcceptanceReport& report, const ops::Evidence& evidence) {
  const auto passed = std::count_if(report.cases.begin(), report.cases.end(),
                                    [](const ops::CaseResult& c) { return c.pass; });
  std::cout << fmt::format("\n{}: {} of {} cases passed; {}\nevidence: {}\n",
                           report.passed() ? "PASS" : "FAIL", passed, report.cases.size(),
                           ops::FiveXxLine(report.responses_5xx), evidence.dir().string());
}

int RunAccept(const AcceptCliOptions& o) {
  auto endpoint = ParseHttpUrl(o.url);
  if (!endpoint.ok()) return ReportError(endpoint.status(), o.json);
  Registry registry;
  RegisterAllLenses(registry);
  auto profile = ResolveProfile(registry, o);
  if (!profile.ok()) return ReportError(profile.status(), o.json);
  auto accounts = ReadAccounts(o.accounts);
  if (!accounts.ok()) return ReportError(accounts.status(), o.json);
  // Last: a usage error above leaves no folder behind.
  auto evidence = ops::Evidence::Create(o.evidence_dir, LiteralSecrets(*accounts));
  if (!evidence.ok()) return ReportError(evidence.status(), o.json);

  ops::AcceptanceOptions options;
  options.host = endpoint->host;
  options.port = endpoint->port;
  options.url = o.url;
  options.yacht_id = NormalizeUuid(o.yacht);
  options.accounts = std::move(accounts->by_role);
  options.foreign = std::move(accounts->foreign);
  options.toggle_flags = o.toggle_flags;
  ops::AcceptanceRunner runner(registry, std::move(*profile), std::move(options), *evidence,
                               SystemClock::Instance());
  const auto print_case = [&](const ops::CaseResult& c) {
    if (o.json) return;
    std::cout << evidence->Scrubbed(fmt::format(
        "{}  {}  expected {}, got {}\n", c.pass ? "PASS" : "FAIL", c.name, c.expected, c.got));
    std::cout.flush();
  };
  const ops::AcceptanceReport report = runner.Run(print_case);
  if (Status written = evidence->WriteReport(report); !written.ok()) {
    return ReportError(written, o.json);
  }
  if (o.json) {
    std::cout << evidence->Scrubbed(ToJson(ops::SummaryJson(report))) << std::endl;
  } else {
    PrintVerdict(report, *evidence);
  }
  return report.passed() ? kExitOk : kExitFailed;
}

}  // namespace

Command AddAcceptCommand(CLI::App& cli) {
  auto o = std::make_shared<AcceptCliOptions>();
  CLI::App* cmd = cli.add_subcommand(
      "accept",
      "Run a lens's acceptance suite against a server, as an account per role, and write an "
      "evidence folder (exit 0 only when every case passes)");
  cmd->add_option("--url", o->url, "The server, http://HOST:PORT")->required();
  AddYachtOption(cmd, o->yacht);
  cmd->add_option("--lens", o->lens, "The lens (e.g. shopping_list); or --profile");
  cmd->add_option("--profile", o->profile,
                  "A generated profile (ops/lenses/LENS.json): its lens and its choices "
                  "(signed action, read action, entity id key, flags)");
  cmd->add_option(
         "--accounts", o->accounts,
         "JSON file naming an account per role: {\"crew\": {\"email\", \"password\", "
         "\"pin\"}, \"captain\": {...}, \"manager\": {...}, \"chief_engineer\": {...}}, and "
         "optionally \"foreign\": an account on another yacht (isolation)")
      ->required();
  cmd->add_option("--evidence-dir", o->evidence_dir,
                  "A new (or empty) folder for the transcripts and summaries")
      ->required();
  cmd->add_flag("--toggle-flags", o->toggle_flags,
                "Also turn each of the lens's flags off and on (restoring it): needs a manager");
  cmd->add_flag("--json", o->json, "Print summary.json instead of a line per case");
  return Command{cmd, [o] { return RunAccept(*o); }};
}

}  // namespace celeste

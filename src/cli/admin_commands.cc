// migrate, demo, yacht add, user add|grant, token.
#include <iostream>

#include "api/app.h"
#include "auth/authenticator.h"
#include "auth/directory.h"
#include "cli/commands.h"
#include "cli/demo_fleet.h"
#include "core/uuid.h"
#include "lenses/lenses.h"

namespace celeste {
namespace {

// Prints an id (or {"success":true,"id":...}) and returns 0.
int PrintId(const std::string& id, bool json, std::string_view key = "id") {
  if (json) {
    PrintJson({{"success", true}, {key, id}});
  } else {
    std::cout << id << "\n";
  }
  return kExitOk;
}

int RunDemo(Store& store, const CommonOptions& o) {
  Registry registry;
  RegisterAllLenses(registry);
  AppConfig config;
  config.jwt.secret = "unused-by-demo-loading-unused-by-demo-loading";
  App app(store, registry, std::move(config), SystemClock::Instance());
  auto fleet = LoadDemoFleet(app, store, SystemClock::Instance());
  if (!fleet.ok()) return ReportError(fleet.status(), o.json);
  if (o.json) {
    boost::json::array logins;
    for (const auto& l : fleet->logins) {
      logins.push_back({{"email", l.email},
                        {"role", l.role},
                        {"yacht_id", l.yacht_id},
                        {"yacht_name", l.yacht_name},
                        {"user_id", l.user_id}});
    }
    PrintJson({{"success", true},
               {"created", fleet->created},
               {"password", kDemoPassword},
               {"pin", kDemoPin},
               {"logins", std::move(logins)}});
  } else {
    std::cout << FormatDemoLogins(*fleet);
  }
  return kExitOk;
}

struct TokenOptions {
  CommonOptions common;
  std::string email;
  int64_t ttl = 3600;
  std::string jwt_secret_file;
};
int PrintToken(Store& store, const TokenOptions& o) {
  auto secret = ResolveJwtSecret(o.jwt_secret_file, o.common.db);
  if (!secret.ok()) return ReportError(secret.status(), o.common.json);
  Directory directory(store, SystemClock::Instance());
  auto user = directory.FindUserByEmail(o.email);
  if (!user.ok()) return ReportError(user.status(), o.common.json);
  if (!*user || !(*user)->active) {
    return ReportError(Status::NotFound("no active user with that e-mail"), o.common.json);
  }
  std::string token = MintAccessToken(JwtConfig{*secret}, (*user)->id, (*user)->email, o.ttl,
                                      SystemClock::Instance().Now());
  if (o.common.json) {
    PrintJson({{"access_token", token},
               {"token_type", "bearer"},
               {"expires_in", o.ttl},
               {"user_id", (*user)->id}});
  } else {
    std::cout << token << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddMigrateCommand(CLI::App& cli) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd = cli.add_subcommand("migrate", "Apply pending database migrations");
  AddCommonOptions(cmd, *o);
  return {cmd, [o] {
            return WithStore(*o, [&](Store&) {
              if (o->json) {
                PrintJson({{"success", true}});
              } else {
                std::cout << "migrations applied\n";
              }
              return kExitOk;
            });
          }};
}

Command AddDemoCommand(CLI::App& cli) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd = cli.add_subcommand(
      "demo", "Load the demo fleet (idempotent): 2 yachts, one user per role, every lens on");
  AddCommonOptions(cmd, *o);
  return {cmd, [o] { return WithStore(*o, [&](Store& store) { return RunDemo(store, *o); }); }};
}

std::vector<Command> AddYachtCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("yacht", "Manage yachts");
  group->require_subcommand(1);
  struct Options {
    CommonOptions common;
    std::string name;
    std::string code;
  };
  auto o = std::make_shared<Options>();
  CLI::App* add = group->add_subcommand("add", "Add a yacht; prints its id");
  AddCommonOptions(add, o->common);
  add->add_option("--name", o->name, "Yacht name")->required();
  add->add_option("--code", o->code, "Short unique code");
  return {{add, [o] {
             return WithStore(o->common, [&](Store& store) {
               Directory directory(store, SystemClock::Instance());
               auto id = directory.AddYacht(
                   o->name, o->code.empty() ? std::nullopt : std::optional<std::string>(o->code));
               if (!id.ok()) return ReportError(id.status(), o->common.json);
               return PrintId(*id, o->common.json);
             });
           }}};
}

std::vector<Command> AddUserCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("user", "Manage users and memberships");
  group->require_subcommand(1);
  struct Options {
    CommonOptions common;
    std::string email, password, yacht, role, pin, name, id;
  };
  auto o = std::make_shared<Options>();
  CLI::App* add = group->add_subcommand("add", "Add a user with a role on a yacht; prints the id");
  AddCommonOptions(add, o->common);
  add->add_option("--email", o->email, "E-mail (the login)")->required();
  add->add_option("--password", o->password, "Password (8 to 256 characters)")->required();
  add->add_option("--yacht", o->yacht, "Yacht id")->required();
  add->add_option("--role", o->role,
                  "crew, chief_engineer, chief_officer, captain, purser or manager")
      ->required();
  add->add_option("--pin", o->pin, "Signing PIN (4 to 8 digits)");
  add->add_option("--name", o->name, "Display name");
  add->add_option("--id", o->id, "Keep this user id (e.g. from the identity provider)");

  auto g = std::make_shared<Options>();
  CLI::App* grant = group->add_subcommand("grant", "Give an existing user a role on a yacht");
  AddCommonOptions(grant, g->common);
  grant->add_option("--email", g->email, "E-mail of the user")->required();
  grant->add_option("--yacht", g->yacht, "Yacht id")->required();
  grant->add_option("--role", g->role, "Role on that yacht")->required();

  auto run_add = [o] {
    auto role = ParseRole(o->role);
    if (!role)
      return ReportError(Status::InvalidField("role", "unknown role " + o->role), o->common.json);
    if (!IsUuid(o->yacht))
      return ReportError(Status::InvalidField("yacht", "yacht must be an id"), o->common.json);
    return WithStore(o->common, [&](Store& store) {
      Directory directory(store, SystemClock::Instance());
      NewUser user{o->email,
                   o->password,
                   o->name,
                   o->pin.empty() ? std::nullopt : std::optional<std::string>(o->pin),
                   o->id.empty() ? std::nullopt : std::optional<std::string>(o->id),
                   o->yacht,
                   *role};
      auto id = directory.AddUser(user);
      if (!id.ok()) return ReportError(id.status(), o->common.json);
      return PrintId(*id, o->common.json);
    });
  };
  auto run_grant = [g] {
    auto role = ParseRole(g->role);
    if (!role)
      return ReportError(Status::InvalidField("role", "unknown role " + g->role), g->common.json);
    return WithStore(g->common, [&](Store& store) {
      Directory directory(store, SystemClock::Instance());
      auto user = directory.FindUserByEmail(g->email);
      Status s = user.status();
      if (s.ok() && !*user) s = Status::NotFound("no user with that e-mail");
      if (s.ok()) s = directory.SetMembership((*user)->id, NormalizeUuid(g->yacht), *role);
      if (!s.ok()) return ReportError(s, g->common.json);
      return PrintId((*user)->id, g->common.json);
    });
  };
  return {{add, run_add}, {grant, run_grant}};
}

Command AddTokenCommand(CLI::App& cli) {
  auto o = std::make_shared<TokenOptions>();
  CLI::App* cmd = cli.add_subcommand("token", "Print a JWT for a user (for ops tools and curl)");
  AddCommonOptions(cmd, o->common);
  cmd->add_option("--email", o->email, "The user's e-mail")->required();
  cmd->add_option("--ttl", o->ttl, "Lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{30 * 24 * 3600}));
  cmd->add_option("--jwt-secret-file", o->jwt_secret_file, "File holding the HS256 secret");
  return {cmd, [o] {
            return WithStore(o->common, [&](Store& store) { return PrintToken(store, *o); });
          }};
}

}  // namespace celeste

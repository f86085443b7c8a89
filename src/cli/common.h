// What the subcommands share: options, opening the store, output and exit codes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <boost/json/value.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "ops/alert_notifier.h"
#include "store/store.h"

namespace celeste {

// CONTRACT §8: 0 success, 1 a failed check (or the work failed), 2 bad usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct CommonOptions {
  std::string db = kDefaultDbUrl;
  bool json = false;
};

// Adds --db and --json to a subcommand.
void AddCommonOptions(CLI::App* command, CommonOptions& options);

// A registered subcommand: runs when CLI11 parsed it, returns the exit code.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// What the Lens Ops client commands share (monitor, ops, ...): the server, a token and the
// yacht. The token comes from --token, else CELESTE_TOKEN; it is never printed.
struct OpsClientOptions {
  std::string url;
  std::string token;
  std::string yacht;
};
void AddOpsClientOptions(CLI::App* command, OpsClientOptions& options);
// A required --yacht UUID.
void AddYachtOption(CLI::App* command, std::string& yacht);
// The token (from the option or CELESTE_TOKEN); invalid_request when there is none.
Result<std::string> ResolveToken(const OpsClientOptions& options);

// A duration option ("15m", core/clock.h ParseDuration), or invalid_request naming it.
Result<Micros> DurationFlag(std::string_view option, const std::string& text);

// --alert-webhook SEVERITY=URL options, by severity (ops/alert_notifier.h).
Result<std::map<health::AlertSeverity, ops::Webhook>> WebhooksFlag(
    const std::vector<std::string>& options);

// Opens the store and applies pending migrations.
Result<std::unique_ptr<Store>> OpenMigratedStore(const std::string& db_url);

// Opens the migrated store, runs `body` with it, closes it, and returns body's exit code
// (or reports why the store could not be opened).
int WithStore(const CommonOptions& options, const std::function<int(Store&)>& body);

// Prints a failure on stderr (or as {"success":false,...} JSON on stdout with --json) and
// returns its exit code: 2 for input the user can fix, else 1.
int ReportError(const Status& status, bool json);
void PrintJson(const boost::json::value& value);

// The HS256 secret: CELESTE_JWT_SECRET, else the file given, else (SQLite only) a
// random secret kept beside the database in "jwt-secret" (mode 0600), created on first
// use so `make run` and `celeste token` agree without configuration.
Result<std::string> ResolveJwtSecret(const std::string& secret_file, const std::string& db_url);

}  // namespace celeste

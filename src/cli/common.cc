#include "cli/common.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/serialize.hpp>

#include "core/hash.h"
#include "core/uuid.h"

namespace celeste {
namespace {

constexpr size_t kMinSecretBytes = 32;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::string> ReadSecretFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidRequest("cannot read the JWT secret file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return Trim(ss.str());
}

Status CheckSecret(const std::string& secret) {
  if (secret.size() < kMinSecretBytes) {
    return Status::InvalidRequest("the JWT secret must be at least 32 bytes");
  }
  return Status::OK();
}

}  // namespace

void AddCommonOptions(CLI::App* command, CommonOptions& options) {
  command->add_option("--db", options.db, "Database URL: sqlite:PATH or postgres://...")
      ->capture_default_str();
  command->add_flag("--json", options.json, "Machine-readable JSON output");
}

void AddOpsClientOptions(CLI::App* command, OpsClientOptions& options) {
  command->add_option("--url", options.url, "The server, http://HOST:PORT")->required();
  command->add_option("--token", options.token,
                      "A manager's or head of department's bearer token (else CELESTE_TOKEN)");
  AddYachtOption(command, options.yacht);
}

void AddYachtOption(CLI::App* command, std::string& yacht) {
  command->add_option("--yacht", yacht, "Yacht id (UUID)")
      ->required()
      ->check([](const std::string& v) {
        return IsUuid(v) ? std::string() : std::string("--yacht must be a UUID");
      });
}

Result<std::string> ResolveToken(const OpsClientOptions& options) {
  if (!options.token.empty()) return options.token;
  if (const char* env = std::getenv("CELESTE_TOKEN"); env && *env) return std::string(env);
  return Status::InvalidRequest(
      "no token: pass --token or set CELESTE_TOKEN (e.g. from `celeste token --email ...`)");
}

Result<Micros> DurationFlag(std::string_view option, const std::string& text) {
  auto d = ParseDuration(text);
  if (!d) {
    return Status::InvalidRequest(std::string(option) + " " + text +
                                  ": expected a whole number and a unit: ms, s, m, h or d "
                                  "(e.g. 15m)");
  }
  return *d;
}

Result<std::map<health::AlertSeverity, ops::Webhook>> WebhooksFlag(
    const std::vector<std::string>& options) {
  std::map<health::AlertSeverity, ops::Webhook> webhooks;
  for (const std::string& option : options) {
    CELESTE_ASSIGN_OR_RETURN(auto parsed, ops::ParseWebhookOption(option));
    if (!webhooks.emplace(parsed.first, parsed.second).second) {
      return Status::InvalidRequest("--alert-webhook: two webhooks for " +
                                    std::string(health::AlertSeverityName(parsed.first)));
    }
  }
  return webhooks;
}

Result<std::unique_ptr<Store>> OpenMigratedStore(const std::string& db_url) {
  CELESTE_ASSIGN_OR_RETURN(auto store, OpenStore(db_url));
  CELESTE_RETURN_IF_ERROR(store->Migrate());
  return store;
}

int WithStore(const CommonOptions& options, const std::function<int(Store&)>& body) {
  auto store = OpenMigratedStore(options.db);
  if (!store.ok()) return ReportError(store.status(), options.json);
  const int code = body(**store);
  (*store)->Close();
  return code;
}

int ReportError(const Status& status, bool json) {
  const bool usage =
      status.code() == ErrorCode::kInvalidRequest || status.code() == ErrorCode::kInvalidField ||
      status.code() == ErrorCode::kMissingField || status.code() == ErrorCode::kUnknownField;
  if (json) {
    boost::json::object out{{"success", false},
                            {"error_code", ErrorCodeName(status.code())},
                            {"message", status.message()}};
    if (!status.details().empty()) out["details"] = status.details();
    PrintJson(out);
  } else {
    std::cerr << "celeste: " << status.message();
    if (status.code() == ErrorCode::kDuplicate) {
      if (auto it = status.details().find("existing_id"); it != status.details().end()) {
        std::cerr << " (existing id " << boost::json::serialize(it->value()) << ")";
      }
    }
    std::cerr << "\n";
  }
  return usage ? kExitUsage : kExitFailed;
}

void PrintJson(const boost::json::value& value) {
  std::cout << boost::json::serialize(value) << std::endl;
}

Result<std::string> ResolveJwtSecret(const std::string& secret_file, const std::string& db_url) {
  if (const char* env = std::getenv("CELESTE_JWT_SECRET"); env && *env) {
    std::string secret = Trim(env);
    CELESTE_RETURN_IF_ERROR(CheckSecret(secret));
    return secret;
  }
  if (!secret_file.empty()) {
    CELESTE_ASSIGN_OR_RETURN(std::string secret, ReadSecretFile(secret_file));
    CELESTE_RETURN_IF_ERROR(CheckSecret(secret));
    return secret;
  }
  constexpr std::string_view kSqlite = "sqlite:";
  if (db_url.rfind(kSqlite, 0) != 0) {
    return Status::InvalidRequest(
        "set CELESTE_JWT_SECRET or --jwt-secret-file (no default secret outside SQLite)");
  }
  const std::filesystem::path db_path(db_url.substr(kSqlite.size()));
  const std::filesystem::path path = db_path.parent_path() / "jwt-secret";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    CELESTE_ASSIGN_OR_RETURN(std::string secret, ReadSecretFile(path));
    CELESTE_RETURN_IF_ERROR(CheckSecret(secret));
    return secret;
  }
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path(), ec);
  const std::string secret = RandomHex(32);
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return Status::InvalidRequest("cannot write " + path.string());
    out << secret << "\n";
  }
  ::chmod(path.c_str(), 0600);
  return secret;
}

}  // namespace celeste

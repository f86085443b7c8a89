#include "store/store.h"

#include <algorithm>
#include <cctype>

#include "store/postgres/postgres_store.h"
#include "store/sql_preview.h"
#include "store/sqlite/sqlite_store.h"

namespace celeste {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

// "sqlite:./data/celeste.db" -> "./data/celeste.db"; "sqlite:///var/x.db" -> "/var/x.db".
std::string SqlitePath(std::string_view url) {
  std::string_view path = url.substr(kSqliteScheme.size());
  if (path.starts_with("//")) path.remove_prefix(2);
  return std::string(path);
}

}  // namespace

Result<std::optional<Row>> Tx::QueryOne(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Status UnexpectedRowCount(int64_t changed, int64_t expected, const Sql& sql) {
  return Status::Internal("expected " + std::to_string(expected) + " row(s) changed, not " +
                          std::to_string(changed) + ", in: " + SqlPreview(sql.text));
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (url.starts_with(kSqliteScheme)) {
    CELESTE_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(SqlitePath(url), options));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (IsPostgresUrl(url)) {
    CELESTE_ASSIGN_OR_RETURN(auto store, PostgresStore::Open(url, options));
    return std::unique_ptr<Store>(std::move(store));
  }
  // Only the scheme is echoed: a URL may carry a password.
  const size_t colon = url.find(':');
  std::string scheme = colon == std::string::npos ? std::string() : url.substr(0, colon);
  const bool plain = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
  if (!plain) scheme.clear();
  return Status::InvalidRequest("unsupported database URL" +
                                (scheme.empty() ? std::string() : " scheme '" + scheme + "'") +
                                " (expected sqlite:PATH or postgres://...)");
}

}  // namespace celeste

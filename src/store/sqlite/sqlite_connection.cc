#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <charconv>
#include <utility>
#include <variant>

#include "store/sql_preview.h"
#include "store/sqlite/placeholders.h"

namespace celeste {
namespace {

// Connection pragmas. The page cache is per connection; mmap is shared through the OS.
constexpr const char* kWriterPragmas =
    "PRAGMA synchronous = NORMAL;"  // WAL: durable at checkpoints, never corrupt
    "PRAGMA foreign_keys = ON;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA cache_size = -16384;"             // 16 MiB
    "PRAGMA mmap_size = 268435456;"           // 256 MiB
    "PRAGMA journal_size_limit = 67108864;";  // truncate the WAL back to 64 MiB after use
constexpr const char* kReaderPragmas =
    "PRAGMA query_only = 1;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA cache_size = -8192;"  // 8 MiB
    "PRAGMA mmap_size = 268435456;";

bool IsBlank(const char* p) {
  for (; *p != '\0'; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') return false;
  }
  return true;
}

std::optional<std::string> ReadCell(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(stmt, col));
      return std::string(buf, end);
    }
    case SQLITE_FLOAT: {
      // Shortest text that reads back as the same double ("2.5", "0.1", "3"): exact, and
      // the same form PostgreSQL prints for double precision.
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, sqlite3_column_double(stmt, col));
      return std::string(buf, end);
    }
    default: {  // TEXT or BLOB
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
      const int size = sqlite3_column_bytes(stmt, col);
      if (text == nullptr) return std::string();
      return std::string(text, static_cast<size_t>(size));
    }
  }
}

}  // namespace

class SqliteConnection::Lease {
 public:
  Lease(sqlite3_stmt* stmt, bool one_use) : stmt_(stmt), one_use_(one_use) {}
  Lease(Lease&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), one_use_(other.one_use_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (stmt_ == nullptr) return;
    if (one_use_) {
      sqlite3_finalize(stmt_);
    } else {
      // Ends the statement (releasing any read it holds) and drops the bound pointers,
      // which may point into the caller's Params.
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  bool one_use_;
};

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path, Role role,
                                                                 int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |=
      role == Role::kWriter ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Internal("cannot open SQLite database '" + path + "': " + message);
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db, role));
  CELESTE_RETURN_IF_ERROR(conn->ApplyPragmas(busy_timeout_ms));

  const char* begin = role == Role::kWriter ? "BEGIN IMMEDIATE" : "BEGIN";
  const std::pair<const char*, sqlite3_stmt**> control[] = {
      {begin, &conn->begin_},           {"COMMIT", &conn->commit_},
      {"ROLLBACK", &conn->rollback_},   {"SAVEPOINT job", &conn->savepoint_},
      {"RELEASE job", &conn->release_}, {"ROLLBACK TO job", &conn->rollback_to_}};
  for (const auto& [sql, stmt] : control) {
    const int prc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr);
    if (prc != SQLITE_OK) return conn->Error(prc, sql);
  }
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_finalize(begin_);
  sqlite3_finalize(commit_);
  sqlite3_finalize(rollback_);
  sqlite3_finalize(savepoint_);
  sqlite3_finalize(release_);
  sqlite3_finalize(rollback_to_);
  sqlite3_close_v2(db_);
}

Status SqliteConnection::ApplyPragmas(int busy_timeout_ms) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // Double-quoted text is an identifier, as in PostgreSQL, never a string literal.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);

  if (role_ == Role::kWriter) {
    // WAL is a property of the file: set once by the writer, readers inherit it.
    CELESTE_ASSIGN_OR_RETURN(Rows rows, Query(Sql{"PRAGMA journal_mode = WAL"}, {}));
    if (rows.empty() || rows[0].Text(0) != "wal") {
      return Status::Internal("SQLite database cannot use WAL journal mode (got '" +
                              (rows.empty() ? std::string() : rows[0].Text(0)) + "')");
    }
  }
  return ExecScript(role_ == Role::kWriter ? kWriterPragmas : kReaderPragmas);
}

void SqliteConnection::SetCommitHook(std::function<void(int wal_frames)> hook) {
  commit_hook_ = std::move(hook);
  sqlite3_wal_hook(
      db_,
      [](void* arg, sqlite3*, const char*, int wal_frames) {
        static_cast<SqliteConnection*>(arg)->commit_hook_(wal_frames);
        return SQLITE_OK;
      },
      this);
}

Status SqliteConnection::CheckpointPassive() {
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) return Status::OK();
  return Error(rc, "PRAGMA wal_checkpoint(PASSIVE)");
}

Status SqliteConnection::Begin() { return StepControl(begin_, "BEGIN"); }

Status SqliteConnection::Commit() {
  if (sqlite3_get_autocommit(db_) != 0) {
    // SQLite ends the transaction itself after some errors (SQLITE_FULL, SQLITE_IOERR, ...).
    return Status::Internal("transaction was rolled back by SQLite after an earlier error");
  }
  Status s = StepControl(commit_, "COMMIT");
  if (!s.ok()) Rollback();
  return s;
}

void SqliteConnection::Rollback() {
  if (sqlite3_get_autocommit(db_) != 0) return;
  sqlite3_step(rollback_);
  sqlite3_reset(rollback_);
}

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status SqliteConnection::Savepoint() { return StepControl(savepoint_, "SAVEPOINT"); }

Status SqliteConnection::ReleaseSavepoint() { return StepControl(release_, "RELEASE"); }

bool SqliteConnection::RollbackToSavepoint() {
  if (!InTransaction()) return false;
  // ROLLBACK TO keeps the savepoint open; RELEASE then ends it (now empty).
  if (!StepControl(rollback_to_, "ROLLBACK TO").ok()) return false;
  return StepControl(release_, "RELEASE").ok() && InTransaction();
}

bool SqliteConnection::HasDeferredForeignKeyViolations() const {
  int current = 0;
  int highwater = 0;
  if (sqlite3_db_status(db_, SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highwater, 0) != SQLITE_OK) {
    return false;
  }
  return current != 0;
}

Status SqliteConnection::StepControl(sqlite3_stmt* stmt, std::string_view what) {
  const int rc = sqlite3_step(stmt);
  Status s = rc == SQLITE_DONE ? Status::OK() : Error(rc, what);
  sqlite3_reset(stmt);
  return s;
}

Result<Rows> SqliteConnection::Query(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(Lease lease, Prepare(sql.text, params));
  sqlite3_stmt* stmt = lease.get();
  const int columns = sqlite3_column_count(stmt);
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) cells.push_back(ReadCell(stmt, c));
    rows.emplace_back(std::move(cells));
  }
  if (rc != SQLITE_DONE) return Error(rc, sql.text);
  return rows;
}

Result<int64_t> SqliteConnection::Exec(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(Lease lease, Prepare(sql.text, params));
  const int64_t total_before = sqlite3_total_changes64(db_);
  int rc;
  while ((rc = sqlite3_step(lease.get())) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return Error(rc, sql.text);
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a statement
  // that changed nothing (DDL, a no-op) must not report the previous statement's count.
  if (sqlite3_total_changes64(db_) == total_before) return int64_t{0};
  return sqlite3_changes64(db_);
}

Status SqliteConnection::ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows) {
  if (expected_rows < 0) return Status::Internal("ExecDeferred: expected_rows must be >= 0");
  CELESTE_ASSIGN_OR_RETURN(int64_t changed, Exec(sql, params));
  if (changed != expected_rows) return UnexpectedRowCount(changed, expected_rows, sql);
  return Status::OK();
}

Status SqliteConnection::ExecScript(std::string_view script) {
  const char* p = script.data();
  const char* const end = script.data() + script.size();
  while (p < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &stmt, &tail);
    if (rc != SQLITE_OK) return Error(rc, std::string_view(p, static_cast<size_t>(end - p)));
    const std::string_view text(p, static_cast<size_t>(tail - p));
    if (stmt == nullptr) break;  // only whitespace and comments remain
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status s = rc == SQLITE_DONE ? Status::OK() : Error(rc, text);
    sqlite3_finalize(stmt);
    if (!s.ok()) return s;
    p = tail;
  }
  return Status::OK();
}

Result<SqliteConnection::Lease> SqliteConnection::Prepare(const char* text, const Params& params) {
  if (text == nullptr) return Status::Internal("SQL statement without text");
  const std::string_view key(text);
  sqlite3_stmt* stmt = nullptr;
  bool one_use = false;
  if (auto it = cache_.find(key); it != cache_.end()) {
    stmt = it->second;
  } else {
    one_use = cache_.size() >= kMaxCachedStatements;
    CELESTE_ASSIGN_OR_RETURN(stmt, PrepareUncached(key, !one_use));
    if (!one_use) cache_.emplace(std::string(key), stmt);
  }
  Lease lease(stmt, one_use);
  CELESTE_RETURN_IF_ERROR(Bind(stmt, params, key));
  return lease;
}

Result<sqlite3_stmt*> SqliteConnection::PrepareUncached(std::string_view text, bool persistent) {
  const std::string rewritten = RewritePlaceholders(text);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size() + 1),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc, text);
  if (stmt == nullptr) return Status::Internal("empty SQL statement: '" + SqlPreview(text) + "'");
  if (tail != nullptr && !IsBlank(tail)) {
    sqlite3_finalize(stmt);
    return Status::Internal("Query and Exec run one statement (use ExecScript for several): " +
                            SqlPreview(text));
  }
  return stmt;
}

Status SqliteConnection::Bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return Status::Internal("statement expects " + std::to_string(expected) + " parameters, got " +
                            std::to_string(params.size()) + " in: " + SqlPreview(sql));
  }
  for (int i = 0; i < expected; ++i) {
    const Value::Variant& v = params[static_cast<size_t>(i)].variant();
    const int index = i + 1;
    int rc;
    if (const auto* s = std::get_if<std::string>(&v)) {
      // SQLITE_STATIC: `params` outlives the statement's use; the Lease clears the bindings.
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* b = std::get_if<bool>(&v)) {
      rc = sqlite3_bind_int(stmt, index, *b ? 1 : 0);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) return Error(rc, sql);
  }
  return Status::OK();
}

Status SqliteConnection::Error(int rc, std::string_view sql) const {
  const int primary = rc & 0xff;
  const char* message = sqlite3_errmsg(db_);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
      rc == SQLITE_CONSTRAINT_ROWID) {
    return Status::Error(ErrorCode::kDuplicate, message);  // "UNIQUE constraint failed: t.c"
  }
  std::string text;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    text = "database is busy (";
    text += message;
    text += ")";
  } else {
    text = message;
    if (primary == SQLITE_READONLY && role_ == Role::kReader) {
      text += " (a read transaction cannot write)";
    }
  }
  text += " [sqlite ";
  text += std::to_string(rc);
  text += "] in: ";
  text += SqlPreview(sql);
  return Status::Internal(std::move(text));
}

}  // namespace celeste

// SqliteConnection: one SQLite connection with its prepared-statement cache.
//
// A connection is either the store's single writer (read-write, BEGIN IMMEDIATE) or one of
// its pooled readers (opened read-only with `query_only`, BEGIN deferred). It binds Values,
// reads every cell as text and maps SQLite result codes to Status values:
//   UNIQUE / PRIMARY KEY violation        -> kDuplicate (SQLite's message)
//   any other constraint, trigger RAISE   -> kInternal (our validation should have caught it)
//   SQLITE_BUSY / SQLITE_LOCKED           -> kInternal "database is busy"
//   a write on a reader                   -> kInternal
// Internal messages carry SQLite's message and the first 60 characters of the SQL, never
// a bound parameter value.
//
// Thread-safety: none. The owner (SqliteStore) hands a connection to one thread at a time;
// the connection is opened with SQLITE_OPEN_NOMUTEX to skip SQLite's own locking.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/store.h"
#include "store/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace celeste {

class SqliteConnection {
 public:
  enum class Role {
    kWriter,  // read-write, creates the file, sets the database-wide pragmas (WAL)
    kReader,  // read-only + query_only: any write fails
  };

  // Opens `path` (the file must exist for a reader) and applies the connection pragmas.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, Role role,
                                                        int busy_timeout_ms);
  // Finalizes every cached statement and closes the connection.
  ~SqliteConnection();

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Role role() const { return role_; }

  // BEGIN IMMEDIATE (writer: takes the write lock now, waiting up to the busy timeout) or
  // BEGIN (reader: the snapshot starts at the first read and lasts until Commit/Rollback).
  Status Begin();
  // Commits; on failure the transaction is rolled back before the error returns.
  Status Commit();
  // Rolls back when a transaction is open (SQLite may already have rolled back on its own,
  // e.g. after SQLITE_FULL); never fails.
  void Rollback();
  // True between Begin and Commit/Rollback, unless SQLite rolled back on its own.
  bool InTransaction() const;

  // Savepoints inside the open transaction (the writer's group commit runs each job in
  // one). RollbackToSavepoint undoes the job's changes and ends the savepoint; false when
  // SQLite has already rolled the whole transaction back.
  Status Savepoint();
  Status ReleaseSavepoint();
  bool RollbackToSavepoint();
  // True when the transaction holds unresolved deferred foreign-key violations (COMMIT
  // would fail).
  bool HasDeferredForeignKeyViolations() const;

  // Runs one statement ($N placeholders) and returns its rows, every cell as text.
  Result<Rows> Query(const Sql& sql, const Params& params);
  // Runs one statement and returns the number of rows it inserted, updated or deleted.
  Result<int64_t> Exec(const Sql& sql, const Params& params);
  // Exec, then checks the number of rows changed (SQLite has no round trips to save).
  Status ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows);
  // Runs ;-separated statements without parameters, stopping at the first error.
  Status ExecScript(std::string_view script);

  // Calls `hook` with the number of frames in the WAL after each commit on this connection,
  // in place of SQLite's automatic checkpoint (the store checkpoints on another thread).
  void SetCommitHook(std::function<void(int wal_frames)> hook);

  // Runs a PASSIVE checkpoint on this connection now (never waits for locks). SQLITE_BUSY
  // (another connection is checkpointing) is not an error.
  Status CheckpointPassive();

  // Number of statements in the cache (for tests).
  size_t cached_statements() const { return cache_.size(); }

 private:
  // A prepared statement in use; resets it (or finalizes it, when uncached) on destruction.
  class Lease;

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };

  SqliteConnection(sqlite3* db, Role role) : db_(db), role_(role) {}

  Status ApplyPragmas(int busy_timeout_ms);
  // Prepares (or finds in the cache) the statement for `text` and binds `params`.
  Result<Lease> Prepare(const char* text, const Params& params);
  Result<sqlite3_stmt*> PrepareUncached(std::string_view text, bool persistent);
  Status Bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql);
  Status StepControl(sqlite3_stmt* stmt, std::string_view what);
  // The Status for a failed SQLite call `rc` while running `sql`.
  Status Error(int rc, std::string_view sql) const;

  // Beyond this many cached statements, new ones are prepared for one use only: SQL built
  // at run time must not grow the cache without bound.
  static constexpr size_t kMaxCachedStatements = 512;

  // Constant after construction.
  sqlite3* const db_;
  const Role role_;

  // Owned by whichever thread holds the connection.
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  sqlite3_stmt* savepoint_ = nullptr;
  sqlite3_stmt* release_ = nullptr;
  sqlite3_stmt* rollback_to_ = nullptr;
  std::function<void(int)> commit_hook_;
};

}  // namespace celeste

// Store: the one door to the database, with an SQLite and a PostgreSQL implementation.
//
// Work happens in transactions. Store::Run opens one, scoped to a tenant (a yacht id) or
// to the global tables ("" or kFleetId), calls `fn` with a Tx, and commits when `fn`
// returns OK — otherwise (error Status or exception) it rolls back, so nothing is ever
// half-written. On PostgreSQL the scope becomes `SET LOCAL app.yacht_id` (row-level
// security); the application still filters every query by yacht_id itself.
//
// SQL is written once with PostgreSQL-style placeholders ($1, $2, ...); the SQLite
// backend rewrites them. Where the dialects differ, Sql carries a PostgreSQL override.
// Statements are prepared once per connection and cached by their text.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/value.h"

namespace celeste {

struct Sql {
  const char* text;                // portable SQL, $N placeholders
  const char* postgres = nullptr;  // PostgreSQL text when it must differ
};

class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement and returns every row it yields (SELECT, or ... RETURNING).
  virtual Result<Rows> Query(const Sql& sql, const Params& params = {}) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> Exec(const Sql& sql, const Params& params = {}) = 0;
  // Runs a write whose result the caller does not need now (an INSERT, UPDATE or DELETE
  // without RETURNING):
  // it must change exactly `expected_rows` rows, else the transaction fails — at the
  // latest when it commits, with this statement named. SQLite runs it at once. PostgreSQL
  // sends it with the transaction's next round trip (the next statement, or COMMIT), so a
  // run of such writes costs no trip of its own; later statements see it as usual.
  virtual Status ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows) = 0;
  // Runs several ;-separated statements without parameters (migrations only).
  virtual Status ExecScript(std::string_view script) = 0;
  // The tenant this transaction is scoped to ("" for global).
  virtual const std::string& scope() const = 0;

  // Convenience: the first row, or nullopt.
  Result<std::optional<Row>> QueryOne(const Sql& sql, const Params& params = {});
};

// The error for a write that changed `changed` rows where `expected` were due.
Status UnexpectedRowCount(int64_t changed, int64_t expected, const Sql& sql);

enum class TxMode {
  kRead,   // a pooled reader; writes fail
  kWrite,  // serialised with other writers as the backend requires
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
  // Runs fn inside one transaction; see the file comment. Thread-safe.
  virtual Status Run(TxMode mode, std::string_view scope, const std::function<Status(Tx&)>& fn) = 0;
  // Applies every migration not yet recorded in schema_migrations, each in its own
  // transaction. Safe to call on every start-up and from several processes.
  virtual Status Migrate() = 0;
  // Finishes the store: waits for transactions in flight, checkpoints, closes connections.
  virtual void Close() = 0;
};

struct StoreOptions {
  // Connections: SQLite's readers (besides its one writer; default 4) or PostgreSQL's
  // pool (default 8). 0 picks the backend's default.
  int pool_size = 0;
  // How long a transaction waits for the database: SQLite's busy timeout (another
  // process holds the write lock), PostgreSQL's wait for a free pooled connection.
  int busy_timeout_ms = 5000;
};

// Opens the store a URL names: "sqlite:PATH" (directories are created) or
// "postgres://..." / "postgresql://...". Does not migrate.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options = {});

inline constexpr const char* kDefaultDbUrl = "sqlite:./data/celeste.db";

}  // namespace celeste

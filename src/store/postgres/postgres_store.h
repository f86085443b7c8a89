// PostgresStore: the production Store (DESIGN §3) on PostgreSQL through libpq.
//
// Connections: a bounded pool, all opened at Open (so a wrong URL or password fails at
// start-up, not on the first request). Run takes an idle connection — waiting up to the
// pool timeout when all are busy — and runs one transaction on it:
//   BEGIN ...; SET LOCAL app.yacht_id = '<scope>'      (one round trip)
//   fn(tx)
//   COMMIT, or ROLLBACK on an error Status or an exception
// Writes run at READ COMMITTED: code that reads a row it is about to change locks it
// (`SELECT ... FOR UPDATE` through Sql::postgres), as the audit chain head does. Reads run
// at REPEATABLE READ, READ ONLY: one snapshot, like SQLite's readers.
//
// Row-level security: `SET LOCAL` lasts for the transaction only, so a pooled connection
// never carries one request's yacht into the next; scope "" leaves app.yacht_id unset and
// every tenant table reads empty (global tables only).
//
// Round trips: BEGIN and SET LOCAL travel with the transaction's first statement (libpq
// pipeline mode), so a one-statement read costs two round trips (statement, COMMIT).
//
// Dropped connections (server restart, network, pg_terminate_backend): a connection known
// to be broken when taken from the pool is reconnected first; one that turns out to have
// dropped while idle fails its first round trip (BEGIN, SET LOCAL, first statement), and
// since nothing has run yet it reconnects and sends it again. A connection lost in the
// middle of a transaction fails that request only (kInternal "database connection lost"),
// and is reconnected the next time it is taken.
//
// Thread-safety: Run, Migrate and Close may be called from any thread. Do not nest Run on
// one thread: each nested Run takes another connection and can exhaust the pool. Close
// must not be called from inside a transaction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/connection_tx.h"
#include "store/postgres/pg_connection.h"
#include "store/store.h"

namespace celeste {

class PostgresStore final : public Store {
 public:
  // Connects the pool (options.pool_size connections, kDefaultPoolSize when 0) to `url`.
  // Does not migrate. Errors: kInvalidRequest for a pool size out of range, kInternal when
  // a connection fails (libpq's message: host and user, never the password).
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url,
                                                     const StoreOptions& options);
  ~PostgresStore() override;

  std::string_view backend() const override { return "postgres"; }
  Status Run(TxMode mode, std::string_view scope, const std::function<Status(Tx&)>& fn) override;
  // Applies the compiled-in PostgreSQL migrations (store/migrator.h). Needs the owner
  // role when a migration is pending; with none pending it only reads schema_migrations,
  // which the application role may.
  Status Migrate() override;
  // Waits for transactions in flight and closes every connection. Idempotent.
  void Close() override;

  int pool_size() const { return static_cast<int>(connections_.size()); }

  static constexpr int kDefaultPoolSize = 8;
  static constexpr int kMaxPoolSize = 256;

 private:
  struct Pooled {
    explicit Pooled(std::unique_ptr<PgConnection> c) : conn(std::move(c)), tx(conn.get()) {}
    std::unique_ptr<PgConnection> conn;
    ConnectionTx<PgConnection> tx;
  };

  PostgresStore(std::vector<std::unique_ptr<Pooled>> connections,
                std::chrono::milliseconds acquire_timeout);

  // Takes an idle connection, or fails after acquire_timeout_ / once closed.
  Result<Pooled*> Acquire();
  void Release(Pooled* pooled);
  // Begin on `pooled`, reconnecting first when the connection is known to be lost.
  static Status BeginOn(Pooled& pooled, TxMode mode, std::string_view scope);

  // Constant after construction.
  const std::vector<std::unique_ptr<Pooled>> connections_;
  const std::chrono::milliseconds acquire_timeout_;

  // Guarded by mu_.
  std::mutex mu_;
  std::condition_variable free_;     // a connection came back to idle_
  std::condition_variable drained_;  // after close: every connection is back
  std::vector<Pooled*> idle_;
  bool closed_ = false;
  bool finished_ = false;  // connections closed
};

}  // namespace celeste

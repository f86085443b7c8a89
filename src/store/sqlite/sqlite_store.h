// SqliteStore: the embedded Store (DESIGN §3), one database file in WAL mode.
//
// Connections: one writer and a pool of readers.
// - Writes are serialised in the process on the single writer connection. SQLite allows one
//   writer at a time anyway; queueing in the process costs microseconds, whereas several
//   writer connections would spin in SQLite's busy handler (stalls of up to a second under
//   load). The busy timeout then only covers other processes (e.g. `celeste migrate`).
// - Group commit: concurrent write Runs queue up, and the first caller that finds no batch
//   running becomes the leader: on its own thread it opens BEGIN IMMEDIATE, runs its own fn
//   and then the queued ones (up to kMaxBatchJobs, or until kMaxBatchTime has passed), each
//   inside SAVEPOINT ... RELEASE (ROLLBACK TO on an error Status or exception: only that job
//   is undone), and COMMITs once for the batch. Every caller then gets its own Status (or
//   its exception, rethrown on its own thread); a failed COMMIT fails every job that had
//   succeeded. The leader hands the lead to the oldest waiting caller. One commit per batch
//   writes each shared B-tree page to the WAL once, not once per request.
// - Checkpoints (copying the WAL back into the file, with fsync) run on a background thread
//   (SqliteCheckpointer) each time the WAL grows by kCheckpointFrames pages, so write
//   transactions rarely wait for the disk. A background checkpoint never catches up with a
//   busy writer, though, and SQLite restarts the WAL from its beginning only when all of it
//   was copied before a write transaction begins. So once the WAL reaches kRestartFrames,
//   the writer finishes the checkpoint itself at the end of a commit (copying just the tail
//   the background thread has not done) and the next transaction restarts the WAL: it stays
//   around kRestartFrames pages instead of growing without bound.
// - Reads take a connection from the pool (read-only, `query_only`), waiting when all are
//   in use, and run in a deferred transaction: one consistent snapshot, never blocked by the
//   writer and never blocking it.
//
// Thread-safety: Run, Migrate and Close may be called from any thread. Do not nest Run: a
// nested write Run fails instead of deadlocking, but nested reads can exhaust the pool and
// would not see the outer transaction's writes. Close must not be called from inside a
// transaction. A write Run's fn may run on another caller's thread (the batch leader's),
// so it must not rely on thread-local state of its caller; Close waits for queued writes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_checkpointer.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/store.h"

namespace celeste {

class SqliteStore final : public Store {
 public:
  // Opens (creating when missing, with its parent directories) the database at `path` and
  // its connections. Does not migrate. Errors: kInvalidRequest for an unusable path,
  // kInternal when SQLite cannot open the file or switch it to WAL.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const StoreOptions& options);
  // Closes (see Close).
  ~SqliteStore() override;

  std::string_view backend() const override { return "sqlite"; }
  // Commits when fn returns OK; rolls back on an error Status (returned) or an exception
  // (rethrown). Errors of its own: kInternal when the store is closed, the database is
  // busy past the timeout, or a write Run is nested in another on the same thread.
  Status Run(TxMode mode, std::string_view scope, const std::function<Status(Tx&)>& fn) override;
  // Applies the compiled-in SQLite migrations (see store/migrator.h).
  Status Migrate() override;
  // Waits for transactions in flight, runs `PRAGMA optimize`, checkpoints and truncates the
  // WAL, and closes every connection. Idempotent; Run afterwards returns kInternal.
  void Close() override;

  const std::string& path() const { return path_; }

  // WAL growth (in pages) that triggers a background checkpoint.
  static constexpr int kCheckpointFrames = 250;
  // WAL size (in pages, 2 MiB) at which the writer completes the checkpoint itself, so the
  // WAL can restart. Small on purpose: the writer's share of a checkpoint (the pages the
  // background one has not copied yet, then an fsync) stalls every queued write, and the
  // stall grows with this size (4,000 pages gave a 27-29 ms create p99 in bench/run, 500
  // about 19-21 ms at the same throughput).
  static constexpr int kRestartFrames = 2 * kCheckpointFrames;
  // A group-commit batch takes no more jobs once it holds this many or has run this long.
  static constexpr size_t kMaxBatchJobs = 64;
  static constexpr std::chrono::microseconds kMaxBatchTime{2000};

 private:
  // A pooled reader and the Tx reused on it.
  struct Reader {
    explicit Reader(std::unique_ptr<SqliteConnection> c) : conn(std::move(c)), tx(conn.get()) {}
    std::unique_ptr<SqliteConnection> conn;
    SqliteTx tx;
  };

  SqliteStore(std::string path, std::unique_ptr<SqliteConnection> writer,
              std::unique_ptr<SqliteCheckpointer> checkpointer,
              std::vector<std::unique_ptr<Reader>> readers);

  // The writer's commit hook (runs under writer_mu_, at the end of each COMMIT).
  void OnCommit(int wal_frames);

  // One write Run waiting in (or led through) a group-commit batch. Lives on its caller's
  // stack; the fields below `fn` are written by the leader under writer_mu_ and published
  // under queue_mu_ (done).
  struct WriteJob {
    std::string_view scope;
    const std::function<Status(Tx&)>* fn = nullptr;
    Status status;
    std::exception_ptr exception;
    bool done = false;  // guarded by queue_mu_
    bool lead = false;  // guarded by queue_mu_: this caller now leads the next batch
    std::condition_variable wake;
  };

  Status RunWrite(std::string_view scope, const std::function<Status(Tx&)>& fn);
  // Runs one batch starting with `own` (already dequeued), then hands the lead on.
  void LeadBatch(WriteJob& own);
  // Runs one job inside its savepoint on the writer (under writer_mu_).
  void RunJob(WriteJob& job);
  Status RunRead(std::string_view scope, const std::function<Status(Tx&)>& fn);
  // BEGIN, fn, COMMIT or ROLLBACK on one connection.
  static Status RunOn(SqliteConnection& conn, SqliteTx& tx, std::string_view scope,
                      const std::function<Status(Tx&)>& fn);

  // Constant after construction.
  const std::string path_;
  const std::vector<std::unique_ptr<Reader>> readers_;
  const std::unique_ptr<SqliteCheckpointer> checkpointer_;

  // Serialises Close calls.
  std::mutex close_mu_;

  // Guarded by queue_mu_: write Runs waiting for a batch.
  std::mutex queue_mu_;
  std::deque<WriteJob*> queue_;
  bool leader_active_ = false;           // a batch is running (or the lead is being handed on)
  bool writes_closed_ = false;           // Close began: new write Runs are refused
  std::condition_variable writes_idle_;  // after close: no leader and no queued job left

  // Guarded by writer_mu_ (held by the leader for a whole batch).
  std::mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;  // null once closed
  SqliteTx writer_tx_;
  int frames_at_last_request_ = 0;  // WAL size when a checkpoint was last requested

  // Guarded by pool_mu_.
  std::mutex pool_mu_;
  std::condition_variable reader_free_;  // a reader was returned to idle_
  std::condition_variable drained_;      // after close: the last reader came back
  std::vector<Reader*> idle_;
  bool readers_closed_ = false;
};

}  // namespace celeste

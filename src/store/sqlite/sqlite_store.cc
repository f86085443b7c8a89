#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/log.h"
#include "store/migrations.h"
#include "store/migrator.h"

namespace celeste {
namespace {

constexpr int kDefaultReadPoolSize = 4;
constexpr int kMaxReadPoolSize = 64;

// The store whose write transaction this thread is running, to refuse a nested write Run
// (the writer mutex is not recursive: it would deadlock).
thread_local const SqliteStore* t_writing_store = nullptr;

Status Closed() { return Status::Internal("the store is closed"); }

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const StoreOptions& options) {
  if (path.empty()) return Status::InvalidRequest("empty SQLite path (expected sqlite:PATH)");
  if (path == ":memory:" || path.starts_with("file:")) {
    // An in-memory database is private to one connection; the writer and the readers would
    // each see their own empty database.
    return Status::InvalidRequest(
        "SQLite path must be a file (in-memory databases and URI "
        "filenames are not supported): '" +
        path + "'");
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status::InvalidRequest("cannot create directory '" + parent.string() +
                                    "' for the database: " + ec.message());
    }
  }

  const int busy_timeout_ms = std::max(0, options.busy_timeout_ms);
  // The writer first: it creates the file and switches it to WAL, which readers need.
  CELESTE_ASSIGN_OR_RETURN(
      auto writer, SqliteConnection::Open(path, SqliteConnection::Role::kWriter, busy_timeout_ms));
  CELESTE_ASSIGN_OR_RETURN(auto checkpointer, SqliteCheckpointer::Start(path));
  const int pool_size = std::clamp(
      options.pool_size == 0 ? kDefaultReadPoolSize : options.pool_size, 1, kMaxReadPoolSize);
  std::vector<std::unique_ptr<Reader>> readers;
  readers.reserve(static_cast<size_t>(pool_size));
  for (int i = 0; i < pool_size; ++i) {
    CELESTE_ASSIGN_OR_RETURN(
        auto conn, SqliteConnection::Open(path, SqliteConnection::Role::kReader, busy_timeout_ms));
    readers.push_back(std::make_unique<Reader>(std::move(conn)));
  }
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, std::move(writer), std::move(checkpointer), std::move(readers)));
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<SqliteConnection> writer,
                         std::unique_ptr<SqliteCheckpointer> checkpointer,
                         std::vector<std::unique_ptr<Reader>> readers)
    : path_(std::move(path)),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::move(writer)),
      writer_tx_(writer_.get()) {
  idle_.reserve(readers_.size());
  for (const auto& reader : readers_) idle_.push_back(reader.get());
  writer_->SetCommitHook([this](int wal_frames) { OnCommit(wal_frames); });
}

void SqliteStore::OnCommit(int wal_frames) {
  if (wal_frames < frames_at_last_request_) frames_at_last_request_ = 0;  // the WAL restarted
  if (wal_frames >= kRestartFrames) {
    // Busy (the background checkpoint holds the lock) is fine: the next commit tries again.
    Status s = writer_->CheckpointPassive();
    if (!s.ok()) Log(LogLevel::kWarn, "SQLite checkpoint failed", {{"error", s.ToString()}});
    return;
  }
  if (wal_frames - frames_at_last_request_ < kCheckpointFrames) return;
  frames_at_last_request_ = wal_frames;
  checkpointer_->Request();
}

SqliteStore::~SqliteStore() { Close(); }

Status SqliteStore::Run(TxMode mode, std::string_view scope, const std::function<Status(Tx&)>& fn) {
  return mode == TxMode::kWrite ? RunWrite(scope, fn) : RunRead(scope, fn);
}

Status SqliteStore::RunWrite(std::string_view scope, const std::function<Status(Tx&)>& fn) {
  if (t_writing_store == this) {
    return Status::Internal("nested write transaction on one thread (it would deadlock)");
  }
  WriteJob job;
  job.scope = scope;
  job.fn = &fn;
  bool lead = false;
  {
    std::unique_lock lock(queue_mu_);
    if (writes_closed_) return Closed();
    if (!leader_active_) {
      leader_active_ = true;
      lead = true;
    } else {
      queue_.push_back(&job);
      job.wake.wait(lock, [&job] { return job.done || job.lead; });
      lead = !job.done;
    }
  }
  if (lead) LeadBatch(job);
  if (job.exception) std::rethrow_exception(job.exception);
  return std::move(job.status);
}

void SqliteStore::RunJob(WriteJob& job) {
  if (Status s = writer_->Savepoint(); !s.ok()) {
    job.status = std::move(s);
    return;
  }
  writer_tx_.Start(job.scope);
  Status status;
  try {
    status = (*job.fn)(writer_tx_);
  } catch (...) {
    job.exception = std::current_exception();
  }
  writer_tx_.Finish();
  if (!writer_->InTransaction()) {
    // SQLite rolled the whole transaction back (SQLITE_FULL, SQLITE_IOERR, ...); the leader
    // fails the batch.
    job.status =
        status.ok()
            ? Status::Internal("transaction was rolled back by SQLite after an earlier error")
            : std::move(status);
    return;
  }
  if (!job.exception && status.ok() && writer_->HasDeferredForeignKeyViolations()) {
    // COMMIT would fail for the whole batch: fail this job alone, as its own COMMIT would.
    status = Status::Internal("FOREIGN KEY constraint failed [sqlite 787] in: COMMIT");
  }
  if (!job.exception && status.ok()) {
    status = writer_->ReleaseSavepoint();
    if (status.ok()) return;
  }
  writer_->RollbackToSavepoint();
  job.status = std::move(status);
}

void SqliteStore::LeadBatch(WriteJob& own) {
  std::vector<WriteJob*> batch;
  batch.reserve(kMaxBatchJobs);
  batch.push_back(&own);
  {
    std::lock_guard writer_lock(writer_mu_);
    struct WritingMark {
      explicit WritingMark(const SqliteStore* store)
          : previous(std::exchange(t_writing_store, store)) {}
      ~WritingMark() { t_writing_store = previous; }
      const SqliteStore* previous;
    } mark(this);
    if (writer_ == nullptr) {
      own.status = Closed();
    } else if (Status begin = writer_->Begin(); !begin.ok()) {
      own.status = std::move(begin);  // queued jobs try BEGIN again under the next leader
    } else {
      const auto deadline = std::chrono::steady_clock::now() + kMaxBatchTime;
      bool lost = false;
      for (size_t i = 0;; ++i) {
        RunJob(*batch[i]);
        if (!writer_->InTransaction()) {
          lost = true;
          break;
        }
        if (batch.size() >= kMaxBatchJobs || std::chrono::steady_clock::now() >= deadline) break;
        std::lock_guard lock(queue_mu_);
        if (queue_.empty()) break;
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      Status commit;
      if (lost) {
        commit = Status::Internal(
            "transaction was rolled back by SQLite after an error in another write of its "
            "group commit");
      } else {
        commit = writer_->Commit();
      }
      if (!commit.ok()) {
        // The jobs that had succeeded are undone with the batch.
        for (size_t i = 0; i + (lost ? 1 : 0) < batch.size(); ++i) {
          WriteJob* job = batch[i];
          if (!job->exception && job->status.ok()) job->status = commit;
        }
      }
    }
  }
  std::lock_guard lock(queue_mu_);
  for (WriteJob* job : batch) {
    job->done = true;
    if (job != &own) job->wake.notify_one();  // under the lock: the job lives on its stack
  }
  if (!queue_.empty()) {
    WriteJob* next = queue_.front();
    queue_.pop_front();
    next->lead = true;
    next->wake.notify_one();
  } else {
    leader_active_ = false;
    if (writes_closed_) writes_idle_.notify_all();
  }
}

Status SqliteStore::RunRead(std::string_view scope, const std::function<Status(Tx&)>& fn) {
  Reader* reader = nullptr;
  {
    std::unique_lock lock(pool_mu_);
    reader_free_.wait(lock, [this] { return readers_closed_ || !idle_.empty(); });
    if (readers_closed_) return Closed();
    reader = idle_.back();
    idle_.pop_back();
  }
  // Returns the reader to the pool however fn ends (also by exception).
  struct Release {
    SqliteStore* store;
    Reader* reader;
    ~Release() {
      std::lock_guard lock(store->pool_mu_);
      store->idle_.push_back(reader);
      if (store->readers_closed_) {
        store->drained_.notify_all();
      } else {
        store->reader_free_.notify_one();
      }
    }
  } release{this, reader};
  return RunOn(*reader->conn, reader->tx, scope, fn);
}

Status SqliteStore::RunOn(SqliteConnection& conn, SqliteTx& tx, std::string_view scope,
                          const std::function<Status(Tx&)>& fn) {
  CELESTE_RETURN_IF_ERROR(conn.Begin());
  return tx.RunThenCommit(scope, fn);
}

Status SqliteStore::Migrate() { return ApplyMigrations(*this, SqliteMigrations()).status(); }

void SqliteStore::Close() {
  if (t_writing_store == this) {
    Log(LogLevel::kError, "SqliteStore::Close called inside a write transaction; ignored");
    return;
  }
  std::lock_guard close_lock(close_mu_);
  {
    std::unique_lock lock(pool_mu_);
    readers_closed_ = true;
    reader_free_.notify_all();
    drained_.wait(lock, [this] { return idle_.size() == readers_.size(); });
  }
  {
    // Queued write Runs still complete; new ones are refused.
    std::unique_lock lock(queue_mu_);
    writes_closed_ = true;
    writes_idle_.wait(lock, [this] { return !leader_active_ && queue_.empty(); });
  }
  std::lock_guard lock(writer_mu_);
  if (writer_ == nullptr) return;
  checkpointer_->Stop();
  for (const auto& reader : readers_) reader->conn.reset();
  // Readers are gone, so the checkpoint can copy the whole WAL back and truncate it.
  Status s = writer_->ExecScript("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);");
  if (!s.ok()) {
    Log(LogLevel::kWarn, "SQLite checkpoint at close failed",
        {{"path", path_}, {"error", s.ToString()}});
  }
  writer_.reset();
}

}  // namespace celeste

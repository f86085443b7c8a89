#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/log.h"
#include "store/migrations.h"
#include "store/migrator.h"

namespace celeste {
namespace {

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
  const int pool_size = std::clamp(options.read_pool_size, 1, kMaxReadPoolSize);
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
  std::lock_guard lock(writer_mu_);
  if (writer_ == nullptr) return Closed();
  struct WritingMark {
    explicit WritingMark(const SqliteStore* store)
        : previous(std::exchange(t_writing_store, store)) {}
    ~WritingMark() { t_writing_store = previous; }
    const SqliteStore* previous;
  } mark(this);
  return RunOn(*writer_, writer_tx_, scope, fn);
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
  tx.Start(scope);
  Status status;
  try {
    status = fn(tx);
  } catch (...) {
    tx.Finish();
    conn.Rollback();
    throw;
  }
  tx.Finish();
  if (!status.ok()) {
    conn.Rollback();
    return status;
  }
  return conn.Commit();
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
  std::lock_guard lock(writer_mu_);  // waits for the write transaction in flight
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

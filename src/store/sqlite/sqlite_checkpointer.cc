#include "store/sqlite/sqlite_checkpointer.h"

#include <sqlite3.h>

#include "core/log.h"

namespace celeste {

Result<std::unique_ptr<SqliteCheckpointer>> SqliteCheckpointer::Start(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Internal("cannot open SQLite checkpoint connection to '" + path +
                            "': " + message);
  }
  std::unique_ptr<SqliteCheckpointer> checkpointer(new SqliteCheckpointer(db));
  checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Loop(); });
  return checkpointer;
}

SqliteCheckpointer::~SqliteCheckpointer() { Stop(); }

void SqliteCheckpointer::Request() {
  if (pending_.exchange(true)) return;
  std::lock_guard lock(mu_);
  wake_.notify_one();
}

void SqliteCheckpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

void SqliteCheckpointer::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || pending_.load(); });
      if (stopping_) return;
    }
    pending_ = false;
    int wal_frames = 0;
    int copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    ++checkpoints_;
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      Log(LogLevel::kWarn, "SQLite background checkpoint failed",
          {{"error", sqlite3_errmsg(db_)}, {"code", rc}});
    }
  }
}

}  // namespace celeste

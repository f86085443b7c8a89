// SqliteCheckpointer: copies the WAL back into the database file on its own thread.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold, so one
// write transaction in a few hundred would pay for copying pages and two fsyncs while every
// other writer queues behind it. Instead, the store's writer reports the WAL size after
// each commit (see SqliteConnection::SetCommitHook) and this class runs PASSIVE checkpoints
// on a separate connection: they never block the writer or readers, and requests that
// arrive while one runs collapse into the next. Durability is unchanged: with
// synchronous=NORMAL a commit is durable once a checkpoint has synced it.
//
// Thread-safety: Request may be called from any thread; Stop (also run by the destructor)
// from one thread, once the writer no longer calls Request.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

struct sqlite3;

namespace celeste {

class SqliteCheckpointer {
 public:
  // Opens its own connection to the (existing) database at `path` and starts the thread.
  static Result<std::unique_ptr<SqliteCheckpointer>> Start(const std::string& path);
  ~SqliteCheckpointer();

  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Asks for a checkpoint soon. Cheap when one is already pending (one atomic exchange).
  void Request();
  // Finishes the checkpoint in progress, stops the thread and closes the connection.
  // Idempotent.
  void Stop();

  // Checkpoints run so far (for tests).
  int checkpoints() const { return checkpoints_.load(); }

 private:
  explicit SqliteCheckpointer(sqlite3* db) : db_(db) {}
  void Loop();

  // Constant after construction (db_ is used only by the thread until Stop joins it).
  sqlite3* db_;
  std::thread thread_;

  std::atomic<bool> pending_{false};
  std::atomic<int> checkpoints_{0};

  // Guarded by mu_.
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace celeste

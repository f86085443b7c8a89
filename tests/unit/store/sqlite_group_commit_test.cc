// Group commit in SqliteStore's write path: concurrent write Runs share one transaction,
// each inside its own savepoint, and every caller still gets its own result.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace celeste {
namespace {

constexpr Sql kCreateItems{"CREATE TABLE items (name TEXT PRIMARY KEY, qty INTEGER NOT NULL)"};
constexpr Sql kInsertItem{"INSERT INTO items (name, qty) VALUES ($1, $2)"};

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    auto store = SqliteStore::Open(dir_.File("celeste.db"), StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(Write([](Tx& tx) { return tx.Exec(kCreateItems).status(); }).ok());
  }

  Status Write(const std::function<Status(Tx&)>& fn) { return store_->Run(TxMode::kWrite, "", fn); }

  std::set<std::string> Names() {
    std::set<std::string> names;
    Status s = store_->Run(TxMode::kRead, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query({"SELECT name FROM items"}));
      for (const Row& row : rows) names.insert(row.Text(0));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return names;
  }

  // Holds the writer (inside a write Run on another thread) until Release: write Runs
  // started meanwhile queue up and then run as one batch.
  class WriterGate {
   public:
    explicit WriterGate(SqliteGroupCommitTest* test) {
      holder_ = std::async(std::launch::async, [this, test] {
        return test->Write([this](Tx& tx) {
          CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"gate", 1}).status());
          std::unique_lock lock(mu_);
          entered_ = true;
          cv_.notify_all();
          cv_.wait(lock, [this] { return released_; });
          return Status::OK();
        });
      });
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return entered_; });
    }
    Status Release() {
      {
        std::lock_guard lock(mu_);
        released_ = true;
        cv_.notify_all();
      }
      return holder_.get();
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool entered_ = false;
    bool released_ = false;
    std::future<Status> holder_;
  };

  celeste::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

enum class Outcome { kCommit, kError, kThrow };

Outcome OutcomeOf(int i) {
  return i % 5 == 1 ? Outcome::kError : i % 7 == 3 ? Outcome::kThrow : Outcome::kCommit;
}

// Job i inserts "item-i" and then commits, returns an error naming i, or throws naming i.
Status Job(Tx& tx, int i) {
  const std::string name = "item-" + std::to_string(i);
  CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {name, i}).status());
  switch (OutcomeOf(i)) {
    case Outcome::kError:
      return Status::RuleViolation("job", "job " + std::to_string(i) + " failed");
    case Outcome::kThrow:
      throw std::runtime_error("job " + std::to_string(i) + " threw");
    case Outcome::kCommit:
      break;
  }
  return Status::OK();
}

TEST_F(SqliteGroupCommitTest, ConcurrentWritersCommitExactlyTheSuccessfulJobs) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::vector<std::string> problems[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        const int i = t * kPerThread + k;
        std::string got;
        try {
          Status s = Write([i](Tx& tx) { return Job(tx, i); });
          got = s.ok() ? "ok" : s.message();
        } catch (const std::runtime_error& e) {
          got = std::string("throw:") + e.what();
        }
        std::string want;
        switch (OutcomeOf(i)) {
          case Outcome::kCommit:
            want = "ok";
            break;
          case Outcome::kError:
            want = "job " + std::to_string(i) + " failed";
            break;
          case Outcome::kThrow:
            want = "throw:job " + std::to_string(i) + " threw";
            break;
        }
        if (got != want) problems[t].push_back(std::to_string(i) + ": " + got + " != " + want);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& p : problems) EXPECT_TRUE(p.empty()) << p.front();

  std::set<std::string> want;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    if (OutcomeOf(i) == Outcome::kCommit) want.insert("item-" + std::to_string(i));
  }
  EXPECT_EQ(Names(), want);
}

TEST_F(SqliteGroupCommitTest, FailingJobInTheMiddleOfABatchKeepsItsNeighbours) {
  std::vector<std::future<Status>> results;
  std::future<Status> thrower;
  std::atomic<int> ran{0};
  {
    WriterGate gate(this);
    // Queue jobs behind the gate: they all run in the batch that follows it.
    auto queue = [&](std::function<Status(Tx&)> fn) {
      return std::async(std::launch::async, [this, fn, &ran] {
        return Write([&](Tx& tx) {
          ++ran;
          return fn(tx);
        });
      });
    };
    results.push_back(queue([](Tx& tx) { return tx.Exec(kInsertItem, {"before", 1}).status(); }));
    results.push_back(queue([](Tx& tx) {
      CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"failed", 1}).status());
      return Status::RuleViolation("x", "middle failed");
    }));
    results.push_back(queue([](Tx& tx) {
      // A statement error inside the job is its own too.
      CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"dup-ok", 1}).status());
      return tx.Exec(kInsertItem, {"dup-ok", 2}).status();
    }));
    thrower = queue([](Tx& tx) -> Status {
      (void)tx.Exec(kInsertItem, {"thrown", 1});
      throw std::logic_error("middle threw");
    });
    results.push_back(queue([](Tx& tx) { return tx.Exec(kInsertItem, {"after", 1}).status(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let them queue
    EXPECT_EQ(ran.load(), 0);
    ASSERT_TRUE(gate.Release().ok());
  }
  EXPECT_TRUE(results[0].get().ok());
  EXPECT_EQ(results[1].get().message(), "middle failed");
  EXPECT_EQ(results[2].get().code(), ErrorCode::kDuplicate);
  EXPECT_THROW(thrower.get(), std::logic_error);
  EXPECT_TRUE(results[3].get().ok());
  EXPECT_EQ(Names(), (std::set<std::string>{"gate", "before", "after"}));
}

TEST_F(SqliteGroupCommitTest, EachJobSeesItsOwnScope) {
  std::vector<std::future<std::string>> scopes;
  {
    WriterGate gate(this);
    for (int i = 0; i < 6; ++i) {
      scopes.push_back(std::async(std::launch::async, [this, i] {
        std::string seen;
        const std::string scope = "yacht-" + std::to_string(i);
        Status s = store_->Run(TxMode::kWrite, scope, [&](Tx& tx) {
          seen = tx.scope();
          return Status::OK();
        });
        return s.ok() ? seen : s.ToString();
      }));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(gate.Release().ok());
  }
  for (int i = 0; i < 6; ++i) EXPECT_EQ(scopes[i].get(), "yacht-" + std::to_string(i));
}

TEST_F(SqliteGroupCommitTest, NestedWriteInsideABatchReturnsInternal) {
  std::vector<std::future<Status>> nested;
  std::vector<Status> inner(4);
  {
    WriterGate gate(this);
    for (int i = 0; i < 4; ++i) {
      nested.push_back(std::async(std::launch::async, [this, i, &inner] {
        return Write([&, i](Tx& tx) {
          inner[i] = Write([](Tx& t) { return t.Exec(kInsertItem, {"nested", 1}).status(); });
          return tx.Exec(kInsertItem, {"outer-" + std::to_string(i), 1}).status();
        });
      }));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(gate.Release().ok());
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(nested[i].get().ok());
    EXPECT_EQ(inner[i].code(), ErrorCode::kInternal);
    EXPECT_NE(inner[i].message().find("nested write"), std::string::npos) << inner[i].message();
  }
  EXPECT_EQ(Names(), (std::set<std::string>{"gate", "outer-0", "outer-1", "outer-2", "outer-3"}));
}

TEST_F(SqliteGroupCommitTest, DeferredForeignKeyViolationFailsOnlyItsJob) {
  ASSERT_TRUE(Write([](Tx& tx) {
                return tx.ExecScript(
                    "CREATE TABLE parents (id TEXT PRIMARY KEY);"
                    "CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES "
                    "parents (id) DEFERRABLE INITIALLY DEFERRED);");
              }).ok());
  std::future<Status> bad;
  std::future<Status> good;
  {
    WriterGate gate(this);
    bad = std::async(std::launch::async, [this] {
      return Write([](Tx& tx) {
        return tx.Exec({"INSERT INTO children (id, parent_id) VALUES ('c', 'missing')"}).status();
      });
    });
    good = std::async(std::launch::async, [this] {
      return Write([](Tx& tx) { return tx.Exec(kInsertItem, {"good", 1}).status(); });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(gate.Release().ok());
  }
  Status b = bad.get();
  EXPECT_EQ(b.code(), ErrorCode::kInternal);
  EXPECT_NE(b.message().find("FOREIGN KEY"), std::string::npos) << b.message();
  EXPECT_TRUE(good.get().ok());
  EXPECT_EQ(Names(), (std::set<std::string>{"gate", "good"}));
}

TEST_F(SqliteGroupCommitTest, CloseCompletesQueuedJobsAndRefusesLaterOnes) {
  std::vector<std::future<Status>> queued;
  std::future<void> closer;
  {
    WriterGate gate(this);
    for (int i = 0; i < 8; ++i) {
      queued.push_back(std::async(std::launch::async, [this, i] {
        return Write([i](Tx& tx) {
          return tx.Exec(kInsertItem, {"queued-" + std::to_string(i), i}).status();
        });
      }));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    closer = std::async(std::launch::async, [this] { store_->Close(); });
    // Close waits for the writer and the queue.
    EXPECT_EQ(closer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
    ASSERT_TRUE(gate.Release().ok());
  }
  closer.get();
  size_t committed = 0;
  for (auto& q : queued) {
    Status s = q.get();
    if (s.ok()) ++committed;
    // Queued before Close: committed (or, had Close won the race, refused as closed).
    EXPECT_TRUE(s.ok() || s.message() == "the store is closed") << s.ToString();
  }
  Status late = Write([](Tx& tx) { return tx.Exec(kInsertItem, {"late", 1}).status(); });
  EXPECT_EQ(late.code(), ErrorCode::kInternal);
  EXPECT_EQ(late.message(), "the store is closed");

  // Reopened, the database holds the gate and every job that reported OK.
  auto reopened = SqliteStore::Open(dir_.File("celeste.db"), StoreOptions{});
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(reopened).value();
  std::set<std::string> names = Names();
  EXPECT_EQ(names.count("gate"), 1u);
  EXPECT_EQ(names.size(), committed + 1);
}

}  // namespace
}  // namespace celeste

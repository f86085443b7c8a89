#include "store/migrator.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "core/log.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace celeste {
namespace {

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;

class MigratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<SqliteStore> Open() {
    auto store = SqliteStore::Open(dir_.File("m.db"), {});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Recorded migrations as "name@applied_at", in name order.
  std::vector<std::string> Recorded() {
    std::vector<std::string> out;
    Status s = store_->Run(TxMode::kRead, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(
          Rows rows, tx.Query({"SELECT name, applied_at FROM schema_migrations ORDER BY name"}));
      for (const Row& row : rows) out.push_back(row.Text(0) + "@" + row.Text(1));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  bool TableExists(const std::string& name) {
    bool exists = false;
    Status s = store_->Run(TxMode::kRead, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(
          auto row,
          tx.QueryOne({"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1"}, {name}));
      exists = row.has_value();
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return exists;
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<SqliteStore> store_;
};

const std::vector<Migration> kTwo = {
    {"0001_a", "CREATE TABLE a (x INTEGER);"},
    {"0002_b", "CREATE TABLE b (y TEXT);\nINSERT INTO b (y) VALUES ('seed');"},
};

TEST_F(MigratorTest, AppliesPendingMigrationsInOrderOnce) {
  auto applied = ApplyMigrations(*store_, kTwo, clock_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, (std::vector<std::string>{"0001_a", "0002_b"}));
  const std::string at = FormatRfc3339(kT0);
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001_a@" + at, "0002_b@" + at}));
  EXPECT_TRUE(TableExists("a"));
  EXPECT_TRUE(TableExists("b"));

  clock_.Advance(kMicrosPerSecond);
  auto again = ApplyMigrations(*store_, kTwo, clock_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001_a@" + at, "0002_b@" + at}));
}

TEST_F(MigratorTest, AppliesOnlyTheNewOnes) {
  ASSERT_TRUE(ApplyMigrations(*store_, {kTwo[0]}, clock_).ok());
  auto applied = ApplyMigrations(*store_, kTwo, clock_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, (std::vector<std::string>{"0002_b"}));
}

TEST_F(MigratorTest, FailedMigrationRollsBackEntirelyAndStopsTheRun) {
  const std::vector<Migration> migrations = {
      {"0001_ok", "CREATE TABLE ok1 (x);"},
      {"0002_bad", "CREATE TABLE half (x);\nINSERT INTO no_such_table VALUES (1);"},
      {"0003_later", "CREATE TABLE later (x);"},
  };
  auto applied = ApplyMigrations(*store_, migrations, clock_);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), ErrorCode::kInternal);
  EXPECT_NE(applied.status().message().find("migration 0002_bad: no such table: no_such_table"),
            std::string::npos)
      << applied.status().message();
  EXPECT_TRUE(TableExists("ok1"));
  EXPECT_FALSE(TableExists("half"));  // the script's first statement was rolled back too
  EXPECT_FALSE(TableExists("later"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001_ok@" + FormatRfc3339(kT0)}));
}

TEST_F(MigratorTest, ConcurrentRunnersApplyEachMigrationExactlyOnce) {
  // Several stores on one file stand in for several processes starting together. The
  // migrations are not idempotent (CREATE TABLE), so a second application would fail.
  constexpr int kRunners = 4;
  std::vector<std::unique_ptr<SqliteStore>> stores;
  for (int i = 0; i < kRunners; ++i) stores.push_back(Open());
  std::vector<std::future<Result<std::vector<std::string>>>> runs;
  for (auto& store : stores) {
    runs.push_back(
        std::async(std::launch::async, [&] { return ApplyMigrations(*store, kTwo, clock_); }));
  }
  size_t applied_total = 0;
  for (auto& run : runs) {
    auto applied = run.get();
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    applied_total += applied->size();
  }
  EXPECT_EQ(applied_total, kTwo.size());
  EXPECT_EQ(Recorded().size(), kTwo.size());
}

TEST_F(MigratorTest, TheCompiledInSqliteMigrationsApplyCleanly) {
  ASSERT_FALSE(SqliteMigrations().empty());
  EXPECT_EQ(SqliteMigrations().front().name, "0001_foundation");
  for (size_t i = 1; i < SqliteMigrations().size(); ++i) {
    EXPECT_LT(SqliteMigrations()[i - 1].name, SqliteMigrations()[i].name);
  }
  auto applied = ApplyMigrations(*store_, SqliteMigrations(), clock_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->size(), SqliteMigrations().size());
}

}  // namespace
}  // namespace celeste

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_connection.h"
#include "temp_dir.h"

namespace celeste {
namespace {

// EXPECT_TRUE(Contains(text, part)) names both on failure.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) {
    return ::testing::AssertionSuccess() << "'" << text << "' contains '" << part << "'";
  }
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

constexpr Sql kCreateItems{
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " qty INTEGER CHECK (qty >= 0))"};
constexpr Sql kInsertItem{"INSERT INTO items (name, qty) VALUES ($1, $2)"};
constexpr Sql kCountItems{"SELECT COUNT(*) FROM items"};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = OpenAt(dir_.File("celeste.db"));
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(Write([](Tx& tx) { return tx.Exec(kCreateItems).status(); }).ok());
  }

  static std::unique_ptr<SqliteStore> OpenAt(const std::string& path, StoreOptions options = {}) {
    auto store = SqliteStore::Open(path, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  Status Write(const std::function<Status(Tx&)>& fn) { return store_->Run(TxMode::kWrite, "", fn); }
  Status Read(const std::function<Status(Tx&)>& fn) { return store_->Run(TxMode::kRead, "", fn); }

  Status InsertItem(const std::string& name, int qty = 1) {
    return Write([&](Tx& tx) { return tx.Exec(kInsertItem, {name, qty}).status(); });
  }

  // The single value a read-only query yields, or the error as text.
  std::string ReadScalar(const Sql& sql, const Params& params = {}) {
    std::string out;
    Status s = Read([&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, params));
      out = !row ? "<no row>" : row->IsNull(0) ? "<null>" : row->Text(0);
      return Status::OK();
    });
    return s.ok() ? out : s.ToString();
  }

  int64_t CountItems() { return std::stoll(ReadScalar(kCountItems)); }

  celeste::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, MigrateCreatesTablesAndRecordsEachMigrationOnce) {
  ASSERT_TRUE(store_->Migrate().ok());
  for (const char* table : {"yachts", "users", "memberships", "feature_flags", "auth_failures",
                            "pms_audit_log", "pms_audit_chain_heads", "schema_migrations"}) {
    EXPECT_EQ(ReadScalar({"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"},
                         {table}),
              "1")
        << table;
  }
  const Sql kCount{"SELECT COUNT(*) FROM schema_migrations WHERE name = $1"};
  const Sql kAppliedAt{"SELECT applied_at FROM schema_migrations WHERE name = $1"};
  EXPECT_EQ(ReadScalar(kCount, {"0001_foundation"}), "1");
  EXPECT_EQ(ReadScalar({"SELECT COUNT(*) FROM schema_migrations"}),
            std::to_string(SqliteMigrations().size()));
  const std::string applied_at = ReadScalar(kAppliedAt, {"0001_foundation"});
  EXPECT_TRUE(ParseRfc3339(applied_at).has_value()) << applied_at;

  ASSERT_TRUE(store_->Migrate().ok());  // a no-op
  EXPECT_EQ(ReadScalar(kCount, {"0001_foundation"}), "1");
  EXPECT_EQ(ReadScalar(kAppliedAt, {"0001_foundation"}), applied_at);
}

TEST_F(SqliteStoreTest, RunCommitsWhenFnReturnsOk) {
  ASSERT_TRUE(Write([](Tx& tx) {
                CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"impeller", 2}).status());
                return tx.Exec(kInsertItem, {"v-belt", 1}).status();
              }).ok());
  EXPECT_EQ(CountItems(), 2);
}

TEST_F(SqliteStoreTest, RunRollsBackAndReturnsTheErrorOfFn) {
  Status s = Write([](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"impeller", 2}).status());
    return Status::RuleViolation("stock", "not enough stock");
  });
  EXPECT_EQ(s.code(), ErrorCode::kBusinessRuleViolation);
  EXPECT_EQ(s.message(), "not enough stock");
  EXPECT_EQ(CountItems(), 0);
}

TEST_F(SqliteStoreTest, RunRollsBackAndRethrowsOnException) {
  EXPECT_THROW(Write([](Tx& tx) -> Status {
                 auto inserted = tx.Exec(kInsertItem, {"impeller", 2});
                 if (inserted.ok()) throw std::runtime_error("handler bug");
                 return inserted.status();
               }),
               std::runtime_error);
  EXPECT_THROW(Read([](Tx& tx) -> Status { throw std::logic_error("reader bug"); }),
               std::logic_error);
  EXPECT_EQ(CountItems(), 0);
  // The writer and the readers are usable again.
  ASSERT_TRUE(InsertItem("impeller").ok());
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(SqliteStoreTest, WriteInReadTransactionFails) {
  ASSERT_TRUE(InsertItem("impeller").ok());
  const struct {
    const char* name;
    std::function<Status(Tx&)> fn;
  } kCases[] = {
      {"insert",
       [](Tx& tx) {
         return tx.Exec(kInsertItem, {"filter", 1}).status();
       }},
      {"update", [](Tx& tx) { return tx.Exec({"UPDATE items SET qty = 9"}).status(); }},
      {"delete", [](Tx& tx) { return tx.Exec({"DELETE FROM items"}).status(); }},
      {"insert returning",
       [](Tx& tx) {
         return tx.Query({"INSERT INTO items (name) VALUES ('x') RETURNING id"}).status();
       }},
      {"script", [](Tx& tx) { return tx.ExecScript("CREATE TABLE other (x)"); }},
  };
  for (const auto& c : kCases) {
    Status s = Read(c.fn);
    EXPECT_EQ(s.code(), ErrorCode::kInternal) << c.name;
    EXPECT_TRUE(Contains(s.message(), "read transaction cannot write")) << c.name;
  }
  EXPECT_EQ(ReadScalar({"SELECT name || ':' || qty FROM items"}), "impeller:1");
  EXPECT_EQ(ReadScalar({"SELECT COUNT(*) FROM sqlite_master WHERE name = 'other'"}), "0");
}

TEST_F(SqliteStoreTest, UniqueAndPrimaryKeyViolationsAreDuplicate) {
  ASSERT_TRUE(InsertItem("impeller").ok());
  Status unique = InsertItem("impeller");
  EXPECT_EQ(unique.code(), ErrorCode::kDuplicate);
  EXPECT_TRUE(Contains(unique.message(), "UNIQUE constraint failed: items.name"));

  Status primary = Write([](Tx& tx) {
    return tx.Exec({"INSERT INTO items (id, name) VALUES (1, 'other')"}).status();
  });
  EXPECT_EQ(primary.code(), ErrorCode::kDuplicate) << primary.ToString();
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(SqliteStoreTest, FailedStatementLeavesTheTransactionUsable) {
  ASSERT_TRUE(Write([](Tx& tx) {
                CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"impeller", 1}).status());
                Status dup = tx.Exec(kInsertItem, {"impeller", 1}).status();
                if (dup.code() != ErrorCode::kDuplicate) return Status::Internal("no duplicate");
                return tx.Exec(kInsertItem, {"filter", 1}).status();
              }).ok());
  EXPECT_EQ(CountItems(), 2);
}

TEST_F(SqliteStoreTest, OtherConstraintFailuresAreInternalWithoutParameterValues) {
  ASSERT_TRUE(Write([](Tx& tx) {
                return tx.ExecScript(
                    "CREATE TABLE parents (id TEXT PRIMARY KEY);"
                    "CREATE TABLE children (id TEXT PRIMARY KEY,"
                    "  parent_id TEXT NOT NULL REFERENCES parents (id));");
              }).ok());
  const struct {
    const char* name;
    Sql sql;
    Params params;
    const char* want;
  } kCases[] = {
      {"check", kInsertItem, {"secret-value-1", -5}, "CHECK constraint failed"},
      {"not null", kInsertItem, {nullptr, 1}, "NOT NULL constraint failed: items.name"},
      {"foreign key",
       {"INSERT INTO children (id, parent_id) VALUES ($1, $2)"},
       {"secret-value-1", "secret-value-2"},
       "FOREIGN KEY constraint failed"},
  };
  for (const auto& c : kCases) {
    Status s = Write([&](Tx& tx) { return tx.Exec(c.sql, c.params).status(); });
    EXPECT_EQ(s.code(), ErrorCode::kInternal) << c.name;
    EXPECT_TRUE(Contains(s.message(), c.want)) << c.name;
    EXPECT_TRUE(Contains(s.message(), "in: INSERT INTO ")) << c.name;
    EXPECT_FALSE(Contains(s.message(), "secret-value")) << c.name;
  }
}

TEST_F(SqliteStoreTest, ValuesRoundTrip) {
  ASSERT_TRUE(Write([](Tx& tx) {
                return tx.ExecScript(
                    "CREATE TABLE anything (v);"
                    "CREATE TABLE reals (v REAL);");
              }).ok());
  const std::string kNul("a\0b", 3);
  const struct {
    const char* name;
    Value value;
    std::optional<std::string> want;
  } kCases[] = {
      {"null", nullptr, std::nullopt},
      {"optional empty", std::optional<int>(), std::nullopt},
      {"int", 42, "42"},
      {"zero", 0, "0"},
      {"negative", int64_t{-7}, "-7"},
      {"int64 min", std::numeric_limits<int64_t>::min(), "-9223372036854775808"},
      {"int64 max", std::numeric_limits<int64_t>::max(), "9223372036854775807"},
      {"double", 2.5, "2.5"},
      {"tenth", 0.1, "0.1"},
      {"negative double", -0.25, "-0.25"},
      {"full precision", 0.1 + 0.2, "0.30000000000000004"},
      {"whole double", 3.0, "3"},
      {"true", true, "1"},
      {"false", false, "0"},
      {"empty text", "", ""},
      {"text", "impeller kit", "impeller kit"},
      {"unicode", "ancre ⚓ 日本語 é", "ancre ⚓ 日本語 é"},
      {"quote", "it's", "it's"},
      {"embedded nul", kNul, kNul},
      {"numeric text stays text", "007", "007"},
  };
  for (const auto& c : kCases) {
    std::optional<std::string> direct;
    std::optional<std::string> stored;
    Status s = Write([&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne({"SELECT $1"}, {c.value}));
      direct = row->OptText(0);
      CELESTE_RETURN_IF_ERROR(tx.Exec({"DELETE FROM anything"}).status());
      CELESTE_RETURN_IF_ERROR(
          tx.Exec({"INSERT INTO anything (v) VALUES ($1)"}, {c.value}).status());
      CELESTE_ASSIGN_OR_RETURN(row, tx.QueryOne({"SELECT v FROM anything"}));
      stored = row->OptText(0);
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.ToString();
    EXPECT_EQ(direct, c.want) << c.name;
    EXPECT_EQ(stored, c.want) << c.name;
  }

  // A REAL column stores 3 as 3.0 and reads back as "3" (PostgreSQL's float8 form).
  Rows rows;
  ASSERT_TRUE(
      Write([&](Tx& tx) {
        CELESTE_RETURN_IF_ERROR(
            tx.Exec({"INSERT INTO reals (v) VALUES ($1), ($2), ($3)"}, {3, 2.5, "1.25"}).status());
        CELESTE_ASSIGN_OR_RETURN(rows, tx.Query({"SELECT v, typeof(v) FROM reals"}));
        return Status::OK();
      }).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].Text(0), "3");
  EXPECT_EQ(rows[0].Int(0), 3);
  EXPECT_EQ(rows[1].Text(0), "2.5");
  EXPECT_DOUBLE_EQ(rows[1].Real(0), 2.5);
  EXPECT_EQ(rows[2].Text(0), "1.25");
  for (const Row& row : rows) EXPECT_EQ(row.Text(1), "real");
}

TEST_F(SqliteStoreTest, BoolColumnsReadBackThroughRowBool) {
  Rows rows;
  ASSERT_TRUE(Write([&](Tx& tx) {
                CELESTE_ASSIGN_OR_RETURN(rows, tx.Query({"SELECT $1, $2"}, {true, false}));
                return Status::OK();
              }).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].Bool(0));
  EXPECT_FALSE(rows[0].Bool(1));
}

TEST_F(SqliteStoreTest, ParameterCountMustMatch) {
  const struct {
    const char* name;
    Params params;
  } kCases[] = {{"too few", {"only-name"}}, {"too many", {"name", 1, 2}}};
  for (const auto& c : kCases) {
    Status s = Write([&](Tx& tx) { return tx.Exec(kInsertItem, c.params).status(); });
    EXPECT_EQ(s.code(), ErrorCode::kInternal) << c.name;
    EXPECT_TRUE(Contains(s.message(), "expects 2 parameters")) << c.name;
  }
}

TEST_F(SqliteStoreTest, PlaceholdersBindByNumber) {
  std::string out;
  ASSERT_TRUE(Read([&](Tx& tx) {
                CELESTE_ASSIGN_OR_RETURN(
                    auto row, tx.QueryOne({"SELECT $2 || '$1' || $1 || $2"}, {"a", "b"}));
                out = row->Text(0);
                return Status::OK();
              }).ok());
  EXPECT_EQ(out, "b$1ab");
}

TEST_F(SqliteStoreTest, SqlErrorsAreInternalWithTheStartOfTheSql) {
  Status s = Read([](Tx& tx) {
    return tx
        .Query({"SELECT name, qty FROM no_such_table WHERE name = $1 AND qty > 0 "
                "ORDER BY name, qty DESC"},
               {"x"})
        .status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_TRUE(Contains(s.message(), "no such table: no_such_table"));
  EXPECT_TRUE(
      Contains(s.message(), "in: SELECT name, qty FROM no_such_table WHERE name = $1 AND qty..."));

  Status two = Read([](Tx& tx) { return tx.Query({"SELECT 1; SELECT 2"}).status(); });
  EXPECT_EQ(two.code(), ErrorCode::kInternal);
  EXPECT_TRUE(Contains(two.message(), "one statement"));
}

TEST_F(SqliteStoreTest, ExecReturnsRowsChanged) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(InsertItem(name).ok());
  const struct {
    const char* name;
    Sql sql;
    int64_t want;
  } kCases[] = {
      {"update all", {"UPDATE items SET qty = qty + 1"}, 3},
      {"update none", {"UPDATE items SET qty = 0 WHERE name = 'zzz'"}, 0},
      {"ddl", {"CREATE TABLE empty_one (x)"}, 0},
      {"select", {"SELECT * FROM items"}, 0},
      {"delete one", {"DELETE FROM items WHERE name = 'a'"}, 1},
      {"insert returning", {"INSERT INTO items (name) VALUES ('d') RETURNING id"}, 1},
  };
  for (const auto& c : kCases) {
    int64_t changed = -1;
    ASSERT_TRUE(Write([&](Tx& tx) {
                  CELESTE_ASSIGN_OR_RETURN(changed, tx.Exec(c.sql));
                  return Status::OK();
                }).ok())
        << c.name;
    EXPECT_EQ(changed, c.want) << c.name;
  }
}

TEST_F(SqliteStoreTest, ExecDeferredChecksTheRowsChangedAtOnce) {
  ASSERT_TRUE(InsertItem("a").ok());
  Status s = Write([&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred({"UPDATE items SET qty = 5 WHERE name = 'a'"}, {}, 1));
    return tx.ExecDeferred({"UPDATE items SET qty = 6 WHERE name = 'zzz'"}, {}, 1);
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("expected 1 row(s) changed, not 0"), std::string::npos)
      << s.ToString();
  int64_t qty = -1;
  ASSERT_TRUE(Write([&](Tx& tx) {
                CELESTE_ASSIGN_OR_RETURN(auto row,
                                         tx.QueryOne({"SELECT qty FROM items WHERE name = 'a'"}));
                qty = row->Int(0);
                return Status::OK();
              }).ok());
  EXPECT_NE(qty, 5) << "the failed transaction was rolled back";
}

TEST_F(SqliteStoreTest, QueryOneReturnsTheFirstRowOrNothing) {
  ASSERT_TRUE(InsertItem("b", 2).ok());
  ASSERT_TRUE(InsertItem("a", 1).ok());
  EXPECT_EQ(ReadScalar({"SELECT name FROM items ORDER BY name"}), "a");
  EXPECT_EQ(ReadScalar({"SELECT name FROM items WHERE qty > $1"}, {5}), "<no row>");
  EXPECT_EQ(ReadScalar({"SELECT NULL"}), "<null>");
}

TEST_F(SqliteStoreTest, TxKeepsItsScope) {
  std::vector<std::string> scopes;
  auto record = [&](Tx& tx) {
    scopes.push_back(tx.scope());
    return Status::OK();
  };
  ASSERT_TRUE(store_->Run(TxMode::kRead, "0192f3a4-7b1c-7def-8a12-3456789abcde", record).ok());
  ASSERT_TRUE(store_->Run(TxMode::kWrite, "yacht-2", record).ok());
  ASSERT_TRUE(store_->Run(TxMode::kWrite, "", record).ok());
  EXPECT_EQ(scopes,
            (std::vector<std::string>{"0192f3a4-7b1c-7def-8a12-3456789abcde", "yacht-2", ""}));
}

TEST_F(SqliteStoreTest, TxUsedAfterRunFails) {
  Tx* kept = nullptr;
  ASSERT_TRUE(Write([&](Tx& tx) {
                kept = &tx;
                return Status::OK();
              }).ok());
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->Exec(kInsertItem, {"late", 1}).status().code(), ErrorCode::kInternal);
  EXPECT_EQ(CountItems(), 0);
}

TEST_F(SqliteStoreTest, ConnectionsUseTheDesignPragmas) {
  const struct {
    const char* name;
    TxMode mode;
    const char* pragma;
    const char* want;
  } kCases[] = {
      {"writer journal", TxMode::kWrite, "PRAGMA journal_mode", "wal"},
      {"writer sync NORMAL", TxMode::kWrite, "PRAGMA synchronous", "1"},
      {"writer foreign keys", TxMode::kWrite, "PRAGMA foreign_keys", "1"},
      {"writer temp store MEMORY", TxMode::kWrite, "PRAGMA temp_store", "2"},
      {"writer busy timeout", TxMode::kWrite, "PRAGMA busy_timeout", "5000"},
      {"writer not query only", TxMode::kWrite, "PRAGMA query_only", "0"},
      {"reader journal", TxMode::kRead, "PRAGMA journal_mode", "wal"},
      {"reader query only", TxMode::kRead, "PRAGMA query_only", "1"},
      {"reader foreign keys", TxMode::kRead, "PRAGMA foreign_keys", "1"},
      {"reader busy timeout", TxMode::kRead, "PRAGMA busy_timeout", "5000"},
  };
  for (const auto& c : kCases) {
    std::string got;
    Status s = store_->Run(c.mode, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne({c.pragma}));
      got = row ? row->Text(0) : "<none>";
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.ToString();
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST_F(SqliteStoreTest, ConcurrentWriteTransactionsAllCommit) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::atomic<bool> writers_done{false};
  std::atomic<int> reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!writers_done) {
        if (!Read([](Tx& tx) { return tx.Query(kCountItems).status(); }).ok()) ++failures;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = InsertItem("t" + std::to_string(t) + "-" + std::to_string(i));
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s.ToString();
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  writers_done = true;
  for (auto& r : readers) r.join();

  EXPECT_EQ(failures, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(CountItems(), kThreads * kPerThread);
}

TEST_F(SqliteStoreTest, ReadersSeeCommittedDataAndKeepTheirSnapshot) {
  ASSERT_TRUE(InsertItem("before").ok());
  EXPECT_EQ(CountItems(), 1);  // a committed write is visible to the next read

  std::string first;
  std::string second;
  ASSERT_TRUE(Read([&](Tx& tx) {
                CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kCountItems));
                first = row->Text(0);
                // Another thread commits while this read transaction is open...
                Status written =
                    std::async(std::launch::async, [&] { return InsertItem("during"); }).get();
                CELESTE_RETURN_IF_ERROR(written);
                // ...and this transaction still sees its snapshot.
                CELESTE_ASSIGN_OR_RETURN(row, tx.QueryOne(kCountItems));
                second = row->Text(0);
                return Status::OK();
              }).ok());
  EXPECT_EQ(first, "1");
  EXPECT_EQ(second, "1");
  EXPECT_EQ(CountItems(), 2);  // a new read transaction sees the new row
}

TEST_F(SqliteStoreTest, AuditLogRefusesUpdateAndDelete) {
  ASSERT_TRUE(store_->Migrate().ok());
  const std::string kYacht = "0192f3a4-7b1c-7def-8a12-3456789abcde";
  ASSERT_TRUE(store_
                  ->Run(TxMode::kWrite, kYacht,
                        [&](Tx& tx) {
                          return tx
                              .Exec({"INSERT INTO pms_audit_log (id, yacht_id, seq, action,"
                                     " entity_type, actor_id, actor_role, payload, signature,"
                                     " created_at, prev_hash, hash) VALUES ($1, $2, 1, 'a',"
                                     " 'e', 'u', 'crew', '{}', '{}', 't', 'p', 'h')"},
                                    {"audit-1", kYacht})
                              .status();
                        })
                  .ok());
  const struct {
    const char* name;
    Sql sql;
  } kCases[] = {
      {"update", {"UPDATE pms_audit_log SET payload = '{\"x\":1}' WHERE yacht_id = $1"}},
      {"delete", {"DELETE FROM pms_audit_log WHERE yacht_id = $1"}},
  };
  for (const auto& c : kCases) {
    Status s = store_->Run(TxMode::kWrite, kYacht,
                           [&](Tx& tx) { return tx.Exec(c.sql, {kYacht}).status(); });
    EXPECT_EQ(s.code(), ErrorCode::kInternal) << c.name;
    EXPECT_TRUE(Contains(s.message(), "pms_audit_log is append-only")) << c.name;
  }
  EXPECT_EQ(ReadScalar({"SELECT payload FROM pms_audit_log WHERE id = 'audit-1'"}), "{}");
}

TEST_F(SqliteStoreTest, RunAfterCloseFails) {
  store_->Close();
  for (TxMode mode : {TxMode::kWrite, TxMode::kRead}) {
    bool called = false;
    Status s = store_->Run(mode, "", [&](Tx&) {
      called = true;
      return Status::OK();
    });
    EXPECT_EQ(s.code(), ErrorCode::kInternal);
    EXPECT_TRUE(Contains(s.message(), "closed"));
    EXPECT_FALSE(called);
  }
  EXPECT_FALSE(store_->Migrate().ok());
  store_->Close();  // idempotent
  // Close checkpointed and removed the WAL.
  EXPECT_FALSE(std::filesystem::exists(dir_.File("celeste.db-wal")));
}

TEST_F(SqliteStoreTest, CloseWaitsForTransactionsInFlight) {
  std::promise<void> write_started;
  std::promise<void> read_started;
  auto writer = std::async(std::launch::async, [&] {
    return Write([&](Tx& tx) {
      write_started.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      return tx.Exec(kInsertItem, {"late-but-kept", 1}).status();
    });
  });
  auto reader = std::async(std::launch::async, [&] {
    return Read([&](Tx& tx) {
      read_started.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      return tx.Query(kCountItems).status();
    });
  });
  write_started.get_future().wait();
  read_started.get_future().wait();
  store_->Close();
  EXPECT_EQ(writer.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(reader.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_TRUE(writer.get().ok());
  EXPECT_TRUE(reader.get().ok());

  store_ = OpenAt(dir_.File("celeste.db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(SqliteStoreTest, NestedWriteRunFailsInsteadOfDeadlocking) {
  Status inner;
  ASSERT_TRUE(Write([&](Tx& tx) {
                inner = InsertItem("nested");
                return tx.Exec(kInsertItem, {"outer", 1}).status();
              }).ok());
  EXPECT_EQ(inner.code(), ErrorCode::kInternal);
  EXPECT_TRUE(Contains(inner.message(), "nested write"));
  EXPECT_EQ(ReadScalar({"SELECT group_concat(name) FROM items"}), "outer");
}

TEST_F(SqliteStoreTest, WriterBusyPastTheTimeoutIsInternal) {
  // A second store on the same file plays another process holding the write lock.
  StoreOptions impatient;
  impatient.busy_timeout_ms = 50;
  auto other = OpenAt(dir_.File("celeste.db"), impatient);
  ASSERT_NE(other, nullptr);

  std::promise<void> locked;
  std::promise<void> release;
  auto holder = std::async(std::launch::async, [&] {
    return Write([&](Tx& tx) {
      CELESTE_RETURN_IF_ERROR(tx.Exec(kInsertItem, {"holder", 1}).status());
      locked.set_value();
      release.get_future().wait();
      return Status::OK();
    });
  });
  locked.get_future().wait();
  Status s = other->Run(TxMode::kWrite, "", [](Tx& tx) {
    return tx.Exec(kInsertItem, {"blocked", 1}).status();
  });
  release.set_value();
  ASSERT_TRUE(holder.get().ok());
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_TRUE(Contains(s.message(), "database is busy"));
  // Readers of the other store are not blocked by a writer.
  EXPECT_TRUE(
      other->Run(TxMode::kRead, "", [](Tx& tx) { return tx.Query(kCountItems).status(); }).ok());
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(SqliteStoreTest, WalStaysBoundedUnderContinuousWrites) {
  // ~8 WAL pages per transaction: far past kRestartFrames without a checkpoint.
  const std::string payload(30'000, 'x');
  constexpr int kTransactions = 1'500;
  for (int i = 0; i < kTransactions; ++i) {
    ASSERT_TRUE(Write([&](Tx& tx) {
                  return tx
                      .Exec({"INSERT INTO items (name, qty) VALUES ($1 || $2, 1)"},
                            {std::to_string(i), payload})
                      .status();
                }).ok());
  }
  EXPECT_EQ(CountItems(), kTransactions);
  constexpr uintmax_t kFrameBytes = 4096 + 24;
  const uintmax_t wal = std::filesystem::file_size(dir_.File("celeste.db-wal"));
  EXPECT_LT(wal, 2 * SqliteStore::kRestartFrames * kFrameBytes);
  EXPECT_GT(std::filesystem::file_size(dir_.File("celeste.db")), 40'000'000u);  // checkpointed
}

TEST(SqliteConnectionTest, CachesOneStatementPerSqlText) {
  SetLogLevel(LogLevel::kWarn);
  celeste::testing::TempDir dir;
  auto conn = SqliteConnection::Open(dir.File("c.db"), SqliteConnection::Role::kWriter, 1000);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  SqliteConnection& c = **conn;
  ASSERT_TRUE(c.ExecScript("CREATE TABLE t (x)").ok());
  const size_t before = c.cached_statements();
  const std::string dynamic = "INSERT INTO t (x) VALUES ($1)";  // same text, other pointer
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Exec({"INSERT INTO t (x) VALUES ($1)"}, {i}).ok());
    ASSERT_TRUE(c.Exec({dynamic.c_str()}, {i}).ok());
  }
  EXPECT_EQ(c.cached_statements(), before + 1);
  auto rows = c.Query({"SELECT COUNT(*) FROM t"}, {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 6);
}

}  // namespace
}  // namespace celeste

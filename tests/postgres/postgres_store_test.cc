// PostgresStore against a real server (the CTest fixture's throwaway cluster; each test
// gets a fresh database): roles, row-level security through SET LOCAL, times, errors,
// the bounded pool, and recovery from dropped connections.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "support/postgres_test_database.h"

namespace celeste {
namespace {

using testing::PostgresTestDatabase;

constexpr Sql kInsertYacht{
    "INSERT INTO yachts (id, name, code, created_at) VALUES ($1, $2, $3, $4)"};
constexpr Sql kYachtCreatedAt{"SELECT created_at FROM yachts WHERE id = $1"};
constexpr Sql kCountYachts{"SELECT count(*) FROM yachts"};
constexpr Sql kInsertHead{
    "INSERT INTO pms_audit_chain_heads (yacht_id, seq, hash) VALUES ($1, 1, 'h')"};
constexpr Sql kCountHeads{"SELECT count(*) FROM pms_audit_chain_heads"};
constexpr Sql kBackendPid{"SELECT pg_backend_pid()"};

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kError);
    auto owner = OpenStore(db_.owner_url());
    ASSERT_TRUE(owner.ok()) << owner.status().ToString();
    ASSERT_EQ((*owner)->backend(), "postgres");
    Status migrated = (*owner)->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  }

  // A store connected as the application role (what `celeste serve` uses).
  std::unique_ptr<Store> AppStore(int pool_size = 4, int timeout_ms = 5000) {
    StoreOptions options;
    options.pool_size = pool_size;
    options.busy_timeout_ms = timeout_ms;
    auto store = OpenStore(db_.app_url(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static Status InsertYacht(Store& store, const std::string& id, const std::string& code,
                            Micros at = 1'795'000'000'123'450) {
    return store.Run(TxMode::kWrite, "", [&](Tx& tx) {
      return tx.Exec(kInsertYacht, {id, "M/Y " + code, code, FormatRfc3339(at)}).status();
    });
  }

  static int64_t Count(Store& store, std::string_view scope, const Sql& sql) {
    int64_t n = -1;
    Status s = store.Run(TxMode::kRead, scope, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql));
      n = row->Int(0);
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  // Ends every session of the application role on this database, as a server restart or
  // a network cut would.
  void DropAppConnections() {
    auto r = db_.AdminSql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE usename = 'celeste_app' AND datname = current_database()");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  PostgresTestDatabase db_;
};

TEST_F(PostgresStoreTest, TheAppRoleServesAMigratedDatabaseWithoutDdl) {
  auto app = AppStore();
  ASSERT_NE(app, nullptr);
  Status s = app->Migrate();  // nothing pending: reads schema_migrations only
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PostgresStoreTest, TheAppRoleCannotMigrateAndIsToldWhoCan) {
  PostgresTestDatabase fresh;
  auto app = OpenStore(fresh.app_url());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  Status s = (*app)->Migrate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("owner role"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find(fresh.app_password()), std::string::npos);
}

TEST_F(PostgresStoreTest, TimesReadBackAsTheRfc3339TextThatWasWritten) {
  auto app = AppStore();
  const std::string id = NewUuidV7();
  for (Micros at : {Micros{1'795'000'000'000'000}, Micros{1'795'000'000'123'450},
                    Micros{1'795'000'000'000'001}}) {
    const std::string yacht = NewUuidV7();
    ASSERT_TRUE(InsertYacht(*app, yacht, yacht.substr(24), at).ok());
    std::string read;
    ASSERT_TRUE(app->Run(TxMode::kRead, "",
                         [&](Tx& tx) {
                           CELESTE_ASSIGN_OR_RETURN(auto row,
                                                    tx.QueryOne(kYachtCreatedAt, {yacht}));
                           read = row->Text(0);
                           return Status::OK();
                         })
                    .ok());
    EXPECT_EQ(read, FormatRfc3339(at));
  }
}

TEST_F(PostgresStoreTest, UniqueViolationIsDuplicateAndRollsBackOnlyThatTransaction) {
  auto app = AppStore();
  ASSERT_TRUE(InsertYacht(*app, NewUuidV7(), "SAME").ok());
  Status s = InsertYacht(*app, NewUuidV7(), "SAME");
  EXPECT_EQ(s.code(), ErrorCode::kDuplicate) << s.ToString();
  // PostgreSQL's DETAIL would say "Key (code)=(SAME) already exists": never passed on.
  EXPECT_EQ(s.message().find("(code)="), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find("SAME"), std::string::npos) << s.ToString();
  EXPECT_EQ(Count(*app, "", kCountYachts), 1);
}

TEST_F(PostgresStoreTest, AnErrorStatusOrAnExceptionRollsEverythingBack) {
  auto app = AppStore(1);
  Status s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(
        tx.Exec(kInsertYacht, {NewUuidV7(), "A", "A", FormatRfc3339(0)}).status());
    return Status::InvalidRequest("changed my mind");
  });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THROW(app->Run(TxMode::kWrite, "",
                        [&](Tx& tx) -> Status {
                          (void)tx.Exec(kInsertYacht, {NewUuidV7(), "B", "B", FormatRfc3339(0)});
                          throw std::runtime_error("boom");
                        }),
               std::runtime_error);
  EXPECT_EQ(Count(*app, "", kCountYachts), 0);
  // The one connection is clean for the next transaction.
  EXPECT_TRUE(InsertYacht(*app, NewUuidV7(), "C").ok());
}

TEST_F(PostgresStoreTest, DeferredWritesAreSeenByLaterStatementsAndCommitted) {
  auto app = AppStore(1);
  const std::string a = NewUuidV7(), b = NewUuidV7();
  int64_t seen = -1;
  Status s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertYacht, {a, "A", "A", FormatRfc3339(0)}, 1));
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertYacht, {b, "B", "B", FormatRfc3339(0)}, 1));
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kCountYachts));
    seen = row->Int(0);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 2);
  // Only deferred writes: they travel with the COMMIT.
  s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    return tx.ExecDeferred(kInsertYacht, {NewUuidV7(), "C", "C", FormatRfc3339(0)}, 1);
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(*app, "", kCountYachts), 3);
}

TEST_F(PostgresStoreTest, AFailingDeferredWriteFailsTheCommitAndUndoesEverything) {
  auto app = AppStore(1);
  ASSERT_TRUE(InsertYacht(*app, NewUuidV7(), "TAKEN").ok());
  // A duplicate, found when the COMMIT carries it.
  Status s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(
        tx.ExecDeferred(kInsertYacht, {NewUuidV7(), "X", "FREE", FormatRfc3339(0)}, 1));
    return tx.ExecDeferred(kInsertYacht, {NewUuidV7(), "Y", "TAKEN", FormatRfc3339(0)}, 1);
  });
  EXPECT_EQ(s.code(), ErrorCode::kDuplicate) << s.ToString();
  // A write that changes another number of rows than promised.
  constexpr Sql kRename{"UPDATE yachts SET name = 'renamed' WHERE code = $1"};
  s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(
        tx.ExecDeferred(kInsertYacht, {NewUuidV7(), "Z", "FREE", FormatRfc3339(0)}, 1));
    return tx.ExecDeferred(kRename, {"NOBODY"}, 1);
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("expected 1 row(s) changed, not 0"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(Count(*app, "", kCountYachts), 1) << "neither transaction left a row";
  EXPECT_TRUE(InsertYacht(*app, NewUuidV7(), "AFTER").ok()) << "the connection is clean";
}

TEST_F(PostgresStoreTest, ReadTransactionsCannotWrite) {
  auto app = AppStore();
  Status s = app->Run(TxMode::kRead, "", [&](Tx& tx) {
    return tx.Exec(kInsertYacht, {NewUuidV7(), "R", "R", FormatRfc3339(0)}).status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("read transaction cannot write"), std::string::npos) << s.ToString();
}

TEST_F(PostgresStoreTest, EachTransactionSeesOnlyItsScopesRows) {
  // One connection, so every transaction below reuses the session of the one before.
  auto app = AppStore(1);
  const std::string a = NewUuidV7(), b = NewUuidV7();
  ASSERT_TRUE(
      app->Run(TxMode::kWrite, a, [&](Tx& tx) { return tx.Exec(kInsertHead, {a}).status(); }).ok());
  EXPECT_EQ(Count(*app, a, kCountHeads), 1);
  EXPECT_EQ(Count(*app, b, kCountHeads), 0);
  EXPECT_EQ(Count(*app, "", kCountHeads), 0) << "SET LOCAL ended with its transaction";
  EXPECT_EQ(Count(*app, kFleetId, kCountHeads), 0);
  // Scoped to B, a row for A is refused by the policy.
  Status s =
      app->Run(TxMode::kWrite, b, [&](Tx& tx) { return tx.Exec(kInsertHead, {a}).status(); });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("row-level security"), std::string::npos) << s.ToString();
  EXPECT_EQ(Count(*app, a, kCountHeads), 1);
}

TEST_F(PostgresStoreTest, ScopeMustBeAUuid) {
  auto app = AppStore(1);
  for (const char* scope : {"x'; SET ROLE postgres; --", "not-a-uuid", "00000000"}) {
    bool ran = false;
    Status s = app->Run(TxMode::kRead, scope, [&](Tx&) {
      ran = true;
      return Status::OK();
    });
    EXPECT_EQ(s.code(), ErrorCode::kInternal) << scope;
    EXPECT_FALSE(ran) << scope;
  }
  EXPECT_EQ(Count(*app, "", kCountYachts), 0);
}

TEST_F(PostgresStoreTest, ConnectionsDroppedWhileIdleAreReconnectedWithoutFailingAnyone) {
  constexpr int kPool = 3;
  auto app = AppStore(kPool);
  ASSERT_TRUE(InsertYacht(*app, NewUuidV7(), "IDLE").ok());
  DropAppConnections();
  // Every pooled connection is used at once (each caller holds its own until all three
  // have begun), and every one was dropped: each must reconnect and succeed.
  std::atomic<int> begun{0};
  std::vector<std::future<Status>> calls;
  for (int i = 0; i < kPool; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return app->Run(TxMode::kRead, "", [&](Tx& tx) {
        ++begun;
        while (begun.load() < kPool) std::this_thread::yield();
        return tx.Query(kCountYachts).status();
      });
    }));
  }
  for (auto& call : calls) {
    Status s = call.get();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(Count(*app, "", kCountYachts), 1);
}

TEST_F(PostgresStoreTest, AWriteWhoseConnectionDroppedWhileIdleIsSentOnceOnANewSession) {
  auto app = AppStore(1);
  int64_t pid_before = 0, pid_after = 0;
  auto pid = [&](int64_t& out) {
    return app->Run(TxMode::kRead, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kBackendPid));
      out = row->Int(0);
      return Status::OK();
    });
  };
  ASSERT_TRUE(pid(pid_before).ok());
  DropAppConnections();
  // The first trip carries BEGIN, the deferred insert and the count: it meets the dropped
  // session, and is resent whole on a new one.
  int64_t seen = -1;
  Status s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(
        tx.ExecDeferred(kInsertYacht, {NewUuidV7(), "ONCE", "ONCE", FormatRfc3339(0)}, 1));
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kCountYachts));
    seen = row->Int(0);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Count(*app, "", kCountYachts), 1) << "written exactly once";
  ASSERT_TRUE(pid(pid_after).ok());
  EXPECT_NE(pid_after, pid_before) << "a new session";
}

TEST_F(PostgresStoreTest, AFailedTransactionLeavesNothingForTheNextOnTheSameConnection) {
  auto app = AppStore(1);
  const std::string a = NewUuidV7();
  Status s = app->Run(TxMode::kWrite, a, [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertHead, {a}, 1));
    return tx.Query({"SELECT 1 / 0"}).status();  // fails in the same trip as the insert
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal) << s.ToString();
  EXPECT_EQ(Count(*app, a, kCountHeads), 0) << "rolled back";
  EXPECT_EQ(Count(*app, "", kCountHeads), 0) << "no scope carried over";
  EXPECT_TRUE(
      app->Run(TxMode::kWrite, a, [&](Tx& tx) { return tx.ExecDeferred(kInsertHead, {a}, 1); })
          .ok());
  EXPECT_EQ(Count(*app, a, kCountHeads), 1);
}

TEST_F(PostgresStoreTest, AConnectionLostMidTransactionFailsThatTransactionOnly) {
  auto app = AppStore(1);
  Status s = app->Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_RETURN_IF_ERROR(
        tx.Exec(kInsertYacht, {NewUuidV7(), "LOST", "LOST", FormatRfc3339(0)}).status());
    DropAppConnections();
    return tx.Query(kBackendPid).status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("connection lost"), std::string::npos) << s.ToString();
  // Nothing of it was committed, and the next transaction gets a new session.
  EXPECT_EQ(Count(*app, "", kCountYachts), 0);
  EXPECT_TRUE(InsertYacht(*app, NewUuidV7(), "NEXT").ok());
}

TEST_F(PostgresStoreTest, ThePoolIsBoundedAndWaitingForItIsTooLong) {
  auto app = AppStore(/*pool_size=*/1, /*timeout_ms=*/200);
  std::promise<void> holding, release;
  auto holder = std::async(std::launch::async, [&] {
    return app->Run(TxMode::kRead, "", [&](Tx&) {
      holding.set_value();
      release.get_future().wait();
      return Status::OK();
    });
  });
  holding.get_future().wait();
  Status s = app->Run(TxMode::kRead, "", [](Tx&) { return Status::OK(); });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("no database connection became free"), std::string::npos)
      << s.ToString();
  release.set_value();
  EXPECT_TRUE(holder.get().ok());
  EXPECT_TRUE(app->Run(TxMode::kRead, "", [](Tx&) { return Status::OK(); }).ok());
}

TEST_F(PostgresStoreTest, ParallelAppendsOnSeveralConnectionsKeepOneUnbrokenChain) {
  constexpr int kWriters = 8, kEach = 25;
  auto app = AppStore(kWriters);
  const std::string yacht = NewUuidV7();
  std::vector<std::future<Status>> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.push_back(std::async(std::launch::async, [&, w] {
      for (int i = 0; i < kEach; ++i) {
        AuditEntry entry{.action = "test_append",
                         .entity_type = "test",
                         .entity_id = NewUuidV7(),
                         .actor_id = "writer-" + std::to_string(w),
                         .actor_role = "crew",
                         .payload = R"({"i":)" + std::to_string(i) + "}",
                         .signature = "{}",
                         .request_id = NewUuidV7(),
                         .created_at = FormatRfc3339(SystemClock::Instance().Now())};
        Status s = app->Run(TxMode::kWrite, yacht,
                            [&](Tx& tx) { return AppendAudit(tx, yacht, entry).status(); });
        if (!s.ok()) return s;
      }
      return Status::OK();
    }));
  }
  for (auto& writer : writers) {
    Status s = writer.get();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  auto reports = VerifyAuditChains(*app, yacht);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_TRUE(reports->front().ok) << reports->front().problem;
  EXPECT_EQ(reports->front().rows, kWriters * kEach);
}

}  // namespace
}  // namespace celeste

#include "store/migrator.h"

#include <algorithm>
#include <unordered_set>

#include "core/log.h"

namespace celeste {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  applied_at TEXT NOT NULL\n"
    ")";
constexpr Sql kSelectApplied{"SELECT name FROM schema_migrations"};
constexpr Sql kSelectOne{"SELECT 1 FROM schema_migrations WHERE name = $1"};
constexpr Sql kInsert{"INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)"};
// Serialises migrating processes. SQLite needs nothing: BEGIN IMMEDIATE holds the write
// lock. PostgreSQL: a lock that conflicts with itself, held to the end of the transaction.
constexpr Sql kLockMigrations{"SELECT 1",
                              "LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE"};

Status CreateTable(Store& store) {
  auto create = [](Tx& tx) { return tx.ExecScript(kCreateTable); };
  Status s = store.Run(TxMode::kWrite, "", create);
  // Two processes creating the table at once: PostgreSQL may fail the loser even with
  // IF NOT EXISTS. The second attempt finds the table.
  if (!s.ok()) s = store.Run(TxMode::kWrite, "", create);
  return s;
}

Result<std::unordered_set<std::string>> ReadApplied(Store& store) {
  std::unordered_set<std::string> applied;
  Status s = store.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectApplied));
    for (const Row& row : rows) applied.insert(row.Text(0));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return applied;
}

// Applies one migration unless it is recorded by the time the write lock is held.
// Sets `applied` when this call applied it.
Status ApplyOne(Store& store, const Migration& migration, const Clock& clock, bool& applied) {
  applied = false;
  return store.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(Rows locked, tx.Query(kLockMigrations));
    (void)locked;
    CELESTE_ASSIGN_OR_RETURN(auto recorded, tx.QueryOne(kSelectOne, {migration.name}));
    if (recorded) return Status::OK();  // another process was first
    CELESTE_RETURN_IF_ERROR(tx.ExecScript(migration.sql));
    CELESTE_ASSIGN_OR_RETURN(int64_t inserted,
                             tx.Exec(kInsert, {migration.name, FormatRfc3339(clock.Now())}));
    if (inserted != 1) return Status::Internal("schema_migrations insert changed no row");
    applied = true;
    return Status::OK();
  });
}

}  // namespace

Result<std::vector<std::string>> ApplyMigrations(Store& store,
                                                 const std::vector<Migration>& migrations,
                                                 const Clock& clock) {
  // Read first: a migrated database needs no DDL, so a role that may not create tables
  // (PostgreSQL's application role) can start the server on it.
  auto read = ReadApplied(store);
  if (!read.ok()) {
    if (Status s = CreateTable(store); !s.ok()) {
      return Status::Internal("cannot create schema_migrations: " + s.message());
    }
    read = ReadApplied(store);
  }
  CELESTE_ASSIGN_OR_RETURN(auto recorded, std::move(read));

  std::vector<std::string> applied_now;
  for (const Migration& migration : migrations) {
    if (recorded.contains(migration.name)) continue;
    bool applied = false;
    Status s = ApplyOne(store, migration, clock, applied);
    if (!s.ok()) {
      // Lost a race with another process that applied it meanwhile? Then all is well.
      auto now = ReadApplied(store);
      if (now.ok() && now->contains(migration.name)) continue;
      return Status::Error(s.code(), "migration " + migration.name + ": " + s.message());
    }
    if (applied) {
      applied_now.push_back(migration.name);
      Log(LogLevel::kInfo, "migration applied",
          {{"backend", store.backend()}, {"migration", migration.name}});
    }
  }

  // A database migrated by a newer binary: keep running, but say so.
  for (const std::string& name : recorded) {
    const bool known = std::any_of(migrations.begin(), migrations.end(),
                                   [&](const Migration& m) { return m.name == name; });
    if (!known) {
      Log(LogLevel::kWarn, "database has a migration this binary does not know",
          {{"backend", store.backend()}, {"migration", name}});
    }
  }
  return applied_now;
}

}  // namespace celeste

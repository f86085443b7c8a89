// The migration runner both backends use (Store::Migrate calls it with their own set).
//
// schema_migrations(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) records what has been
// applied; it is created when missing. Each pending migration runs in its own write
// transaction together with the INSERT that records it, so a migration is applied entirely
// or not at all, and a failed one stops the run (later ones are not attempted).
//
// Several processes may migrate the same database at once: each write transaction
// re-checks schema_migrations before applying (on SQLite the write lock serialises them),
// and a migration that fails because another process applied it at the same moment (the
// PostgreSQL race) is recognised by a re-read and counted as done.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/migrations.h"
#include "store/store.h"

namespace celeste {

// Applies every migration of `migrations` (in the given order, sorted by name) that
// schema_migrations does not record, stamping applied_at from `clock`. Returns the names
// this call applied (empty when the database was up to date) and logs each one. On error,
// returns the first failure, prefixed with the migration's name. Thread-safe as Store::Run.
Result<std::vector<std::string>> ApplyMigrations(Store& store,
                                                 const std::vector<Migration>& migrations,
                                                 const Clock& clock = SystemClock::Instance());

}  // namespace celeste

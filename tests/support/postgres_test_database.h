// PostgresTestDatabase: a fresh database in the throwaway test cluster, dropped again when
// the object goes. Shared by the integration harness and the PostgreSQL store tests.
//
// The cluster (scripts/pg-up) is named by CELESTE_TEST_POSTGRES_ADMIN_URL (the superuser,
// which creates and drops databases), CELESTE_TEST_POSTGRES_URL (celeste_owner: migrations)
// and CELESTE_TEST_POSTGRES_APP_URL (celeste_app: what the server connects as). Each comes
// from the environment, else from the file the CTest fixture postgres_cluster writes
// (tests/postgres/cluster-up.sh; CELESTE_TEST_POSTGRES_ENV_FILE at compile time). By hand:
// `eval "$(scripts/pg-up)"` first.
#pragma once

#include <string>

namespace celeste::testing {

// What a statement run through libpq printed: rows as "a|b" lines, errors in err.
struct SqlResult {
  int exit_code = -1;  // 0 when every statement succeeded
  std::string out;
  std::string err;
};

// Runs ;-separated statements on `url` (simple query protocol, no parameters).
SqlResult RunPostgresSql(const std::string& url, const std::string& sql);

class PostgresTestDatabase {
 public:
  // Creates database celeste_it_<random hex> owned by celeste_owner, prepared as
  // docs/postgres.md prepares production (schema owned by the owner, CONNECT for the app
  // role only). Throws std::runtime_error saying what failed.
  PostgresTestDatabase();
  // Drops the database (WITH (FORCE)) unless CELESTE_KEEP_TEST_DIRS is set.
  ~PostgresTestDatabase();
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // celeste_owner on this database: runs migrations.
  const std::string& owner_url() const { return owner_url_; }
  // celeste_app on this database: held to row-level security.
  const std::string& app_url() const { return app_url_; }
  // The superuser on this database: bypasses row-level security (inspection, tampering).
  const std::string& admin_url() const { return admin_url_; }
  // celeste_app's password (tests check that errors never show it).
  std::string app_password() const;

  // RunPostgresSql as the superuser on this database.
  SqlResult AdminSql(const std::string& sql) const { return RunPostgresSql(admin_url_, sql); }

 private:
  std::string name_;
  std::string owner_url_;
  std::string app_url_;
  std::string admin_url_;
};

}  // namespace celeste::testing

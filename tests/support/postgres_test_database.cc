#include "support/postgres_test_database.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include "core/hash.h"

#ifndef CELESTE_TEST_POSTGRES_ENV_FILE
#define CELESTE_TEST_POSTGRES_ENV_FILE ""
#endif

namespace celeste::testing {
namespace {

// The roles scripts/pg-up creates.
constexpr const char* kOwnerRole = "celeste_owner";
constexpr const char* kAppRole = "celeste_app";

struct Cluster {
  std::string admin_url;  // superuser, database postgres
  std::string owner_url;  // celeste_owner, database celeste
  std::string app_url;    // celeste_app, database celeste
};

// KEY=VALUE lines of `path` (as scripts/pg-up prints them); empty when it cannot be read.
std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  if (path.empty()) return values;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

// The cluster's URLs, read once per process: the environment first, then the fixture's
// file. Throws when one is missing.
const Cluster& TheCluster() {
  static const Cluster cluster = [] {
    const std::string env_file = CELESTE_TEST_POSTGRES_ENV_FILE;
    const auto from_file = ReadEnvFile(env_file);
    auto lookup = [&](const std::string& key) {
      if (const char* env = std::getenv(key.c_str()); env && *env) return std::string(env);
      auto it = from_file.find(key);
      if (it != from_file.end() && !it->second.empty()) return it->second;
      throw std::runtime_error(
          "PostgreSQL tests need " + key + ": not in the environment nor in '" + env_file +
          "' (run through ctest, whose fixture postgres_cluster starts a cluster, or "
          "`eval \"$(scripts/pg-up)\"` first)");
    };
    return Cluster{lookup("CELESTE_TEST_POSTGRES_ADMIN_URL"), lookup("CELESTE_TEST_POSTGRES_URL"),
                   lookup("CELESTE_TEST_POSTGRES_APP_URL")};
  }();
  return cluster;
}

// `url` (postgres://... or postgresql://...) naming `database` instead of its own.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not a PostgreSQL URL");
  const size_t query = url.find('?', scheme + 3);
  const size_t path = url.find('/', scheme + 3);
  const size_t path_end = query == std::string::npos ? url.size() : query;
  if (path == std::string::npos || path > path_end) {  // no database in the URL yet
    return url.substr(0, path_end) + "/" + database + url.substr(path_end);
  }
  return url.substr(0, path) + "/" + database + url.substr(path_end);
}

// The password in a postgres://user:password@host/... URL ("" when none).
std::string PasswordOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) return "";
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// libpq's message without its trailing newline.
std::string PgError(const PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

// Connects to `url`; throws with libpq's message when it cannot.
Connection Connect(const std::string& url) {
  Connection conn(PQconnectdb(url.c_str()), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to PostgreSQL: " +
                             (conn ? PgError(conn.get()) : std::string("out of memory")));
  }
  return conn;
}

// Runs statements without result rows; throws on an error.
void Exec(PGconn* conn, const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("PostgreSQL refused `" + sql + "`: " + PgError(conn));
  }
}

// `name` quoted as an SQL identifier.
std::string Quote(PGconn* conn, const std::string& name) {
  char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
  if (!quoted) throw std::runtime_error("cannot quote " + name + ": " + PgError(conn));
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

}  // namespace

SqlResult RunPostgresSql(const std::string& url, const std::string& sql) {
  SqlResult out;
  Connection conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK || !PQsendQuery(conn.get(), sql.c_str())) {
    out.exit_code = 1;
    out.err = PgError(conn.get()) + "\n";
    return out;
  }
  out.exit_code = 0;
  while (PGresult* raw = PQgetResult(conn.get())) {
    PgResult r(raw, &PQclear);
    switch (PQresultStatus(r.get())) {
      case PGRES_TUPLES_OK:
        for (int row = 0; row < PQntuples(r.get()); ++row) {
          for (int col = 0; col < PQnfields(r.get()); ++col) {
            if (col > 0) out.out += '|';
            if (!PQgetisnull(r.get(), row, col)) out.out += PQgetvalue(r.get(), row, col);
          }
          out.out += '\n';
        }
        break;
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
        break;
      default:
        out.exit_code = 1;
        out.err += PQresultErrorMessage(r.get());
        break;
    }
  }
  return out;
}

PostgresTestDatabase::PostgresTestDatabase() {
  const Cluster& cluster = TheCluster();
  name_ = "celeste_it_" + RandomHex(8);
  {
    Connection admin = Connect(cluster.admin_url);
    Exec(admin.get(), "CREATE DATABASE " + Quote(admin.get(), name_) + " OWNER " +
                          Quote(admin.get(), kOwnerRole));
  }
  admin_url_ = WithDatabase(cluster.admin_url, name_);
  Connection admin = Connect(admin_url_);
  const std::string db = Quote(admin.get(), name_);
  Exec(admin.get(), "ALTER SCHEMA public OWNER TO " + Quote(admin.get(), kOwnerRole) +
                        "; REVOKE ALL ON DATABASE " + db +
                        " FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE " + db + " TO " +
                        Quote(admin.get(), kAppRole));
  owner_url_ = WithDatabase(cluster.owner_url, name_);
  app_url_ = WithDatabase(cluster.app_url, name_);
}

PostgresTestDatabase::~PostgresTestDatabase() {
  if (std::getenv("CELESTE_KEEP_TEST_DIRS")) {
    std::cerr << "CELESTE_KEEP_TEST_DIRS: kept PostgreSQL database " << name_ << "\n";
    return;
  }
  try {
    Connection admin = Connect(TheCluster().admin_url);
    Exec(admin.get(), "DROP DATABASE IF EXISTS " + Quote(admin.get(), name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    // The cluster is throwaway: a database left behind goes with it.
    std::cerr << "warning: could not drop test database " << name_ << ": " << e.what() << "\n";
  }
}

std::string PostgresTestDatabase::app_password() const { return PasswordOf(app_url_); }

}  // namespace celeste::testing

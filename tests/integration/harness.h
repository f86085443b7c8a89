// The integration harness: starts the real `celeste serve` binary on a free port with a
// fresh database holding the demo fleet, and speaks HTTP to it as any client would.
//
// The backend comes from CELESTE_TEST_DB:
//   "sqlite" (the default): a new database file in the server's temporary directory.
//   "postgres": a new database (celeste_it_<random hex>, owned by celeste_owner) in a
//     throwaway cluster from scripts/pg-up, dropped again when the server goes. The cluster
//     is named by CELESTE_TEST_POSTGRES_ADMIN_URL (the superuser, which creates and drops
//     the databases), CELESTE_TEST_POSTGRES_URL (celeste_owner: migrations and the demo
//     fleet) and CELESTE_TEST_POSTGRES_APP_URL (celeste_app: the server). Each comes from
//     the environment, else from the file CTest's fixture postgres_cluster writes
//     (tests/postgres/cluster-up.sh; CELESTE_TEST_POSTGRES_ENV_FILE at compile time). By
//     hand: `set -a; eval "$(scripts/pg-up)"; set +a` (exported), then
//     `CELESTE_TEST_DB=postgres tests/celeste_integration_tests`, then scripts/pg-down.
// CELESTE_KEEP_TEST_DIRS (any value) keeps each server's directory and database.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "ops/http_client.h"
#include "support/postgres_test_database.h"

namespace celeste::testing {

inline constexpr const char* kTestJwtSecret = "integration-test-secret-0123456789abcdef0123";
inline constexpr const char* kDemoPassword = "celeste-demo";
inline constexpr const char* kDemoPin = "1234";

struct DemoUser {
  std::string email;
  std::string user_id;
  std::string role;
};

struct DemoYacht {
  std::string id;
  std::string name;
  std::map<std::string, DemoUser> users;  // by role
};

// Runs `celeste ARGS...` to completion; returns exit code and stdout.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunCelesteCli(const std::vector<std::string>& args,
                        const std::vector<std::string>& extra_env = {});

// How `celeste serve` is started; the defaults suit every test but the load tests.
struct TestServerOptions {
  unsigned threads = 2;                   // --threads: I/O threads, i.e. requests handled at once
  int pool = 0;                           // --pool: database connections; 0 = the backend's default
  std::vector<std::string> extra_args{};  // more `celeste serve` options
  std::vector<std::string> extra_env{};   // more NAME=VALUE variables for the server
};

class TestServer {
 public:
  // Creates a fresh database (demo fleet loaded, as the owner role on PostgreSQL) and
  // starts the server (as the application role). Throws std::runtime_error saying what
  // failed; nothing is left behind then.
  explicit TestServer(const TestServerOptions& options = {});
  // Stops the server (SIGTERM), then removes the temp dir and drops the PostgreSQL
  // database — both kept when CELESTE_KEEP_TEST_DIRS is set.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // "sqlite" or "postgres" (CELESTE_TEST_DB).
  const std::string& backend() const { return backend_; }
  uint16_t port() const { return port_; }
  // The URL the server uses: the SQLite file, or on PostgreSQL the application role
  // (celeste_app, held to row-level security) on this server's database.
  const std::string& db_url() const { return db_url_; }
  // The URL that migrates: the owner role (celeste_owner) on PostgreSQL; db_url() on SQLite.
  const std::string& owner_db_url() const { return owner_db_url_; }
  // The superuser on this server's database (PostgreSQL only; "" on SQLite). It bypasses
  // row-level security: tests inspect and tamper with rows through it (RunSql).
  const std::string& admin_db_url() const {
    static const std::string kNone;
    return postgres_ ? postgres_->admin_url() : kNone;
  }
  const std::string& dir() const { return dir_; }
  // Yacht A = "M/Y Celeste", yacht B = "M/Y Aurora".
  const DemoYacht& yacht_a() const { return yachts_[0]; }
  const DemoYacht& yacht_b() const { return yachts_[1]; }

  // A new client connected to this server.
  HttpClient Client() const;
  // A bearer token for a demo user (minted with the server's secret).
  std::string TokenFor(const DemoUser& user, int64_t ttl_seconds = 3600) const;
  // Runs a CLI command against this server's database, as the server connects (db_url()).
  RunResult Cli(std::vector<std::string> args) const;

  // Stops and starts the server process again on the same database and port.
  void Restart();
  // Restart() with other options (e.g. without the fault injection it started with).
  void RestartWith(const TestServerOptions& options);
  // The server's 5xx counter from /metrics.
  int64_t ServerErrors() const;

  // The server process id (-1 when it is not running).
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits up to `timeout` for the process to exit. Returns its exit code,
  // or -1 when a signal ended it or it did not exit in time (it is then SIGKILLed). Either
  // way the server is stopped afterwards; Restart() starts it again.
  int TerminateAndWait(std::chrono::milliseconds timeout);

 private:
  void Start();
  void Stop();
  // Creates this server's PostgreSQL database and sets the three URLs.
  void CreatePostgresDatabase();
  // Runs `celeste demo` as the owner and records the demo yachts and users.
  void LoadDemoFleet();
  // Stops the server, drops the PostgreSQL database and removes dir_ (unless kept).
  void CleanUp() noexcept;

  TestServerOptions options_;
  std::string backend_;
  std::string dir_;
  std::string db_url_;
  std::string owner_db_url_;
  std::unique_ptr<PostgresTestDatabase> postgres_;  // null on SQLite
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::vector<DemoYacht> yachts_;
};

// A fixture with one server per test; fails the test if the server answered any 5xx.
class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Executes an action as `user` (JSON body built here) and returns the response.
  ClientResponse Execute(const DemoUser& user, const std::string& yacht_id,
                         const std::string& action, boost::json::object payload,
                         std::optional<boost::json::value> signature = std::nullopt);
  ClientResponse Get(const DemoUser& user, const std::string& target);
  ClientResponse Post(const DemoUser& user, const std::string& target,
                      const boost::json::value& body);
  // Creates a shopping list item as `user` on `yacht_id`; returns its id (asserts 201).
  std::string CreateItem(const DemoUser& user, const std::string& yacht_id,
                         boost::json::object extra = {});

  const DemoYacht& A() const { return server_->yacht_a(); }
  const DemoYacht& B() const { return server_->yacht_b(); }
  const DemoUser& UserA(const std::string& role) const { return A().users.at(role); }
  const DemoUser& UserB(const std::string& role) const { return B().users.at(role); }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<HttpClient> client_;
};

// Helpers for assertions on responses.
std::string ErrorCodeOf(const ClientResponse& r);
std::string Describe(const ClientResponse& r);

// details.<key> of an error envelope as text ("" when absent or not a string).
std::string DetailOf(const ClientResponse& r, std::string_view key);
// The `result` object of an execute answer (empty when there is none). A copy: safe to keep
// and to iterate, unlike a reference into a temporary r.Json().
boost::json::object ResultOf(const ClientResponse& r);
// A JSON string as text; "<null>" or "<not a string>" otherwise, so a failed expectation
// shows what came back.
std::string TextOf(const boost::json::value& v);
// Success when `r` is an error envelope with this HTTP status and error_code, its `status`
// member equal to the HTTP status; the failure message describes the response.
::testing::AssertionResult IsError(const ClientResponse& r, int status, std::string_view code);
// A random UUIDv4 (an id no celeste process made).
std::string RandomUuidV4();
// Polls GET /health until the server answers 200 or `timeout` passes; true when it answered.
// (Restart() can return before the new process listens: it may read the previous process's
// "listening on" line before the new one truncates the file.)
bool WaitUntilServing(const TestServer& server, std::chrono::milliseconds timeout);

}  // namespace celeste::testing

namespace celeste::testing {

// A `celeste` command left running in the background (the monitor's loop), with its output
// in files. Stopped (SIGTERM) when it goes out of scope.
class BackgroundCli {
 public:
  explicit BackgroundCli(const std::vector<std::string>& args);
  // Any program (argv[0] looked up in PATH), with this process's environment.
  struct Program {};
  BackgroundCli(Program, const std::vector<std::string>& argv);
  ~BackgroundCli();
  BackgroundCli(const BackgroundCli&) = delete;
  BackgroundCli& operator=(const BackgroundCli&) = delete;

  // Sends SIGTERM (unless it already exited) and waits; its exit code (-1: a signal ended it).
  int Stop();
  // Waits up to `timeout` for it to exit by itself; its exit code, or nullopt if still running.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);
  std::string Out() const;
  std::string Err() const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace celeste::testing

// Helpers appended for the suggestions, flags, audit, concurrency and CLI tests.
namespace celeste::testing {

// Responses the server has answered so far, by HTTP status (summed over routes), read from
// /metrics. Empty when /metrics cannot be read.
std::map<int, int64_t> ResponseCountsByStatus(const TestServer& server);

// Runs any program to completion (argv[0] is looked up in PATH); exit code, stdout, stderr.
RunResult RunProgram(const std::vector<std::string>& argv);

// The file behind a "sqlite:PATH" database URL ("" for any other backend).
std::string SqlitePath(const std::string& db_url);

// Runs SQL (one or more ;-separated statements) directly on the server's database, past
// the server, e.g. to inspect rows or to tamper with them the way an attacker with access
// to the database would. Prints like `sqlite3 -bail`: each row on a line, columns joined
// by '|', NULL as nothing; stops at the first error (exit code 1, the message in err).
//   SQLite: `sqlite3 -bail PATH SQL` (busy timeout 5 s).
//   PostgreSQL: through libpq as the superuser (admin_db_url()), so row-level security
//     does not hide rows; the statements run in one transaction (an error undoes the
//     ones before it, where sqlite3 keeps them). SQLite's
//     `DROP TRIGGER name;` (trigger names are per schema there, per table here) is
//     accepted at the start of `sql` and becomes `DROP TRIGGER name ON its_table`.
//     Values print in PostgreSQL's text form (booleans t/f, timestamptz with a zone).
RunResult RunSql(const TestServer& server, const std::string& sql);
// RunSql under the name the tests written before PostgreSQL use.
inline RunResult Sqlite3(const TestServer& server, const std::string& sql) {
  return RunSql(server, sql);
}

}  // namespace celeste::testing

// Helpers appended for the receiving tests (shared by its plain and signed suites).
namespace celeste::testing {

// The signer lock of CONTRACT §5, through `attempt` (one signed request, given the
// signature): five signatures by `signer` with a wrong PIN are each 400 invalid_signature
// on details.field pin; then the right PIN is 429 signer_locked with a Retry-After within
// 15 minutes. Returns the locked response.
ClientResponse ExpectFiveWrongPinsLockTheSigner(
    const DemoUser& signer, const std::function<ClientResponse(boost::json::value)>& attempt);

// A CONTRACT §5 signature by `signer` with `pin` (the demo PIN by default), signed now.
boost::json::object PinSignature(const DemoUser& signer, const std::string& pin = kDemoPin,
                                 const std::string& reason = "delivery checked");

}  // namespace celeste::testing

#include "integration/harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "auth/authenticator.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/uuid.h"
#include "support/postgres_test_database.h"

namespace celeste::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ChildEnv(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  // A variable in `extra` replaces this process's of the same name (getenv finds the first).
  const auto overridden = [&extra](std::string_view name) {
    for (const std::string& kv : extra) {
      if (std::string_view(kv).substr(0, kv.find('=')) == name) return true;
    }
    return false;
  };
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (overridden(kv.substr(0, kv.find('=')))) continue;
    if (kv.rfind("CELESTE_JWT_SECRET=", 0) == 0) continue;
    // A developer's fault injection or ops token must not leak into the servers and tools.
    if (kv.rfind("CELESTE_FAULT_INJECTION=", 0) == 0 || kv.rfind("CELESTE_TOKEN=", 0) == 0) {
      continue;
    }
    // Flag overrides from the developer's shell would change what the tests see.
    const std::string_view name = kv.substr(0, kv.find('='));
    if (name.size() > 8 && name.substr(name.size() - 8) == "_ENABLED") continue;
    env.emplace_back(kv);
  }
  env.push_back(std::string("CELESTE_JWT_SECRET=") + kTestJwtSecret);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Forks and runs argv[0] (searched in PATH) with stdin from /dev/null and stdout/stderr
// sent to files; `env` null keeps this process's environment. The child dies with this
// process: a server or CLI must not outlive a test that crashes or is killed (it would
// keep its port and database).
pid_t SpawnProcess(const std::vector<std::string>& argv, const std::vector<std::string>* env,
                   const std::string& out_path, const std::string& err_path, bool append_err) {
  std::vector<std::string> argv_store = argv;
  std::vector<char*> args, envp;
  for (auto& a : argv_store) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_store = env ? *env : std::vector<std::string>{};
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | (append_err ? O_APPEND : O_TRUNC), 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (env) {
      execvpe(args[0], args.data(), envp.data());
    } else {
      execvp(args[0], args.data());
    }
    _exit(127);
  }
  return pid;
}

// Starts the celeste binary; its log is appended to `err_path` across restarts.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> argv = {CELESTE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return SpawnProcess(argv, &env, out_path, err_path, /*append_err=*/true);
}

std::string TempDir() {
  std::string templ = (fs::temp_directory_path() / "celeste-it-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  return templ;
}

bool KeepTestDirs() { return std::getenv("CELESTE_KEEP_TEST_DIRS") != nullptr; }

// "sqlite" or "postgres", from CELESTE_TEST_DB (unset or empty: "sqlite").
std::string BackendFromEnv() {
  const char* env = std::getenv("CELESTE_TEST_DB");
  const std::string backend = env && *env ? env : "sqlite";
  if (backend != "sqlite" && backend != "postgres") {
    throw std::runtime_error("CELESTE_TEST_DB=" + backend + ": expected sqlite or postgres");
  }
  return backend;
}

// --- PostgreSQL ---------------------------------------------------------------------------

// Rewrites SQLite's `DROP TRIGGER [IF EXISTS] name;` statements at the start of `sql` into
// PostgreSQL's `DROP TRIGGER name ON table;`, looking the table up in pg_trigger.
std::string TranslateDropTriggers(const std::string& url, std::string sql) {
  static const std::regex kDropTrigger(
      R"(^\s*DROP\s+TRIGGER\s+(IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*;)", std::regex::icase);
  std::string translated;
  std::smatch m;
  while (std::regex_search(sql, m, kDropTrigger)) {
    const std::string name = m[2];  // an identifier (the pattern above): safe to quote
    SqlResult table =
        RunPostgresSql(url,
                       "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = '" +
                           name + "' AND NOT t.tgisinternal");
    if (table.exit_code != 0 || std::count(table.out.begin(), table.out.end(), '\n') != 1) {
      break;  // unknown or ambiguous: left for PostgreSQL to refuse
    }
    table.out.pop_back();
    translated += "DROP TRIGGER \"" + name + "\" ON \"" + table.out + "\"; ";
    sql = m.suffix();
  }
  return translated + sql;
}

}  // namespace

RunResult RunCelesteCli(const std::vector<std::string>& args,
                        const std::vector<std::string>& extra_env) {
  const std::string dir = TempDir();
  const std::string out = dir + "/out", err = dir + "/err";
  pid_t pid = Spawn(args, ChildEnv(extra_env), out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  fs::remove_all(dir);
  return r;
}

TestServer::TestServer(const TestServerOptions& options)
    : options_(options), backend_(BackendFromEnv()), dir_(TempDir()) {
  try {
    if (backend_ == "postgres") {
      CreatePostgresDatabase();
    } else {
      db_url_ = owner_db_url_ = "sqlite:" + dir_ + "/celeste.db";
    }
    LoadDemoFleet();
    Start();
  } catch (...) {
    CleanUp();
    throw;
  }
}

void TestServer::CreatePostgresDatabase() {
  postgres_ = std::make_unique<PostgresTestDatabase>();
  owner_db_url_ = postgres_->owner_url();
  db_url_ = postgres_->app_url();
  // A kept directory says where its database is.
  std::ofstream(dir_ + "/database.env") << "CELESTE_TEST_DB=postgres\n"
                                        << "DATABASE=" << postgres_->name() << "\n"
                                        << "OWNER_URL=" << owner_db_url_ << "\n"
                                        << "APP_URL=" << db_url_ << "\n"
                                        << "ADMIN_URL=" << postgres_->admin_url() << "\n";
}

void TestServer::CleanUp() noexcept {
  Stop();
  postgres_.reset();  // drops the database, unless CELESTE_KEEP_TEST_DIRS keeps it
  if (KeepTestDirs()) {
    std::cerr << "CELESTE_KEEP_TEST_DIRS: kept " << dir_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void TestServer::LoadDemoFleet() {
  // As the owner: demo migrates first, which creates tables.
  RunResult demo = RunCelesteCli({"demo", "--db", owner_db_url_, "--json"});
  if (demo.exit_code != 0) {
    throw std::runtime_error("celeste demo failed: " + demo.out + demo.err);
  }
  auto json = ParseJson(demo.out);
  if (!json || !json->is_object()) throw std::runtime_error("celeste demo printed " + demo.out);
  for (const auto& l : json->at("logins").as_array()) {
    const auto& o = l.as_object();
    std::string yacht_id(o.at("yacht_id").as_string());
    auto it = std::find_if(yachts_.begin(), yachts_.end(),
                           [&](const DemoYacht& y) { return y.id == yacht_id; });
    if (it == yachts_.end()) {
      yachts_.push_back({yacht_id, std::string(o.at("yacht_name").as_string()), {}});
      it = yachts_.end() - 1;
    }
    std::string role(o.at("role").as_string());
    it->users[role] = {std::string(o.at("email").as_string()),
                       std::string(o.at("user_id").as_string()), role};
  }
  if (yachts_.size() != 2) throw std::runtime_error("the demo fleet should have two yachts");
}

TestServer::~TestServer() { CleanUp(); }

void TestServer::Start() {
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  const std::string out = dir_ + "/server.out";
  fs::remove(out);  // a restart must not read the previous process's "listening" line
  std::vector<std::string> args = {"serve", "--db", db_url_, "--listen", listen, "--quiet"};
  args.insert(args.end(), {"--threads", std::to_string(options_.threads)});
  if (options_.pool > 0) {
    args.insert(args.end(), {"--pool", std::to_string(options_.pool)});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  pid_ = Spawn(args, ChildEnv(options_.extra_env), out, dir_ + "/server.log");
  static const std::regex kListening(R"(listening on http://[^:]+:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string text = ReadFile(out);
    if (std::regex_search(text, m, kListening)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("celeste serve exited early: " + ReadFile(dir_ + "/server.log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("celeste serve did not start within 30 s");
}

void TestServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void TestServer::Restart() {
  Stop();
  Start();
}

void TestServer::RestartWith(const TestServerOptions& options) {
  Stop();
  options_ = options;
  Start();
}

HttpClient TestServer::Client() const { return HttpClient("127.0.0.1", port_); }

std::string TestServer::TokenFor(const DemoUser& user, int64_t ttl_seconds) const {
  return MintAccessToken(JwtConfig{kTestJwtSecret}, user.user_id, user.email, ttl_seconds,
                         SystemClock::Instance().Now());
}

RunResult TestServer::Cli(std::vector<std::string> args) const {
  args.push_back("--db");
  args.push_back(db_url_);
  return RunCelesteCli(args);
}

int64_t TestServer::ServerErrors() const {
  HttpClient client = Client();
  auto r = client.Get("/metrics");
  if (!r.ok() || r->status != 200) return -1;
  static const std::regex kCounter(R"((?:^|\n)celeste_http_5xx_total (\d+))");
  std::smatch m;
  if (!std::regex_search(r->body, m, kCounter)) return -1;
  return std::stoll(m[1]);
}

void IntegrationTest::SetUp() {
  server_ = std::make_unique<TestServer>();
  client_ = std::make_unique<HttpClient>(server_->Client());
}

void IntegrationTest::TearDown() {
  if (!server_) return;  // SetUp failed and said why
  EXPECT_EQ(server_->ServerErrors(), 0)
      << "the server answered 5xx (every one is a bug); its log: " << server_->dir()
      << "/server.log";
  client_.reset();
  server_.reset();
}

ClientResponse IntegrationTest::Execute(const DemoUser& user, const std::string& yacht_id,
                                        const std::string& action, boost::json::object payload,
                                        std::optional<boost::json::value> signature) {
  boost::json::object body{
      {"action", action}, {"context", {{"yacht_id", yacht_id}}}, {"payload", std::move(payload)}};
  if (signature) body["signature"] = *signature;
  return Post(user, "/v1/actions/execute", body);
}

ClientResponse IntegrationTest::Get(const DemoUser& user, const std::string& target) {
  auto r = client_->Get(target, {{"Authorization", "Bearer " + server_->TokenFor(user)}});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ClientResponse{};
}

ClientResponse IntegrationTest::Post(const DemoUser& user, const std::string& target,
                                     const boost::json::value& body) {
  auto r =
      client_->Post(target, ToJson(body), {{"Authorization", "Bearer " + server_->TokenFor(user)}});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ClientResponse{};
}

std::string IntegrationTest::CreateItem(const DemoUser& user, const std::string& yacht_id,
                                        boost::json::object extra) {
  boost::json::object payload{
      {"part_name", "Impeller"}, {"quantity_requested", 2}, {"source_type", "manual_add"}};
  for (auto& kv : extra) payload[kv.key()] = kv.value();
  ClientResponse r = Execute(user, yacht_id, "create_shopping_list_item", payload);
  EXPECT_EQ(r.status, 201) << Describe(r);
  auto json = r.Json();
  if (!json.is_object() || !json.as_object().contains("entity_id")) return "";
  return std::string(json.at("entity_id").as_string());
}

std::string ErrorCodeOf(const ClientResponse& r) {
  auto json = r.Json();
  if (!json.is_object()) return "";
  auto code = GetString(json.as_object(), "error_code");
  return code.value_or("");
}

std::string Describe(const ClientResponse& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 600);
}

BackgroundCli::BackgroundCli(const std::vector<std::string>& args) : dir_(TempDir()) {
  pid_ = Spawn(args, ChildEnv({}), dir_ + "/out", dir_ + "/err");
}

BackgroundCli::BackgroundCli(Program, const std::vector<std::string>& argv) : dir_(TempDir()) {
  pid_ = SpawnProcess(argv, nullptr, dir_ + "/out", dir_ + "/err", /*append_err=*/false);
}

BackgroundCli::~BackgroundCli() {
  Stop();
  std::error_code ec;
  if (!KeepTestDirs()) fs::remove_all(dir_, ec);
}

int BackgroundCli::Stop() {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return exit_code_;
}

std::optional<int> BackgroundCli::WaitForExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exit_code_;
}

std::string BackgroundCli::Out() const { return ReadFile(dir_ + "/out"); }
std::string BackgroundCli::Err() const { return ReadFile(dir_ + "/err"); }

}  // namespace celeste::testing

// Helpers appended for the suggestions, flags, audit, concurrency and CLI tests.
namespace celeste::testing {

std::map<int, int64_t> ResponseCountsByStatus(const TestServer& server) {
  std::map<int, int64_t> counts;
  HttpClient client = server.Client();
  auto r = client.Get("/metrics");
  if (!r.ok() || r->status != 200) return counts;
  static const std::regex kLine(
      R"re(celeste_http_requests_total\{[^}]*status="(\d+)"[^}]*\} (\d+))re");
  for (std::sregex_iterator it(r->body.begin(), r->body.end(), kLine), end; it != end; ++it) {
    counts[std::stoi((*it)[1])] += std::stoll((*it)[2]);
  }
  return counts;
}

RunResult RunProgram(const std::vector<std::string>& argv) {
  const std::string dir = TempDir();
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  const pid_t pid = SpawnProcess(argv, nullptr, out_path, err_path, /*append_err=*/false);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  fs::remove_all(dir);
  return r;
}

std::string SqlitePath(const std::string& db_url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (db_url.rfind(kScheme, 0) != 0) return "";
  return db_url.substr(kScheme.size());
}

RunResult RunSql(const TestServer& server, const std::string& sql) {
  if (server.backend() == "postgres") {
    const std::string& url = server.admin_db_url();
    SqlResult r = RunPostgresSql(url, TranslateDropTriggers(url, sql));
    return RunResult{r.exit_code, std::move(r.out), std::move(r.err)};
  }
  return RunProgram(
      {"sqlite3", "-bail", "-cmd", ".timeout 5000", SqlitePath(server.db_url()), sql});
}

}  // namespace celeste::testing

namespace celeste::testing {

int TestServer::TerminateAndWait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid_, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done != pid_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string DetailOf(const ClientResponse& r, std::string_view key) {
  auto json = r.Json();
  if (!json.is_object()) return "";
  auto details = json.as_object().find("details");
  if (details == json.as_object().end() || !details->value().is_object()) return "";
  return GetString(details->value().as_object(), key).value_or("");
}

boost::json::object ResultOf(const ClientResponse& r) {
  const boost::json::value json = r.Json();
  if (!json.is_object() || !json.as_object().contains("result") || !json.at("result").is_object()) {
    return {};
  }
  return json.at("result").as_object();
}

std::string TextOf(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return v.is_null() ? "<null>" : "<not a string>";
}

::testing::AssertionResult IsError(const ClientResponse& r, int status, std::string_view code) {
  auto json = r.Json();
  const bool shaped = json.is_object() && json.as_object().contains("status") &&
                      json.at("status").is_int64() && json.at("status").as_int64() == r.status;
  if (r.status == status && ErrorCodeOf(r) == code && shaped) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected HTTP " << status << " " << code << ", got " << Describe(r);
}

std::string RandomUuidV4() { return NewRandomUuidV4(); }

bool WaitUntilServing(const TestServer& server, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    HttpClient client(server.Client());
    client.set_timeout(std::chrono::seconds(2));
    auto r = client.Get("/health");
    if (r.ok() && r->status == 200) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace celeste::testing

namespace celeste::testing {

boost::json::object PinSignature(const DemoUser& signer, const std::string& pin,
                                 const std::string& reason) {
  return {{"signer_id", signer.user_id},
          {"method", "pin"},
          {"pin", pin},
          {"signed_at", FormatRfc3339(SystemClock::Instance().Now())},
          {"reason", reason}};
}

ClientResponse ExpectFiveWrongPinsLockTheSigner(
    const DemoUser& signer, const std::function<ClientResponse(boost::json::value)>& attempt) {
  for (int i = 1; i <= 5; ++i) {
    ClientResponse r = attempt(boost::json::value(PinSignature(signer, "0000")));
    EXPECT_TRUE(IsError(r, 400, "invalid_signature")) << "attempt " << i << ": " << Describe(r);
    EXPECT_EQ(DetailOf(r, "field"), "pin") << "attempt " << i << ": " << Describe(r);
  }
  // Locked: even the right PIN is refused.
  ClientResponse locked = attempt(boost::json::value(PinSignature(signer)));
  EXPECT_TRUE(IsError(locked, 429, "signer_locked")) << Describe(locked);
  const auto retry_after = locked.Header("retry-after");
  EXPECT_TRUE(retry_after.has_value()) << Describe(locked);
  if (retry_after) {
    EXPECT_GT(std::stoi(*retry_after), 0);
    EXPECT_LE(std::stoi(*retry_after), 15 * 60);
  }
  return locked;
}

}  // namespace celeste::testing

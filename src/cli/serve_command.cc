#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "api/app.h"
#include "cli/commands.h"
#include "cli/demo_fleet.h"
#include "core/log.h"
#include "documents/document_storage.h"
#include "http/server.h"
#include "lenses/lenses.h"

namespace celeste {
namespace {

// Default I/O threads: 2 per core, at least 4. Handlers block while their write waits for
// the SQLite writer; with more threads than cores, writes queue up together and the store
// commits them as one batch (group commit, docs/storage.md).
unsigned DefaultIoThreads() {
  return std::max(4u, 2u * std::max(1u, std::thread::hardware_concurrency()));
}

// Where `make build` puts the web app (web/, Vite), relative to the working directory.
constexpr const char* kDefaultWebRoot = "web/dist";

struct ServeOptions {
  CommonOptions common;
  std::string listen = "127.0.0.1:8080";
  std::string jwt_secret_file;
  std::string documents_dir;  // "" = documents::DefaultDocumentsRoot(db)
  std::string web_root;       // "" = web/dist when it holds a build, else API only
  bool demo = false;
  unsigned threads = DefaultIoThreads();
  uint64_t body_limit = 1024 * 1024;
  int read_timeout_s = 30;
  int pool = 0;  // the backend's default
  bool quiet = false;
  bool allow_fault_injection = false;
};

// The faults CELESTE_FAULT_INJECTION asks for. Refused (a usage error) unless the operator
// also passed --allow-fault-injection, so a stray variable never breaks a real server.
Result<std::vector<FaultRule>> FaultsFromEnv(const ServeOptions& o, const Registry& registry) {
  const char* spec = std::getenv(kFaultInjectionEnv);
  if (!spec || !*spec) return std::vector<FaultRule>{};
  if (!o.allow_fault_injection) {
    return Status::InvalidRequest(std::string(kFaultInjectionEnv) +
                                  " is set but --allow-fault-injection is not: refusing to "
                                  "start (unset it, or pass the option on a test server)");
  }
  return ParseFaultSpec(spec, registry);
}

int Serve(const ServeOptions& o) {
  StoreOptions store_options;
  store_options.pool_size = o.pool;
  auto opened = OpenStore(o.common.db, store_options);
  if (!opened.ok()) return ReportError(opened.status(), o.common.json);
  std::unique_ptr<Store> store = std::move(*opened);
  if (Status s = store->Migrate(); !s.ok()) return ReportError(s, o.common.json);
  auto secret = ResolveJwtSecret(o.jwt_secret_file, o.common.db);
  if (!secret.ok()) return ReportError(secret.status(), o.common.json);
  auto documents = documents::DocumentStorage::Open(
      o.documents_dir.empty() ? documents::DefaultDocumentsRoot(o.common.db)
                              : std::filesystem::path(o.documents_dir));
  if (!documents.ok()) return ReportError(documents.status(), o.common.json);

  Registry registry;
  RegisterAllLenses(registry);
  auto faults = FaultsFromEnv(o, registry);
  if (!faults.ok()) return ReportError(faults.status(), o.common.json);
  if (!faults->empty()) {
    const std::string spec = std::getenv(kFaultInjectionEnv);
    Log(LogLevel::kWarn, "FAULT INJECTION IS ON: actions of these lenses answer injected errors",
        {{"rules", spec}});
    std::cerr << "celeste: WARNING: fault injection is on (" << kFaultInjectionEnv << "=" << spec
              << "); never run this on a real yacht\n";
  }
  std::optional<WebFiles> web;
  if (!o.web_root.empty()) {
    if (Status s = WebFiles::Check(o.web_root); !s.ok()) return ReportError(s, o.common.json);
    web.emplace(o.web_root);
  } else if (WebFiles::Check(kDefaultWebRoot).ok()) {
    web.emplace(kDefaultWebRoot);
  }
  Log(LogLevel::kInfo, web ? "serving the web app" : "no web app: the API only",
      {{"web_root", web ? web->root().string() : ""}});

  AppConfig config;
  config.web = web ? &*web : nullptr;
  config.faults = std::move(*faults);
  config.jwt.secret = *secret;
  config.documents = documents->get();
  if (const char* audience = std::getenv("CELESTE_JWT_AUDIENCE"); audience && *audience) {
    config.jwt.audience = audience;
  }
  App app(*store, registry, std::move(config), SystemClock::Instance());

  if (o.demo) {
    auto fleet = LoadDemoFleet(app, *store, SystemClock::Instance());
    if (!fleet.ok()) return ReportError(fleet.status(), o.common.json);
    std::cout << FormatDemoLogins(*fleet) << std::flush;
    app.ShowDemoAccounts(DemoAccountsJson(*fleet));
  }
  SetAccessLogEnabled(!o.quiet);

  HttpServerOptions server_options;
  server_options.listen = o.listen;
  server_options.threads = o.threads;
  server_options.body_limit = o.body_limit;
  server_options.read_timeout = std::chrono::seconds(o.read_timeout_s);
  HttpServer server(
      server_options, [&app](Request&& r) { return app.Handle(std::move(r)); },
      [&app](Request& head) { return app.OpenBody(head); });
  if (Status s = server.Start(); !s.ok()) return ReportError(s, o.common.json);
  Log(LogLevel::kInfo, "celeste is serving",
      {{"listen", o.listen},
       {"port", server.port()},
       {"db", store->backend()},
       {"documents", (*documents)->root().string()}});
  const int signal = server.RunUntilSignal([&] {
    std::cout << "celeste listening on http://" << o.listen.substr(0, o.listen.rfind(':')) << ":"
              << server.port() << std::endl;
  });
  store->Close();
  Log(LogLevel::kInfo, "celeste stopped", {{"signal", signal}});
  return kExitOk;
}

}  // namespace

Command AddServeCommand(CLI::App& cli) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = cli.add_subcommand("serve", "Serve the HTTP API (migrates first)");
  AddCommonOptions(cmd, o->common);
  cmd->add_option("--listen", o->listen, "host:port to listen on (port 0 picks one)")
      ->capture_default_str();
  cmd->add_option("--jwt-secret-file", o->jwt_secret_file,
                  "File holding the HS256 secret (else CELESTE_JWT_SECRET, else data/jwt-secret)");
  cmd->add_option("--web-root", o->web_root,
                  "The built web app to serve at / (default: web/dist when it holds a build)");
  cmd->add_option("--documents-dir", o->documents_dir,
                  "Where uploaded documents are stored (else CELESTE_DOCUMENTS_DIR, else "
                  "'documents' beside an SQLite database, else ./data/documents)")
      ->envname("CELESTE_DOCUMENTS_DIR");
  cmd->add_flag("--demo", o->demo, "Load the demo fleet and print its logins");
  cmd->add_option("--threads", o->threads,
                  "I/O threads (default 2 per core, at least 4; 0 = one per core)")
      ->capture_default_str();
  cmd->add_option("--body-limit", o->body_limit, "Largest request body in bytes")
      ->capture_default_str();
  cmd->add_option("--read-timeout", o->read_timeout_s, "Seconds to wait for a request")
      ->capture_default_str();
  cmd->add_option("--pool", o->pool,
                  "Database connections: SQLite readers (default 4, besides the one writer) "
                  "or the PostgreSQL pool (default 8); 0 = the default")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--quiet", o->quiet, "No access log lines (errors are still logged)");
  cmd->add_flag("--allow-fault-injection", o->allow_fault_injection,
                "Honour CELESTE_FAULT_INJECTION=lens:status:rate[,...] (test servers only)");
  return {cmd, [o] { return Serve(*o); }};
}

}  // namespace celeste

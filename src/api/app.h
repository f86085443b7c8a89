// App: celeste's HTTP application — the router, the middleware (request id, limits,
// content type, access log, metrics) and the single error boundary. Beast-free: the
// server in src/http calls Handle() for every request. Thread-safe.
#pragma once

#include <memory>

#include "actions/dispatcher.h"
#include "actions/registry.h"
#include "actions/signatures.h"
#include "api/fault_injection.h"
#include "api/metrics.h"
#include "api/services.h"
#include "api/web_files.h"
#include "auth/authenticator.h"
#include "auth/directory.h"
#include "auth/throttle.h"
#include "flags/flag_service.h"
#include "http/router.h"

namespace celeste {

struct AppConfig {
  JwtConfig jwt;
  int64_t token_ttl_seconds = 12 * 3600;
  EnvLookup env = ProcessEnv();
  // Where documents are stored (not owned; outlives the App). Null: the document routes
  // answer 503 feature_disabled.
  documents::DocumentStorage* documents = nullptr;
  // Fault injection (api/fault_injection.h); empty: none.
  std::vector<FaultRule> faults;
  // The web app's files (api/web_files.h; not owned; outlives the App). Null: API only.
  const WebFiles* web = nullptr;
};

class App {
 public:
  App(Store& store, const Registry& registry, AppConfig config, const Clock& clock);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Never throws: an exception from a handler is logged with the request id, counted,
  // and answered 500 internal_error.
  Response Handle(Request&& request);
  // For HttpServer: given a request's head, the sink its route streams the body into, or
  // null when the route takes its body whole. Never throws: a failing opener yields a sink
  // that refuses the body, and Handle() answers the error.
  std::shared_ptr<BodySink> OpenBody(Request& head);

  Metrics& metrics() { return metrics_; }
  FlagService& flags() { return flags_; }
  Directory& directory() { return directory_; }
  Authenticator& authenticator() { return authenticator_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  // Lists the demo fleet's accounts at GET /v1/auth/demo-accounts (`serve --demo`). Call
  // before the server starts.
  void ShowDemoAccounts(boost::json::object accounts);

 private:
  void Add(Method method, std::string pattern, ApiHandler handler, BodyOpener opener = {});
  Response Route(Request& request, std::string& route_name);

  Store& store_;
  const Registry& registry_;
  const Clock& clock_;
  Metrics metrics_;
  Directory directory_;
  Throttle throttle_;
  Authenticator authenticator_;
  FlagService flags_;
  SignatureVerifier signatures_;
  Dispatcher dispatcher_;
  FaultInjector faults_;
  const WebFiles* web_;
  boost::json::object demo_accounts_;
  Services services_;
  Router router_;
};

}  // namespace celeste

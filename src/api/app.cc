#include "api/app.h"

#include <chrono>
#include <exception>

#include <fmt/format.h>

#include "api/error_envelope.h"
#include "api/routes.h"
#include "core/log.h"
#include "core/uuid.h"

namespace celeste {
namespace {

// A client-supplied X-Request-Id is echoed when it is a sane token.
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

bool HasJsonContentType(const Request& request) {
  auto type = request.Header("content-type");
  if (!type) return false;
  std::string_view t = *type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t.size() == 16 && strncasecmp(t.data(), "application/json", 16) == 0;
}

// A body refused before it was read because its route's opener failed; Route() answers.
class RefusedBody final : public BodySink {
 public:
  explicit RefusedBody(Status why) : why_(std::move(why)) {}
  bool accepting() const override { return false; }
  uint64_t limit() const override { return 0; }
  bool Append(std::string_view) override { return false; }
  const Status& why() const { return why_; }

 private:
  Status why_;
};

void AssignRequestId(Request& request) {
  if (!request.request_id.empty()) return;  // assigned when the head arrived
  auto client_id = request.Header("x-request-id");
  request.request_id =
      client_id && IsSaneRequestId(*client_id) ? std::string(*client_id) : NewUuidV7();
}

// A streaming route's body that the server read whole (or an App used without the
// server): fed to the route's sink here, so the handler always gets one.
Status FeedWholeBody(Request& request, const BodyOpener& opener) {
  request.body_sink = opener(request);
  BodySink* sink = request.body_sink.get();
  if (!sink || !sink->accepting() || request.body.empty()) return Status::OK();
  if (request.body.size() > sink->limit()) {
    request.body_sink.reset();
    return Status::Error(ErrorCode::kPayloadTooLarge, "the body is over the limit");
  }
  sink->Append(request.body);
  request.body.clear();
  return Status::OK();
}

bool CarriesBody(Method m) {
  return m == Method::kPost || m == Method::kPut || m == Method::kPatch;
}

std::string AllowedList(const std::vector<Method>& methods) {
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += MethodName(m);
  }
  return out;
}

}  // namespace

App::App(Store& store, const Registry& registry, AppConfig config, const Clock& clock)
    : store_(store),
      registry_(registry),
      clock_(clock),
      directory_(store, clock),
      throttle_(store, clock),
      authenticator_(directory_, throttle_, std::move(config.jwt), clock, config.token_ttl_seconds),
      flags_(store, registry.AllFlags(), clock, std::move(config.env)),
      signatures_(directory_, throttle_, clock),
      dispatcher_(registry, store, flags_, signatures_, clock),
      faults_(std::move(config.faults)),
      web_(config.web),
      services_{
          store,      registry, flags_, dispatcher_,      authenticator_,
          directory_, metrics_, clock,  config.documents, faults_.active() ? &faults_ : nullptr} {
  RegisterSystemRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterAuthRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterActionRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterFlagRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterOpsRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterSearchRoutes(services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); });
  RegisterDocumentRoutes(
      services_, [this](Method m, std::string p, ApiHandler h) { Add(m, p, h); },
      [this](Method m, std::string p, ApiHandler h, BodyOpener o) { Add(m, p, h, o); });
}

void App::Add(Method method, std::string pattern, ApiHandler handler, BodyOpener opener) {
  router_.Add(
      method, std::move(pattern),
      [handler = std::move(handler)](Request& request) {
        Result<Response> result = handler(request);
        if (!result.ok()) return ErrorResponse(result.status(), request.request_id);
        return std::move(result).value();
      },
      std::move(opener));
}

std::shared_ptr<BodySink> App::OpenBody(Request& head) {
  Router::Match match = router_.Find(head.method, head.path);
  if (match.kind != Router::Match::Kind::kFound || !match.opener) return nullptr;
  AssignRequestId(head);
  head.path_params = std::move(match.params);
  try {
    return (*match.opener)(head);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "unhandled exception",
        {{"request_id", head.request_id}, {"route", *match.pattern}, {"error", e.what()}});
  } catch (...) {
    Log(LogLevel::kError, "unhandled exception",
        {{"request_id", head.request_id}, {"route", *match.pattern}});
  }
  return std::make_shared<RefusedBody>(Status::Internal("internal error; reported as a bug"));
}

Response App::Route(Request& request, std::string& route_name) {
  if (request.body_too_large) {
    return ErrorResponse(Status::Error(ErrorCode::kPayloadTooLarge, "the body is over the limit"),
                         request.request_id);
  }
  Router::Match match = router_.Find(request.method, request.path);
  if (match.kind == Router::Match::Kind::kNoRoute) {
    if (web_) {
      if (std::optional<Response> file = web_->Serve(request)) {
        route_name = "web";
        return std::move(*file);
      }
    }
    return ErrorResponse(
        Status::Error(ErrorCode::kRouteNotFound, fmt::format("no route {}", request.path)),
        request.request_id);
  }
  if (match.kind == Router::Match::Kind::kWrongMethod) {
    const std::string allowed = AllowedList(match.allowed);
    return ErrorResponse(Status::Error(ErrorCode::kMethodNotAllowed,
                                       fmt::format("{} is not allowed here; use {}",
                                                   MethodName(request.method), allowed),
                                       {{"allowed", allowed}}),
                         request.request_id);
  }
  route_name = *match.pattern;
  request.path_params = std::move(match.params);
  if (match.opener) {
    // A streaming route takes any content type: it judges the body itself.
    if (auto* refused = dynamic_cast<const RefusedBody*>(request.body_sink.get())) {
      return ErrorResponse(refused->why(), request.request_id);
    }
    if (!request.body_sink) {
      if (Status s = FeedWholeBody(request, *match.opener); !s.ok()) {
        return ErrorResponse(s, request.request_id);
      }
    }
  } else if (CarriesBody(request.method) && !HasJsonContentType(request)) {
    return ErrorResponse(Status::Error(ErrorCode::kUnsupportedMediaType,
                                       "send the body as Content-Type: application/json"),
                         request.request_id);
  }
  Response response = (*match.handler)(request);
  // A sink the handler did not consume discards its bytes before the answer goes out.
  request.body_sink.reset();
  return response;
}

void App::ShowDemoAccounts(boost::json::object accounts) {
  demo_accounts_ = std::move(accounts);
  services_.demo_accounts = &demo_accounts_;
}

Response App::Handle(Request&& request) {
  const auto started = std::chrono::steady_clock::now();
  AssignRequestId(request);
  std::string route_name = "unmatched";
  Response response;
  try {
    response = Route(request, route_name);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "unhandled exception",
        {{"request_id", request.request_id}, {"route", route_name}, {"error", e.what()}});
    response =
        ErrorResponse(Status::Internal("internal error; reported as a bug"), request.request_id);
  } catch (...) {
    Log(LogLevel::kError, "unhandled exception",
        {{"request_id", request.request_id}, {"route", route_name}});
    response =
        ErrorResponse(Status::Internal("internal error; reported as a bug"), request.request_id);
  }
  response.headers.emplace_back("X-Request-Id", request.request_id);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.ObserveRequest(route_name, MethodName(request.method), response.status, seconds);
  const bool server_error = response.status >= 500 && response.status != 503;
  if (AccessLogEnabled() || server_error) {
    Log(server_error ? LogLevel::kError : LogLevel::kInfo, "request",
        {{"request_id", request.request_id},
         {"method", MethodName(request.method)},
         {"route", route_name},
         {"status", response.status},
         {"ms", std::round(seconds * 1e6) / 1e3},
         {"yacht", request.yacht_id},
         {"user", request.user_id}});
  }
  return response;
}

}  // namespace celeste

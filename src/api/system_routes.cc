#include "api/request_helpers.h"
#include "api/routes.h"

namespace celeste {

void RegisterSystemRoutes(Services& services, const AddRoute& add) {
  // Liveness only: no database, no token.
  add(Method::kGet, "/health", [](Request&) -> Result<Response> {
    static const std::string kBody = R"({"status":"ok"})";
    return Response::Text(200, kBody, "application/json");
  });
  add(Method::kGet, "/metrics", [&services](Request&) -> Result<Response> {
    return Response::Text(200, services.metrics.Render(), "text/plain; version=0.0.4");
  });
}

}  // namespace celeste

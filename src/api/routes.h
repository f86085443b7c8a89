// Route registration, one function per area, called explicitly by App.
#pragma once

#include <functional>
#include <string>

#include "api/services.h"

namespace celeste {

using AddRoute = std::function<void(Method, std::string, ApiHandler)>;
// A route that streams its request body into the sink its opener makes (BodySink).
using AddStreamingRoute = std::function<void(Method, std::string, ApiHandler, BodyOpener)>;

// GET /health, GET /metrics.
void RegisterSystemRoutes(Services& services, const AddRoute& add);
// POST /v1/auth/login, GET /v1/me.
void RegisterAuthRoutes(Services& services, const AddRoute& add);
// /v1/actions/{health,list,suggestions,execute}, /v1/shopping-list/history, /v1/audit.
void RegisterActionRoutes(Services& services, const AddRoute& add);
// GET /v1/flags, PUT /v1/flags/{name}.
void RegisterFlagRoutes(Services& services, const AddRoute& add);
// GET /v1/search (one search box over every lens).
void RegisterSearchRoutes(Services& services, const AddRoute& add);
// GET /v1/ops/health, /v1/ops/health/history, /v1/ops/health/unhealthy (Lens Ops).
void RegisterOpsRoutes(Services& services, const AddRoute& add);
// POST /v1/documents (streamed upload), GET /v1/documents/{id}.
void RegisterDocumentRoutes(Services& services, const AddRoute& add,
                            const AddStreamingRoute& add_streaming);

}  // namespace celeste

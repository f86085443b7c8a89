// Executing actions on a running server, as the ops tools do: the request's envelope, and ids
// of existing entities for generated payloads whose fields name another entity
// ("@list_parts" in a FieldDef example: ops/payload_generator.h).
// Shared by `celeste stress` (a plain client) and `celeste accept` (every request recorded
// as evidence), which differ only in how they execute an action.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "actions/registry.h"
#include "core/clock.h"
#include "ops/http_client.h"
#include "ops/payload_generator.h"

namespace celeste::ops {

// The body of POST /v1/actions/execute (CONTRACT §4): action, context.yacht_id, payload, and
// a signature when given.
boost::json::object ExecuteEnvelope(const std::string& action, const std::string& yacht_id,
                                    boost::json::object payload,
                                    std::optional<boost::json::object> signature = std::nullopt);

// What POST /v1/actions/execute answered: the status and the body parsed (null when not JSON).
struct ExecuteAnswer {
  int status = 0;
  boost::json::value json;
};
// Executes an action on the tool's yacht with this payload; an error when no answer came.
using ExecuteFn =
    std::function<Result<ExecuteAnswer>(const std::string& action, boost::json::object payload)>;

// An ExecuteFn over a plain HttpClient with a bearer token.
ExecuteFn HttpExecute(HttpEndpoint endpoint, std::string token, std::string yacht_id);

// Executes the READ action and answers the first id it lists. When it lists none (a new
// yacht without parts), makes one with the create action of that action's lens (a generated
// payload, texts starting with `tag`) and answers the new entity's id. Errors say which
// action answered what.
IdResolver ListedOrNewIdResolver(const Registry& registry, ExecuteFn execute, std::string tag,
                                 Micros now);

}  // namespace celeste::ops

// Small helpers route handlers share: JSON bodies, the caller, the yacht in scope.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "api/services.h"
#include "auth/principal.h"
#include "core/result.h"
#include "http/request.h"

namespace celeste {

// The body as a JSON object, or invalid_request.
Result<boost::json::object> ParseJsonBody(const Request& request);
// The caller from the Authorization header (401s), noted on the request for the log.
Result<Principal> Authenticate(Services& services, Request& request);
// The caller's membership on `yacht_id` (or, when absent, their only yacht), noted on
// the request: invalid_request when absent and ambiguous or not a UUID,
// yacht_access_denied when not a member.
Result<Membership> ResolveYacht(const Principal& principal,
                                std::optional<std::string_view> yacht_id, Request& request);
// A 200 (or other) JSON response.
Response JsonOk(const boost::json::value& body, int status = 200);

}  // namespace celeste

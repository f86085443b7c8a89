// The one place an error Status becomes an HTTP response (CONTRACT §1).
#pragma once

#include <string_view>

#include "core/status.h"
#include "http/request.h"

namespace celeste {

// {"success":false,"error_code","message","status","request_id","details"?}, with
// Retry-After for 429 and Allow for 405 (taken from details.allowed).
Response ErrorResponse(const Status& status, std::string_view request_id);

}  // namespace celeste

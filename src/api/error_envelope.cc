#include "api/error_envelope.h"

#include <boost/json/object.hpp>

namespace celeste {

Response ErrorResponse(const Status& status, std::string_view request_id) {
  const int http_status = HttpStatusOf(status.code());
  boost::json::object body;
  body["success"] = false;
  body["error_code"] = ErrorCodeName(status.code());
  body["message"] = status.message();
  body["status"] = http_status;
  body["request_id"] = request_id;
  if (!status.details().empty()) body["details"] = status.details();
  Response response = Response::Json(http_status, body);
  if (status.retry_after_seconds() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  }
  if (status.code() == ErrorCode::kMethodNotAllowed) {
    if (auto it = status.details().find("allowed");
        it != status.details().end() && it->value().is_string()) {
      response.headers.emplace_back("Allow", std::string(it->value().get_string()));
    }
  }
  return response;
}

}  // namespace celeste

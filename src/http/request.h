// Request and Response: the small value types every layer above src/http sees.
// Nothing here includes Boost.Beast; the server converts at the edge.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace celeste {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/v1/audit?yacht_id=..."
  std::string path;    // percent-decoded, without the query: "/v1/audit"
  KeyValues query;     // percent-decoded query parameters, in order
  KeyValues headers;   // names lower-cased
  std::string body;
  std::string remote_address;
  // Set by the server when the body exceeded the limit; the body is then empty.
  bool body_too_large = false;

  // Filled while the request is handled.
  std::string request_id;
  KeyValues path_params;  // from "{name}" segments of the matched route
  std::string user_id;    // the authenticated caller, for the access log
  std::string yacht_id;   // the yacht the call concerned, for the access log

  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  std::optional<std::string_view> PathParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  KeyValues headers;  // extra headers (X-Request-Id is added by the app)

  static Response Json(int status, const boost::json::value& body);
  static Response Text(int status, std::string body, std::string content_type);
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' means space).
KeyValues ParseQueryString(std::string_view query);
// Percent-decodes; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Fills path and query from target.
void SplitTarget(Request& request);

}  // namespace celeste

// Request and Response: the small value types every layer above src/http sees.
// Nothing here includes Boost.Beast; the server converts at the edge.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

// Where a route that takes large uploads receives its request body: chunk by chunk, as it
// arrives, instead of whole in Request::body (HttpServer; Router::Add with a BodyOpener).
// The server keeps memory bounded whatever the body's size. A sink that is destroyed
// before its handler finished with it must discard what it received (the client went away,
// the body was over the limit).
class BodySink {
 public:
  virtual ~BodySink() = default;
  // False when the request was refused from its head alone (no token, no such entity...):
  // the body is then not read at all, and the handler answers with the sink's reason.
  virtual bool accepting() const = 0;
  // The largest body accepted, in bytes; a longer one is answered 413 (body_too_large).
  virtual uint64_t limit() const = 0;
  // Takes the next bytes of the body, in order. False stops reading (the sink keeps why):
  // the handler is called at once and answers; the rest of the body is never read.
  virtual bool Append(std::string_view bytes) = 0;
};

struct Request;
// Called with a request's head (method, target, headers; no body yet) before its body is
// read. Returns the sink for routes that stream their bodies, else null (the body is then
// read into Request::body under the server's body limit).
using BodyOpener = std::function<std::shared_ptr<BodySink>(Request& head)>;

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
  // The sink that received the body of a streaming route (the body member stays empty);
  // null for every other route, and when the body was over the sink's limit.
  std::shared_ptr<BodySink> body_sink;

  // Filled while the request is handled.
  std::string request_id;
  KeyValues path_params;  // from "{name}" segments of the matched route
  std::string user_id;    // the authenticated caller, for the access log
  std::string yacht_id;   // the yacht the call concerned, for the access log

  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  std::optional<std::string_view> PathParam(std::string_view name) const;
};

// An open file a response sends as its body, read piece by piece while it is written
// (downloads), so that a large body is never held in memory. Owns the descriptor.
class ResponseFile {
 public:
  ResponseFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~ResponseFile();
  ResponseFile(const ResponseFile&) = delete;
  ResponseFile& operator=(const ResponseFile&) = delete;

  uint64_t size() const { return size_; }
  // Hands the descriptor over (to the server, which closes it); -1 once released.
  int Release();

 private:
  int fd_;
  uint64_t size_;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  KeyValues headers;  // extra headers (X-Request-Id is added by the app)
  // When set, the body is this file (Content-Length its size) and `body` is ignored.
  std::shared_ptr<ResponseFile> file;

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

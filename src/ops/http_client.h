// HttpClient: a small synchronous HTTP/1.1 client with one kept-alive connection.
//
// For the tests and the ops tools (monitor, stress, accept), which talk to a running celeste
// as any outside client would. One client holds one connection and is not thread-safe: use
// one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/result.h"
#include "http/request.h"

namespace celeste {

struct ClientResponse {
  int status = 0;
  KeyValues headers;  // names lower-cased, in the order received
  std::string body;

  // The body parsed as JSON; a null value when it is not JSON.
  boost::json::value Json() const;
  // The first header with this (lower-case) name.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

// Where a server listens, from a base URL "http://HOST[:PORT][/]" (port 80 by default).
// invalid_request for anything else: https, a path, user info. The ops tools speak plain
// HTTP; put TLS in front of celeste with a proxy and point them at the proxy's inside.
struct HttpEndpoint {
  std::string host;
  uint16_t port = 80;
};
Result<HttpEndpoint> ParseHttpUrl(std::string_view url);
// A URL for messages: its scheme and host, the path, query and user info (which often hold
// a secret) replaced by "...".
std::string SafeUrlPrefix(std::string_view url);

class HttpClient {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::seconds(30);

  // Connects lazily, on the first request.
  HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout = kDefaultTimeout);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request and reads its response, reusing the open connection. When a reused
  // connection turns out to have been closed by the server before any response byte arrived,
  // reconnects and sends once more. Adds Host, and Content-Type: application/json when a
  // body is given without one. The timeout bounds each step (connect, write, read).
  // Errors (connection refused, timeout, malformed response) are kInternal Statuses naming
  // the request; the connection is then closed. An HTTP error status is not an error here.
  Result<ClientResponse> Send(Method method, std::string_view target, std::string_view body = {},
                              const KeyValues& headers = {});
  Result<ClientResponse> Get(std::string_view target, const KeyValues& headers = {});
  Result<ClientResponse> Post(std::string_view target, std::string_view body,
                              const KeyValues& headers = {});
  Result<ClientResponse> Put(std::string_view target, std::string_view body,
                             const KeyValues& headers = {});

  // Writes `raw_bytes` as they are (e.g. a malformed request) and reads one response. Never
  // retried.
  Result<ClientResponse> SendRaw(std::string_view raw_bytes);

  // Closes the connection; the next request opens a new one.
  void Close();

  void set_timeout(std::chrono::milliseconds timeout);
  // TCP connections opened so far (a kept-alive connection counts once).
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace celeste

// HttpServer: celeste's HTTP/1.1 front door over Boost.Beast.
//
// The server never interprets a request. It turns each Beast request into a celeste::Request,
// calls the application's RequestHandler and writes the returned celeste::Response back, with
// keep-alive, a read timeout, a header limit and a body limit. Two answers are its own, because
// no Request can be built for them: a malformed request gets a 400 `invalid_request` JSON
// envelope, and the connection is closed.
//
// A body over the limit is not answered by the server: the handler receives the request with
// `body_too_large = true` and an empty body (the app answers 413), then the connection closes.
//
// Routes that take large uploads stream their bodies instead: `open_body` sees each request's
// head before its body and may return a BodySink; the body then goes to the sink piece by
// piece, under the sink's limit instead of `body_limit`, and the handler gets the request
// with `body_sink` set. Memory stays bounded whatever the body's size. A client that goes
// away mid-body never reaches the handler; its sink is dropped (and discards what it got).
//
// Threading: `threads` io threads run every connection; the handler is called on an io thread,
// concurrently for different connections, one request at a time per connection. It must be
// thread-safe, and a slow handler holds an io thread while it runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace celeste {

// Called once per request on an io thread; must not throw (an exception is logged and answered
// with a 500 `internal_error`, and the connection is closed).
using RequestHandler = std::function<Response(Request&&)>;

struct HttpServerOptions {
  // "host:port" ("[::1]:8080" for IPv6). Port 0 picks a free port; see HttpServer::port().
  std::string listen = "127.0.0.1:8080";
  // Number of io threads; 0 means std::thread::hardware_concurrency().
  unsigned threads = 0;
  // Longest wait for a request's bytes (and for a response write) before closing the
  // connection; also how long an idle keep-alive connection stays open.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  // Largest accepted request body, in bytes (a streamed body has its sink's limit).
  uint64_t body_limit = uint64_t{1024} * 1024;
  // Largest accepted request line plus headers, in bytes.
  uint32_t header_limit = 16 * 1024;
  // How long Stop() lets in-flight requests finish before cutting them off.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(10);
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, BodyOpener open_body = {});
  // Stops the server if it is running (see Stop()).
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listen address and starts the io threads. Returns an invalid_field error
  // (field "listen") for an unparsable address, an internal error when the address cannot be
  // bound (e.g. "cannot listen on 127.0.0.1:8080: Address already in use"), and an internal
  // error when called a second time. A server starts at most once.
  Status Start();

  // The bound port (useful with port 0); 0 before a successful Start().
  uint16_t port() const;

  // Connections accepted since Start(). Thread-safe.
  uint64_t connections_accepted() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections, lets requests in
  // flight be answered (each then closes its connection) for up to `shutdown_timeout`, then
  // closes what is left and joins the io threads. Idempotent. Must not be called from a
  // request handler (it would wait for itself).
  void Stop();

  // Blocks until the process receives SIGINT or SIGTERM, then Stop()s. Returns the signal.
  // `on_ready` runs once the signals are caught (announce readiness there, so a signal sent
  // right after the announcement still shuts down gracefully).
  int RunUntilSignal(const std::function<void()>& on_ready = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace celeste

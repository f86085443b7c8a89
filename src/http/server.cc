#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "core/log.h"
#include "core/result.h"
#include "http/session.h"

namespace celeste {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After a failed accept (typically: out of file descriptors), wait before trying again.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

Status InvalidListen(const std::string& listen, std::string_view why) {
  return Status::InvalidField("listen",
                              fmt::format("invalid listen address '{}': {}", listen, why));
}

// "host:port" or "[v6-host]:port"; an empty host means every IPv4 interface.
Result<tcp::endpoint> ResolveListenAddress(net::io_context& ioc, const std::string& listen) {
  std::string_view text = listen;
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") {
      return InvalidListen(listen, "expected [host]:port");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return InvalidListen(listen, "expected host:port");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  uint16_t port = 0;
  auto [end, err] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || err != std::errc() || end != port_text.data() + port_text.size()) {
    return InvalidListen(listen, "port must be a number from 0 to 65535");
  }
  if (host.empty()) return tcp::endpoint(tcp::v4(), port);

  beast::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port_text, ec);
  if (ec || results.empty()) {
    return InvalidListen(listen, fmt::format("cannot resolve host: {}", ec.message()));
  }
  return results.begin()->endpoint();
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options_in, RequestHandler handler, BodyOpener open_body)
      : options(std::move(options_in)),
        thread_count(options.threads > 0 ? options.threads
                                         : std::max(1u, std::thread::hardware_concurrency())),
        context{std::move(handler), std::move(open_body), options.read_timeout,
                options.body_limit, options.header_limit, {}},
        ioc(static_cast<int>(thread_count)),
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::OnAccept, this));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;  // Stop()
    if (ec) {
      Log(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
      accept_retry.expires_after(kAcceptRetryDelay);
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) Accept();
      });
      return;
    }
    accepted.fetch_add(1, std::memory_order_relaxed);
    std::make_shared<http_internal::Session>(std::move(socket), context)->Start();
    Accept();
  }

  // Constant after construction.
  const HttpServerOptions options;
  const unsigned thread_count;
  // Declared before the io_context: sessions still queued in it when it is destroyed
  // unregister themselves from here.
  http_internal::SessionContext context;
  net::io_context ioc;
  // Used on the acceptor's strand only (and in Start()/Stop() while no io thread runs it).
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;

  std::atomic<uint16_t> port{0};
  std::atomic<uint64_t> accepted{0};

  std::mutex lifecycle_mu;           // serialises Start() and Stop()
  bool started = false;              // guarded by lifecycle_mu
  bool stopped = false;              // guarded by lifecycle_mu
  std::vector<std::thread> threads;  // guarded by lifecycle_mu
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, BodyOpener open_body)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(open_body))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle_mu);
  if (s.started) return Status::Internal("HTTP server already started");
  CELESTE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveListenAddress(s.ioc, s.options.listen));

  beast::error_code ec;
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    return Status::Internal(fmt::format("cannot listen on {}: {}", s.options.listen, ec.message()));
  }
  s.port = s.acceptor.local_endpoint().port();
  s.started = true;

  s.Accept();
  s.threads.reserve(s.thread_count);
  for (unsigned i = 0; i < s.thread_count; ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  return Status::OK();
}

uint16_t HttpServer::port() const { return impl_->port.load(); }

uint64_t HttpServer::connections_accepted() const {
  return impl_->accepted.load(std::memory_order_relaxed);
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle_mu);
  if (!s.started || s.stopped) return;
  s.stopped = true;

  net::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
  });
  const bool drained = s.context.registry.CloseAll(s.options.shutdown_timeout);
  s.ioc.stop();
  for (auto& thread : s.threads) thread.join();
  s.threads.clear();
  if (!drained) {
    Log(LogLevel::kWarn, "HTTP server stopped with requests still in flight",
        {{"shutdown_timeout_ms", s.options.shutdown_timeout.count()}});
    s.context.registry.AbortAll();
  }
  // The posted close may not have run before the io_context stopped.
  beast::error_code ignored;
  s.acceptor.close(ignored);
}

int HttpServer::RunUntilSignal(const std::function<void()>& on_ready) {
  net::io_context signal_ioc(1);
  net::signal_set signals(signal_ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const beast::error_code& ec, int signal) {
    if (!ec) received = signal;
  });
  if (on_ready) on_ready();
  signal_ioc.run();
  Stop();
  return received;
}

}  // namespace celeste

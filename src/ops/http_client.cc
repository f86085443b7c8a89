#include "ops/http_client.h"

#include <charconv>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include "ops/beast_verb.h"

namespace celeste {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr uint64_t kMaxResponseBody = uint64_t{256} * 1024 * 1024;

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The ways a kept-alive connection shows that the server had already closed it.
bool IsClosedByPeer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted;
}

ClientResponse ToClientResponse(http::response<http::string_body>&& message) {
  ClientResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.emplace_back(LowerAscii(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  return response;
}

}  // namespace

boost::json::value ClientResponse::Json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return value;
}

std::optional<std::string> ClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  Impl(std::string host_in, uint16_t port_in, std::chrono::milliseconds timeout_in)
      : host(std::move(host_in)), port(port_in), timeout(timeout_in) {}

  // Starts one asynchronous operation with `initiate(handler)` and runs it to completion on
  // this client's io_context (async, so that tcp_stream's timeout applies).
  template <typename Initiate>
  beast::error_code Run(Initiate&& initiate) {
    beast::error_code result = net::error::would_block;
    initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  beast::error_code Connect() {
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    stream.expires_after(timeout);
    ec = Run([&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
    if (ec) return ec;
    stream.socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    connected = true;
    ++connections_opened;
    return {};
  }

  void Disconnect() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    connected = false;
  }

  // Writes one request with `start_write(handler)` and reads its response (see Send()).
  template <typename StartWrite>
  Result<ClientResponse> RoundTrip(std::string_view what, bool is_head, bool may_retry,
                                   StartWrite&& start_write) {
    for (int attempt = 1;; ++attempt) {
      const bool reused = connected;
      bool got_some = false;
      beast::error_code ec = connected ? beast::error_code() : Connect();
      if (!ec) {
        stream.expires_after(timeout);
        ec = Run(start_write);
      }
      if (!ec) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxResponseBody);
        parser.skip(is_head);  // a HEAD response announces a body it does not carry
        stream.expires_after(timeout);
        ec = Run(
            [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
        got_some = parser.got_some();
        if (!ec) {
          const bool keep_alive = parser.get().keep_alive();
          ClientResponse response = ToClientResponse(parser.release());
          if (!keep_alive) Disconnect();
          return response;
        }
      }
      Disconnect();
      if (may_retry && reused && attempt == 1 && !got_some && IsClosedByPeer(ec)) continue;
      const std::string why = ec == beast::error::timeout
                                  ? fmt::format("timed out after {} ms", timeout.count())
                                  : ec.message();
      return Status::Internal(fmt::format("{} to {}:{} failed: {}", what, host, port, why));
    }
  }

  // Constant after construction.
  const std::string host;
  const uint16_t port;

  std::chrono::milliseconds timeout;
  net::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;  // bytes read past the previous response
  bool connected = false;
  int connections_opened = 0;
};

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<ClientResponse> HttpClient::Send(Method method, std::string_view target,
                                        std::string_view body, const KeyValues& headers) {
  const std::optional<http::verb> verb = ops::ToBeastVerb(method);
  if (!verb) return Status::Internal("HttpClient::Send needs a named method; use SendRaw");

  http::request<http::string_body> request{*verb, target, 11};
  for (const auto& [name, value] : headers) request.insert(name, value);
  if (request.find(http::field::host) == request.end()) {
    const bool ipv6 = impl_->host.find(':') != std::string::npos;
    request.set(http::field::host, ipv6 ? fmt::format("[{}]:{}", impl_->host, impl_->port)
                                        : fmt::format("{}:{}", impl_->host, impl_->port));
  }
  if (request.find(http::field::user_agent) == request.end()) {
    request.set(http::field::user_agent, "celeste-http-client");
  }
  if (!body.empty() && request.find(http::field::content_type) == request.end()) {
    request.set(http::field::content_type, "application/json");
  }
  request.body() = body;
  request.prepare_payload();

  const std::string what = fmt::format("{} {}", http::to_string(*verb), target);
  return impl_->RoundTrip(what, method == Method::kHead, /*may_retry=*/true, [&](auto handler) {
    http::async_write(impl_->stream, request, std::move(handler));
  });
}

Result<ClientResponse> HttpClient::Get(std::string_view target, const KeyValues& headers) {
  return Send(Method::kGet, target, {}, headers);
}

Result<ClientResponse> HttpClient::Post(std::string_view target, std::string_view body,
                                        const KeyValues& headers) {
  return Send(Method::kPost, target, body, headers);
}

Result<ClientResponse> HttpClient::Put(std::string_view target, std::string_view body,
                                       const KeyValues& headers) {
  return Send(Method::kPut, target, body, headers);
}

Result<ClientResponse> HttpClient::SendRaw(std::string_view raw_bytes) {
  return impl_->RoundTrip(
      "raw request", raw_bytes.starts_with("HEAD "), /*may_retry=*/false, [&](auto handler) {
        net::async_write(impl_->stream, net::buffer(raw_bytes), std::move(handler));
      });
}

void HttpClient::Close() {
  if (impl_->connected) impl_->Disconnect();
}

void HttpClient::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

int HttpClient::connections_opened() const { return impl_->connections_opened; }

std::string SafeUrlPrefix(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  const size_t end = url.find_first_of("/?#", host);
  std::string authority(url.substr(host, end == std::string_view::npos ? end : end - host));
  if (const size_t at = authority.rfind('@'); at != std::string::npos) {
    authority = "...@" + authority.substr(at + 1);  // user info: often a password
  }
  return std::string(url.substr(0, host)) + authority +
         (end == std::string_view::npos ? "" : "/...");
}

Result<HttpEndpoint> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  const auto bad = [&](std::string_view why) {
    return Status::InvalidRequest("--url " + SafeUrlPrefix(url) + ": " + std::string(why) +
                                  " (expected http://HOST[:PORT])");
  };
  if (url.substr(0, kScheme.size()) != kScheme) return bad("not an http:// URL");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) return bad("no host");
  if (rest.find_first_of("/@?#") != std::string_view::npos) return bad("a path is not allowed");
  HttpEndpoint endpoint;
  const size_t colon = rest.rfind(':');
  endpoint.host = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return bad("bad port");
    }
    endpoint.port = static_cast<uint16_t>(value);
  }
  if (endpoint.host.empty()) return bad("no host");
  return endpoint;
}

}  // namespace celeste

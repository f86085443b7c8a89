#include "ops/https_post.h"

#include <openssl/ssl.h>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace celeste::ops {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

Result<int> HttpsPostJson(const std::string& host, uint16_t port, const std::string& target,
                          std::string_view body, std::chrono::milliseconds timeout) {
  net::io_context ioc{1};
  // Runs one asynchronous step to completion (async, so that the stream's timeout applies).
  const auto run = [&ioc](auto&& initiate) {
    beast::error_code result = net::error::would_block;
    initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  };
  const auto failed = [&](std::string_view step, const beast::error_code& ec) {
    const std::string why = ec == beast::error::timeout
                                ? fmt::format("timed out after {} ms", timeout.count())
                                : ec.message();
    return Status::Internal(fmt::format("https://{}:{}: {} failed: {}", host, port, step, why));
  };

  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context.set_default_verify_paths(ec);
  if (ec) return failed("loading the trusted certificates", ec);
  context.set_verify_mode(ssl::verify_peer);

  beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    return Status::Internal("https://" + host + ": cannot set the TLS server name");
  }
  stream.set_verify_callback(ssl::host_name_verification(host));

  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return failed("resolving", ec);
  beast::get_lowest_layer(stream).expires_after(timeout);
  ec = run([&](auto handler) {
    beast::get_lowest_layer(stream).async_connect(endpoints, std::move(handler));
  });
  if (ec) return failed("connecting", ec);
  beast::get_lowest_layer(stream).expires_after(timeout);
  ec = run(
      [&](auto handler) { stream.async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (ec) return failed("the TLS handshake", ec);

  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::user_agent, "celeste-monitor");
  request.body() = std::string(body);
  request.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(timeout);
  ec = run([&](auto handler) { http::async_write(stream, request, std::move(handler)); });
  if (ec) return failed("sending", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  beast::get_lowest_layer(stream).expires_after(timeout);
  ec = run([&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
  // A server that ends a close-delimited answer without TLS's close_notify truncates the
  // stream; the status is what a webhook's answer means here, so a complete head will do.
  if (ec && !(ec == ssl::error::stream_truncated && parser.is_header_done())) {
    return failed("reading the answer", ec);
  }
  const int status = static_cast<int>(parser.get().result_int());

  // A polite close; a server that just drops the connection is fine too.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
  run([&](auto handler) { stream.async_shutdown(std::move(handler)); });
  return status;
}

}  // namespace celeste::ops

#include "http/session.h"

#include <exception>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>

#include "core/log.h"
#include "core/uuid.h"

namespace celeste::http_internal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How long a closing connection keeps reading (and discarding) what the client still sends.
constexpr std::chrono::seconds kLingerTimeout{3};
constexpr std::size_t kLingerChunk = std::size_t{16} * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

Method ToMethod(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::delete_:
      return Method::kDelete;
    case http::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Everything of the request but its body.
Request ToRequest(const http::request_header<>& message, const std::string& remote_address) {
  Request request;
  request.method = ToMethod(message.method());
  request.target = std::string(message.target());
  SplitTarget(request);
  for (const auto& field : message) {
    request.headers.emplace_back(LowerAscii(field.name_string()), std::string(field.value()));
  }
  request.remote_address = remote_address;
  return request;
}

// The error envelope for the few answers the server gives itself (CONTRACT §1).
Response ErrorResponse(ErrorCode code, std::string_view message) {
  std::string request_id = NewUuidV7();
  int status = HttpStatusOf(code);
  Response response = Response::Json(status, boost::json::object{
                                                 {"success", false},
                                                 {"error_code", ErrorCodeName(code)},
                                                 {"message", message},
                                                 {"status", status},
                                                 {"request_id", request_id},
                                             });
  response.headers.emplace_back("X-Request-Id", std::move(request_id));
  return response;
}

// RFC 9110: 1xx, 204 and 304 responses carry neither a body nor a Content-Length.
bool IsBodiless(int status) { return status < 200 || status == 204 || status == 304; }

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

class SinkCategory final : public beast::error_category {
 public:
  const char* name() const noexcept override { return "celeste.body_sink"; }
  std::string message(int) const override { return "the body sink stopped reading"; }
};

}  // namespace

const beast::error_code& SinkStopped() {
  static const SinkCategory category;
  static const beast::error_code code(1, category);
  return code;
}

bool SessionRegistry::Add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void SessionRegistry::Remove(const Session* session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
  if (sessions_.empty()) all_closed_.notify_all();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::Live() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Session>> live;
  live.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool SessionRegistry::CloseAll(std::chrono::milliseconds timeout) {
  stopping_ = true;  // Add() reads it under mu_, which Live() takes after this store
  for (const auto& session : Live()) session->Shutdown();
  // The sessions are released above: a session ends only once nobody holds it.
  std::unique_lock lock(mu_);
  return all_closed_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

void SessionRegistry::AbortAll() {
  for (const auto& session : Live()) session->Abort();
}

Session::Session(tcp::socket&& socket, SessionContext& context)
    : context_(context), stream_(std::move(socket)) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
}

Session::~Session() { context_.registry.Remove(this); }

void Session::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->context_.registry.Add(self)) return self->Close();
    self->ReadRequest();
  });
}

void Session::Shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->OnShutdown(); });
}

void Session::Abort() { Close(); }

void Session::OnShutdown() {
  switch (phase_) {
    case Phase::kReading:
      // An idle connection closes now; a request already arriving is still answered.
      if (!stream_parser_ && !parser_->got_some()) stream_.cancel();
      break;
    case Phase::kLingering:
      stream_.cancel();
      break;
    case Phase::kHandling:  // OnWrite() sees the registry stopping and closes
    case Phase::kClosed:
      break;
  }
}

void Session::ReadRequest() {
  phase_ = Phase::kReading;
  stream_parser_.reset();
  head_ = {};
  parser_.emplace();
  parser_->header_limit(context_.header_limit);
  // The limit depends on the route (a streamed upload may be larger than other bodies):
  // OnReadHeader sets it once the head is in.
  parser_->body_limit(boost::none);
  stream_.expires_after(context_.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, std::size_t bytes) {
  if (ec || parser_->is_done()) return OnRead(ec, bytes);
  if (!OpenBody()) return;
  BodySink* sink = head_.body_sink.get();
  if (sink && !sink->accepting()) {
    // Refused from its head: answered without reading the body (the connection closes).
    return Handle(std::move(head_), parser_->get().version(), false);
  }
  const uint64_t limit = sink ? sink->limit() : context_.body_limit;
  // A declared length is checked here; a chunked body as its chunks arrive.
  if (auto length = parser_->content_length(); length && *length > limit) return HandleTooLarge();
  parser_->body_limit(limit);
  if (sink) {
    stream_parser_.emplace(std::move(*parser_), sink);
    stream_parser_->body_limit(limit);
  }
  auto& head = stream_parser_ ? stream_parser_->get().base() : parser_->get().base();
  if (beast::iequals(head[http::field::expect], "100-continue")) {
    net::async_write(stream_, net::buffer(kContinue),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->Close();
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

bool Session::OpenBody() {
  if (!context_.open_body) return true;
  head_ = ToRequest(parser_->get(), remote_address_);
  try {
    head_.body_sink = context_.open_body(head_);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "body opener threw", {{"error", e.what()}});
    WriteError(ErrorCode::kInternal, "internal error");
    return false;
  }
  if (!head_.body_sink) head_ = {};  // an ordinary body: OnRead builds the request
  return true;
}

void Session::ReadBody() {
  if (stream_parser_) {
    // An idle timeout per piece rather than one deadline for the whole body: a large upload
    // over a slow link takes as long as it needs while bytes keep arriving.
    stream_.expires_after(context_.read_timeout);
    http::async_read_some(stream_, buffer_, *stream_parser_,
                          beast::bind_front_handler(&Session::OnStreamRead, shared_from_this()));
    return;
  }
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::HandleTooLarge() {
  // The sink (if any) goes first: what it received is discarded before the 413 is sent.
  head_ = {};
  auto& message = stream_parser_ ? stream_parser_->get().base() : parser_->get().base();
  Request request = ToRequest(message, remote_address_);
  request.body_too_large = true;
  Handle(std::move(request), message.version(), false);
}

void Session::OnRead(beast::error_code ec, std::size_t /*bytes*/) {
  auto& message = parser_->get();
  if (ec == http::error::body_limit) {
    // The limit is checked once the header is complete, so the request line and the
    // headers are all there: the handler answers (413) and the connection closes.
    return HandleTooLarge();
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return Close();
  if (IsParseError(ec)) {
    return WriteError(ErrorCode::kInvalidRequest, ec == http::error::header_limit
                                                      ? "HTTP request header too large"
                                                      : "malformed HTTP request");
  }
  if (ec) return Close();  // timeout, reset, or cancelled by Shutdown()
  Request request = ToRequest(message, remote_address_);
  request.body = std::move(message.body());
  Handle(std::move(request), message.version(), message.keep_alive());
}

void Session::OnStreamRead(beast::error_code ec, std::size_t /*bytes*/) {
  const auto& message = stream_parser_->get();
  if (ec == SinkStopped()) {
    // The sink refused the body (wrong type, disk full): it answers; the rest is not read.
    return Handle(std::move(head_), message.version(), false);
  }
  if (ec == http::error::body_limit) return HandleTooLarge();
  if (ec) {
    head_ = {};  // the sink discards the partial body now, whatever happens next
    if (IsParseError(ec) && ec != http::error::partial_message) {
      return WriteError(ErrorCode::kInvalidRequest, "malformed HTTP request");
    }
    return Close();  // the client went away, a timeout, or Shutdown()
  }
  if (!stream_parser_->is_done()) return ReadBody();
  Handle(std::move(head_), message.version(), message.keep_alive());
}

void Session::Handle(Request&& request, unsigned version, bool keep_alive) {
  phase_ = Phase::kHandling;
  const bool is_head = request.method == Method::kHead;
  keep_alive = keep_alive && !request.body_too_large;
  Response response;
  // The application maps its own exceptions to the error envelope; this is the last net that
  // keeps an escaped one from taking an io thread (and the process) down.
  try {
    response = context_.handler(std::move(request));
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "request handler threw", {{"error", e.what()}});
    response = ErrorResponse(ErrorCode::kInternal, "internal error");
    keep_alive = false;
  } catch (...) {
    Log(LogLevel::kError, "request handler threw a non-standard exception");
    response = ErrorResponse(ErrorCode::kInternal, "internal error");
    keep_alive = false;
  }
  // Checked after the handler: Stop() may have begun while it ran.
  keep_alive = keep_alive && !context_.registry.stopping();
  WriteResponse(std::move(response), version, is_head, keep_alive);
}

void Session::WriteError(ErrorCode code, std::string_view message) {
  phase_ = Phase::kHandling;
  WriteResponse(ErrorResponse(code, message), 11, false, false);
}

void Session::WriteResponse(Response&& response, unsigned version, bool is_head, bool keep_alive) {
  if (response.status < 100 || response.status > 999) {
    Log(LogLevel::kError, "request handler returned an invalid status",
        {{"status", response.status}});
    response = ErrorResponse(ErrorCode::kInternal, "internal error");
  }
  if (response.file && !is_head && !IsBodiless(response.status)) {
    if (WriteFileResponse(response, version, keep_alive)) return;
    response = ErrorResponse(ErrorCode::kInternal, "internal error");
    keep_alive = false;
  }
  response_ = {};
  response_.version(version);
  response_.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty()) {
    response_.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) response_.insert(name, value);
  response_.keep_alive(keep_alive);
  if (!IsBodiless(response.status)) {
    // A HEAD response announces the length of the body it does not carry.
    response_.content_length(response.file ? response.file->size() : response.body.size());
    if (!is_head) response_.body() = std::move(response.body);
  }
  stream_.expires_after(context_.read_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
}

bool Session::WriteFileResponse(Response& response, unsigned version, bool keep_alive) {
  beast::file file;
  file.native_handle(response.file->Release());
  http::file_body::value_type body;
  beast::error_code ec;
  body.reset(std::move(file), ec);
  if (ec) {
    Log(LogLevel::kError, "cannot send a file response", {{"error", ec.message()}});
    return false;
  }
  file_response_.emplace();
  auto& out = *file_response_;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(body);
  out.prepare_payload();
  stream_.expires_after(context_.read_timeout);
  http::async_write(stream_, out,
                    beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
  return true;
}

void Session::OnWrite(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  file_response_.reset();  // closes a sent file
  if (ec) return Close();
  if (!keep_alive) return Linger();
  if (context_.registry.stopping()) return Close();
  ReadRequest();
}

void Session::Linger() {
  phase_ = Phase::kLingering;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTimeout);
  OnLingerRead({}, 0);
}

void Session::OnLingerRead(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return Close();  // the client closed, the linger timed out, or Shutdown()
  // prepare() without commit(): what is read is discarded by the next prepare().
  stream_.async_read_some(buffer_.prepare(kLingerChunk),
                          beast::bind_front_handler(&Session::OnLingerRead, shared_from_this()));
}

void Session::Close() {
  phase_ = Phase::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace celeste::http_internal

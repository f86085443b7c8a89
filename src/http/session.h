// Session: one HTTP/1.1 connection of HttpServer. Internal to src/http.
//
// A session reads one request at a time (requests pipelined behind it wait in the read
// buffer), hands it to the RequestHandler, writes the response and, with keep-alive, reads
// the next. It keeps itself alive by binding shared_from_this() into each pending operation
// and runs on its own strand, so its members need no lock.
//
// A request whose route streams its body (SessionContext::open_body returns a BodySink) has
// its body fed to the sink piece by piece, with the sink's own limit and an idle timeout per
// piece; every other body is read whole into a string under the server's body limit. A
// response may carry an open file (Response::file), written piece by piece.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server.h"

namespace celeste::http_internal {

class Session;

// The error a streamed read ends with when its sink stopped taking the body.
const boost::system::error_code& SinkStopped();

// A Beast body type whose reader hands each piece of a request body to a BodySink (not
// owned) instead of storing it.
struct SinkBody {
  using value_type = BodySink*;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& /*header*/, value_type& sink)
        : sink_(sink) {}

    void init(const boost::optional<std::uint64_t>& /*content_length*/,
              boost::beast::error_code& ec) {
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t taken = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        const std::string_view bytes(static_cast<const char*>(buffer.data()), buffer.size());
        if (!sink_->Append(bytes)) {
          ec = SinkStopped();
          return taken;
        }
        taken += buffer.size();
      }
      ec = {};
      return taken;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    BodySink* sink_;
  };
};

// The live sessions of one server, so that Stop() can reach them. Thread-safe.
class SessionRegistry {
 public:
  // Records a new session. Returns false when the server is already stopping: the caller
  // must then close the connection instead of serving it.
  bool Add(const std::shared_ptr<Session>& session);
  // Called by a session's destructor.
  void Remove(const Session* session);

  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  // Marks the server as stopping, asks every session to close once its current request is
  // answered, and waits until none is left or `timeout` passes. True when all are gone.
  bool CloseAll(std::chrono::milliseconds timeout);
  // Closes the connection of every session still registered, whatever it is doing. Only
  // while no io thread runs (after CloseAll() timed out and the io_context stopped).
  void AbortAll();

 private:
  std::vector<std::shared_ptr<Session>> Live();

  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable all_closed_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
};

// What every session of one server shares. Owned by the server, which outlives its sessions.
struct SessionContext {
  RequestHandler handler;
  BodyOpener open_body;  // may be empty: no route streams its body
  std::chrono::milliseconds read_timeout;
  uint64_t body_limit;
  uint32_t header_limit;
  SessionRegistry registry;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` must be connected and bound to a strand of the server's io_context.
  Session(boost::asio::ip::tcp::socket&& socket, SessionContext& context);
  ~Session();

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers the session and starts reading. Call once, right after construction.
  void Start();
  // Asks the session to close: at once when idle, else after answering the request it is
  // reading or handling. Thread-safe.
  void Shutdown();
  // Closes the connection now. Only while no io thread runs (see SessionRegistry::AbortAll).
  void Abort();

 private:
  enum class Phase { kReading, kHandling, kLingering, kClosed };
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using StreamParser = boost::beast::http::request_parser<SinkBody>;

  void ReadRequest();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  // Asks the application whether the route streams its body (filling head_ and its sink);
  // false when the opener failed and the session already answered.
  bool OpenBody();
  void ReadBody();
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  void OnStreamRead(boost::beast::error_code ec, std::size_t bytes);
  // Answers 413 (through the handler) for the request whose head was read.
  void HandleTooLarge();
  void Handle(Request&& request, unsigned version, bool keep_alive);
  // Answers with the error envelope and closes; for requests the handler never sees.
  void WriteError(ErrorCode code, std::string_view message);
  void WriteResponse(Response&& response, unsigned version, bool is_head, bool keep_alive);
  // Writes a response whose body is an open file; false (nothing written) when the file
  // cannot be used.
  bool WriteFileResponse(Response& response, unsigned version, bool keep_alive);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void OnShutdown();
  // Closes after the last response: stops sending, then reads and discards what the client
  // still sends (an oversized body, say) for a short while, so that closing does not reset
  // the connection before the client has read the response.
  void Linger();
  void OnLingerRead(boost::beast::error_code ec, std::size_t bytes);
  void Close();

  SessionContext& context_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // reused across the requests of the connection
  std::optional<RequestParser> parser_;
  // For a streamed body: the parser that took over from parser_ after the head, and the
  // request (head and sink) the handler will get.
  std::optional<StreamParser> stream_parser_;
  Request head_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::optional<boost::beast::http::response<boost::beast::http::file_body>> file_response_;
  std::string remote_address_;
  Phase phase_ = Phase::kReading;
};

}  // namespace celeste::http_internal

#include "ops/load_client.h"

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "ops/beast_verb.h"

namespace celeste::ops {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxDistinctErrors = 20;
constexpr uint64_t kMaxResponseBody = uint64_t{64} * 1024 * 1024;
constexpr auto kReconnectPause = std::chrono::milliseconds(100);
constexpr auto kProgressEvery = std::chrono::milliseconds(200);
// Descriptors the process needs beside its connections (stdio, logs, the resolver).
constexpr rlim_t kSpareFiles = 64;

// Raises the soft open-file limit as far as the hard one allows for `connections`.
Status EnsureOpenFiles(int connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return Status::OK();
  const rlim_t needed = static_cast<rlim_t>(connections) + kSpareFiles;
  if (limit.rlim_cur >= needed) return Status::OK();
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= needed) {
    limit.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) return Status::OK();
  }
  return Status::InvalidRequest(
      fmt::format("--concurrency {} needs {} open files, and this process may open {} (ulimit -n)",
                  connections, needed, limit.rlim_max));
}

// The state of one run, shared by its connections (one thread: no locks).
class Run {
 public:
  Run(const LoadOptions& options, tcp::resolver::results_type endpoints)
      : options_(options),
        endpoints_(std::move(endpoints)),
        start_(SteadyClock::now()),
        deadline_(start_ + options.duration),
        progress_timer_(io_) {}

  net::io_context& io() { return io_; }
  const LoadOptions& options() const { return options_; }
  const tcp::resolver::results_type& endpoints() const { return endpoints_; }

  // The next request to send, or nullopt when the run is over for this connection.
  std::optional<LoadRequest> Claim() {
    if (options_.requests > 0 && result_.sent >= options_.requests) return std::nullopt;
    if (SteadyClock::now() >= deadline_) {
      if (options_.requests > 0) result_.stopped_by_duration = true;
      return std::nullopt;
    }
    return options_.next(result_.sent++);
  }

  void Answered(int status, int expected, double ms) {
    if (result_.answered == 0 || ms < result_.min_ms) result_.min_ms = ms;
    result_.max_ms = std::max(result_.max_ms, ms);
    result_.sum_ms += ms;
    result_.latencies.Record(ms);
    ++result_.statuses[status];
    if (status != expected) ++result_.unexpected;
    ++result_.answered;
  }

  void TransportError(const std::string& message) {
    ++result_.transport_errors;
    if (result_.errors.size() < kMaxDistinctErrors || result_.errors.contains(message)) {
      ++result_.errors[message];
    }
  }

  void Opened() {
    ++result_.connections_opened;
    result_.peak_open_connections = std::max(result_.peak_open_connections, ++open_);
  }
  void Closed() { --open_; }

  void WorkerStarted() { ++workers_; }
  void WorkerDone() {
    if (--workers_ == 0) progress_timer_.cancel();
  }

  void StartProgress() {
    progress_timer_.expires_after(kProgressEvery);
    progress_timer_.async_wait([this](beast::error_code ec) {
      if (ec || workers_ == 0) return;
      Report();
      StartProgress();
    });
  }

  void Report() {
    if (!options_.on_progress) return;
    int64_t server_errors = 0;
    for (const auto& [status, n] : result_.statuses) {
      if (status >= 500) server_errors += n;
    }
    options_.on_progress({result_.answered, options_.requests, Elapsed(),
                          std::chrono::duration<double>(options_.duration).count(), server_errors,
                          result_.transport_errors, open_});
  }

  double Elapsed() const {
    return std::chrono::duration<double>(SteadyClock::now() - start_).count();
  }

  LoadResult Finish() {
    result_.elapsed_s = Elapsed();
    Report();
    return std::move(result_);
  }

 private:
  const LoadOptions& options_;
  tcp::resolver::results_type endpoints_;
  net::io_context io_{1};
  const SteadyClock::time_point start_;
  const SteadyClock::time_point deadline_;
  net::steady_timer progress_timer_;
  LoadResult result_;
  int open_ = 0;
  int workers_ = 0;
};

// One connection: claims a request, connects when needed, writes, reads, records, repeats.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(Run& run) : run_(run), stream_(run.io()), pause_(run.io()) {
    run_.WorkerStarted();
  }

  void Next() {
    auto request = run_.Claim();
    if (!request) {
      Disconnect();
      run_.WorkerDone();
      return;
    }
    expected_ = request->expected_status;
    Prepare(*request);
    sent_at_ = SteadyClock::now();
    if (connected_) {
      Write();
    } else {
      Connect();
    }
  }

 private:
  void Prepare(const LoadRequest& r) {
    const LoadOptions& o = run_.options();
    request_ = {};
    request_.method(ToBeastVerb(r.method).value_or(http::verb::get));
    request_.target(r.target);
    request_.version(11);
    request_.set(http::field::host, fmt::format("{}:{}", o.host, o.port));
    request_.set(http::field::user_agent, "celeste-stress");
    if (!o.bearer_token.empty())
      request_.set(http::field::authorization, "Bearer " + o.bearer_token);
    if (!r.body.empty()) {
      request_.set(http::field::content_type, "application/json");
      request_.body() = r.body;
    }
    request_.keep_alive(true);
    request_.prepare_payload();
  }

  void Connect() {
    stream_.expires_after(run_.options().request_timeout);
    stream_.async_connect(run_.endpoints(),
                          [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                            if (ec) return self->Fail("connect", ec, true);
                            self->connected_ = true;
                            self->run_.Opened();
                            self->Write();
                          });
  }

  void Write() {
    stream_.expires_after(run_.options().request_timeout);
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Fail("write", ec, false);
      self->Read();
    });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxResponseBody);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail("read", ec, false);
                       self->Done();
                     });
  }

  void Done() {
    const double ms =
        std::chrono::duration<double, std::milli>(SteadyClock::now() - sent_at_).count();
    run_.Answered(static_cast<int>(parser_->get().result_int()), expected_, ms);
    if (!parser_->get().keep_alive()) Disconnect();
    Next();
  }

  // Counts the failure, closes the connection and goes on (after a pause when the server
  // could not be reached, so a server that is down is not hammered).
  void Fail(std::string_view step, beast::error_code ec, bool pause) {
    run_.TransportError(fmt::format("{}: {}", step, ec.message()));
    Disconnect();
    if (!pause) return Next();
    pause_.expires_after(kReconnectPause);
    pause_.async_wait([self = shared_from_this()](beast::error_code) { self->Next(); });
  }

  void Disconnect() {
    buffer_.clear();
    if (!connected_) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return;
    }
    connected_ = false;
    run_.Closed();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  Run& run_;
  beast::tcp_stream stream_;
  net::steady_timer pause_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  SteadyClock::time_point sent_at_;
  int expected_ = 200;
  bool connected_ = false;
};

}  // namespace

Result<LoadResult> RunLoad(const LoadOptions& options) {
  if (options.concurrency < 1) return Status::InvalidRequest("--concurrency must be at least 1");
  CELESTE_RETURN_IF_ERROR(EnsureOpenFiles(options.concurrency));
  net::io_context resolver_io;
  tcp::resolver resolver(resolver_io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec) {
    return Status::InvalidRequest(
        fmt::format("--url: cannot resolve {}: {}", options.host, ec.message()));
  }
  Run run(options, std::move(endpoints));
  std::vector<std::shared_ptr<Connection>> connections;
  connections.reserve(options.concurrency);
  for (int i = 0; i < options.concurrency; ++i) {
    connections.push_back(std::make_shared<Connection>(run));
  }
  for (auto& c : connections) c->Next();
  connections.clear();  // each lives as long as its pending operation
  run.StartProgress();
  run.io().run();
  return run.Finish();
}

}  // namespace celeste::ops

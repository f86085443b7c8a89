// LoadClient: the stress runner's asynchronous HTTP/1.1 client (issue 7, `celeste stress`).
//
// One process, one thread, N connections (1,000 and more), each kept alive with one request
// in flight at a time, driven by Boost.Asio. A run ends when the planned number of requests
// has been answered or its duration has passed, whichever comes first; requests in flight at
// the end are still read. Latencies go into a bounded-memory log-scale histogram
// (health::LatencyHistogram, within 4 %), so a run of any length costs the same memory.
// A failure to connect, write or read is a transport error: counted, its message kept (the
// twenty most distinct), the connection opened again after a pause. Never throws.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/result.h"
#include "health/latency_histogram.h"
#include "http/request.h"

namespace celeste::ops {

// One request of a run, and the status a healthy server answers.
struct LoadRequest {
  Method method = Method::kGet;
  std::string target;
  std::string body;  // JSON; sent with Content-Type: application/json when not empty
  int expected_status = 200;
};

struct LoadProgress {
  int64_t answered = 0;
  int64_t planned = 0;  // 0: the run is bounded by its duration only
  double elapsed_s = 0;
  double duration_s = 0;
  int64_t server_errors = 0;  // 5xx
  int64_t transport_errors = 0;
  int open_connections = 0;
};

struct LoadOptions {
  std::string host;
  uint16_t port = 0;
  std::string bearer_token;  // sent on every request; never logged
  int concurrency = 50;
  int64_t requests = 220;  // answered requests to stop at; 0 = run for the duration
  std::chrono::milliseconds duration{30'000};
  std::chrono::milliseconds request_timeout{30'000};
  // The sequence-th request (0, 1, ...), called on the run's thread.
  std::function<LoadRequest(int64_t sequence)> next;
  // Called about five times a second, and once at the end.
  std::function<void(const LoadProgress&)> on_progress;
};

struct LoadResult {
  health::LatencyHistogram latencies;  // answered requests, ms
  double min_ms = 0;
  double max_ms = 0;
  double sum_ms = 0;
  std::map<int, int64_t> statuses;  // answered requests by HTTP status
  int64_t unexpected = 0;           // answered with another status than the request expected
  int64_t transport_errors = 0;
  std::map<std::string, int64_t> errors;  // transport error messages, at most 20 distinct
  int64_t sent = 0;
  int64_t answered = 0;
  double elapsed_s = 0;
  int64_t connections_opened = 0;
  int peak_open_connections = 0;
  bool stopped_by_duration = false;  // the duration ended before the planned requests
};

// Runs the load. Errors (invalid_request) only for what stops it from starting: a host that
// does not resolve, a concurrency the process's open-file limit cannot hold.
Result<LoadResult> RunLoad(const LoadOptions& options);

}  // namespace celeste::ops

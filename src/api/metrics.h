// Metrics in the Prometheus text format (GET /metrics). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace celeste {

class Metrics {
 public:
  // One finished HTTP request. `route` is the matched pattern ("unmatched" for 404s).
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
  // One action execution; outcome is "ok" or the error_code.
  void ObserveAction(std::string_view action, std::string_view outcome);

  // 5xx answers other than 503 feature_disabled: every one is a bug.
  int64_t server_errors() const { return server_errors_.load(); }
  // The exposition text.
  std::string Render() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};  // non-cumulative per bucket
    int64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> latency_;                               // guarded by mu_
  std::map<std::pair<std::string, std::string>, int64_t> actions_;         // guarded by mu_
  std::atomic<int64_t> server_errors_{0};
};

}  // namespace celeste

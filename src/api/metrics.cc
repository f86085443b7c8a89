#include "api/metrics.h"

#include <fmt/format.h>

namespace celeste {
namespace {

// Label values are our own route patterns and action ids, but escape anyway.
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double seconds) {
  // 503 is the contract's feature_disabled (a lens turned off), a designed answer; every
  // other 5xx is a bug.
  if (status >= 500 && status != 503) ++server_errors_;
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  Histogram& h = latency_[std::string(route)];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size()) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::ObserveAction(std::string_view action, std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++actions_[{std::string(action), std::string(outcome)}];
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP celeste_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE celeste_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out +=
        fmt::format("celeste_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    Escape(route), method, status, n);
  }
  out += "# HELP celeste_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE celeste_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out +=
          fmt::format("celeste_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      Escape(route), kBuckets[i], cumulative);
    }
    out +=
        fmt::format("celeste_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    Escape(route), h.count);
    out += fmt::format("celeste_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                       Escape(route), h.sum);
    out += fmt::format("celeste_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       Escape(route), h.count);
  }
  out +=
      "# HELP celeste_http_5xx_total 5xx responses other than 503 feature_disabled "
      "(every one is a bug).\n";
  out += "# TYPE celeste_http_5xx_total counter\n";
  out += fmt::format("celeste_http_5xx_total {}\n", server_errors_.load());
  out += "# HELP celeste_action_executions_total Action executions by action and outcome.\n";
  out += "# TYPE celeste_action_executions_total counter\n";
  for (const auto& [key, n] : actions_) {
    out += fmt::format("celeste_action_executions_total{{action=\"{}\",outcome=\"{}\"}} {}\n",
                       Escape(key.first), Escape(key.second), n);
  }
  return out;
}

}  // namespace celeste

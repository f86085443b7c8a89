#include "ops/stress_report.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace celeste::ops {
namespace {

constexpr std::array<std::string_view, 8> kLatencyMetrics = {"p50",   "p90", "p95",  "p99",
                                                             "p99.9", "min", "mean", "max"};
constexpr std::array<std::string_view, 4> kOps = {"<=", ">=", "<", ">"};  // longest first
constexpr std::array<std::string_view, 4> kClasses = {"2xx", "3xx", "4xx", "5xx"};

bool IsLatency(std::string_view metric) {
  return std::find(kLatencyMetrics.begin(), kLatencyMetrics.end(), metric) != kLatencyMetrics.end();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Status BadThreshold(std::string_view text, std::string_view why) {
  return Status::InvalidRequest(fmt::format("--threshold '{}': {}", text, why));
}

// The value and its unit: "200", "200ms", "0.5s", "1%".
Result<double> ParseLimit(std::string_view text, std::string_view metric, std::string_view value) {
  double scale = 1;
  if (IsLatency(metric) && value.ends_with("ms")) {
    value.remove_suffix(2);
  } else if (IsLatency(metric) && value.ends_with("s")) {
    value.remove_suffix(1);
    scale = 1000;
  } else if (metric == "error_rate" && value.ends_with("%")) {
    value.remove_suffix(1);
    scale = 0.01;
  }
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty() ||
      !std::isfinite(number) || number < 0) {
    return BadThreshold(text,
                        "the value must be a number at or above 0 (\"200\", \"0.5s\", \"1%\")");
  }
  if (metric == "error_rate" && number * scale > 1) {
    return BadThreshold(text, "an error rate is at most 1 (or 100%)");
  }
  return number * scale;
}

int64_t CountClass(const LoadResult& load, int hundreds) {
  int64_t n = 0;
  for (const auto& [status, count] : load.statuses) {
    if (status / 100 == hundreds) n += count;
  }
  return n;
}

std::string Ms(std::optional<double> v) { return v ? fmt::format("{:.1f}", *v) : "-"; }

std::string Actual(const ThresholdOutcome& t) {
  if (!t.actual) return "-";
  if (t.threshold.metric == "error_rate") return fmt::format("{:.2f}%", *t.actual * 100);
  if (t.threshold.metric == "rps") return fmt::format("{:.1f} req/s", *t.actual);
  return fmt::format("{:.1f} ms", *t.actual);
}

std::string Planned(const StressPlan& plan) {
  return plan.requests > 0
             ? fmt::format("{} requests (at most {:g} s)", plan.requests, plan.duration_s)
             : fmt::format("{:g} s", plan.duration_s);
}

double Rps(const LoadResult& load) {
  return load.elapsed_s > 0 ? static_cast<double>(load.answered) / load.elapsed_s : 0;
}

}  // namespace

Result<Threshold> ParseThreshold(std::string_view text) {
  const std::string_view body = Trim(text);
  for (std::string_view op : kOps) {
    const size_t at = body.find(op);
    if (at == std::string_view::npos) continue;
    Threshold t{std::string(text), std::string(Trim(body.substr(0, at))), std::string(op), 0};
    if (!IsLatency(t.metric) && t.metric != "rps" && t.metric != "error_rate") {
      return BadThreshold(text, fmt::format("unknown metric '{}' (p50, p90, p95, p99, p99.9, "
                                            "min, mean, max, rps, error_rate)",
                                            t.metric));
    }
    CELESTE_ASSIGN_OR_RETURN(t.limit,
                             ParseLimit(text, t.metric, Trim(body.substr(at + op.size()))));
    return t;
  }
  return BadThreshold(text, "expected METRIC OP VALUE, e.g. 'p95<200'");
}

std::optional<double> StressMetric(const LoadResult& load, std::string_view metric) {
  if (metric == "rps") return Rps(load);
  if (metric == "error_rate") {
    const int64_t tried = load.answered + load.transport_errors;
    if (tried == 0) return std::nullopt;
    return static_cast<double>(load.unexpected + load.transport_errors) /
           static_cast<double>(tried);
  }
  if (load.answered == 0) return std::nullopt;
  if (metric == "min") return load.min_ms;
  if (metric == "max") return load.max_ms;
  if (metric == "mean") return load.sum_ms / static_cast<double>(load.answered);
  double p = 0;
  std::from_chars(metric.data() + 1, metric.data() + metric.size(), p);
  // A bucket's upper bound, but never beyond the slowest answer seen.
  auto value = load.latencies.Percentile(p);
  return value ? std::optional<double>(std::min(*value, load.max_ms)) : std::nullopt;
}

StressVerdict JudgeStress(const LoadResult& load, const std::vector<Threshold>& thresholds) {
  StressVerdict v;
  if (load.answered == 0) v.reasons.push_back("no request was answered");
  if (const int64_t n = CountClass(load, 5); n > 0) {
    v.reasons.push_back(fmt::format("{} answers were 5xx", n));
  }
  if (const int64_t n = load.unexpected - CountClass(load, 5); n > 0) {
    v.reasons.push_back(fmt::format("{} answers had another status than expected", n));
  }
  if (load.transport_errors > 0) {
    v.reasons.push_back(fmt::format("{} transport errors", load.transport_errors));
  }
  for (const Threshold& t : thresholds) {
    ThresholdOutcome o{t, StressMetric(load, t.metric), false};
    if (o.actual) {
      const double a = *o.actual;
      o.pass = t.op == "<"    ? a < t.limit
               : t.op == "<=" ? a <= t.limit
               : t.op == ">"  ? a > t.limit
                              : a >= t.limit;
    }
    if (!o.pass) {
      v.reasons.push_back(fmt::format("threshold {} not met ({})", t.text, Actual(o)));
    }
    v.thresholds.push_back(std::move(o));
  }
  v.pass = v.reasons.empty();
  return v;
}

boost::json::object StressJson(const StressPlan& plan, const LoadResult& load,
                               const StressVerdict& verdict) {
  auto number = [](std::optional<double> v) {
    return v ? boost::json::value(std::round(*v * 1000) / 1000) : boost::json::value(nullptr);
  };
  boost::json::object latency;
  for (std::string_view m : kLatencyMetrics) {
    latency[m == "p99.9" ? "p99_9" : m] = number(StressMetric(load, m));
  }
  boost::json::object status;
  for (size_t i = 0; i < kClasses.size(); ++i) {
    status[kClasses[i]] = CountClass(load, static_cast<int>(i) + 2);
  }
  status["unexpected"] = load.unexpected;
  status["transport_errors"] = load.transport_errors;
  boost::json::object by_code;
  for (const auto& [code, n] : load.statuses) by_code[std::to_string(code)] = n;
  status["by_code"] = std::move(by_code);
  boost::json::array errors;
  for (const auto& [message, n] : load.errors)
    errors.push_back({{"message", message}, {"count", n}});
  boost::json::array thresholds;
  for (const auto& t : verdict.thresholds) {
    thresholds.push_back({{"threshold", t.threshold.text},
                          {"metric", t.threshold.metric},
                          {"op", t.threshold.op},
                          {"limit", t.threshold.limit},
                          {"actual", number(t.actual)},
                          {"pass", t.pass}});
  }
  boost::json::array reasons;
  for (const auto& r : verdict.reasons) reasons.push_back(boost::json::string(r));
  return {
      {"tool", "celeste stress"},
      {"version", 1},
      {"plan",
       {{"lens", plan.lens},
        {"scenario", plan.scenario},
        {"url", plan.url},
        {"yacht_id", plan.yacht_id},
        {"concurrency", plan.concurrency},
        {"requests", plan.requests},
        {"duration_s", plan.duration_s},
        {"started_at", plan.started_at}}},
      {"requests",
       {{"sent", load.sent},
        {"answered", load.answered},
        {"elapsed_s", number(load.elapsed_s)},
        {"rps", number(Rps(load))},
        {"stopped_by_duration", load.stopped_by_duration}}},
      {"latency_ms", std::move(latency)},
      {"status", std::move(status)},
      {"connections",
       {{"opened", load.connections_opened}, {"peak_open", load.peak_open_connections}}},
      {"errors", std::move(errors)},
      {"thresholds", std::move(thresholds)},
      {"verdict", verdict.pass ? "PASS" : "FAIL"},
      {"reasons", std::move(reasons)},
  };
}

std::string StressText(const StressPlan& plan, const LoadResult& load,
                       const StressVerdict& verdict) {
  std::string out = fmt::format(
      "celeste stress: lens {}, scenario {}, {} connections, {}\n"
      "  answered   {} of {} sent in {:.2f} s ({:.1f} req/s); {} connections opened, {} open at "
      "most{}\n",
      plan.lens, plan.scenario, plan.concurrency, Planned(plan), load.answered, load.sent,
      load.elapsed_s, Rps(load), load.connections_opened, load.peak_open_connections,
      load.stopped_by_duration ? "; the duration ended first" : "");
  std::vector<std::string> latencies;
  for (std::string_view m : {"p50", "p95", "p99", "p99.9", "max"}) {
    latencies.push_back(fmt::format("{} {} ms", m, Ms(StressMetric(load, m))));
  }
  out += fmt::format("  latency    {}\n  status     ", fmt::join(latencies, "  "));
  for (size_t i = 0; i < kClasses.size(); ++i) {
    out += fmt::format("{}{}: {}\n", i ? "             " : "", kClasses[i],
                       CountClass(load, static_cast<int>(i) + 2));
  }
  out += fmt::format("             transport errors: {}\n", load.transport_errors);
  if (!load.statuses.empty()) {
    out += "  by code    ";
    bool first = true;
    for (const auto& [code, n] : load.statuses) {
      out += fmt::format("{}{}: {}", first ? "" : ", ", code, n);
      first = false;
    }
    out += "\n";
  }
  for (const auto& [message, n] : load.errors)
    out += fmt::format("  error      {} x {}\n", n, message);
  for (const auto& t : verdict.thresholds) {
    out += fmt::format("  threshold  {:<14} {} ({})\n", t.threshold.text, t.pass ? "PASS" : "FAIL",
                       Actual(t));
  }
  out += fmt::format("  verdict    {}\n", verdict.pass ? "PASS" : "FAIL");
  for (const auto& r : verdict.reasons) out += fmt::format("             {}\n", r);
  return out;
}

std::string StressMarkdown(const StressPlan& plan, const LoadResult& load,
                           const StressVerdict& verdict) {
  std::string out = fmt::format("# Stress: {} ({})\n\n**Verdict: {}**\n\n", plan.lens,
                                plan.scenario, verdict.pass ? "PASS" : "FAIL");
  for (const auto& r : verdict.reasons) out += fmt::format("- {}\n", r);
  if (!verdict.reasons.empty()) out += "\n";
  out += fmt::format(
      "| run | |\n|---|---|\n| server | {} |\n| yacht | {} |\n| started | {} |\n"
      "| connections | {} ({} opened, {} open at most) |\n| planned | {} |\n"
      "| answered | {} of {} sent in {:.2f} s ({:.1f} req/s) |\n\n",
      plan.url, plan.yacht_id, plan.started_at, plan.concurrency, load.connections_opened,
      load.peak_open_connections, Planned(plan), load.answered, load.sent, load.elapsed_s,
      Rps(load));
  out +=
      "## Latency (ms)\n\n| p50 | p90 | p95 | p99 | p99.9 | max "
      "|\n|---:|---:|---:|---:|---:|---:|\n|";
  for (std::string_view m : {"p50", "p90", "p95", "p99", "p99.9", "max"}) {
    out += fmt::format(" {} |", Ms(StressMetric(load, m)));
  }
  out += "\n\n## Status\n\n| answers | count |\n|---|---:|\n";
  for (size_t i = 0; i < kClasses.size(); ++i) {
    out += fmt::format("| {} | {} |\n", kClasses[i], CountClass(load, static_cast<int>(i) + 2));
  }
  out += fmt::format("| transport errors | {} |\n", load.transport_errors);
  for (const auto& [code, n] : load.statuses) out += fmt::format("| HTTP {} | {} |\n", code, n);
  out += fmt::format("\n5xx: {}\n", CountClass(load, 5));
  if (!verdict.thresholds.empty()) {
    out += "\n## Thresholds\n\n| threshold | actual | result |\n|---|---:|---|\n";
    for (const auto& t : verdict.thresholds) {
      out += fmt::format("| `{}` | {} | {} |\n", t.threshold.text, Actual(t),
                         t.pass ? "PASS" : "FAIL");
    }
  }
  if (!load.errors.empty()) {
    out += "\n## Transport errors\n\n| error | count |\n|---|---:|\n";
    for (const auto& [message, n] : load.errors) out += fmt::format("| {} | {} |\n", message, n);
  }
  return out;
}

}  // namespace celeste::ops

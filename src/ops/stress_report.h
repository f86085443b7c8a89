// What a stress run found, judged and written down (issue 7, `celeste stress`): thresholds
// ("p95<200"), the verdict, and the report as text for a terminal, stable JSON for machines
// and Markdown for a reviewer. Pure.
//
// The verdict is PASS only when the run answered requests, none of them with a 5xx, none
// with another status than the scenario expects (a 4xx means the scenario is not working:
// wrong role, token, payload), no transport error happened, and every threshold holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "ops/load_client.h"

namespace celeste::ops {

// METRIC OP VALUE. Metrics: p50 p90 p95 p99 p99.9 min mean max (ms; the value may end in
// "ms" or "s"), rps (answered requests per second), error_rate (the share of requests not
// answered as expected, 0 to 1, or a percentage "1%"). OP: < <= > >=.
struct Threshold {
  std::string text;  // as given
  std::string metric;
  std::string op;
  double limit = 0;
};
// invalid_request naming --threshold and saying what is wrong.
Result<Threshold> ParseThreshold(std::string_view text);

// A metric of the run; nullopt when it has no value (no request was answered).
std::optional<double> StressMetric(const LoadResult& load, std::string_view metric);

struct ThresholdOutcome {
  Threshold threshold;
  std::optional<double> actual;
  bool pass = false;
};

struct StressVerdict {
  bool pass = false;
  std::vector<std::string> reasons;  // why it failed; empty on PASS
  std::vector<ThresholdOutcome> thresholds;
};
StressVerdict JudgeStress(const LoadResult& load, const std::vector<Threshold>& thresholds);

// What the run was asked to do.
struct StressPlan {
  std::string lens;
  std::string scenario;
  std::string url;  // SafeUrlPrefix
  std::string yacht_id;
  int concurrency = 0;
  int64_t requests = 0;  // 0 = the duration bounds the run
  double duration_s = 0;
  std::string started_at;
};

// {"tool","version","plan":{...},"requests":{...},"latency_ms":{...},"status":{...},
//  "connections":{...},"errors":[...],"thresholds":[...],"verdict","reasons"}: see
//  docs/lens-ops.md.
boost::json::object StressJson(const StressPlan& plan, const LoadResult& load,
                               const StressVerdict& verdict);
std::string StressMarkdown(const StressPlan& plan, const LoadResult& load,
                           const StressVerdict& verdict);
// The terminal summary: latencies, the status breakdown (always with a "5xx: N" line), the
// thresholds and the verdict.
std::string StressText(const StressPlan& plan, const LoadResult& load,
                       const StressVerdict& verdict);

}  // namespace celeste::ops

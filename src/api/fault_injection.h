// Fault injection, for testing the ops path (issue 6, docs/lens-ops.md): a server started
// with --allow-fault-injection and CELESTE_FAULT_INJECTION="lens:status:rate[,...]" answers
// that share of the lens's actions (execute and the GET reads behind them) with that status,
// in the contract's envelope for the status (500 internal_error, 503 feature_disabled,
// 429 rate_limited, ...) and details.injected_fault = true. Never on by accident: without
// the option the server refuses to start while the variable is set.
#pragma once

#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "actions/registry.h"
#include "core/result.h"

namespace celeste {

inline constexpr const char* kFaultInjectionEnv = "CELESTE_FAULT_INJECTION";

struct FaultRule {
  std::string lens;
  int status = 500;  // an HTTP status the contract gives some error_code
  double rate = 1;   // 0 < rate <= 1: the share of the lens's actions answered so
};

// Parses "lens:status:rate[,...]" (e.g. "shopping_list:500:0.2"); invalid_request naming
// the bad rule: an unknown lens, a status no error_code has, a rate outside (0, 1].
Result<std::vector<FaultRule>> ParseFaultSpec(std::string_view spec, const Registry& registry);

// Decides, per call, whether a lens's action is answered with a fault. Thread-safe.
class FaultInjector {
 public:
  explicit FaultInjector(std::vector<FaultRule> rules);

  bool active() const { return !rules_.empty(); }
  // The error to answer instead of running an action of `lens`, or OK to run it.
  Status Decide(std::string_view lens);
  // The rules, for /v1/actions/health.
  boost::json::array Json() const;

 private:
  const std::vector<FaultRule> rules_;
  std::mutex mu_;
  std::mt19937_64 random_;  // guarded by mu_
};

}  // namespace celeste

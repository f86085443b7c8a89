// A canary rollout of one feature flag (issue 6, docs/lens-ops.md "Canary rollout"): the
// stored plan (flag_rollouts, migration 0011) and the decision the monitor takes on it after
// each round. The decision is pure, so every rule is a unit test; rollout_driver.h gathers
// the evidence and applies it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "actions/registry.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

struct Rollout {
  std::string id;
  std::string flag;
  std::string lens_id;
  std::vector<int> stages;  // canary percentages, increasing
  int stage_index = 0;
  int64_t hold_seconds = 3600;
  bool auto_rollback = false;
  std::string state = "running";  // running, paused, completed, rolled_back, aborted
  std::string stage_started_at;
  std::string reason;
  std::string started_by;
  std::string created_at;
  std::string updated_at;

  bool active() const { return state == "running" || state == "paused"; }
  int percentage() const { return stages.at(static_cast<size_t>(stage_index)); }
};

// "5,20,50,100": whole percentages from 1 to 100, strictly increasing, the last 100 (a
// completed rollout has the flag on everywhere); invalid_field (field "stages") otherwise.
Result<std::vector<int>> ParseStages(std::string_view text);
// The lens a flag belongs to: the lens that lists it among its flags, or whose suggestions
// or actions it gates. nullopt for a flag no lens uses.
std::optional<std::string> LensOfFlag(const Registry& registry, std::string_view flag);

// What the monitor found about the rollout's lens across the fleet.
struct RolloutEvidence {
  int64_t healthy_checks = 0;  // in the window, on yachts where the lens is on
  int64_t other_checks = 0;    // degraded, unhealthy or inconclusive in the window
  std::string first_other;     // the first of those, described
  // A critical alert of the lens firing somewhere: which, where, why.
  std::string critical_alert_id, critical_yacht_id, critical_summary;
};

enum class RolloutStep { kWait, kPromote, kComplete, kRollBack };

struct RolloutDecision {
  RolloutStep step = RolloutStep::kWait;
  std::string reason;
};

// The rules, first that holds decides:
//   1. a critical alert fires and auto-rollback is on          -> roll back (also paused)
//   2. paused                                                   -> wait
//   3. the stage has not held `hold` yet                        -> wait
//   4. a check in the window was not healthy (inconclusive too) -> wait
//   5. fewer than `min_checks` healthy checks in the window     -> wait
//   6. the last stage held healthy                              -> complete
//   7. otherwise                                                -> promote to the next stage
// The window is the last `hold` of the current stage.
RolloutDecision DecideRollout(const Rollout& rollout, const RolloutEvidence& evidence, Micros now,
                              int64_t min_checks);

// The start of the evidence window: the later of the stage's start and now - hold.
Micros RolloutWindowStart(const Rollout& rollout, Micros now);

// flag_rollouts, in the caller's fleet-scoped transaction.
Status InsertRollout(Tx& tx, const Rollout& rollout);
Status UpdateRollout(Tx& tx, const Rollout& rollout);
// The flag's active rollout (locked for the transaction on PostgreSQL), or its latest.
Result<std::optional<Rollout>> ActiveRollout(Tx& tx, std::string_view flag);
Result<std::optional<Rollout>> LatestRollout(Tx& tx, std::string_view flag);
Result<std::vector<Rollout>> ActiveRollouts(Tx& tx);

boost::json::object RolloutJson(const Rollout& rollout);

}  // namespace celeste

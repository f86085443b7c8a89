// Driving canary rollouts (issue 6, docs/lens-ops.md "Canary rollout"): starting, pausing,
// resuming and aborting one (`celeste rollout`), and advancing every active one after each
// monitor round. Each change of a rollout and of its flag happens in one fleet transaction,
// and the flag change is audited (set_feature_flag, fleet chain) with its actor and why.
#pragma once

#include <string>
#include <vector>

#include "actions/registry.h"
#include "core/clock.h"
#include "core/result.h"
#include "flags/flag_service.h"
#include "rollout/rollout_plan.h"
#include "store/store.h"

namespace celeste {

// Who changes the flag: the monitor's account (its user id, role "monitor") or a person at
// the CLI ("cli:<login>", role "operator").
struct RolloutActor {
  std::string id;
  std::string role;
};

// The lens's checks in the rollout's window and its firing critical alerts, over every
// yacht (each read in the yacht's own scope).
Result<RolloutEvidence> GatherRolloutEvidence(Store& store, const Rollout& rollout, Micros now);

struct RolloutOutcome {
  Rollout rollout;  // as it is now
  RolloutDecision decision;
};

// Decides every active rollout once and applies it. A rollback also queues a `rollback`
// notice on the critical alert that caused it, delivered to that yacht's critical webhook.
// The notice is written after the rollback commits (it lives in the yacht's outbox, the
// rollout in the fleet's tables); if that write fails it is logged, and the rollback stands
// with its reason recorded and audited.
Result<std::vector<RolloutOutcome>> AdvanceRollouts(Store& store, FlagService& flags,
                                                    const RolloutActor& actor, const Clock& clock,
                                                    int64_t min_checks = 2);

// Stores the plan and sets the flag on at the first stage. invalid_request for a flag no
// lens uses; duplicate when the flag already has an active rollout.
Result<Rollout> StartRollout(Store& store, FlagService& flags, const Registry& registry,
                             const std::string& flag, std::vector<int> stages, int64_t hold_seconds,
                             bool auto_rollback, const RolloutActor& actor, const Clock& clock);

// "pause" (running -> paused), "resume" (paused -> running; the stage's hold starts again)
// or "abort" (-> aborted, the flag off). not_found without an active rollout;
// invalid_state_transition for a pause of a paused rollout or a resume of a running one.
Result<Rollout> ChangeRollout(Store& store, FlagService& flags, const std::string& flag,
                              std::string_view action, const RolloutActor& actor,
                              const Clock& clock);

}  // namespace celeste

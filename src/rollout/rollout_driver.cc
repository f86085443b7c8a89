#include "rollout/rollout_driver.h"

#include <fmt/format.h>

#include "core/log.h"
#include "core/uuid.h"
#include "flags/flag_changes.h"
#include "health/alert_record.h"
#include "health/health_record.h"

namespace celeste {
namespace {

const Sql kYachts{"SELECT id FROM yachts ORDER BY id"};

// Applies a change of `r` (and of its flag, when `change` is given) in one fleet
// transaction, provided the rollout is still as `seen` (another monitor may have moved it).
// Returns false when it was not.
Result<bool> Apply(Store& store, FlagService& flags, const Rollout& seen, const Rollout& r,
                   const std::optional<FlagChange>& change, const std::string& now) {
  bool applied = false;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kWrite, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto current, ActiveRollout(tx, seen.flag));
    if (!current || current->id != seen.id || current->stage_index != seen.stage_index ||
        current->state != seen.state) {
      return Status::OK();
    }
    CELESTE_RETURN_IF_ERROR(UpdateRollout(tx, r));
    if (change) CELESTE_RETURN_IF_ERROR(ApplyFlagChangeInTx(tx, flags, *change, now).status());
    applied = true;
    return Status::OK();
  }));
  if (change) flags.Invalidate();
  return applied;
}

FlagChange ChangeOf(const Rollout& r, bool enabled, const RolloutActor& actor,
                    const std::string& reason) {
  FlagChange c;
  c.flag = r.flag;
  c.enabled = enabled;
  c.canary_percentage = r.percentage();
  c.actor_id = actor.id;
  c.actor_role = actor.role;
  c.reason = reason;
  return c;
}

// Queues the rollback notice on the alert that caused it, in that yacht's outbox.
void NotifyRollback(Store& store, const Rollout& r, const RolloutEvidence& e, Micros now) {
  health::AlertChanges notice;
  notice.notices.push_back({e.critical_alert_id, health::NoticeKind::kRollback,
                            health::AlertSeverity::kCritical,
                            fmt::format("[CRITICAL] ROLLED BACK {} (lens {}): the flag is off; {}",
                                        r.flag, r.lens_id, r.reason)});
  Status s = store.Run(TxMode::kWrite, e.critical_yacht_id, [&](Tx& tx) {
    return health::SaveAlertChanges(tx, e.critical_yacht_id, notice, now);
  });
  if (!s.ok()) {
    Log(LogLevel::kError, "rollback notice not queued", {{"flag", r.flag}, {"error", s.message()}});
  }
}

}  // namespace

Result<RolloutEvidence> GatherRolloutEvidence(Store& store, const Rollout& r, Micros now) {
  std::vector<std::string> yachts;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kYachts));
    for (const Row& row : rows) yachts.push_back(row.Text(0));
    return Status::OK();
  }));
  const std::string since = FormatRfc3339(RolloutWindowStart(r, now));
  RolloutEvidence e;
  for (const std::string& yacht : yachts) {
    CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, yacht, [&](Tx& tx) -> Status {
      CELESTE_ASSIGN_OR_RETURN(auto checks,
                               health::CheckHistory(tx, yacht, r.lens_id, since, 10'000));
      for (const auto& c : checks) {
        if (c.status == health::CheckStatus::kDisabled) continue;  // not in the canary there
        if (c.status == health::CheckStatus::kHealthy) {
          ++e.healthy_checks;
          continue;
        }
        if (e.other_checks++ == 0) {
          e.first_other = fmt::format("{} on yacht {} at {}", health::CheckStatusName(c.status),
                                      yacht, c.observed_at);
        }
      }
      CELESTE_ASSIGN_OR_RETURN(auto alerts, health::OpenAlerts(tx, yacht, r.lens_id));
      for (const auto& a : alerts) {
        if (a.severity == health::AlertSeverity::kCritical &&
            a.state == health::AlertState::kFiring && e.critical_alert_id.empty()) {
          e.critical_alert_id = a.id;
          e.critical_yacht_id = yacht;
          e.critical_summary = a.rule + ": " + a.summary;
        }
      }
      return Status::OK();
    }));
  }
  return e;
}

Result<std::vector<RolloutOutcome>> AdvanceRollouts(Store& store, FlagService& flags,
                                                    const RolloutActor& actor, const Clock& clock,
                                                    int64_t min_checks) {
  std::vector<Rollout> active;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(active, ActiveRollouts(tx));
    return Status::OK();
  }));
  std::vector<RolloutOutcome> outcomes;
  for (const Rollout& seen : active) {
    const Micros now = clock.Now();
    const std::string now_text = FormatRfc3339(now);
    CELESTE_ASSIGN_OR_RETURN(RolloutEvidence evidence, GatherRolloutEvidence(store, seen, now));
    RolloutDecision decision = DecideRollout(seen, evidence, now, min_checks);
    Rollout next = seen;
    next.reason = decision.reason;
    next.updated_at = now_text;
    std::optional<FlagChange> change;
    switch (decision.step) {
      case RolloutStep::kWait:
        if (seen.reason == decision.reason) {
          outcomes.push_back({seen, decision});
          continue;
        }
        break;
      case RolloutStep::kPromote:
        ++next.stage_index;
        next.stage_started_at = now_text;
        change = ChangeOf(next, true, actor, "rollout: " + decision.reason);
        break;
      case RolloutStep::kComplete:
        next.state = "completed";
        break;
      case RolloutStep::kRollBack:
        next.state = "rolled_back";
        change = ChangeOf(next, false, actor, "rollout rolled back: " + decision.reason);
        break;
    }
    CELESTE_ASSIGN_OR_RETURN(bool applied, Apply(store, flags, seen, next, change, now_text));
    if (!applied) continue;  // another monitor moved it first
    if (decision.step != RolloutStep::kWait) {
      Log(decision.step == RolloutStep::kRollBack ? LogLevel::kWarn : LogLevel::kInfo, "rollout",
          {{"flag", next.flag},
           {"state", next.state},
           {"canary_percentage", next.percentage()},
           {"reason", decision.reason}});
    }
    if (decision.step == RolloutStep::kRollBack) NotifyRollback(store, next, evidence, now);
    outcomes.push_back({next, decision});
  }
  return outcomes;
}

Result<Rollout> StartRollout(Store& store, FlagService& flags, const Registry& registry,
                             const std::string& flag, std::vector<int> stages, int64_t hold_seconds,
                             bool auto_rollback, const RolloutActor& actor, const Clock& clock) {
  if (!flags.Find(flag)) return Status::InvalidRequest("no feature flag named '" + flag + "'");
  auto lens = LensOfFlag(registry, flag);
  if (!lens) {
    return Status::InvalidRequest("flag " + flag + " gates no lens: no check could judge it");
  }
  const std::string now = FormatRfc3339(clock.Now());
  Rollout r;
  r.id = NewUuidV7();
  r.flag = flag;
  r.lens_id = *lens;
  r.stages = std::move(stages);
  r.hold_seconds = hold_seconds;
  r.auto_rollback = auto_rollback;
  r.stage_started_at = r.created_at = r.updated_at = now;
  r.started_by = actor.id;
  r.reason = "started";
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kWrite, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto existing, ActiveRollout(tx, flag));
    if (existing) {
      return Status::Error(
          ErrorCode::kDuplicate,
          fmt::format("a rollout of {} is already {} (stage {}, {} %)", flag, existing->state,
                      existing->stage_index + 1, existing->percentage()),
          {{"existing_id", existing->id}});
    }
    CELESTE_RETURN_IF_ERROR(InsertRollout(tx, r));
    return ApplyFlagChangeInTx(tx, flags, ChangeOf(r, true, actor, "rollout started"), now)
        .status();
  }));
  flags.Invalidate();
  return r;
}

Result<Rollout> ChangeRollout(Store& store, FlagService& flags, const std::string& flag,
                              std::string_view action, const RolloutActor& actor,
                              const Clock& clock) {
  if (action != "pause" && action != "resume" && action != "abort") {
    return Status::InvalidRequest("no rollout action '" + std::string(action) + "'");
  }
  const std::string now = FormatRfc3339(clock.Now());
  Rollout r;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kWrite, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto current, ActiveRollout(tx, flag));
    if (!current) return Status::NotFound("no active rollout of " + flag);
    r = *current;
    r.updated_at = now;
    if (action == "pause") {
      if (r.state != "running") return Status::InvalidTransition(r.state, "pause");
      r.state = "paused";
      r.reason = "paused by " + actor.id;
    } else if (action == "resume") {
      if (r.state != "paused") return Status::InvalidTransition(r.state, "resume");
      r.state = "running";
      r.stage_started_at = now;  // the stage's hold starts again
      r.reason = "resumed by " + actor.id;
    } else {
      r.state = "aborted";
      r.reason = "aborted by " + actor.id;
    }
    CELESTE_RETURN_IF_ERROR(UpdateRollout(tx, r));
    if (action == "abort") {
      return ApplyFlagChangeInTx(tx, flags, ChangeOf(r, false, actor, "rollout aborted"), now)
          .status();
    }
    return Status::OK();
  }));
  flags.Invalidate();
  return r;
}

}  // namespace celeste

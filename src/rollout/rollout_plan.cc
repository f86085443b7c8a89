#include "rollout/rollout_plan.h"

#include <charconv>

#include <fmt/format.h>

namespace celeste {
namespace {

#define CELESTE_ROLLOUT_COLUMNS                                                       \
  "id, flag_name, lens_id, stages, stage_index, hold_seconds, auto_rollback, state, " \
  "stage_started_at, reason, started_by, created_at, updated_at"

const Sql kInsert{"INSERT INTO flag_rollouts (" CELESTE_ROLLOUT_COLUMNS
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"};
const Sql kUpdate{
    "UPDATE flag_rollouts SET stage_index = $2, state = $3, stage_started_at = $4, reason = $5, "
    "updated_at = $6 WHERE id = $1"};
const Sql kActive{"SELECT " CELESTE_ROLLOUT_COLUMNS
                  " FROM flag_rollouts WHERE flag_name = $1 AND "
                  "(state = 'running' OR state = 'paused')",
                  "SELECT " CELESTE_ROLLOUT_COLUMNS
                  " FROM flag_rollouts WHERE flag_name = $1 AND "
                  "state IN ('running', 'paused') FOR UPDATE"};
const Sql kLatest{"SELECT " CELESTE_ROLLOUT_COLUMNS
                  " FROM flag_rollouts WHERE flag_name = $1 ORDER BY created_at DESC, id DESC "
                  "LIMIT 1"};
const Sql kAllActive{"SELECT " CELESTE_ROLLOUT_COLUMNS
                     " FROM flag_rollouts WHERE state = 'running' OR state = 'paused' "
                     "ORDER BY flag_name"};

std::string StagesText(const std::vector<int>& stages) {
  std::string out;
  for (int s : stages) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

Result<Rollout> FromRow(const Row& row) {
  Rollout r;
  r.id = row.Text(0);
  r.flag = row.Text(1);
  r.lens_id = row.Text(2);
  auto stages = ParseStages(row.Text(3));
  if (!stages.ok()) return Status::Internal("flag_rollouts: bad stages " + row.Text(3));
  r.stages = std::move(*stages);
  r.stage_index = static_cast<int>(row.Int(4));
  if (r.stage_index >= static_cast<int>(r.stages.size())) {
    return Status::Internal("flag_rollouts: stage index out of range");
  }
  r.hold_seconds = row.Int(5);
  r.auto_rollback = row.Bool(6);
  r.state = row.Text(7);
  r.stage_started_at = row.Text(8);
  r.reason = row.Text(9);
  r.started_by = row.Text(10);
  r.created_at = row.Text(11);
  r.updated_at = row.Text(12);
  return r;
}

Result<std::optional<Rollout>> OneOf(Result<std::optional<Row>> row) {
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Rollout>();
  CELESTE_ASSIGN_OR_RETURN(Rollout r, FromRow(**row));
  return std::optional<Rollout>(std::move(r));
}

}  // namespace

Result<std::vector<int>> ParseStages(std::string_view text) {
  std::vector<int> stages;
  const auto bad = [&](std::string_view why) {
    return Status::InvalidField(
        "stages", fmt::format("stages '{}': {} (e.g. 5,20,50,100: percentages from 1 to 100, "
                              "increasing)",
                              text, why));
  };
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, end - start);
    int value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size()) {
      return bad("not a list of whole numbers");
    }
    if (value < 1 || value > 100) return bad("each stage must be 1 to 100");
    if (!stages.empty() && value <= stages.back()) return bad("stages must increase");
    stages.push_back(value);
    start = end + 1;
  }
  if (stages.empty()) return bad("no stages");
  if (stages.back() != 100) return bad("the last stage must be 100");
  return stages;
}

std::optional<std::string> LensOfFlag(const Registry& registry, std::string_view flag) {
  for (const LensDef& lens : registry.lenses()) {
    if (std::find(lens.flags.begin(), lens.flags.end(), flag) != lens.flags.end() ||
        lens.suggestions_flag == flag) {
      return lens.id;
    }
  }
  for (const auto& action : registry.actions()) {
    if (std::find(action->extra_flags.begin(), action->extra_flags.end(), flag) !=
        action->extra_flags.end()) {
      return action->lens;
    }
  }
  return std::nullopt;
}

Micros RolloutWindowStart(const Rollout& r, Micros now) {
  const Micros stage_start = ParseRfc3339(r.stage_started_at).value_or(now);
  return std::max(stage_start, now - r.hold_seconds * kMicrosPerSecond);
}

RolloutDecision DecideRollout(const Rollout& r, const RolloutEvidence& e, Micros now,
                              int64_t min_checks) {
  if (r.auto_rollback && !e.critical_alert_id.empty()) {
    return {RolloutStep::kRollBack,
            fmt::format("critical alert on lens {} (yacht {}): {}", r.lens_id, e.critical_yacht_id,
                        e.critical_summary)};
  }
  if (r.state == "paused") return {RolloutStep::kWait, "paused"};
  const Micros stage_start = ParseRfc3339(r.stage_started_at).value_or(now);
  const Micros hold = r.hold_seconds * kMicrosPerSecond;
  if (now - stage_start < hold) {
    return {RolloutStep::kWait, fmt::format("holding stage {} ({} %) until {}", r.stage_index + 1,
                                            r.percentage(), FormatRfc3339(stage_start + hold))};
  }
  if (e.other_checks > 0) {
    return {RolloutStep::kWait, fmt::format("{} check(s) in the last hold not healthy: {}",
                                            e.other_checks, e.first_other)};
  }
  if (e.healthy_checks < min_checks) {
    return {RolloutStep::kWait,
            fmt::format("{} healthy check(s) of lens {} in the last hold; {} needed",
                        e.healthy_checks, r.lens_id, min_checks)};
  }
  if (r.stage_index + 1 >= static_cast<int>(r.stages.size())) {
    return {RolloutStep::kComplete,
            fmt::format("{} healthy check(s) at {} %: complete", e.healthy_checks, r.percentage())};
  }
  return {RolloutStep::kPromote,
          fmt::format("{} healthy check(s) at {} %: promoted to {} %", e.healthy_checks,
                      r.percentage(), r.stages[static_cast<size_t>(r.stage_index) + 1])};
}

Status InsertRollout(Tx& tx, const Rollout& r) {
  return tx.ExecDeferred(kInsert,
                         {r.id, r.flag, r.lens_id, StagesText(r.stages), r.stage_index,
                          r.hold_seconds, r.auto_rollback, r.state, r.stage_started_at, r.reason,
                          r.started_by, r.created_at, r.updated_at},
                         1);
}

Status UpdateRollout(Tx& tx, const Rollout& r) {
  return tx.ExecDeferred(
      kUpdate, {r.id, r.stage_index, r.state, r.stage_started_at, r.reason, r.updated_at}, 1);
}

Result<std::optional<Rollout>> ActiveRollout(Tx& tx, std::string_view flag) {
  return OneOf(tx.QueryOne(kActive, {flag}));
}

Result<std::optional<Rollout>> LatestRollout(Tx& tx, std::string_view flag) {
  return OneOf(tx.QueryOne(kLatest, {flag}));
}

Result<std::vector<Rollout>> ActiveRollouts(Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kAllActive));
  return FromRows<Rollout>(rows, FromRow);
}

boost::json::object RolloutJson(const Rollout& r) {
  boost::json::array stages;
  for (int s : r.stages) stages.push_back(s);
  return {{"id", r.id},
          {"flag_name", r.flag},
          {"lens_id", r.lens_id},
          {"stages", std::move(stages)},
          {"stage", r.stage_index + 1},
          {"canary_percentage", r.percentage()},
          {"hold_seconds", r.hold_seconds},
          {"auto_rollback", r.auto_rollback},
          {"state", r.state},
          {"stage_started_at", r.stage_started_at},
          {"reason", r.reason},
          {"started_by", r.started_by},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

}  // namespace celeste

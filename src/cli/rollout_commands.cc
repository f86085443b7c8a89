// rollout start|status|pause|resume|abort: canary rollouts of a feature flag, promoted by the
// monitor (issue 6, docs/lens-ops.md "Canary rollout").
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/uuid.h"
#include "flags/flag_service.h"
#include "lenses/lenses.h"
#include "rollout/rollout_driver.h"

namespace celeste {
namespace {

struct RolloutOptions {
  CommonOptions common;
  std::string flag;
  std::string stages = "5,20,50,100";
  std::string hold = "1h";
  bool auto_rollback = false;
};

RolloutActor Operator() {
  const char* user = std::getenv("USER");
  return {std::string("cli:") + (user && *user ? user : "operator"), "operator"};
}

void PrintRollout(const Rollout& r, bool json) {
  if (json) {
    PrintJson(RolloutJson(r));
    return;
  }
  std::string stages;
  for (size_t i = 0; i < r.stages.size(); ++i) {
    const std::string s = std::to_string(r.stages[i]) + "%";
    stages += (i ? " > " : "") + (static_cast<int>(i) == r.stage_index ? "[" + s + "]" : s);
  }
  std::cout << fmt::format(
      "{}: {} (lens {})\n  stages  {}\n  hold    {} s per stage, auto-rollback {}\n  since   {}\n"
      "  why     {}\n",
      r.flag, r.state, r.lens_id, stages, r.hold_seconds, r.auto_rollback ? "on" : "off",
      r.stage_started_at, r.reason);
}

// Runs `body` with the store, the registry's flags and the registry.
int WithFlags(const RolloutOptions& o,
              const std::function<Result<Rollout>(Store&, FlagService&, const Registry&)>& body) {
  return WithStore(o.common, [&](Store& store) {
    Registry registry;
    RegisterAllLenses(registry);
    FlagService flags(store, registry.AllFlags(), SystemClock::Instance());
    auto r = body(store, flags, registry);
    if (!r.ok()) return ReportError(r.status(), o.common.json);
    PrintRollout(*r, o.common.json);
    return kExitOk;
  });
}

int Start(const RolloutOptions& o) {
  auto stages = ParseStages(o.stages);
  if (!stages.ok()) return ReportError(stages.status(), o.common.json);
  auto hold = DurationFlag("--hold", o.hold);
  if (!hold.ok()) return ReportError(hold.status(), o.common.json);
  if (*hold < kMicrosPerSecond) {
    return ReportError(Status::InvalidRequest("--hold must be at least 1s"), o.common.json);
  }
  return WithFlags(o, [&](Store& store, FlagService& flags, const Registry& registry) {
    return StartRollout(store, flags, registry, o.flag, *stages, *hold / kMicrosPerSecond,
                        o.auto_rollback, Operator(), SystemClock::Instance());
  });
}

int Status_(const RolloutOptions& o) {
  return WithFlags(o, [&](Store& store, FlagService&, const Registry&) -> Result<Rollout> {
    std::optional<Rollout> r;
    CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, kFleetId, [&](Tx& tx) -> Status {
      CELESTE_ASSIGN_OR_RETURN(r, LatestRollout(tx, o.flag));
      return Status::OK();
    }));
    if (!r) return Status::NotFound("no rollout of " + o.flag);
    return *r;
  });
}

}  // namespace

std::vector<Command> AddRolloutCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand(
      "rollout", "Roll a feature flag out in canary stages, promoted by the monitor");
  group->require_subcommand(1);
  std::vector<Command> commands;

  auto so = std::make_shared<RolloutOptions>();
  CLI::App* start = group->add_subcommand(
      "start", "Store a plan and turn the flag on at its first stage (audited)");
  AddCommonOptions(start, so->common);
  start->add_option("flag", so->flag, "Flag name, e.g. SHOPPING_LIST_LENS_V1_ENABLED")->required();
  start->add_option("--stages", so->stages, "Canary percentages, increasing")
      ->capture_default_str();
  start->add_option("--hold", so->hold, "How long each stage must stay healthy (e.g. 30m, 1h)")
      ->capture_default_str();
  start->add_flag("--auto-rollback", so->auto_rollback,
                  "Turn the flag off when a critical alert fires on its lens");
  commands.push_back({start, [so] { return Start(*so); }});

  auto st = std::make_shared<RolloutOptions>();
  CLI::App* status = group->add_subcommand("status", "The flag's latest rollout");
  AddCommonOptions(status, st->common);
  status->add_option("flag", st->flag, "Flag name")->required();
  commands.push_back({status, [st] { return Status_(*st); }});

  for (const char* action : {"pause", "resume", "abort"}) {
    auto o = std::make_shared<RolloutOptions>();
    const std::string help =
        std::string(action) == "pause"    ? "Stop promoting (a critical alert still rolls back)"
        : std::string(action) == "resume" ? "Promote again; the current stage holds afresh"
                                          : "Give up: the rollout ends and the flag is turned off";
    CLI::App* cmd = group->add_subcommand(action, help);
    AddCommonOptions(cmd, o->common);
    cmd->add_option("flag", o->flag, "Flag name")->required();
    commands.push_back({cmd, [o, action] {
                          return WithFlags(
                              *o, [&](Store& store, FlagService& flags, const Registry&) {
                                return ChangeRollout(store, flags, o->flag, action, Operator(),
                                                     SystemClock::Instance());
                              });
                        }});
  }
  return commands;
}

}  // namespace celeste

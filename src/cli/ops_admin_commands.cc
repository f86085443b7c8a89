// flags list|set, audit verify.
#include <iostream>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "cli/commands.h"
#include "flags/flag_changes.h"
#include "flags/flag_service.h"
#include "lenses/lenses.h"

namespace celeste {
namespace {

std::string OperatorName() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "operator");
}

struct AuditVerifyOptions {
  CommonOptions common;
  std::string yacht;
};

// Verifies the chains and prints a line (or a JSON entry) per chain.
int VerifyAudit(Store& store, const AuditVerifyOptions& o) {
  auto reports = VerifyAuditChains(
      store, o.yacht.empty() ? std::nullopt : std::optional<std::string>(o.yacht));
  if (!reports.ok()) return ReportError(reports.status(), o.common.json);
  bool all_ok = true;
  boost::json::array out;
  for (const auto& r : *reports) {
    all_ok = all_ok && r.ok;
    out.push_back({{"yacht_id", r.yacht_id},
                   {"rows", r.rows},
                   {"ok", r.ok},
                   {"bad_seq", r.ok ? boost::json::value(nullptr) : r.bad_seq},
                   {"problem", r.problem}});
    if (!o.common.json) {
      std::cout << fmt::format("{}  {:>7} rows  {}\n", r.yacht_id, r.rows,
                               r.ok ? "ok" : "BROKEN: " + r.problem);
    }
  }
  if (o.common.json) {
    PrintJson({{"success", all_ok}, {"chains", std::move(out)}});
  } else {
    std::cout << (all_ok ? "audit chains verified\n" : "audit chain broken\n");
  }
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace

std::vector<Command> AddFlagsCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("flags", "List and change feature flags");
  group->require_subcommand(1);
  auto lo = std::make_shared<CommonOptions>();
  CLI::App* list = group->add_subcommand("list", "List every flag");
  AddCommonOptions(list, *lo);

  struct SetOptions {
    CommonOptions common;
    std::string name;
    std::string enabled;
    std::optional<int> percent;
  };
  auto so = std::make_shared<SetOptions>();
  CLI::App* set = group->add_subcommand("set", "Turn a flag on or off (audited; live in ~1 s)");
  AddCommonOptions(set, so->common);
  set->add_option("name", so->name, "Flag name, e.g. SHOPPING_LIST_LENS_V1_ENABLED")->required();
  set->add_option("--enabled", so->enabled, "true or false")
      ->required()
      ->check(CLI::IsMember({"true", "false"}));
  set->add_option("--percent", so->percent, "Canary percentage 0-100 (keeps the current one)")
      ->check(CLI::Range(0, 100));

  auto with_flags = [](const CommonOptions& common, auto&& body) -> int {
    return WithStore(common, [&](Store& store) {
      Registry registry;
      RegisterAllLenses(registry);
      FlagService flags(store, registry.AllFlags(), SystemClock::Instance());
      return body(store, flags);
    });
  };

  auto run_list = [lo, with_flags] {
    return with_flags(*lo, [&](Store&, FlagService& flags) {
      const auto all = flags.List();
      if (lo->json) {
        boost::json::array out;
        for (const auto& f : all) out.push_back(FlagJson(f));
        PrintJson({{"flags", std::move(out)}});
        return kExitOk;
      }
      std::cout << fmt::format("{:<40} {:<8} {:>7}  {:<28} {}\n", "FLAG", "ENABLED", "CANARY",
                               "UPDATED", "BY");
      for (const auto& f : all) {
        std::string enabled = f.enabled ? "on" : "off";
        if (f.env_override) enabled = fmt::format("{} (env)", *f.env_override ? "on" : "off");
        std::cout << fmt::format("{:<40} {:<8} {:>6}%  {:<28} {}\n", f.name, enabled,
                                 f.canary_percentage, f.updated_at.empty() ? "-" : f.updated_at,
                                 f.updated_by.empty() ? "-" : f.updated_by);
      }
      return kExitOk;
    });
  };
  auto run_set = [so, with_flags] {
    return with_flags(so->common, [&](Store& store, FlagService& flags) {
      FlagChange change{.flag = so->name,
                        .enabled = so->enabled == "true",
                        .canary_percentage = so->percent,
                        .actor_id = OperatorName(),
                        .actor_role = "operator",
                        .request_id = ""};
      auto audit_id = ApplyFlagChange(store, flags, change, SystemClock::Instance());
      if (!audit_id.ok()) {
        int code = ReportError(audit_id.status(), so->common.json);
        return audit_id.status().code() == ErrorCode::kNotFound ? kExitUsage : code;
      }
      auto state = flags.Find(so->name);
      if (so->common.json) {
        PrintJson({{"success", true}, {"flag", FlagJson(*state)}, {"audit_id", *audit_id}});
      } else {
        std::cout << fmt::format("{} is {} at {}%\n", state->name, state->enabled ? "on" : "off",
                                 state->canary_percentage);
      }
      return kExitOk;
    });
  };
  return {{list, run_list}, {set, run_set}};
}

std::vector<Command> AddAuditCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("audit", "Audit log tools");
  group->require_subcommand(1);
  auto o = std::make_shared<AuditVerifyOptions>();
  CLI::App* verify = group->add_subcommand(
      "verify", "Check every yacht's audit hash chain (exit 1 when one is broken)");
  AddCommonOptions(verify, o->common);
  verify->add_option("--yacht", o->yacht, "Only this yacht's chain");
  return {{verify, [o] {
             return WithStore(o->common, [&](Store& store) { return VerifyAudit(store, *o); });
           }}};
}

}  // namespace celeste

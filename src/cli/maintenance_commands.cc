// maintenance due (issue 5, docs/lenses/equipment.md): what planned maintenance is due or
// overdue on a yacht, by calendar or by running hours — the report list_due_maintenance
// gives over HTTP (the same function, FindDueMaintenance), as a table or as JSON.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "lenses/equipment/equipment_lens.h"

namespace celeste {
namespace {

const Sql kYachtExists{"SELECT id FROM yachts WHERE id = $1"};

struct DueOptions {
  CommonOptions common;
  std::string yacht;
  int64_t within_days = 0;
  double within_hours = 0;
};

// "12 days overdue", "due today", "in 3 days" / "40 h overdue", "in 25 h".
std::string Overdue(std::optional<int64_t> days, std::optional<double> hours) {
  std::vector<std::string> parts;
  if (days) {
    if (*days > 0) {
      parts.push_back(fmt::format("{} d overdue", *days));
    } else if (*days == 0) {
      parts.push_back("due today");
    } else {
      parts.push_back(fmt::format("in {} d", -*days));
    }
  }
  if (hours) {
    parts.push_back(*hours >= 0 ? fmt::format("{:g} h overdue", *hours)
                                : fmt::format("in {:g} h", -*hours));
  }
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : ", ") + p;
  return text;
}

// "2026-11-22" and/or "1500 h".
std::string NextDue(const DueMaintenance& d) {
  std::string text;
  if (d.next_due_at) text = d.next_due_at->substr(0, 10);
  if (d.next_due_hours)
    text += fmt::format("{}{:g} h", text.empty() ? "" : " / ", *d.next_due_hours);
  return text;
}

std::string Clip(const std::string& text, size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 1) + "~";
}

void PrintTable(const std::vector<DueMaintenance>& due, const std::string& now) {
  if (due.empty()) {
    std::cout << "no maintenance due (as of " << now << ")\n";
    return;
  }
  const std::string row = "{:<8}  {:<8}  {:<24}  {:<30}  {:<20}  {}\n";
  std::cout << fmt::format(fmt::runtime(row), "STATUS", "DUE BY", "EQUIPMENT", "TASK", "NEXT DUE",
                           "OVERDUE");
  for (const DueMaintenance& d : due) {
    std::cout << fmt::format(fmt::runtime(row), d.due ? "due" : "upcoming", d.due_by,
                             Clip(d.equipment_name, 24), Clip(d.task, 30), NextDue(d),
                             Overdue(d.days_overdue, d.hours_overdue));
  }
  const auto due_now = std::count_if(due.begin(), due.end(), [](const auto& d) { return d.due; });
  std::cout << fmt::format("{} due, {} upcoming (as of {})\n", due_now,
                           static_cast<int64_t>(due.size()) - due_now, now);
}

Result<std::vector<DueMaintenance>> LoadDue(Store& store, const std::string& yacht_id, Micros now,
                                            const DueLookahead& lookahead) {
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, "", [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kYachtExists, {yacht_id}));
    return row ? Status::OK() : Status::NotFound("no yacht " + yacht_id);
  }));
  std::vector<DueMaintenance> due;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, yacht_id, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(due, FindDueMaintenance(tx, yacht_id, now, lookahead));
    return Status::OK();
  }));
  return due;
}

int RunDue(Store& store, const DueOptions& o) {
  const bool json = o.common.json;
  if (!IsUuid(o.yacht)) {
    return ReportError(Status::InvalidField("yacht", "--yacht must be a yacht id"), json);
  }
  const std::string yacht_id = NormalizeUuid(o.yacht);
  const Micros now = SystemClock::Instance().Now();
  const DueLookahead lookahead{.within_days = o.within_days, .within_hours = o.within_hours};
  auto due = LoadDue(store, yacht_id, now, lookahead);
  if (!due.ok()) return ReportError(due.status(), json);
  if (json) {
    boost::json::array items;
    for (const DueMaintenance& d : *due) items.push_back(d.ToJson());
    PrintJson({{"success", true},
               {"yacht_id", yacht_id},
               {"as_of", FormatRfc3339(now)},
               {"count", items.size()},
               {"due", std::move(items)}});
  } else {
    PrintTable(*due, FormatRfc3339(now));
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> AddMaintenanceCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("maintenance", "Planned maintenance");
  group->require_subcommand(1);

  auto o = std::make_shared<DueOptions>();
  CLI::App* due = group->add_subcommand(
      "due", "What maintenance is due or overdue on a yacht, by calendar or running hours");
  AddCommonOptions(due, o->common);
  due->add_option("--yacht", o->yacht, "Yacht id")->required();
  due->add_option("--within-days", o->within_days, "Also what falls due within N days")
      ->check(CLI::Range(0, 3650));
  due->add_option("--within-hours", o->within_hours, "Also what falls due within N running hours")
      ->check(CLI::NonNegativeNumber);

  return {{due, [o] { return WithStore(o->common, [&](Store& s) { return RunDue(s, *o); }); }}};
}

}  // namespace celeste

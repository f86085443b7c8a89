// alerts check|list: the alert rules over the latest checks, and what was sent (issue 6,
// docs/lens-ops.md "Alerts"). The monitor judges the rules after every check itself; `alerts
// check` is for judging and delivering from elsewhere (cron, another host with the webhooks).
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "health/alert_record.h"
#include "lenses/lenses.h"
#include "ops/alert_notifier.h"

namespace celeste {
namespace {

struct AlertsOptions {
  CommonOptions common;
  std::string yacht;
  std::vector<std::string> webhooks;
  std::string remind_every = "4h";
  int limit = 50;
};

void PrintAlerts(const std::vector<health::Alert>& alerts) {
  if (alerts.empty()) {
    std::cout << "no alerts\n";
    return;
  }
  std::cout << fmt::format("{:<9} {:<9} {:<26} {:<14} {:<28} {}\n", "state", "severity", "rule",
                           "lens", "since", "summary");
  for (const auto& a : alerts) {
    std::string state(health::AlertStateName(a.state));
    if (!a.silenced_by.empty()) state += "*";
    std::cout << fmt::format("{:<9} {:<9} {:<26} {:<14} {:<28} {}\n", state,
                             health::AlertSeverityName(a.severity), a.rule, a.lens_id,
                             a.fired_at.empty() ? a.started_at : a.fired_at, a.summary);
  }
}

int CheckAlerts(Store& store, const AlertsOptions& o) {
  auto remind_every = DurationFlag("--remind-every", o.remind_every);
  if (!remind_every.ok()) return ReportError(remind_every.status(), o.common.json);
  auto webhooks = WebhooksFlag(o.webhooks);
  if (!webhooks.ok()) return ReportError(webhooks.status(), o.common.json);
  Registry registry;
  RegisterAllLenses(registry);
  const Clock& clock = SystemClock::Instance();

  std::vector<health::HealthCheck> latest;
  Status read = store.Run(TxMode::kRead, o.yacht, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(latest, health::LatestChecks(tx, o.yacht));
    return Status::OK();
  });
  if (!read.ok()) return ReportError(read, o.common.json);
  for (const auto& check : latest) {
    const LensDef* lens = registry.FindLens(check.lens_id);
    if (!lens) continue;  // a lens since removed
    Status s = store.Run(TxMode::kWrite, o.yacht, [&](Tx& tx) {
      return health::JudgeAlerts(tx, check, lens->slo_p95_ms, clock.Now(), *remind_every).status();
    });
    if (!s.ok()) return ReportError(s, o.common.json);
  }
  // One attempt at each notice due now; a failed one waits its backoff for the next
  // `alerts check` or monitor round.
  ops::AlertNotifier notifier(store, o.yacht, std::move(*webhooks), clock);
  auto pending = notifier.DeliverDue();
  if (!pending.ok()) return ReportError(pending.status(), o.common.json);

  std::vector<health::Alert> open;
  read = store.Run(TxMode::kRead, o.yacht, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(open, health::OpenAlerts(tx, o.yacht, ""));
    return Status::OK();
  });
  if (!read.ok()) return ReportError(read, o.common.json);
  const bool firing = std::any_of(open.begin(), open.end(), [](const health::Alert& a) {
    return a.state == health::AlertState::kFiring;
  });
  if (o.common.json) {
    boost::json::array out;
    for (const auto& a : open) out.push_back(health::AlertJson(a));
    PrintJson({{"alerts", std::move(out)}, {"notices_pending", *pending}});
  } else {
    PrintAlerts(open);
    if (*pending > 0) std::cout << *pending << " notice(s) still pending delivery\n";
  }
  // Like a check: exit 1 while an alert fires.
  return firing ? kExitFailed : kExitOk;
}

int ListAlerts(Store& store, const AlertsOptions& o) {
  std::vector<health::Alert> alerts;
  std::vector<health::AlertNotification> notices;
  Status read = store.Run(TxMode::kRead, o.yacht, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(alerts, health::RecentAlerts(tx, o.yacht, o.limit));
    CELESTE_ASSIGN_OR_RETURN(notices, health::RecentNotifications(tx, o.yacht, o.limit));
    return Status::OK();
  });
  if (!read.ok()) return ReportError(read, o.common.json);
  if (o.common.json) {
    boost::json::array a, n;
    for (const auto& x : alerts) a.push_back(health::AlertJson(x));
    for (const auto& x : notices) n.push_back(health::AlertNotificationJson(x));
    PrintJson({{"alerts", std::move(a)}, {"notifications", std::move(n)}});
    return kExitOk;
  }
  PrintAlerts(alerts);
  std::cout << "\n";
  if (notices.empty()) {
    std::cout << "no notifications\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<28} {:<9} {:<9} {:<11} {:>8} {:<22} {}\n", "created", "kind",
                           "severity", "status", "attempts", "webhook", "last answer");
  for (const auto& n : notices) {
    const std::string answer = n.last_status_code ? std::to_string(*n.last_status_code)
                                                  : (n.last_error.empty() ? "-" : n.last_error);
    std::cout << fmt::format("{:<28} {:<9} {:<9} {:<11} {:>8} {:<22} {}\n", n.created_at,
                             health::NoticeKindName(n.kind), health::AlertSeverityName(n.severity),
                             n.status, n.attempts, n.webhook.empty() ? "-" : n.webhook, answer);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> AddAlertsCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("alerts", "Judge the alert rules and list alerts");
  group->require_subcommand(1);

  auto co = std::make_shared<AlertsOptions>();
  CLI::App* check = group->add_subcommand(
      "check", "Judge the rules on every lens's latest check, deliver notices (exit 1 if firing)");
  AddCommonOptions(check, co->common);
  AddYachtOption(check, co->yacht);
  check->add_option("--alert-webhook", co->webhooks,
                    "SEVERITY=URL: where notices of that severity are posted (repeatable)");
  check->add_option("--remind-every", co->remind_every, "Reminder interval while an alert fires")
      ->capture_default_str();

  auto lo = std::make_shared<AlertsOptions>();
  CLI::App* list = group->add_subcommand("list", "Alerts and every notification attempt");
  AddCommonOptions(list, lo->common);
  AddYachtOption(list, lo->yacht);
  list->add_option("--limit", lo->limit, "At most this many of each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));

  return {
      {check,
       [co] { return WithStore(co->common, [&](Store& s) { return CheckAlerts(s, *co); }); }},
      {list, [lo] { return WithStore(lo->common, [&](Store& s) { return ListAlerts(s, *lo); }); }}};
}

}  // namespace celeste

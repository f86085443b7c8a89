// The alert rules (health/alert_rules.h), judged check by check: when each rule fires, that
// an alert fires once and is de-duplicated, reminders, resolved notices, silencing of a
// lens's warnings by its critical alert, and the one-shot flag alert.
#include "health/alert_rules.h"

#include <gtest/gtest.h>

#include <map>

namespace celeste::health {
namespace {

constexpr Micros kT0 = 1'796'551'200LL * kMicrosPerSecond;
constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kRemind = 240 * kMinute;

CheckFacts Healthy() {
  CheckFacts c;
  c.lens_id = "parts";
  c.p95_ms = 20;
  c.p99_ms = 30;
  c.reason = "fine";
  return c;
}
CheckFacts With5xx() {
  CheckFacts c = Healthy();
  c.status = CheckStatus::kUnhealthy;
  c.server_errors = 2;
  c.error_rate_percent = 20;
  c.reason = "2 server error(s)";
  return c;
}
CheckFacts Down() {
  CheckFacts c = Healthy();
  c.status = CheckStatus::kUnhealthy;
  c.error_rate_percent = 100;
  c.p95_ms = c.p99_ms = std::nullopt;
  c.reason = "15 probe(s) without an answer";
  return c;
}
// Unhealthy for one probe left unanswered among many: no other rule holds.
CheckFacts OneLostProbe() {
  CheckFacts c = Healthy();
  c.status = CheckStatus::kUnhealthy;
  c.error_rate_percent = 0.5;
  c.reason = "1 probe(s) without an answer";
  return c;
}

// Plays checks into the rules, keeping the open alerts as the database would.
class AlertBook {
 public:
  AlertChanges Judge(CheckFacts check, Micros at) {
    check.check_id = "check-" + std::to_string(++checks_);
    return Again(check, at);
  }
  // Judges a check that was judged before (as `celeste alerts check` may).
  AlertChanges Again(const CheckFacts& check, Micros at) {
    last_ = check;
    std::vector<Alert> open;
    for (const auto& [id, a] : alerts_) {
      if (a.state != AlertState::kResolved) open.push_back(a);
    }
    AlertChanges changes = EvaluateLensAlerts(check, open, "yacht", at, kRemind,
                                              [this] { return "alert-" + std::to_string(++ids_); });
    for (const Alert& a : changes.alerts) alerts_[a.id] = a;
    return changes;
  }
  const CheckFacts& last() const { return last_; }
  std::vector<Alert> ByRule(std::string_view rule) const {
    std::vector<Alert> out;
    for (const auto& [id, a] : alerts_) {
      if (a.rule == rule) out.push_back(a);
    }
    return out;
  }

 private:
  std::map<std::string, Alert> alerts_;
  CheckFacts last_;
  int checks_ = 0, ids_ = 0;
};

std::vector<std::string> Notices(const AlertChanges& changes) {
  std::vector<std::string> out;
  for (const Notice& n : changes.notices) {
    for (const AlertRule& r : AlertRules()) {
      if (n.text.find(std::string(r.id) + " on lens") != std::string::npos) {
        out.push_back(std::string(NoticeKindName(n.kind)) + " " + std::string(r.id));
      }
    }
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(AlertRulesTest, SixRulesThreeCritical) {
  ASSERT_EQ(AlertRules().size(), 6u);
  int critical = 0;
  for (const AlertRule& r : AlertRules()) critical += r.severity == AlertSeverity::kCritical;
  EXPECT_EQ(critical, 3);
  EXPECT_EQ(FindAlertRule("flag_toggled")->severity, AlertSeverity::kInfo);
  EXPECT_EQ(FindAlertRule("p95_over_slo")->severity, AlertSeverity::kWarning);
}

TEST(AlertRulesTest, EachRuleHoldsOnItsCondition) {
  const auto holds = [](std::string_view rule, const CheckFacts& c) {
    return RuleHolds(*FindAlertRule(rule), c);
  };
  CheckFacts c = Healthy();
  for (const AlertRule& r : AlertRules()) EXPECT_FALSE(RuleHolds(r, c)) << r.id;
  EXPECT_TRUE(holds("any_5xx", With5xx()));
  c.p99_ms = 10'001;
  EXPECT_TRUE(holds("p99_over_10s", c));
  c.p99_ms = 10'000;
  EXPECT_FALSE(holds("p99_over_10s", c)) << "above 10 s, not at it";
  EXPECT_TRUE(holds("unhealthy_twice", Down()));
  c = Healthy();
  c.error_rate_percent = 1.0;
  EXPECT_FALSE(holds("error_rate_over_1_percent", c));
  c.error_rate_percent = 1.5;
  EXPECT_TRUE(holds("error_rate_over_1_percent", c));
  c = Healthy();
  c.slo_p95_ms = 200;
  c.p95_ms = 250;
  EXPECT_TRUE(holds("p95_over_slo", c));
  c.p95_ms = std::nullopt;
  EXPECT_FALSE(holds("p95_over_slo", c)) << "no latency, no verdict on it";
  c = Healthy();
  c.flag_changes = 1;
  EXPECT_TRUE(holds("flag_toggled", c));
}

TEST(AlertRulesTest, AServerErrorFiresOnceAndResolvesWithANotice) {
  AlertBook book;
  EXPECT_EQ(Notices(book.Judge(With5xx(), kT0)), (Strings{"firing any_5xx"}))
      << "the error-rate warning is silenced by the critical alert";
  EXPECT_EQ(Notices(book.Judge(With5xx(), kT0 + 15 * kMinute)), (Strings{"firing unhealthy_twice"}))
      << "any_5xx is not announced twice; unhealthy twice now fires";
  ASSERT_EQ(book.ByRule("any_5xx").size(), 1u) << "one alert, de-duplicated";
  EXPECT_EQ(book.ByRule("any_5xx")[0].hits, 2);
  EXPECT_EQ(book.ByRule("any_5xx")[0].state, AlertState::kFiring);

  AlertChanges clear = book.Judge(Healthy(), kT0 + 30 * kMinute);
  EXPECT_EQ(Notices(clear), (Strings{"resolved any_5xx", "resolved unhealthy_twice"}))
      << "the silenced warning was never announced, so its end is not either";
  for (const char* rule : {"any_5xx", "unhealthy_twice", "error_rate_over_1_percent"}) {
    ASSERT_EQ(book.ByRule(rule).size(), 1u) << rule;
    EXPECT_EQ(book.ByRule(rule)[0].state, AlertState::kResolved) << rule;
    EXPECT_EQ(book.ByRule(rule)[0].resolved_at, FormatRfc3339(kT0 + 30 * kMinute)) << rule;
  }
  EXPECT_TRUE(book.Judge(Healthy(), kT0 + 45 * kMinute).notices.empty());
  EXPECT_EQ(Notices(book.Judge(With5xx(), kT0 + 60 * kMinute)), (Strings{"firing any_5xx"}));
  EXPECT_EQ(book.ByRule("any_5xx").size(), 2u) << "a new alert once the old one resolved";
}

TEST(AlertRulesTest, TwoCheckRulesArePendingAfterOneAndClearSilently) {
  AlertBook book;
  EXPECT_TRUE(Notices(book.Judge(OneLostProbe(), kT0)).empty());
  ASSERT_EQ(book.ByRule("unhealthy_twice").size(), 1u);
  EXPECT_EQ(book.ByRule("unhealthy_twice")[0].state, AlertState::kPending);
  EXPECT_TRUE(Notices(book.Judge(Healthy(), kT0 + kMinute)).empty())
      << "a pending alert that clears was never news";
  EXPECT_EQ(book.ByRule("unhealthy_twice")[0].state, AlertState::kResolved);

  CheckFacts slow = Healthy();
  slow.p99_ms = 12'000;
  EXPECT_EQ(Notices(book.Judge(slow, kT0 + 2 * kMinute)), (Strings{}));
  EXPECT_EQ(Notices(book.Judge(slow, kT0 + 3 * kMinute)), (Strings{"firing p99_over_10s"}));
}

TEST(AlertRulesTest, JudgingTheSameCheckAgainAddsNothing) {
  AlertBook book;
  book.Judge(Down(), kT0);
  AlertChanges again = book.Again(book.last(), kT0 + kMinute);
  EXPECT_TRUE(again.notices.empty());
  EXPECT_EQ(book.ByRule("unhealthy_twice")[0].hits, 1);
  EXPECT_EQ(book.ByRule("unhealthy_twice")[0].state, AlertState::kPending);
}

TEST(AlertRulesTest, AFiringAlertIsRemindedEveryInterval) {
  AlertBook book;
  book.Judge(With5xx(), kT0);
  EXPECT_EQ(Notices(book.Judge(With5xx(), kT0 + kRemind - kMinute)),
            (Strings{"firing unhealthy_twice"}));
  EXPECT_EQ(Notices(book.Judge(With5xx(), kT0 + kRemind)), (Strings{"reminder any_5xx"}));
  EXPECT_TRUE(Notices(book.Again(book.last(), kT0 + kRemind + kMinute)).empty());
  EXPECT_EQ(Notices(book.Again(book.last(), kT0 + 2 * kRemind)),
            (Strings{"reminder any_5xx", "reminder unhealthy_twice"}))
      << "judging the same check again still sends due reminders";
}

TEST(AlertRulesTest, ACriticalAlertSilencesTheLensWarningsUntilItClears) {
  AlertBook book;
  CheckFacts both = With5xx();
  both.slo_p95_ms = 10;  // p95 20 ms is above it
  book.Judge(both, kT0);
  for (const char* rule : {"error_rate_over_1_percent", "p95_over_slo"}) {
    ASSERT_EQ(book.ByRule(rule).size(), 1u) << rule;
    EXPECT_EQ(book.ByRule(rule)[0].state, AlertState::kFiring) << rule;
    EXPECT_EQ(book.ByRule(rule)[0].silenced_by, book.ByRule("any_5xx")[0].id) << rule;
    EXPECT_TRUE(book.ByRule(rule)[0].last_notified_at.empty()) << rule;
  }
  // The 5xx are gone but the lens is still slow: the warning is news now.
  CheckFacts slow = Healthy();
  slow.slo_p95_ms = 10;
  EXPECT_EQ(Notices(book.Judge(slow, kT0 + kMinute)),
            (Strings{"resolved any_5xx", "firing p95_over_slo"}));
  EXPECT_TRUE(book.ByRule("p95_over_slo")[0].silenced_by.empty());
}

TEST(AlertRulesTest, AWarningHeardFiringIsHeardResolvingEvenUnderACritical) {
  AlertBook book;
  CheckFacts slow = Healthy();
  slow.slo_p95_ms = 10;
  EXPECT_EQ(Notices(book.Judge(slow, kT0)), (Strings{"firing p95_over_slo"}));
  CheckFacts errors = With5xx();  // fast now, but answering 5xx
  EXPECT_EQ(Notices(book.Judge(errors, kT0 + kMinute)),
            (Strings{"firing any_5xx", "resolved p95_over_slo"}));
}

TEST(AlertRulesTest, AFlagChangeIsOneInfoNotice) {
  AlertBook book;
  CheckFacts toggled = Healthy();
  toggled.status = CheckStatus::kDisabled;
  toggled.flag_changes = 1;
  AlertChanges changes = book.Judge(toggled, kT0);
  EXPECT_EQ(Notices(changes), (Strings{"firing flag_toggled"}));
  ASSERT_EQ(changes.notices.size(), 1u);
  EXPECT_EQ(changes.notices[0].severity, AlertSeverity::kInfo);
  EXPECT_EQ(book.ByRule("flag_toggled")[0].state, AlertState::kResolved);
  EXPECT_TRUE(book.Judge(Healthy(), kT0 + kMinute).notices.empty()) << "no resolved notice";
  EXPECT_EQ(Notices(book.Judge(toggled, kT0 + 2 * kMinute)), (Strings{"firing flag_toggled"}));
  EXPECT_EQ(book.ByRule("flag_toggled").size(), 2u);
}

TEST(AlertRulesTest, NoticeTextNamesSeverityRuleLensAndFinding) {
  AlertBook book;
  AlertChanges changes = book.Judge(With5xx(), kT0);
  ASSERT_EQ(changes.notices.size(), 1u);
  const std::string& text = changes.notices[0].text;
  EXPECT_NE(text.find("[CRITICAL] FIRING any_5xx on lens parts"), std::string::npos) << text;
  EXPECT_NE(text.find("2 probe(s) answered 5xx"), std::string::npos) << text;
}

}  // namespace
}  // namespace celeste::health

// When a maintenance schedule is due (docs/lenses/equipment.md, "Due rules"): the pure due
// function, with the time as a parameter. Table-driven: each case names a schedule's
// intervals and starting points, the equipment's running hours, the time and a look-ahead,
// and what the function must say. Behaviour over HTTP: tests/integration/equipment_test.cc.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "lenses/equipment/maintenance_schedule.h"

namespace celeste::equipment {
namespace {

// 2026-06-01T12:00:00Z.
const Micros kNow = *ParseRfc3339("2026-06-01T12:00:00Z");
constexpr Micros kHour = 3600 * kMicrosPerSecond;

Micros DaysAgo(double days) { return kNow - static_cast<Micros>(days * kMicrosPerDay); }

struct DueCase {
  const char* name;
  std::optional<int64_t> interval_days;
  std::optional<double> interval_hours;
  Micros calendar_from;
  double hours_from;
  double running_hours;
  DueLookahead lookahead;
  // Expected:
  const char* status;  // due | upcoming | not_due
  std::optional<DueBy> due_by;
  std::optional<int64_t> days_overdue;
  std::optional<double> hours_overdue;
};

const DueCase kCases[] = {
    {"calendar, a day past",
     30,
     std::nullopt,
     DaysAgo(31),
     0,
     0,
     {},
     "due",
     DueBy::kCalendar,
     1,
     std::nullopt},
    {"calendar, reached to the microsecond",
     30,
     std::nullopt,
     DaysAgo(30),
     0,
     0,
     {},
     "due",
     DueBy::kCalendar,
     0,
     std::nullopt},
    {"calendar, a microsecond early",
     30,
     std::nullopt,
     DaysAgo(30) + 1,
     0,
     0,
     {},
     "not_due",
     std::nullopt,
     -1,
     std::nullopt},
    {"calendar, a day to go",
     30,
     std::nullopt,
     DaysAgo(29),
     0,
     0,
     {},
     "not_due",
     std::nullopt,
     -1,
     std::nullopt},
    {"calendar, a day to go, one day ahead",
     30,
     std::nullopt,
     DaysAgo(29),
     0,
     0,
     {1, 0},
     "upcoming",
     DueBy::kCalendar,
     -1,
     std::nullopt},
    {"calendar, 2.5 days to go rounds up",
     30,
     std::nullopt,
     DaysAgo(27.5),
     0,
     0,
     {2, 0},
     "not_due",
     std::nullopt,
     -3,
     std::nullopt},
    {"calendar, 2.5 days to go, three days ahead",
     30,
     std::nullopt,
     DaysAgo(27.5),
     0,
     0,
     {3, 0},
     "upcoming",
     DueBy::kCalendar,
     -3,
     std::nullopt},
    {"calendar, a year overdue",
     7,
     std::nullopt,
     DaysAgo(372),
     0,
     0,
     {},
     "due",
     DueBy::kCalendar,
     365,
     std::nullopt},
    {"hours, reached exactly",
     std::nullopt,
     500,
     0,
     1000,
     1500,
     {},
     "due",
     DueBy::kHours,
     std::nullopt,
     0},
    {"hours, past", std::nullopt, 500, 0, 1000, 1620, {}, "due", DueBy::kHours, std::nullopt, 120},
    {"hours, half an hour to go",
     std::nullopt,
     500,
     0,
     1000,
     1499.5,
     {},
     "not_due",
     std::nullopt,
     std::nullopt,
     -0.5},
    {"hours, half an hour to go, half an hour ahead",
     std::nullopt,
     500,
     0,
     1000,
     1499.5,
     {0, 0.5},
     "upcoming",
     DueBy::kHours,
     std::nullopt,
     -0.5},
    {"hours, never done: from zero",
     std::nullopt,
     500,
     0,
     0,
     600,
     {},
     "due",
     DueBy::kHours,
     std::nullopt,
     100},
    {"hours, days ahead do not count for hours",
     std::nullopt,
     500,
     0,
     1000,
     1400,
     {365, 0},
     "not_due",
     std::nullopt,
     std::nullopt,
     -100},
    {"both reached", 30, 500, DaysAgo(40), 1000, 1600, {}, "due", DueBy::kBoth, 10, 100},
    {"calendar reached, hours not",
     30,
     500,
     DaysAgo(40),
     1000,
     1100,
     {0, 1000},
     "due",
     DueBy::kCalendar,
     10,
     -400},
    {"hours reached, calendar not",
     30,
     500,
     DaysAgo(10),
     1000,
     1500,
     {30, 0},
     "due",
     DueBy::kHours,
     -20,
     0},
    {"neither reached, both ahead",
     30,
     500,
     DaysAgo(25),
     1000,
     1450,
     {7, 100},
     "upcoming",
     DueBy::kBoth,
     -5,
     -50},
    {"neither reached, hours ahead only",
     30,
     500,
     DaysAgo(25),
     1000,
     1450,
     {1, 100},
     "upcoming",
     DueBy::kHours,
     -5,
     -50},
    {"neither reached nor ahead",
     30,
     500,
     DaysAgo(25),
     1000,
     1450,
     {},
     "not_due",
     std::nullopt,
     -5,
     -50},
};

TEST(MaintenanceDueTest, TheDueRulesCaseByCase) {
  for (const DueCase& c : kCases) {
    const ScheduleTiming timing{.interval_days = c.interval_days,
                                .interval_hours = c.interval_hours,
                                .calendar_from = c.calendar_from,
                                .hours_from = c.hours_from};
    const DueState state = ComputeDueState(timing, c.running_hours, kNow, c.lookahead);
    const std::string status = state.due() ? "due" : state.upcoming() ? "upcoming" : "not_due";
    EXPECT_EQ(status, c.status) << c.name;
    EXPECT_EQ(state.due_by(), c.due_by) << c.name;
    EXPECT_EQ(state.days_overdue, c.days_overdue) << c.name;
    EXPECT_EQ(state.hours_overdue, c.hours_overdue) << c.name;
    // The next due points are the rules' sums, present exactly for the intervals given.
    if (c.interval_days) {
      ASSERT_TRUE(state.next_due_at.has_value()) << c.name;
      EXPECT_EQ(*state.next_due_at, c.calendar_from + *c.interval_days * kMicrosPerDay) << c.name;
    } else {
      EXPECT_FALSE(state.next_due_at.has_value()) << c.name;
    }
    if (c.interval_hours) {
      ASSERT_TRUE(state.next_due_hours.has_value()) << c.name;
      EXPECT_EQ(*state.next_due_hours, c.hours_from + *c.interval_hours) << c.name;
    } else {
      EXPECT_FALSE(state.next_due_hours.has_value()) << c.name;
    }
    // The JSON says the same.
    const boost::json::object json = state.ToJson();
    EXPECT_EQ(json.at("status").as_string(), c.status) << c.name;
    if (c.due_by) {
      EXPECT_EQ(json.at("due_by").as_string(), DueByName(*c.due_by)) << c.name;
    } else {
      EXPECT_TRUE(json.at("due_by").is_null()) << c.name;
    }
  }
}

TEST(MaintenanceDueTest, TheSameScheduleFallsDueAsTheClockMoves) {
  const ScheduleTiming timing{
      .interval_days = 7, .interval_hours = std::nullopt, .calendar_from = kNow, .hours_from = 0};
  FakeClock clock(kNow);
  EXPECT_FALSE(ComputeDueState(timing, 0, clock.Now()).due());
  clock.Advance(7 * kMicrosPerDay - kHour);
  EXPECT_FALSE(ComputeDueState(timing, 0, clock.Now()).due());
  EXPECT_TRUE(ComputeDueState(timing, 0, clock.Now(), {1, 0}).upcoming());
  clock.Advance(kHour);
  EXPECT_TRUE(ComputeDueState(timing, 0, clock.Now()).due());
  EXPECT_EQ(ComputeDueState(timing, 0, clock.Now()).days_overdue, 0);
  clock.Advance(3 * kMicrosPerDay);
  EXPECT_EQ(ComputeDueState(timing, 0, clock.Now()).days_overdue, 3);
}

MaintenanceSchedule Schedule(std::optional<std::string> last_done_at,
                             std::optional<double> last_done_hours) {
  MaintenanceSchedule s;
  s.id = "s";
  s.interval_days = 10;
  s.interval_hours = 100;
  s.last_done_at = std::move(last_done_at);
  s.last_done_hours = last_done_hours;
  s.created_at = "2026-01-01T00:00:00.000000Z";
  return s;
}

TEST(MaintenanceDueTest, TimingStartsFromLastDoneElseCreationAndZeroHours) {
  auto never = TimingOf(Schedule(std::nullopt, std::nullopt));
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->calendar_from, *ParseRfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(never->hours_from, 0);

  auto done = TimingOf(Schedule("2026-03-04T05:06:07.000000Z", 1234.5));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->calendar_from, *ParseRfc3339("2026-03-04T05:06:07Z"));
  EXPECT_EQ(done->hours_from, 1234.5);
  EXPECT_EQ(done->interval_days, 10);
  EXPECT_EQ(done->interval_hours, 100);

  auto broken = TimingOf(Schedule("yesterday", std::nullopt));
  EXPECT_FALSE(broken.ok());
}

}  // namespace
}  // namespace celeste::equipment

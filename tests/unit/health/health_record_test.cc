// The health tables (health/health_record.h) in a real, migrated SQLite store: a check with
// its events and its hour's rollup written in one transaction; the latest check per lens; a
// lens's history; since when a status has held; rollups that merge histograms; retention.
// The same functions on PostgreSQL are exercised by the integration tests (MonitorTest).
#include "health/health_record.h"

#include <gtest/gtest.h>

#include <memory>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "health/alert_record.h"

namespace celeste::health {
namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = 60 * kMinute;
// 2026-12-06T10:00:00Z: an hour's start.
constexpr Micros kT0 = 1'796'551'200LL * kMicrosPerSecond;
const std::string kYacht = "0190a000-0000-7000-8000-00000000000a";
const std::string kOtherYacht = "0190a000-0000-7000-8000-00000000000b";

class HealthRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore("sqlite:" + dir_.File("celeste.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->Run(TxMode::kWrite, "",
                          [](Tx& tx) {
                            return tx.ExecScript(
                                "INSERT INTO yachts (id, name, code, created_at) VALUES "
                                "('" +
                                kYacht + "', 'A', 'A', '2026-01-01T00:00:00Z'), ('" + kOtherYacht +
                                "', 'B', 'B', '2026-01-01T00:00:00Z')");
                          })
                    .ok());
  }
  void TearDown() override { store_->Close(); }

  // Writes a check of `lens` at `at` with `latencies` answered and `failed` failed probes.
  HealthCheck Write(const std::string& lens, CheckStatus status, Micros at,
                    const std::vector<double>& latencies = {1, 2, 3}, int64_t failed = 0,
                    std::vector<HealthEvent> events = {}, const std::string& yacht = kYacht) {
    HealthCheck c;
    c.id = NewUuidV7();
    c.yacht_id = yacht;
    c.lens_id = lens;
    c.status = status;
    c.p95_ms = latencies.empty() ? std::nullopt : std::optional<double>(latencies.back());
    c.error_rate_percent = failed == 0 ? 0 : 50;
    c.sample_size = static_cast<int64_t>(latencies.size()) + failed;
    c.observed_at = FormatRfc3339(at);
    c.notes = {{"reason", "test"}};
    CheckSamples samples;
    for (double v : latencies) samples.latencies.Record(v);
    samples.samples = c.sample_size;
    samples.failed = failed;
    for (auto& e : events) {
      e.check_id = c.id;
      e.lens_id = lens;
      e.observed_at = c.observed_at;
    }
    Status s = store_->Run(TxMode::kWrite, yacht,
                           [&](Tx& tx) { return InsertHealthCheck(tx, c, events, samples); });
    EXPECT_TRUE(s.ok()) << s.message();
    return c;
  }

  template <typename T>
  T Read(const std::function<Result<T>(Tx&)>& fn, const std::string& yacht = kYacht) {
    T out{};
    Status s = store_->Run(TxMode::kRead, yacht, [&](Tx& tx) -> Status {
      CELESTE_ASSIGN_OR_RETURN(out, fn(tx));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  celeste::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(HealthRecordTest, LatestChecksHoldsTheNewestCheckOfEachLens) {
  Write("parts", CheckStatus::kHealthy, kT0);
  const HealthCheck newest = Write("parts", CheckStatus::kUnhealthy, kT0 + kMinute);
  Write("faults", CheckStatus::kDegraded, kT0 + 2 * kMinute);
  Write("faults", CheckStatus::kDisabled, kT0 + 3 * kMinute, {});
  Write("parts", CheckStatus::kHealthy, kT0 + 9 * kMinute, {1}, 0, {}, kOtherYacht);

  auto latest = Read<std::vector<HealthCheck>>([](Tx& tx) { return LatestChecks(tx, kYacht); });
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].lens_id, "faults");
  EXPECT_EQ(latest[0].status, CheckStatus::kDisabled);
  EXPECT_FALSE(latest[0].p95_ms.has_value());
  EXPECT_EQ(latest[1].id, newest.id) << "the other yacht's later check is not ours";
  EXPECT_EQ(latest[1].status, CheckStatus::kUnhealthy);
  EXPECT_EQ(latest[1].observed_at, FormatRfc3339(kT0 + kMinute));
  EXPECT_EQ(latest[1].notes.at("reason"), "test");
}

TEST_F(HealthRecordTest, HistoryIsNewestFirstWithinTheWindow) {
  for (int i = 0; i < 5; ++i) Write("parts", CheckStatus::kHealthy, kT0 + i * 15 * kMinute);
  Write("faults", CheckStatus::kHealthy, kT0 + 50 * kMinute);
  auto history = Read<std::vector<HealthCheck>>([](Tx& tx) {
    return CheckHistory(tx, kYacht, "parts", FormatRfc3339(kT0 + 20 * kMinute), 100);
  });
  ASSERT_EQ(history.size(), 3u);  // 30, 45 and 60 minutes
  EXPECT_EQ(history[0].observed_at, FormatRfc3339(kT0 + 60 * kMinute));
  EXPECT_EQ(history[2].observed_at, FormatRfc3339(kT0 + 30 * kMinute));
  auto limited = Read<std::vector<HealthCheck>>(
      [](Tx& tx) { return CheckHistory(tx, kYacht, "parts", FormatRfc3339(kT0), 2); });
  EXPECT_EQ(limited.size(), 2u);
}

TEST_F(HealthRecordTest, EventsBelongToTheirCheckInOrder) {
  std::vector<HealthEvent> events = {
      {NewUuidV7(), "", "", "error", "probe_failed", {{"status", 500}}, ""},
      {NewUuidV7(), "", "", "info", "flag_changed", {{"flag", "X"}, {"to", false}}, ""}};
  const HealthCheck c = Write("parts", CheckStatus::kUnhealthy, kT0, {1}, 1, events);
  Write("parts", CheckStatus::kHealthy, kT0 + kMinute);
  auto read =
      Read<std::vector<HealthEvent>>([&](Tx& tx) { return EventsOfCheck(tx, kYacht, c.id); });
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].kind, "probe_failed");
  EXPECT_EQ(read[0].level, "error");
  EXPECT_EQ(read[0].detail.at("status"), 500);
  EXPECT_EQ(read[1].kind, "flag_changed");
  EXPECT_EQ(read[1].check_id, c.id);
  EXPECT_EQ(read[1].lens_id, "parts");
}

TEST_F(HealthRecordTest, StatusSinceIsTheStartOfTheCurrentRun) {
  Write("parts", CheckStatus::kUnhealthy, kT0);  // an earlier run
  Write("parts", CheckStatus::kHealthy, kT0 + kMinute);
  Write("parts", CheckStatus::kUnhealthy, kT0 + 2 * kMinute);
  Write("parts", CheckStatus::kUnhealthy, kT0 + 3 * kMinute);
  Write("faults", CheckStatus::kUnhealthy, kT0 + 5 * kMinute);  // never anything else
  auto since = Read<std::optional<std::string>>(
      [](Tx& tx) { return StatusSince(tx, kYacht, "parts", CheckStatus::kUnhealthy); });
  EXPECT_EQ(since, FormatRfc3339(kT0 + 2 * kMinute));
  auto faults = Read<std::optional<std::string>>(
      [](Tx& tx) { return StatusSince(tx, kYacht, "faults", CheckStatus::kUnhealthy); });
  EXPECT_EQ(faults, FormatRfc3339(kT0 + 5 * kMinute));
}

TEST_F(HealthRecordTest, RollupsAddEachCheckToItsHour) {
  Write("parts", CheckStatus::kHealthy, kT0 + 5 * kMinute, {1, 2, 3});
  Write("parts", CheckStatus::kUnhealthy, kT0 + 50 * kMinute, {400, 500}, 2);
  Write("parts", CheckStatus::kHealthy, kT0 + kHour + kMinute, {4});
  Write("faults", CheckStatus::kHealthy, kT0 + 6 * kMinute, {9});
  auto rollups = Read<std::vector<HourlyRollup>>(
      [](Tx& tx) { return RollupsSince(tx, kYacht, "parts", FormatRfc3339(kT0 + 30 * kMinute)); });
  ASSERT_EQ(rollups.size(), 2u) << "the hour holding `since` is included";
  EXPECT_EQ(rollups[0].hour, FormatRfc3339(kT0));
  EXPECT_EQ(rollups[0].checks, 2);
  EXPECT_EQ(rollups[0].samples, 7);
  EXPECT_EQ(rollups[0].failed_samples, 2);
  EXPECT_EQ(rollups[0].status_counts.at("healthy"), 1);
  EXPECT_EQ(rollups[0].status_counts.at("unhealthy"), 1);
  EXPECT_EQ(rollups[0].latencies.count(), 5);
  EXPECT_GT(*rollups[0].latencies.Percentile(100), 500.0);
  EXPECT_EQ(rollups[1].hour, FormatRfc3339(kT0 + kHour));
  EXPECT_EQ(rollups[1].checks, 1);
}

TEST_F(HealthRecordTest, RetentionDeletesOldChecksEventsAndRollupsOfThisYachtOnly) {
  std::vector<HealthEvent> events = {
      {NewUuidV7(), "", "", "error", "probe_failed", {{"status", 500}}, ""}};
  const HealthCheck old = Write("parts", CheckStatus::kUnhealthy, kT0, {1}, 1, events);
  Write("parts", CheckStatus::kHealthy, kT0 + 3 * kHour);
  Write("parts", CheckStatus::kHealthy, kT0, {1}, 0, {}, kOtherYacht);
  RetentionResult r;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kWrite, kYacht,
                        [&](Tx& tx) -> Status {
                          CELESTE_ASSIGN_OR_RETURN(
                              r, ApplyRetention(tx, kYacht, FormatRfc3339(kT0 + kHour),
                                                FormatRfc3339(kT0 + kHour)));
                          return Status::OK();
                        })
                  .ok());
  EXPECT_EQ(r.checks_deleted, 1);
  EXPECT_EQ(r.events_deleted, 1);
  EXPECT_EQ(r.rollups_deleted, 1);
  auto events_left =
      Read<std::vector<HealthEvent>>([&](Tx& tx) { return EventsOfCheck(tx, kYacht, old.id); });
  EXPECT_TRUE(events_left.empty());
  auto history = Read<std::vector<HealthCheck>>(
      [](Tx& tx) { return CheckHistory(tx, kYacht, "parts", FormatRfc3339(0), 100); });
  EXPECT_EQ(history.size(), 1u);
  auto other = Read<std::vector<HealthCheck>>([](Tx& tx) { return LatestChecks(tx, kOtherYacht); },
                                              kOtherYacht);
  EXPECT_EQ(other.size(), 1u) << "another yacht's rows are not touched";
}

// The alert judge (health/alert_record.h) over the same tables.
class AlertJudgeTest : public HealthRecordTest {
 protected:
  AlertChanges Judge(const HealthCheck& check, Micros at) {
    AlertChanges changes;
    Status s = store_->Run(TxMode::kWrite, kYacht, [&](Tx& tx) -> Status {
      CELESTE_ASSIGN_OR_RETURN(changes, JudgeAlerts(tx, check, 500, at, 4 * 60 * kMinute));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return changes;
  }
  HealthCheck WithNotes(HealthCheck c, boost::json::object notes) {
    c.notes = std::move(notes);
    return c;
  }
};

TEST_F(AlertJudgeTest, OnlyTheLensNewestCheckIsJudged) {
  const HealthCheck bad = WithNotes(Write("parts", CheckStatus::kUnhealthy, kT0, {1}, 1),
                                    {{"server_errors", 1}, {"reason", "500"}});
  const HealthCheck good = Write("parts", CheckStatus::kHealthy, kT0 + kMinute);
  EXPECT_TRUE(Judge(bad, kT0 + 2 * kMinute).alerts.empty())
      << "a check older than the lens's newest changes nothing (it would resolve falsely)";
  EXPECT_TRUE(Judge(good, kT0 + 2 * kMinute).notices.empty());
}

TEST_F(AlertJudgeTest, AFiringAlertIsOpenOnceAndAFlagChangeIsAnnouncedOnce) {
  const HealthCheck bad = WithNotes(Write("parts", CheckStatus::kDegraded, kT0, {1}, 1),
                                    {{"server_errors", 1}, {"flag_changes", 1}, {"reason", "x"}});
  AlertChanges first = Judge(bad, kT0);
  ASSERT_EQ(first.notices.size(), 2u) << "any_5xx and flag_toggled";
  EXPECT_TRUE(Judge(bad, kT0 + kMinute).notices.empty())
      << "judged again (alerts check after the monitor): no second notice of either";
  auto open = Read<std::vector<Alert>>([](Tx& tx) { return OpenAlerts(tx, kYacht, "parts"); });
  ASSERT_EQ(open.size(), 2u) << "any_5xx, and the error-rate warning it silences";
  EXPECT_EQ(open[0].rule, "any_5xx");
  EXPECT_EQ(open[0].hits, 1);
  EXPECT_EQ(open[1].rule, "error_rate_over_1_percent");
  EXPECT_EQ(open[1].silenced_by, open[0].id);
}

TEST(HourStartTest, TruncatesToTheHour) {
  EXPECT_EQ(HourStart(kT0), kT0);
  EXPECT_EQ(HourStart(kT0 + 59 * kMinute + 59 * kMicrosPerSecond), kT0);
  EXPECT_EQ(HourStart(kT0 + kHour), kT0 + kHour);
}

}  // namespace
}  // namespace celeste::health

// FlagService (CONTRACT §6): fail closed, canary by sticky bucket, environment override,
// and the one-second snapshot, against a real, migrated SQLite store and a FakeClock.
#include "flags/flag_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "flags/bucketing.h"
#include "store/store.h"

namespace celeste {
namespace {

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;
constexpr const char* kLens = "SHOPPING_LIST_LENS_V1_ENABLED";
constexpr const char* kOther = "PARTS_LENS_V1_ENABLED";
const std::vector<std::string> kKnownFlags = {kLens, kOther};

using Env = std::map<std::string, std::string>;

EnvLookup LookupIn(Env env) {
  return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

struct FlagRow {
  std::string name;
  bool enabled;
  int percentage;
};

class FlagServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kError);  // the ignored-environment warnings are expected here
    store_ = NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { store_->Close(); }

  std::unique_ptr<FlagService> NewService(Env env = {}) {
    return std::make_unique<FlagService>(*store_, kKnownFlags, clock_, LookupIn(std::move(env)));
  }

  Status Set(FlagService& flags, const std::string& name, bool enabled,
             std::optional<int> percentage) {
    Status s = store_->Run(TxMode::kWrite, "", [&](Tx& tx) {
      return flags.Set(tx, name, enabled, percentage, "test", FormatRfc3339(clock_.Now()));
    });
    flags.Invalidate();  // after the commit, as ApplyFlagChange does
    return s;
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
};

TEST_F(FlagServiceTest, IsEnabled) {
  struct Case {
    const char* name;
    std::vector<FlagRow> rows;
    Env env;
    const char* flag;
    bool want;
  };
  const Case kCases[] = {
      {"unknown flag, no row", {}, {}, "NO_SUCH_FLAG", false},
      {"unknown flag while others are on", {{kLens, true, 100}}, {}, "NO_SUCH_FLAG", false},
      {"known flag without a row", {}, {}, kLens, false},
      {"enabled at 100 %", {{kLens, true, 100}}, {}, kLens, true},
      {"disabled at 100 %", {{kLens, false, 100}}, {}, kLens, false},
      {"enabled at 0 %", {{kLens, true, 0}}, {}, kLens, false},
      {"another flag's row does not count", {{kOther, true, 100}}, {}, kLens, false},
      {"a row for a flag the registry does not know",
       {{"LEGACY_FLAG", true, 100}},
       {},
       "LEGACY_FLAG",
       true},
      {"env true without a row", {}, {{kLens, "true"}}, kLens, true},
      {"env true beats a disabled row", {{kLens, false, 100}}, {{kLens, "true"}}, kLens, true},
      {"env true beats 0 %", {{kLens, true, 0}}, {{kLens, "true"}}, kLens, true},
      {"env false beats an enabled row", {{kLens, true, 100}}, {{kLens, "false"}}, kLens, false},
      {"env is case-insensitive", {}, {{kLens, "TRUE"}}, kLens, true},
      {"env 1", {}, {{kLens, "1"}}, kLens, true},
      {"env 0", {{kLens, true, 100}}, {{kLens, "0"}}, kLens, false},
      {"env garbage is ignored (row on)", {{kLens, true, 100}}, {{kLens, "maybe"}}, kLens, true},
      {"env garbage is ignored (no row)", {}, {{kLens, "maybe"}}, kLens, false},
      {"env empty is ignored", {{kLens, true, 100}}, {{kLens, ""}}, kLens, true},
      {"env of another flag", {}, {{kOther, "true"}}, kLens, false},
  };
  const std::vector<std::string> yachts = {NewUuidV7(), NewUuidV7(), NewUuidV7()};
  for (const auto& c : kCases) {
    // Each case on an empty table.
    ASSERT_TRUE(
        store_
            ->Run(TxMode::kWrite, "",
                  [](Tx& tx) { return tx.Exec(Sql{"DELETE FROM feature_flags"}).TakeStatus(); })
            .ok());
    auto writer = NewService();
    for (const auto& row : c.rows) {
      ASSERT_TRUE(Set(*writer, row.name, row.enabled, row.percentage).ok()) << "case " << c.name;
    }
    auto flags = NewService(c.env);
    for (const auto& y : yachts) {
      EXPECT_EQ(flags->IsEnabled(c.flag, y), c.want) << "case " << c.name << ", yacht " << y;
    }
  }
}

TEST_F(FlagServiceTest, CanaryEnablesExactlyYachtsWithinThePercentage) {
  struct Case {
    const char* name;
    int percentage;
  };
  const Case kCases[] = {{"1 %", 1},   {"30 %", 30},   {"50 %", 50},
                         {"99 %", 99}, {"100 %", 100}, {"0 %", 0}};
  std::vector<std::string> yachts;
  for (int i = 0; i < 300; ++i) yachts.push_back(NewUuidV7());
  auto flags = NewService();
  for (const auto& c : kCases) {
    ASSERT_TRUE(Set(*flags, kLens, true, c.percentage).ok()) << "case " << c.name;
    int on = 0;
    for (const auto& y : yachts) {
      const bool want = FlagBucket(kLens, y) <= c.percentage;
      EXPECT_EQ(flags->IsEnabled(kLens, y), want)
          << "case " << c.name << ", yacht " << y << " bucket " << FlagBucket(kLens, y);
      on += want ? 1 : 0;
    }
    if (c.percentage == 0) {
      EXPECT_EQ(on, 0) << "case " << c.name;
    }
    if (c.percentage == 100) {
      EXPECT_EQ(on, 300) << "case " << c.name;
    }
  }
}

TEST_F(FlagServiceTest, SetIsVisibleAtOnceInTheSameService) {
  auto flags = NewService();
  const std::string yacht = NewUuidV7();
  EXPECT_FALSE(flags->IsEnabled(kLens, yacht));  // snapshot loaded
  ASSERT_TRUE(Set(*flags, kLens, true, 100).ok());
  EXPECT_TRUE(flags->IsEnabled(kLens, yacht)) << "after enabling, same instant";
  ASSERT_TRUE(Set(*flags, kLens, false, std::nullopt).ok());
  EXPECT_FALSE(flags->IsEnabled(kLens, yacht)) << "after disabling, same instant";
}

TEST_F(FlagServiceTest, ChangeByAnotherInstanceIsVisibleAfterOneSecond) {
  struct Case {
    const char* name;
    Micros after;  // since the reader's snapshot was loaded
    bool want;
  };
  const Case kCases[] = {
      {"at once", 0, false},
      {"after 999 ms", 999'000, false},
      {"after 1 s", 1'000'000, true},
      {"after 5 s", 5'000'000, true},
  };
  const std::string yacht = NewUuidV7();
  for (const auto& c : kCases) {
    ASSERT_TRUE(
        store_
            ->Run(TxMode::kWrite, "",
                  [](Tx& tx) { return tx.Exec(Sql{"DELETE FROM feature_flags"}).TakeStatus(); })
            .ok());
    auto reader = NewService();
    auto writer = NewService();  // e.g. `celeste flags set` in another process
    ASSERT_FALSE(reader->IsEnabled(kLens, yacht)) << "case " << c.name;
    const Micros loaded = clock_.Now();
    ASSERT_TRUE(Set(*writer, kLens, true, 100).ok()) << "case " << c.name;
    EXPECT_TRUE(writer->IsEnabled(kLens, yacht)) << "case " << c.name << ": the writer";
    clock_.Set(loaded + c.after);
    EXPECT_EQ(reader->IsEnabled(kLens, yacht), c.want) << "case " << c.name;
    clock_.Advance(10 * kMicrosPerSecond);  // the next case starts with fresh snapshots
  }
}

TEST_F(FlagServiceTest, SetKeepsThePercentageWhenAbsent) {
  struct Case {
    const char* name;
    bool enabled;
    std::optional<int> percentage;
    int want_percentage;
  };
  // Applied in order to one flag.
  const Case kCases[] = {
      {"first set without a percentage", true, std::nullopt, 100},
      {"set 30 %", true, 30, 30},
      {"disable, percentage kept", false, std::nullopt, 30},
      {"enable, percentage kept", true, std::nullopt, 30},
      {"set 0 %", true, 0, 0},
  };
  auto flags = NewService();
  for (const auto& c : kCases) {
    ASSERT_TRUE(Set(*flags, kLens, c.enabled, c.percentage).ok()) << "case " << c.name;
    auto state = flags->Find(kLens);
    ASSERT_TRUE(state.has_value()) << "case " << c.name;
    EXPECT_EQ(state->enabled, c.enabled) << "case " << c.name;
    EXPECT_EQ(state->canary_percentage, c.want_percentage) << "case " << c.name;
    EXPECT_EQ(state->updated_by, "test") << "case " << c.name;
    EXPECT_FALSE(state->updated_at.empty()) << "case " << c.name;
  }
}

TEST_F(FlagServiceTest, ListHasKnownFlagsAndOtherRowsSorted) {
  auto flags = NewService({{kOther, "false"}});
  ASSERT_TRUE(Set(*flags, "AAA_LEGACY", true, 100).ok());
  ASSERT_TRUE(Set(*flags, kLens, true, 40).ok());
  const auto list = flags->List();
  std::vector<std::string> names;
  for (const auto& f : list) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"AAA_LEGACY", kOther, kLens}));
  for (const auto& f : list) {
    if (f.name == kOther) {
      EXPECT_FALSE(f.enabled);
      EXPECT_TRUE(f.updated_at.empty()) << "no row yet";
      EXPECT_EQ(f.env_override, std::optional<bool>(false));
    }
    if (f.name == kLens) {
      EXPECT_EQ(f.canary_percentage, 40);
      EXPECT_EQ(f.env_override, std::nullopt);
    }
  }
  EXPECT_FALSE(flags->Find("NO_SUCH_FLAG").has_value());
}

// A Store that can hold its next Run until released, to line up concurrent callers.
class GatedStore final : public Store {
 public:
  explicit GatedStore(Store& inner) : inner_(inner) {}

  // The next Run signals `entered` and then waits for Release().
  std::future<void> HoldNext() {
    hold_next_ = true;
    return entered_.get_future();
  }
  void Release() { release_.set_value(); }

  std::string_view backend() const override { return inner_.backend(); }
  Status Run(TxMode mode, std::string_view scope, const std::function<Status(Tx&)>& fn) override {
    if (hold_next_.exchange(false)) {
      entered_.set_value();
      released_.wait();
    }
    return inner_.Run(mode, scope, fn);
  }
  Status Migrate() override { return inner_.Migrate(); }
  void Close() override {}

 private:
  Store& inner_;
  std::atomic<bool> hold_next_{false};
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

// Two requests asking a fresh service at once (e.g. right after start-up): one loads the
// snapshot, the other waits for that first load. Neither may deadlock.
TEST_F(FlagServiceTest, ConcurrentFirstLoadDoesNotDeadlock) {
  // Heap-allocated and leaked if the threads hang, so nothing they hold is destroyed.
  auto gated = std::make_unique<GatedStore>(*store_);
  auto flags = std::make_unique<FlagService>(*gated, kKnownFlags, clock_, LookupIn({}));
  const std::string yacht = NewUuidV7();

  std::future<void> loading = gated->HoldNext();
  std::packaged_task<bool()> first([&flags, yacht] { return flags->IsEnabled(kLens, yacht); });
  std::packaged_task<bool()> second([&flags, yacht] { return flags->IsEnabled(kLens, yacht); });
  std::future<bool> first_done = first.get_future();
  std::future<bool> second_done = second.get_future();
  std::thread a(std::move(first));
  ASSERT_EQ(loading.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the first caller never started loading";
  std::thread b(std::move(second));  // finds no snapshot and the refresh taken: it waits
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  gated->Release();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const bool finished = first_done.wait_until(deadline) == std::future_status::ready &&
                        second_done.wait_until(deadline) == std::future_status::ready;
  if (!finished) {
    ADD_FAILURE() << "IsEnabled deadlocked: the waiting caller holds mu_ while it waits for "
                     "refresh_mu_, and the loading caller needs mu_ to publish its snapshot";
    a.detach();
    b.detach();
    (void)gated.release();
    (void)flags.release();
    return;
  }
  a.join();
  b.join();
  EXPECT_FALSE(first_done.get());
  EXPECT_FALSE(second_done.get());
}

TEST(FlagServiceParseTest, ParseBoolText) {
  struct Case {
    const char* text;
    std::optional<bool> want;
  };
  const Case kCases[] = {
      {"true", true},
      {"TRUE", true},
      {"True", true},
      {"1", true},
      {"on", true},
      {"ON", true},
      {"yes", true},
      {"Yes", true},
      {"false", false},
      {"FALSE", false},
      {"0", false},
      {"off", false},
      {"no", false},
      {"NO", false},
      {"", std::nullopt},
      {" true", std::nullopt},
      {"true ", std::nullopt},
      {"t", std::nullopt},
      {"2", std::nullopt},
      {"enabled", std::nullopt},
      {"nope", std::nullopt},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ParseBoolText(c.text), c.want) << "case '" << c.text << "'";
  }
}

}  // namespace
}  // namespace celeste

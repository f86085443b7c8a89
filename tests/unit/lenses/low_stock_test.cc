// Low stock (parts::LowStockParts, ListParts' low_stock_only) on SQLite, read through the
// marker migration 0006 keeps: each balance row carries its part's min_level and a
// generated `low` flag, and the partial index pms_part_stock_low holds the low balances.
// These tests move stock and edit min_level behind the lens's back (plain SQL, as any code
// could) and check the list against the rule itself: min_level > 0 and on_hand <=
// min_level, largest shortfall first, then by id. PostgreSQL's triggers run under the parts
// lens's integration tests and tests/postgres/rls_isolation_test.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/parts/stock_ledger.h"
#include "store/migrations.h"
#include "store/migrator.h"

namespace celeste::parts {
namespace {

// What the list must say about one part.
struct Expected {
  std::string id;
  double min_level = 0;
  double on_hand = 0;
};

// The rule, applied to every part: the low ones, largest shortfall first, then by id.
std::vector<Expected> LowByTheRule(const std::map<std::string, Expected>& parts) {
  std::vector<Expected> low;
  for (const auto& [id, p] : parts) {
    if (p.min_level > 0 && p.on_hand <= p.min_level) low.push_back(p);
  }
  std::sort(low.begin(), low.end(), [](const Expected& a, const Expected& b) {
    const double sa = a.min_level - a.on_hand, sb = b.min_level - b.on_hand;
    return sa != sb ? sa > sb : a.id < b.id;
  });
  return low;
}

std::string Describe(const std::vector<Expected>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += p.id.substr(p.id.size() - 6) + " min " + std::to_string(p.min_level) + " on hand " +
           std::to_string(p.on_hand) + "; ";
  }
  return out.empty() ? "(none)" : out;
}

class LowStockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = celeste::testing::NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    yacht_ = AddYacht(*store_);
    other_yacht_ = AddYacht(*store_);
  }

  std::string Now() { return FormatRfc3339(SystemClock::Instance().Now()); }

  std::string AddYacht(Store& store) {
    const std::string id = NewUuidV7();
    EXPECT_TRUE(Write(store, "",
                      {"INSERT INTO yachts (id, name, created_at) VALUES ($1, 'M/Y Test', $2)"},
                      {id, Now()}));
    return id;
  }

  // Runs one statement in its own write transaction; false (and a failure) when it fails.
  bool Write(Store& store, const std::string& scope, const Sql& sql, const Params& params) {
    Status s =
        store.Run(TxMode::kWrite, scope, [&](Tx& tx) { return tx.Exec(sql, params).status(); });
    EXPECT_TRUE(s.ok()) << sql.text << ": " << s.ToString();
    return s.ok();
  }
  bool Write(const Sql& sql, const Params& params) { return Write(*store_, yacht_, sql, params); }

  // A catalog part through the lens (parts::InsertPart); recorded in parts_ on yacht_.
  std::string AddPart(double min_level, const std::string* yacht = nullptr) {
    const std::string& y = yacht ? *yacht : yacht_;
    CatalogPart part{.id = NewUuidV7(),
                     .name = "Part " + std::to_string(parts_.size()),
                     .min_level = min_level,
                     .created_at = Now(),
                     .created_by = NewUuidV7()};
    EXPECT_TRUE(
        store_->Run(TxMode::kWrite, y, [&](Tx& tx) { return InsertPart(tx, y, part); }).ok());
    if (y == yacht_) parts_[part.id] = {.id = part.id, .min_level = min_level};
    return part.id;
  }

  // Moves the part's stock through the ledger (receive > 0, consume < 0).
  void Move(const std::string& part_id, double quantity, const std::string* yacht = nullptr) {
    const std::string& y = yacht ? *yacht : yacht_;
    const StockMovement m{.part_id = part_id,
                          .quantity = quantity,
                          .type = quantity > 0 ? MovementType::kReceive : MovementType::kConsume,
                          .actor_id = NewUuidV7(),
                          .actor_role = "crew",
                          .at = Now()};
    Status s =
        store_->Run(TxMode::kWrite, y, [&](Tx& tx) { return RecordMovement(tx, y, m).status(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
    if (y == yacht_) parts_[part_id].on_hand += quantity;
  }

  // Sets the part's min_level with plain SQL, past the lens (no code path of it edits one).
  void SetMinLevel(const std::string& part_id, double min_level) {
    ASSERT_TRUE(Write({"UPDATE pms_parts SET min_level = $3 WHERE yacht_id = $1 AND id = $2"},
                      {yacht_, part_id, min_level}));
    parts_[part_id].min_level = min_level;
  }

  std::vector<StockedPart> Low() {
    std::vector<StockedPart> low;
    Status s = store_->Run(TxMode::kRead, yacht_, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(low, LowStockParts(tx, yacht_));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return low;
  }

  // Every page of list_parts with low_stock_only, `limit` at a time, joined.
  std::vector<StockedPart> LowPages(int limit, std::optional<std::string> text = std::nullopt) {
    std::vector<StockedPart> all;
    PartQuery query{.text = std::move(text), .low_stock_only = true, .limit = limit};
    for (int page = 0; page < 100; ++page) {
      PartPage got;
      Status s = store_->Run(TxMode::kRead, yacht_, [&](Tx& tx) {
        CELESTE_ASSIGN_OR_RETURN(got, ListParts(tx, yacht_, query));
        return Status::OK();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
      EXPECT_LE(got.parts.size(), static_cast<size_t>(limit));
      all.insert(all.end(), got.parts.begin(), got.parts.end());
      if (!got.next_cursor) return all;
      query.after_id = got.next_cursor;
    }
    ADD_FAILURE() << "the pages never end";
    return all;
  }

  // LowStockParts says exactly what the rule says about parts_, in its order.
  void ExpectLowByTheRule(const std::string& when) {
    const std::vector<Expected> want = LowByTheRule(parts_);
    std::vector<Expected> got;
    for (const StockedPart& p : Low()) {
      got.push_back({.id = p.part.id, .min_level = p.part.min_level, .on_hand = p.on_hand});
    }
    ASSERT_EQ(got.size(), want.size())
        << when << "\n  got:  " << Describe(got) << "\n  want: " << Describe(want);
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].id, want[i].id) << when << ", row " << i << "\n  got:  " << Describe(got)
                                       << "\n  want: " << Describe(want);
      EXPECT_EQ(got[i].min_level, want[i].min_level) << when << ", row " << i;
      EXPECT_EQ(got[i].on_hand, want[i].on_hand) << when << ", row " << i;
    }
  }

  // The part's balance row as "on_hand|min_level", or "" when it has none.
  std::string BalanceRow(const std::string& part_id) {
    std::string out;
    Status s = store_->Run(TxMode::kRead, yacht_, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(auto row,
                               tx.QueryOne({"SELECT on_hand, min_level FROM pms_part_stock "
                                            "WHERE yacht_id = $1 AND part_id = $2"},
                                           {yacht_, part_id}));
      if (row) out = std::to_string(row->Real(0)) + "|" + std::to_string(row->Real(1));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  celeste::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string yacht_, other_yacht_;
  std::map<std::string, Expected> parts_;  // yacht_'s parts as the tests moved them
};

TEST_F(LowStockTest, ListsThePartsAtOrBelowTheirMinimumLargestShortfallFirstThenById) {
  struct Case {
    const char* what;
    double min_level;
    double stock;  // received after the part is added
  };
  static const Case kCases[] = {
      {"never moved, minimum 4: low with nothing on hand", 4, 0},
      {"short by 4", 5, 1},
      {"short by 4 too: ties go by id", 6, 2},
      {"at the minimum: low, shortfall 0", 3, 3},
      {"half a unit above: not low", 2, 2.5},
      {"minimum 0, nothing on hand: never low", 0, 0},
      {"minimum 0, some on hand: never low", 0, 7},
      {"plenty", 2, 10},
  };
  for (const Case& c : kCases) {
    const std::string id = AddPart(c.min_level);
    if (c.stock > 0) Move(id, c.stock);
  }
  // Another yacht's low part never shows.
  const std::string theirs = AddPart(9, &other_yacht_);
  Move(theirs, 1, &other_yacht_);

  ExpectLowByTheRule("as added");
  EXPECT_EQ(Low().size(), 4u);
}

TEST_F(LowStockTest, FollowsStockMovements) {
  const std::string part = AddPart(5);
  Move(part, 12);
  ExpectLowByTheRule("12 on hand, minimum 5");
  EXPECT_TRUE(Low().empty());
  Move(part, -7);
  ExpectLowByTheRule("used down to the minimum");
  ASSERT_EQ(Low().size(), 1u);
  Move(part, -4);
  ExpectLowByTheRule("used below the minimum");
  Move(part, 0.5);
  ExpectLowByTheRule("received, still below");
  Move(part, 10);
  ExpectLowByTheRule("received above the minimum");
  EXPECT_TRUE(Low().empty());
  Move(part, -11.5);
  ExpectLowByTheRule("used to zero");
  ASSERT_EQ(Low().size(), 1u);
}

TEST_F(LowStockTest, FollowsMinLevelWhateverWritesIt) {
  const std::string stocked = AddPart(2);
  Move(stocked, 6);
  const std::string never_moved = AddPart(0);
  ExpectLowByTheRule("as added");
  EXPECT_TRUE(Low().empty());

  SetMinLevel(stocked, 6);
  ExpectLowByTheRule("minimum raised to what is on hand");
  SetMinLevel(never_moved, 1);
  ExpectLowByTheRule("a part that never moved gets a minimum");
  EXPECT_EQ(BalanceRow(never_moved), "0.000000|1.000000") << "its balance row, created at 0";
  SetMinLevel(stocked, 5.5);
  ExpectLowByTheRule("minimum lowered below what is on hand");
  SetMinLevel(never_moved, 0);
  ExpectLowByTheRule("minimum back to 0: never low");
  EXPECT_TRUE(Low().empty());

  // Many parts in one statement.
  const std::string third = AddPart(0);
  Move(third, 3);
  ASSERT_TRUE(
      Write({"UPDATE pms_parts SET min_level = min_level + 4 WHERE yacht_id = $1"}, {yacht_}));
  for (auto& [id, p] : parts_) p.min_level += 4;
  ExpectLowByTheRule("every minimum raised by 4 in one statement");
  EXPECT_EQ(Low().size(), 3u);
}

TEST_F(LowStockTest, ACopyOfMinLevelWrittenOnTheBalanceIsPutBack) {
  const std::string part = AddPart(3);
  Move(part, 10);
  ASSERT_TRUE(
      Write({"UPDATE pms_part_stock SET min_level = 50 WHERE yacht_id = $1 AND part_id = $2"},
            {yacht_, part}));
  EXPECT_EQ(BalanceRow(part), "10.000000|3.000000");
  ExpectLowByTheRule("after a write of the copy");
  EXPECT_TRUE(Low().empty());

  // A balance row inserted by hand (a part with minimum 0 has none until its stock moves).
  const std::string plain = AddPart(0);
  ASSERT_TRUE(Write({"INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, "
                     "min_level) VALUES ($1, $2, 1, $3, 40)"},
                    {yacht_, plain, Now()}));
  parts_[plain].on_hand = 1;
  EXPECT_EQ(BalanceRow(plain), "1.000000|0.000000");
  ExpectLowByTheRule("after an insert with a wrong copy");
  EXPECT_TRUE(Low().empty());
}

TEST_F(LowStockTest, ListPartsLowStockOnlyPagesThroughTheSamePartsNewestFirst) {
  for (int i = 0; i < 14; ++i) {
    const std::string id = AddPart(i % 3 == 0 ? 0 : 4);
    if (i % 2 == 0) Move(id, i % 4 == 0 ? 2 : 9);
  }
  std::vector<std::string> want;
  for (const Expected& p : LowByTheRule(parts_)) want.push_back(p.id);
  std::sort(want.rbegin(), want.rend());  // newest (largest UUIDv7) first
  ASSERT_GE(want.size(), 5u);

  for (int limit : {1, 3, 200}) {
    std::vector<std::string> got;
    for (const StockedPart& p : LowPages(limit)) {
      got.push_back(p.part.id);
      EXPECT_EQ(p.on_hand, parts_[p.part.id].on_hand) << "limit " << limit;
    }
    EXPECT_EQ(got, want) << "limit " << limit;
  }
  // The text filter applies to the low parts as to all of them.
  const std::string named = AddPart(8);
  ASSERT_TRUE(
      Write({"UPDATE pms_parts SET name = 'Raw water impeller' WHERE yacht_id = $1 AND id = $2"},
            {yacht_, named}));
  std::vector<StockedPart> found = LowPages(2, "IMPELLER");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].part.id, named);
}

TEST_F(LowStockTest, AgreesWithTheRuleThroughARandomWorkload) {
  std::mt19937 rng(20261123);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(AddPart(static_cast<double>(rng() % 4)));
  for (int step = 0; step < 200; ++step) {
    const std::string& id = ids[rng() % ids.size()];
    switch (rng() % 4) {
      case 0:
      case 1:
        Move(id, 0.5 * (1 + rng() % 8));
        break;
      case 2: {
        const double take = std::min(parts_[id].on_hand, 0.5 * (1 + rng() % 8));
        if (take > 0) Move(id, -take);
        break;
      }
      case 3:
        SetMinLevel(id, 0.5 * (rng() % 10));
        break;
    }
    ExpectLowByTheRule("step " + std::to_string(step));
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
}

TEST_F(LowStockTest, APartThatNeverMovedCanStillBeDeleted) {
  const std::string part = AddPart(3);
  ASSERT_EQ(BalanceRow(part), "0.000000|3.000000");
  ASSERT_TRUE(Write({"DELETE FROM pms_parts WHERE yacht_id = $1 AND id = $2"}, {yacht_, part}));
  EXPECT_EQ(BalanceRow(part), "") << "its empty balance went with it";
  EXPECT_TRUE(Low().empty());
}

// A database migrated before 0006: its balances gain the copy, and its parts with a minimum
// but no movement their balance row, so the list is the same after the migration.
TEST(LowStockMigrationTest, BackfillsTheMarkerOnExistingRows) {
  celeste::testing::TempDir dir;
  auto opened = OpenStore("sqlite:" + dir.File("celeste.db"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  std::vector<Migration> before;
  for (const Migration& m : SqliteMigrations()) {
    if (m.name < "0006") before.push_back(m);
  }
  ASSERT_LT(before.size(), SqliteMigrations().size()) << "migration 0006 is compiled in";
  ASSERT_TRUE(ApplyMigrations(store, before).ok());

  const std::string yacht = NewUuidV7(), actor = NewUuidV7();
  const std::string at = FormatRfc3339(SystemClock::Instance().Now());
  struct Part {
    const char* name;
    double min_level;
    std::optional<double> on_hand;  // nullopt: no balance row (its stock never moved)
    bool low;
  };
  static const Part kParts[] = {
      {"minimum, never moved", 4, std::nullopt, true},
      {"below its minimum", 5, 2, true},
      {"above its minimum", 1, 6, false},
      {"no minimum, never moved", 0, std::nullopt, false},
      {"no minimum, empty", 0, 0, false},
  };
  std::vector<std::string> ids;
  Status s = store.Run(TxMode::kWrite, yacht, [&](Tx& tx) -> Status {
    CELESTE_RETURN_IF_ERROR(
        tx.Exec({"INSERT INTO yachts (id, name, created_at) VALUES ($1, 'M/Y Old', $2)"},
                {yacht, at})
            .status());
    for (const Part& p : kParts) {
      ids.push_back(NewUuidV7());
      CELESTE_RETURN_IF_ERROR(tx.Exec({"INSERT INTO pms_parts (id, yacht_id, name, min_level, "
                                       "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)"},
                                      {ids.back(), yacht, p.name, p.min_level, at, actor})
                                  .status());
      if (!p.on_hand) continue;
      CELESTE_RETURN_IF_ERROR(tx.Exec({"INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, "
                                       "updated_at) VALUES ($1, $2, $3, $4)"},
                                      {yacht, ids.back(), *p.on_hand, at})
                                  .status());
    }
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();

  auto applied = ApplyMigrations(store, SqliteMigrations());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  std::vector<StockedPart> low;
  Rows balances;
  s = store.Run(TxMode::kRead, yacht, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(low, LowStockParts(tx, yacht));
    CELESTE_ASSIGN_OR_RETURN(
        balances, tx.Query({"SELECT s.part_id, s.min_level, p.min_level FROM pms_part_stock AS s "
                            "JOIN pms_parts AS p ON p.yacht_id = s.yacht_id AND p.id = s.part_id "
                            "WHERE s.yacht_id = $1"},
                           {yacht}));
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(low.size(), 2u);
  EXPECT_EQ(low[0].part.id, ids[0]) << "shortfall 4 and 3";
  EXPECT_EQ(low[0].on_hand, 0);
  EXPECT_EQ(low[1].part.id, ids[1]);
  EXPECT_EQ(low[1].on_hand, 2);
  EXPECT_EQ(balances.size(), 4u) << "a row for the part with a minimum that never moved";
  for (const Row& row : balances) {
    EXPECT_EQ(row.Real(1), row.Real(2)) << "the copy of part " << row.Text(0);
  }
}

}  // namespace
}  // namespace celeste::parts

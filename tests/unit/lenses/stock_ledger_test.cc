// The stock ledger (lenses/parts/stock_ledger.h) on SQLite: balances move with the ledger,
// never below zero, idempotency keys, unknown parts, and parity after a mixed workload.
// The same rules run on PostgreSQL through the parts lens's integration tests.
#include "lenses/parts/stock_ledger.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "lenses/parts/catalog_part.h"

namespace celeste::parts {
namespace {

class StockLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = celeste::testing::NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    yacht_ = AddYacht();
    other_yacht_ = AddYacht();
    part_ = AddPart(yacht_);
  }

  std::string AddYacht() {
    const std::string id = NewUuidV7();
    EXPECT_TRUE(store_
                    ->Run(TxMode::kWrite, "",
                          [&](Tx& tx) {
                            return tx
                                .Exec({"INSERT INTO yachts (id, name, created_at) "
                                       "VALUES ($1, 'M/Y Test', $2)"},
                                      {id, Now()})
                                .status();
                          })
                    .ok());
    return id;
  }

  std::string AddPart(const std::string& yacht) {
    CatalogPart part{
        .id = NewUuidV7(), .name = "Impeller", .created_at = Now(), .created_by = NewUuidV7()};
    EXPECT_TRUE(
        store_->Run(TxMode::kWrite, yacht, [&](Tx& tx) { return InsertPart(tx, yacht, part); })
            .ok());
    return part.id;
  }

  std::string Now() { return FormatRfc3339(clock_.Now()); }

  Result<RecordedMovement> Move(double quantity, std::optional<std::string> key = std::nullopt,
                                const std::string* part = nullptr,
                                const std::string* yacht = nullptr) {
    const std::string& y = yacht ? *yacht : yacht_;
    StockMovement m{.part_id = part ? *part : part_,
                    .quantity = quantity,
                    .type = quantity > 0 ? MovementType::kReceive : MovementType::kConsume,
                    .idempotency_key = std::move(key),
                    .actor_id = NewUuidV7(),
                    .actor_role = "crew",
                    .at = Now()};
    Result<RecordedMovement> out = Status::Internal("not run");
    Status s = store_->Run(TxMode::kWrite, y, [&](Tx& tx) {
      out = RecordMovement(tx, y, m);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  double Balance(const std::string& part) {
    double on_hand = -1;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(on_hand, OnHand(tx, yacht_, part));
                            return Status::OK();
                          })
                    .ok());
    return on_hand;
  }

  std::vector<StockMismatch> Mismatches() {
    std::vector<StockMismatch> out;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(out, VerifyStock(tx, yacht_));
                            return Status::OK();
                          })
                    .ok());
    return out;
  }

  celeste::testing::TempDir dir_;
  const SystemClock& clock_ = SystemClock::Instance();
  std::unique_ptr<Store> store_;
  std::string yacht_, other_yacht_, part_;
};

TEST_F(StockLedgerTest, ReceiveAndConsumeMoveTheBalanceWithTheLedger) {
  EXPECT_EQ(Balance(part_), 0) << "a part that never moved holds nothing";
  auto received = Move(10, "delivery-1");
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(received->on_hand_before, 0);
  EXPECT_EQ(received->on_hand_after, 10);
  auto consumed = Move(-4);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(consumed->on_hand_after, 6);
  EXPECT_EQ(Balance(part_), 6);
  EXPECT_TRUE(Mismatches().empty());

  std::vector<LedgerEntry> recent;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kRead, yacht_,
                        [&](Tx& tx) {
                          CELESTE_ASSIGN_OR_RETURN(recent, RecentMovements(tx, yacht_, part_, 20));
                          return Status::OK();
                        })
                  .ok());
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].type, "consume") << "newest first";
  EXPECT_EQ(recent[0].quantity, -4);
  EXPECT_EQ(recent[1].idempotency_key, "delivery-1");
}

TEST_F(StockLedgerTest, NeverBelowZeroAndNothingWrittenWhenRefused) {
  ASSERT_TRUE(Move(3).ok());
  auto refused = Move(-5);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kBusinessRuleViolation);
  EXPECT_EQ(refused.status().details().at("rule").as_string(), "insufficient_stock");
  EXPECT_EQ(refused.status().details().at("on_hand"), boost::json::value(3));
  EXPECT_EQ(refused.status().details().at("requested"), boost::json::value(5));
  EXPECT_EQ(Balance(part_), 3);
  ASSERT_TRUE(Move(-3).ok()) << "down to exactly zero is fine";
  EXPECT_EQ(Balance(part_), 0);
  EXPECT_TRUE(Mismatches().empty());
}

TEST_F(StockLedgerTest, ARepeatedIdempotencyKeyIsDuplicateNamingTheFirstMovement) {
  auto first = Move(5, "po-77-line-1");
  ASSERT_TRUE(first.ok());
  auto again = Move(5, "po-77-line-1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kDuplicate);
  EXPECT_EQ(again.status().details().at("existing_id").as_string(), first->id);
  EXPECT_EQ(Balance(part_), 5) << "stock unchanged";
  // Keys are per yacht: another yacht may use the same one.
  const std::string other_part = AddPart(other_yacht_);
  EXPECT_TRUE(Move(1, "po-77-line-1", &other_part, &other_yacht_).ok());
}

TEST_F(StockLedgerTest, UnknownOrAnotherYachtsPartIsNotFound) {
  const std::string unknown = NewUuidV7();
  auto r = Move(1, std::nullopt, &unknown);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  const std::string theirs = AddPart(other_yacht_);
  r = Move(1, std::nullopt, &theirs);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Mismatches().empty());
}

TEST_F(StockLedgerTest, BalancesEqualTheLedgerAfterARandomMixedWorkload) {
  std::vector<std::string> parts = {part_, AddPart(yacht_), AddPart(yacht_)};
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> pick(0, 2), amount(1, 9), kind(0, 3);
  int refused = 0, duplicates = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string& part = parts[pick(rng)];
    const double quantity = kind(rng) == 0 ? amount(rng) * 1.5 : -amount(rng) * 0.5;
    std::optional<std::string> key;
    if (i % 7 == 0) key = "key-" + std::to_string(i % 21);  // some keys repeat
    auto r = Move(quantity, key, &part);
    if (!r.ok()) {
      if (r.status().code() == ErrorCode::kBusinessRuleViolation)
        ++refused;
      else if (r.status().code() == ErrorCode::kDuplicate)
        ++duplicates;
      else
        ADD_FAILURE() << r.status().ToString();
    }
  }
  EXPECT_GT(refused, 0) << "the workload tried to go below zero";
  EXPECT_GT(duplicates, 0) << "the workload repeated keys";
  EXPECT_TRUE(Mismatches().empty());
  for (const auto& part : parts) EXPECT_GE(Balance(part), 0);
}

TEST_F(StockLedgerTest, VerifyStockReportsABalanceThatDriftedFromItsLedger) {
  ASSERT_TRUE(Move(4).ok());
  ASSERT_TRUE(store_
                  ->Run(TxMode::kWrite, yacht_,
                        [&](Tx& tx) {
                          return tx
                              .Exec({"UPDATE pms_part_stock SET on_hand = 9 WHERE part_id = $1"},
                                    {part_})
                              .status();
                        })
                  .ok());
  auto mismatches = Mismatches();
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0].part_id, part_);
  EXPECT_EQ(mismatches[0].balance, 9);
  EXPECT_EQ(mismatches[0].ledger, 4);
}

}  // namespace
}  // namespace celeste::parts

// The stock ledger: every movement of a part's stock is one append-only row in
// pms_inventory_transactions, and the part's balance in pms_part_stock moves with it in
// the same transaction (migrations 0004). The balance never goes below zero, and it always
// equals the sum of the part's ledger (VerifyStock; `celeste parts verify-stock`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::parts {

enum class MovementType { kReceive, kConsume, kAdjust, kTransfer };
std::string_view MovementTypeName(MovementType type);  // "receive", ...

struct StockMovement {
  std::string part_id;
  double quantity = 0;  // signed: > 0 into stock, < 0 out of it; never 0
  MovementType type = MovementType::kReceive;
  std::optional<std::string> reference;
  std::optional<std::string> idempotency_key;  // a client's retry is recognised by it
  std::optional<std::string> work_order_id;
  std::string actor_id;
  std::string actor_role;
  std::string at;  // RFC 3339
};

struct RecordedMovement {
  std::string id;
  double on_hand_before = 0;
  double on_hand_after = 0;
};

// Records `movement` on `yacht_id` inside `tx` (a write transaction scoped to that yacht).
// The part's balance is locked first (PostgreSQL: movements of one part queue up), then:
//   not_found                        the part is not in this yacht's catalog
//   duplicate (details.existing_id)  the idempotency key was used before: nothing written
//   business_rule_violation          the balance would go below zero (rule
//     insufficient_stock; details on_hand and requested)
// and otherwise appends the ledger row and moves the balance.
Result<RecordedMovement> RecordMovement(Tx& tx, std::string_view yacht_id,
                                        const StockMovement& movement);

struct StockAdjustment {
  std::optional<std::string> transaction_id;  // none when the count matched the balance
  double on_hand_before = 0;
  double on_hand_after = 0;
};

// Sets the part's balance to `new_quantity` (>= 0) with one adjust row of the difference
// (a stock-take); no row when the balance already is `new_quantity`. `movement` gives the
// part, actor, time and reference; its quantity and type are replaced. not_found as for
// RecordMovement.
Result<StockAdjustment> AdjustTo(Tx& tx, std::string_view yacht_id, StockMovement movement,
                                 double new_quantity);

// The part's balance: 0 for a part whose stock never moved.
Result<double> OnHand(Tx& tx, std::string_view yacht_id, std::string_view part_id);

struct LedgerEntry {
  std::string id;
  std::string part_id;
  double quantity = 0;
  std::string type;
  std::optional<std::string> reference;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> work_order_id;
  std::string actor_id;
  std::string actor_role;
  std::string created_at;

  boost::json::object ToJson() const;
};

// The part's last `limit` movements, newest first.
Result<std::vector<LedgerEntry>> RecentMovements(Tx& tx, std::string_view yacht_id,
                                                 std::string_view part_id, int limit);

struct StockMismatch {
  std::string part_id;
  double balance = 0;  // pms_part_stock (0 when missing)
  double ledger = 0;   // the sum of the ledger (0 when it has no rows)
};

// Every part of the yacht whose balance differs from the sum of its ledger by more than
// rounding (1e-6). Empty when the books agree.
Result<std::vector<StockMismatch>> VerifyStock(Tx& tx, std::string_view yacht_id);

}  // namespace celeste::parts

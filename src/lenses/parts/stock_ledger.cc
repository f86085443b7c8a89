#include "lenses/parts/stock_ledger.h"

#include <fmt/format.h>

#include "core/uuid.h"
#include "lenses/json_values.h"

namespace celeste::parts {
namespace {

#define CELESTE_SELECT_BALANCE \
  "SELECT on_hand FROM pms_part_stock WHERE yacht_id = $1 AND part_id = $2"
// PostgreSQL runs writes at READ COMMITTED: the balance row is locked, so concurrent
// movements of one part queue up and each sees the balance the previous one left.
const Sql kLockBalance{CELESTE_SELECT_BALANCE, CELESTE_SELECT_BALANCE " FOR UPDATE"};
const Sql kReadBalance{CELESTE_SELECT_BALANCE};
#undef CELESTE_SELECT_BALANCE

const Sql kPartExists{"SELECT 1 FROM pms_parts WHERE yacht_id = $1 AND id = $2"};
// A part's first movement creates its balance at 0, then locks it like any other.
const Sql kCreateBalance{
    "INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at) VALUES ($1, $2, 0, $3) "
    "ON CONFLICT (yacht_id, part_id) DO NOTHING"};
const Sql kUpdateBalance{
    "UPDATE pms_part_stock SET on_hand = $3, updated_at = $4 WHERE yacht_id = $1 AND part_id = $2"};
const Sql kFindByKey{
    "SELECT id FROM pms_inventory_transactions WHERE yacht_id = $1 AND idempotency_key = $2"};
const Sql kInsertMovement{
    "INSERT INTO pms_inventory_transactions (id, yacht_id, part_id, quantity, type, reference, "
    "idempotency_key, work_order_id, actor_id, actor_role, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};
const Sql kRecent{
    "SELECT id, part_id, quantity, type, reference, idempotency_key, work_order_id, actor_id, "
    "actor_role, created_at FROM pms_inventory_transactions "
    "WHERE yacht_id = $1 AND part_id = $2 ORDER BY id DESC LIMIT $3"};
// Both sides per part, missing counting as 0; rounding differences of summed doubles are
// not mismatches.
const Sql kMismatches{
    "SELECT COALESCE(s.part_id, v.part_id), COALESCE(s.on_hand, 0), COALESCE(v.on_hand, 0) "
    "FROM (SELECT part_id, on_hand FROM pms_part_stock WHERE yacht_id = $1) AS s "
    "FULL OUTER JOIN (SELECT part_id, on_hand FROM v_stock_from_transactions "
    "WHERE yacht_id = $1) AS v ON s.part_id = v.part_id "
    "WHERE abs(COALESCE(s.on_hand, 0) - COALESCE(v.on_hand, 0)) > 0.000001 "
    "ORDER BY 1"};

// The balance row, locked; created at 0 for a part that never moved. nullopt: no such part.
Result<std::optional<double>> LockBalance(Tx& tx, std::string_view yacht_id,
                                          std::string_view part_id, std::string_view at) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kLockBalance, {yacht_id, part_id}));
  if (row) return std::optional<double>(row->Real(0));
  CELESTE_ASSIGN_OR_RETURN(auto part, tx.QueryOne(kPartExists, {yacht_id, part_id}));
  if (!part) return std::optional<double>();
  CELESTE_ASSIGN_OR_RETURN(int64_t created, tx.Exec(kCreateBalance, {yacht_id, part_id, at}));
  (void)created;  // 0 when a concurrent first movement created it: we wait for its lock
  CELESTE_ASSIGN_OR_RETURN(row, tx.QueryOne(kLockBalance, {yacht_id, part_id}));
  if (!row) return Status::Internal("the stock balance is missing after its insert");
  return std::optional<double>(row->Real(0));
}

}  // namespace

std::string_view MovementTypeName(MovementType type) {
  switch (type) {
    case MovementType::kReceive:
      return "receive";
    case MovementType::kConsume:
      return "consume";
    case MovementType::kAdjust:
      return "adjust";
    case MovementType::kTransfer:
      return "transfer";
  }
  return "adjust";
}

namespace {

// The ledger row and the new balance, after the checks of RecordMovement; the balance row
// is locked and holds `balance`.
Result<RecordedMovement> Append(Tx& tx, std::string_view yacht_id, const StockMovement& movement,
                                double balance) {
  const double after = balance + movement.quantity;
  if (after < 0) {
    return Status::Error(ErrorCode::kBusinessRuleViolation,
                         fmt::format("only {} in stock; {} requested", balance, -movement.quantity),
                         {{"rule", "insufficient_stock"},
                          {"on_hand", NumberValue(balance)},
                          {"requested", NumberValue(-movement.quantity)}});
  }
  RecordedMovement recorded{.id = NewUuidV7(), .on_hand_before = balance, .on_hand_after = after};
  CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(
      kInsertMovement,
      {recorded.id, yacht_id, movement.part_id, movement.quantity, MovementTypeName(movement.type),
       movement.reference, movement.idempotency_key, movement.work_order_id, movement.actor_id,
       movement.actor_role, movement.at},
      1));
  CELESTE_RETURN_IF_ERROR(
      tx.ExecDeferred(kUpdateBalance, {yacht_id, movement.part_id, after, movement.at}, 1));
  return recorded;
}

// The balance, locked, or not_found for a part not in the yacht's catalog.
Result<double> LockExistingBalance(Tx& tx, std::string_view yacht_id, std::string_view part_id,
                                   std::string_view at) {
  CELESTE_ASSIGN_OR_RETURN(auto balance, LockBalance(tx, yacht_id, part_id, at));
  if (!balance) {
    return Status::NotFound("no part " + std::string(part_id) + " in this yacht's catalog")
        .WithDetail("field", "part_id");
  }
  return *balance;
}

}  // namespace

Result<RecordedMovement> RecordMovement(Tx& tx, std::string_view yacht_id,
                                        const StockMovement& movement) {
  if (movement.quantity == 0) return Status::Internal("a stock movement of zero");
  CELESTE_ASSIGN_OR_RETURN(double balance,
                           LockExistingBalance(tx, yacht_id, movement.part_id, movement.at));
  // Checked under the balance lock: a retry racing its original waits, then finds it.
  if (movement.idempotency_key) {
    CELESTE_ASSIGN_OR_RETURN(auto existing,
                             tx.QueryOne(kFindByKey, {yacht_id, *movement.idempotency_key}));
    if (existing) {
      return Status::Error(ErrorCode::kDuplicate,
                           "this idempotency_key was used by an earlier stock movement; "
                           "nothing was recorded again",
                           {{"existing_id", existing->Text(0)}});
    }
  }
  return Append(tx, yacht_id, movement, balance);
}

Result<StockAdjustment> AdjustTo(Tx& tx, std::string_view yacht_id, StockMovement movement,
                                 double new_quantity) {
  if (new_quantity < 0) return Status::Internal("a stock level below zero");
  CELESTE_ASSIGN_OR_RETURN(double balance,
                           LockExistingBalance(tx, yacht_id, movement.part_id, movement.at));
  StockAdjustment adjustment{
      .transaction_id = std::nullopt, .on_hand_before = balance, .on_hand_after = new_quantity};
  if (new_quantity == balance) return adjustment;  // the count confirms the books
  movement.quantity = new_quantity - balance;
  movement.type = MovementType::kAdjust;
  CELESTE_ASSIGN_OR_RETURN(RecordedMovement recorded, Append(tx, yacht_id, movement, balance));
  adjustment.transaction_id = recorded.id;
  return adjustment;
}

Result<double> OnHand(Tx& tx, std::string_view yacht_id, std::string_view part_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kReadBalance, {yacht_id, part_id}));
  return row ? row->Real(0) : 0.0;
}

boost::json::object LedgerEntry::ToJson() const {
  return {
      {"id", id},
      {"part_id", part_id},
      {"quantity", NumberValue(quantity)},
      {"type", type},
      {"reference", TextOrNull(reference)},
      {"idempotency_key", TextOrNull(idempotency_key)},
      {"work_order_id", TextOrNull(work_order_id)},
      {"actor_id", actor_id},
      {"actor_role", actor_role},
      {"created_at", created_at},
  };
}

Result<std::vector<LedgerEntry>> RecentMovements(Tx& tx, std::string_view yacht_id,
                                                 std::string_view part_id, int limit) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kRecent, {yacht_id, part_id, limit}));
  std::vector<LedgerEntry> entries;
  entries.reserve(rows.size());
  for (const Row& row : rows) {
    entries.push_back(LedgerEntry{.id = row.Text(0),
                                  .part_id = row.Text(1),
                                  .quantity = row.Real(2),
                                  .type = row.Text(3),
                                  .reference = row.OptText(4),
                                  .idempotency_key = row.OptText(5),
                                  .work_order_id = row.OptText(6),
                                  .actor_id = row.Text(7),
                                  .actor_role = row.Text(8),
                                  .created_at = row.Text(9)});
  }
  return entries;
}

Result<std::vector<StockMismatch>> VerifyStock(Tx& tx, std::string_view yacht_id) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kMismatches, {yacht_id}));
  std::vector<StockMismatch> mismatches;
  mismatches.reserve(rows.size());
  for (const Row& row : rows) {
    mismatches.push_back({.part_id = row.Text(0), .balance = row.Real(1), .ledger = row.Real(2)});
  }
  return mismatches;
}

}  // namespace celeste::parts

#include "lenses/receiving/receiving.h"

#include <algorithm>
#include <array>
#include <utility>

#include "lenses/json_values.h"

namespace celeste::receiving {
namespace {

constexpr std::array kReceivingStatuses = {ReceivingStatus::kDraft, ReceivingStatus::kAccepted,
                                           ReceivingStatus::kRejected};

// Column order of ReceivingFromRow.
#define CELESTE_RECEIVING_COLUMNS                                                         \
  "id, purchase_order_id, status, reference, notes, created_by, created_at, updated_at, " \
  "accepted_by, accepted_role, accepted_at, rejected_by, rejected_at, rejection_reason"

#define CELESTE_SELECT_RECEIVING \
  "SELECT " CELESTE_RECEIVING_COLUMNS " FROM pms_receivings WHERE yacht_id = $1 AND id = $2"
const Sql kSelectReceiving{CELESTE_SELECT_RECEIVING};
const Sql kLockReceiving{CELESTE_SELECT_RECEIVING, CELESTE_SELECT_RECEIVING " FOR UPDATE"};
#undef CELESTE_SELECT_RECEIVING

const Sql kReceivingsForOrder{"SELECT " CELESTE_RECEIVING_COLUMNS
                              " FROM pms_receivings WHERE yacht_id = $1 "
                              "AND purchase_order_id = $2 ORDER BY id"};

// Newest first; $2 status, $3 order, $4 cursor, each possibly NULL (PostgreSQL: cast).
#define CELESTE_LIST_RECEIVINGS(STATUS, ORDER, AFTER)    \
  "SELECT " CELESTE_RECEIVING_COLUMNS                    \
  " FROM pms_receivings WHERE yacht_id = $1 "            \
  "AND (" STATUS " IS NULL OR status = " STATUS          \
  ") "                                                   \
  "AND (" ORDER " IS NULL OR purchase_order_id = " ORDER \
  ") "                                                   \
  "AND (" AFTER " IS NULL OR id < " AFTER ") ORDER BY id DESC LIMIT $5"
const Sql kListReceivings{CELESTE_LIST_RECEIVINGS("$2", "$3", "$4"),
                          CELESTE_LIST_RECEIVINGS("$2::text", "$3::uuid", "$4::uuid")};
#undef CELESTE_LIST_RECEIVINGS

const Sql kInsertReceiving{"INSERT INTO pms_receivings (" CELESTE_RECEIVING_COLUMNS
                           ", yacht_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                           "$12, $13, $14, $15)"};
#undef CELESTE_RECEIVING_COLUMNS

const Sql kInsertLine{
    "INSERT INTO pms_receiving_lines (yacht_id, receiving_id, line, part_id, item_id, "
    "quantity_received, quantity_damaged, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

const Sql kSelectLines{
    "SELECT l.line, l.part_id, l.item_id, p.name, l.quantity_received, l.quantity_damaged, "
    "l.notes, l.transaction_id FROM pms_receiving_lines AS l "
    "JOIN pms_parts AS p ON p.yacht_id = l.yacht_id AND p.id = l.part_id "
    "WHERE l.yacht_id = $1 AND l.receiving_id = $2 ORDER BY l.line"};

const Sql kAcceptedForItem{
    "SELECT COALESCE(SUM(l.quantity_received - l.quantity_damaged), 0) "
    "FROM pms_receiving_lines AS l JOIN pms_receivings AS r "
    "ON r.yacht_id = l.yacht_id AND r.id = l.receiving_id "
    "WHERE l.yacht_id = $1 AND l.item_id = $2 AND r.status = 'accepted'"};

const Sql kSetLineTransaction{
    "UPDATE pms_receiving_lines SET transaction_id = $4 "
    "WHERE yacht_id = $1 AND receiving_id = $2 AND line = $3 AND transaction_id IS NULL"};
const Sql kMarkAccepted{
    "UPDATE pms_receivings SET status = 'accepted', accepted_by = $3, accepted_role = $4, "
    "accepted_at = $5, updated_at = $5 WHERE yacht_id = $1 AND id = $2 AND status = 'draft'"};
const Sql kMarkRejected{
    "UPDATE pms_receivings SET status = 'rejected', rejected_by = $3, rejection_reason = $4, "
    "rejected_at = $5, updated_at = $5 WHERE yacht_id = $1 AND id = $2 AND status = 'draft'"};

Result<Receiving> ReceivingFromRow(const Row& row) {
  auto status = ParseReceivingStatus(row.Text(2));
  if (!status) return Status::Internal("a receiving has an unknown status");
  return Receiving{.id = row.Text(0),
                   .purchase_order_id = row.OptText(1),
                   .status = *status,
                   .reference = row.OptText(3),
                   .notes = row.OptText(4),
                   .created_by = row.Text(5),
                   .created_at = row.Text(6),
                   .updated_at = row.Text(7),
                   .accepted_by = row.OptText(8),
                   .accepted_role = row.OptText(9),
                   .accepted_at = row.OptText(10),
                   .rejected_by = row.OptText(11),
                   .rejected_at = row.OptText(12),
                   .rejection_reason = row.OptText(13),
                   .lines = {}};
}

Result<std::vector<Receiving>> ReceivingsFromRows(const Rows& rows) {
  std::vector<Receiving> receivings;
  receivings.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto receiving, ReceivingFromRow(row));
    receivings.push_back(std::move(receiving));
  }
  return receivings;
}

Result<Receiving> ReadReceiving(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                std::string_view receiving_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, receiving_id}));
  if (!row) {
    return Status::NotFound("no receiving " + std::string(receiving_id) + " on this yacht")
        .WithDetail("receiving_id", receiving_id);
  }
  CELESTE_ASSIGN_OR_RETURN(Receiving receiving, ReceivingFromRow(*row));
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectLines, {yacht_id, receiving_id}));
  receiving.lines.reserve(rows.size());
  for (const Row& line : rows) {
    receiving.lines.push_back(ReceivingLine{.line = static_cast<int>(line.Int(0)),
                                            .part_id = line.Text(1),
                                            .item_id = line.OptText(2),
                                            .part_name = line.Text(3),
                                            .quantity_received = line.Real(4),
                                            .quantity_damaged = line.Real(5),
                                            .notes = line.OptText(6),
                                            .transaction_id = line.OptText(7)});
  }
  return receiving;
}

// Exactly one row must change: the draft is still a draft (it is locked by the caller).
Status ChangeOne(Tx& tx, const Sql& sql, const Params& params) {
  return tx.ExecDeferred(sql, params, 1);
}

}  // namespace

std::string_view ReceivingStatusName(ReceivingStatus status) {
  return kReceivingStatusNames[static_cast<size_t>(status)];
}

std::optional<ReceivingStatus> ParseReceivingStatus(std::string_view name) {
  for (ReceivingStatus status : kReceivingStatuses) {
    if (ReceivingStatusName(status) == name) return status;
  }
  return std::nullopt;
}

boost::json::object ReceivingLine::ToJson() const {
  return {{"line", line},
          {"shopping_list_item_id", TextOrNull(item_id)},
          {"part_id", part_id},
          {"part_name", part_name},
          {"quantity_received", NumberValue(quantity_received)},
          {"quantity_damaged", NumberValue(quantity_damaged)},
          {"quantity_accepted", NumberValue(quantity_accepted())},
          {"notes", TextOrNull(notes)},
          {"transaction_id", TextOrNull(transaction_id)}};
}

boost::json::object Receiving::ToJson() const {
  boost::json::array line_json;
  line_json.reserve(lines.size());
  for (const ReceivingLine& l : lines) line_json.push_back(l.ToJson());
  return {{"id", id},
          {"purchase_order_id", TextOrNull(purchase_order_id)},
          {"status", ReceivingStatusName(status)},
          {"reference", TextOrNull(reference)},
          {"notes", TextOrNull(notes)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at},
          {"accepted_by", TextOrNull(accepted_by)},
          {"accepted_role", TextOrNull(accepted_role)},
          {"accepted_at", TextOrNull(accepted_at)},
          {"rejected_by", TextOrNull(rejected_by)},
          {"rejected_at", TextOrNull(rejected_at)},
          {"rejection_reason", TextOrNull(rejection_reason)},
          {"lines", std::move(line_json)}};
}

Status InsertReceiving(Tx& tx, std::string_view yacht_id, const Receiving& r) {
  CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(
      kInsertReceiving,
      {r.id, r.purchase_order_id, ReceivingStatusName(r.status), r.reference, r.notes, r.created_by,
       r.created_at, r.updated_at, r.accepted_by, r.accepted_role, r.accepted_at, r.rejected_by,
       r.rejected_at, r.rejection_reason, yacht_id},
      1));
  for (const ReceivingLine& l : r.lines) {
    CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertLine,
                                            {yacht_id, r.id, l.line, l.part_id, l.item_id,
                                             l.quantity_received, l.quantity_damaged, l.notes},
                                            1));
  }
  return Status::OK();
}

Result<Receiving> LoadReceiving(Tx& tx, std::string_view yacht_id, std::string_view receiving_id) {
  return ReadReceiving(tx, kSelectReceiving, yacht_id, receiving_id);
}

Result<Receiving> LockReceiving(Tx& tx, std::string_view yacht_id, std::string_view receiving_id) {
  return ReadReceiving(tx, kLockReceiving, yacht_id, receiving_id);
}

Result<std::vector<Receiving>> ReceivingsForOrder(Tx& tx, std::string_view yacht_id,
                                                  std::string_view order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kReceivingsForOrder, {yacht_id, order_id}));
  return ReceivingsFromRows(rows);
}

Result<double> AcceptedForItem(Tx& tx, std::string_view yacht_id, std::string_view item_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kAcceptedForItem, {yacht_id, item_id}));
  return row ? row->Real(0) : 0.0;
}

Status SetLineTransaction(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                          int line, std::string_view transaction_id) {
  return ChangeOne(tx, kSetLineTransaction, {yacht_id, receiving_id, line, transaction_id});
}

Status MarkAccepted(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                    std::string_view by, std::string_view role, std::string_view at) {
  return ChangeOne(tx, kMarkAccepted, {yacht_id, receiving_id, by, role, at});
}

Status MarkRejected(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                    std::string_view by, std::string_view reason, std::string_view at) {
  return ChangeOne(tx, kMarkRejected, {yacht_id, receiving_id, by, reason, at});
}

Result<ReceivingPage> ListReceivings(Tx& tx, std::string_view yacht_id,
                                     const ReceivingQuery& query) {
  const int64_t limit = std::max<int64_t>(query.limit, 1);
  std::optional<std::string> status;
  if (query.status) status = std::string(ReceivingStatusName(*query.status));
  CELESTE_ASSIGN_OR_RETURN(
      auto rows, tx.Query(kListReceivings,
                          {yacht_id, status, query.purchase_order_id, query.after_id, limit + 1}));
  const bool more = static_cast<int64_t>(rows.size()) > limit;
  if (more) rows.resize(static_cast<size_t>(limit));
  ReceivingPage page;
  CELESTE_ASSIGN_OR_RETURN(page.receivings, ReceivingsFromRows(rows));
  if (more) page.next_cursor = page.receivings.back().id;
  return page;
}

}  // namespace celeste::receiving

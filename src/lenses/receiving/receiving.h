// The receiving (pms_receivings and pms_receiving_lines): a delivery recorded line by line,
// a draft until an officer accepts (books it into stock) or rejects it. Its record, JSON
// and queries; every query is scoped by yacht_id.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::receiving {

inline constexpr std::string_view kReceivingEntityType = "receiving";

//   draft -> accepted | rejected
enum class ReceivingStatus { kDraft, kAccepted, kRejected };
std::string_view ReceivingStatusName(ReceivingStatus status);
std::optional<ReceivingStatus> ParseReceivingStatus(std::string_view name);
inline constexpr std::string_view kReceivingStatusNames[] = {"draft", "accepted", "rejected"};

struct ReceivingLine {
  int line = 0;  // 1, 2, ...
  std::string part_id;
  std::optional<std::string> item_id;  // the shopping list item delivered, if any
  std::string part_name;               // read back from the catalog
  double quantity_received = 0;
  double quantity_damaged = 0;
  std::optional<std::string> notes;
  std::optional<std::string> transaction_id;  // the ledger row, once accepted

  double quantity_accepted() const { return quantity_received - quantity_damaged; }
  boost::json::object ToJson() const;
};

struct Receiving {
  std::string id;
  std::optional<std::string> purchase_order_id;
  ReceivingStatus status = ReceivingStatus::kDraft;
  std::optional<std::string> reference;  // the delivery note
  std::optional<std::string> notes;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> accepted_by;
  std::optional<std::string> accepted_role;
  std::optional<std::string> accepted_at;
  std::optional<std::string> rejected_by;
  std::optional<std::string> rejected_at;
  std::optional<std::string> rejection_reason;
  std::vector<ReceivingLine> lines;  // filled by LoadReceiving/LockReceiving

  boost::json::object ToJson() const;  // with its lines
};

// Inserts the draft and its lines.
Status InsertReceiving(Tx& tx, std::string_view yacht_id, const Receiving& receiving);

// The receiving with its lines, or not_found (details.receiving_id). LockReceiving keeps it
// locked until the transaction ends (PostgreSQL): two accepts of one draft queue up.
Result<Receiving> LoadReceiving(Tx& tx, std::string_view yacht_id, std::string_view receiving_id);
Result<Receiving> LockReceiving(Tx& tx, std::string_view yacht_id, std::string_view receiving_id);

// The receivings of an order, oldest first, without their lines.
Result<std::vector<Receiving>> ReceivingsForOrder(Tx& tx, std::string_view yacht_id,
                                                  std::string_view order_id);
// What the accepted receivings booked for a shopping list item so far.
Result<double> AcceptedForItem(Tx& tx, std::string_view yacht_id, std::string_view item_id);

// Marks the line booked as ledger row `transaction_id`.
Status SetLineTransaction(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                          int line, std::string_view transaction_id);
// draft -> accepted, by the signer.
Status MarkAccepted(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                    std::string_view by, std::string_view role, std::string_view at);
// draft -> rejected.
Status MarkRejected(Tx& tx, std::string_view yacht_id, std::string_view receiving_id,
                    std::string_view by, std::string_view reason, std::string_view at);

struct ReceivingQuery {
  std::optional<ReceivingStatus> status;
  std::optional<std::string> purchase_order_id;
  std::optional<std::string> after_id;  // a cursor
  int64_t limit = 50;
};
struct ReceivingPage {
  std::vector<Receiving> receivings;  // newest first, without lines
  std::optional<std::string> next_cursor;
};
Result<ReceivingPage> ListReceivings(Tx& tx, std::string_view yacht_id,
                                     const ReceivingQuery& query);

}  // namespace celeste::receiving

// The work order (pms_work_orders, its notes and its history): its record, its JSON and its
// queries. Every query is scoped by yacht_id: another yacht's work order is
// indistinguishable from a missing one. The history rows are written by migration 0007's
// triggers from the actor each insert and status update names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/roles.h"
#include "core/result.h"
#include "lenses/work_orders/work_orders_lens.h"
#include "store/store.h"

namespace celeste::work_orders {

inline constexpr std::string_view kWorkOrderEntityType = "work_order";
inline constexpr std::string_view kPriorityNames[] = {"low", "normal", "high", "critical"};

// Who changes a work order, and when.
struct Actor {
  std::string id;
  Role role = Role::kCrew;
  std::string at;  // RFC 3339
};

// Every column of a work order.
struct WorkOrder {
  std::string id;
  WorkOrderOrigin origin = WorkOrderOrigin::kManual;
  std::optional<std::string> fault_id;
  std::optional<std::string> schedule_id;
  std::optional<std::string> equipment_id;
  std::string title;
  std::optional<std::string> description;
  std::string priority = "normal";
  WorkOrderStatus status = WorkOrderStatus::kPlanned;
  std::optional<std::string> assigned_to;
  std::optional<std::string> due_date;  // YYYY-MM-DD
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> started_at;
  std::optional<std::string> completed_by;
  std::optional<std::string> completed_at;
  std::optional<std::string> completion_notes;
  std::optional<double> running_hours_reading;
  std::optional<std::string> cancelled_by;
  std::optional<std::string> cancelled_at;
  std::optional<std::string> cancel_reason;

  bool open() const;  // planned, in_progress or on_hold
  WorkOrderSummary Summary() const;
  boost::json::object ToJson() const;  // every column; absent values null
};

// Inserts a `planned` work order; its first history row (from nothing) names `actor`.
Status InsertWorkOrder(Tx& tx, std::string_view yacht_id, const WorkOrder& order,
                       const Actor& actor, const std::optional<std::string>& history_notes);

// The work order, or nullopt when the yacht has none with this id.
Result<std::optional<WorkOrder>> FindWorkOrderRecord(Tx& tx, std::string_view yacht_id,
                                                     std::string_view work_order_id);
// The work order, or not_found (details.field work_order_id). LockWorkOrder keeps it locked
// until the transaction ends (PostgreSQL; write transactions only): moves of one work order
// queue up, and each sees the status the one before it left.
Result<WorkOrder> LoadWorkOrder(Tx& tx, std::string_view yacht_id, std::string_view work_order_id);
Result<WorkOrder> LockWorkOrder(Tx& tx, std::string_view yacht_id, std::string_view work_order_id);

// Moves `order` (as locked in this transaction) to `to`; the history row follows from the
// update, with `notes`. invalid_state_transition (details.current_state) when the table
// forbids the move — `what` names it in the message.
Status MoveWorkOrder(Tx& tx, std::string_view yacht_id, const WorkOrder& order, WorkOrderStatus to,
                     const Actor& actor, const std::optional<std::string>& notes,
                     std::string_view what);

// The columns a move fills in, written before the move itself.
Status RecordStart(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                   std::string_view at);  // started_at, the first time only
Status RecordCompletion(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                        const Actor& actor, const std::optional<std::string>& notes,
                        std::optional<double> running_hours);
Status RecordCancellation(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                          const Actor& actor, std::string_view reason);
Status RecordAssignee(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                      std::string_view assigned_to, std::string_view at);

// True when `user_id` is an active user with an active membership of the yacht.
Result<bool> IsActiveMember(Tx& tx, std::string_view yacht_id, std::string_view user_id);

// What a work order raised from a fault or a schedule needs to know of it: whether the yacht
// has it, and its equipment. LockScheduleForWorkOrder keeps the schedule locked until the
// transaction ends (PostgreSQL): two transactions raising a work order for one schedule
// queue up, and the second sees the first one's work order.
struct Origin {
  std::optional<std::string> equipment_id;
};
Result<std::optional<Origin>> FindFaultOrigin(Tx& tx, std::string_view yacht_id,
                                              std::string_view fault_id);
Result<std::optional<Origin>> LockScheduleForWorkOrder(Tx& tx, std::string_view yacht_id,
                                                       std::string_view schedule_id);

// Open work orders (planned, in_progress, on_hold), newest first.
Result<std::vector<WorkOrder>> OpenWorkOrdersOfEquipment(Tx& tx, std::string_view yacht_id,
                                                         std::string_view equipment_id);
Result<std::optional<WorkOrder>> OpenWorkOrderOfSchedule(Tx& tx, std::string_view yacht_id,
                                                         std::string_view schedule_id);

struct WorkOrderQuery {
  std::optional<WorkOrderStatus> status;
  std::optional<std::string> assigned_to;    // a user id
  std::optional<std::string> overdue_today;  // YYYY-MM-DD: open and due before this day
  std::optional<std::string> after_id;       // the previous page's last id
  int64_t limit = 50;
};
struct WorkOrderPage {
  std::vector<WorkOrder> work_orders;      // newest first
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
Result<WorkOrderPage> ListWorkOrders(Tx& tx, std::string_view yacht_id,
                                     const WorkOrderQuery& query);

struct Note {
  std::string id;
  std::string author_id;
  std::string author_role;
  std::string body;
  std::string created_at;

  boost::json::object ToJson() const;
};
Status InsertNote(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                  const Note& note);
// Oldest first.
Result<std::vector<Note>> NotesOf(Tx& tx, std::string_view yacht_id,
                                  std::string_view work_order_id);

struct HistoryEntry {
  std::optional<WorkOrderStatus> from_status;  // nullopt: the creation
  WorkOrderStatus to_status = WorkOrderStatus::kPlanned;
  std::string actor_id;
  std::string actor_role;
  std::string at;
  std::optional<std::string> notes;

  boost::json::object ToJson() const;
};
// Oldest first; moves of one instant in the order they were made.
Result<std::vector<HistoryEntry>> HistoryOf(Tx& tx, std::string_view yacht_id,
                                            std::string_view work_order_id);

// A consume_part movement booked on the work order (the parts lens's ledger).
struct ConsumedPart {
  std::string transaction_id;
  std::string part_id;
  std::string part_name;
  std::optional<std::string> part_number;
  std::optional<std::string> unit;
  double quantity = 0;  // taken from stock, > 0
  std::optional<std::string> reference;
  std::string actor_id;
  std::string at;

  boost::json::object ToJson() const;
};
// Oldest first.
Result<std::vector<ConsumedPart>> PartsConsumedOn(Tx& tx, std::string_view yacht_id,
                                                  std::string_view work_order_id);

}  // namespace celeste::work_orders

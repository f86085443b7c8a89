#include "lenses/work_orders/work_order.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "lenses/json_values.h"
#include "lenses/work_orders/work_order_status.h"

namespace celeste::work_orders {
namespace {

// Every work order column, in the order of Col (WorkOrderFromRow reads by these positions).
#define CELESTE_WORK_ORDER_COLUMNS                                                          \
  "id, origin, fault_id, schedule_id, equipment_id, title, description, priority, status, " \
  "assigned_to, due_date, created_by, created_at, updated_at, started_at, completed_by, "   \
  "completed_at, completion_notes, running_hours_reading, cancelled_by, cancelled_at, "     \
  "cancel_reason"

enum Col : size_t {
  kId,
  kOrigin,
  kFaultId,
  kScheduleId,
  kEquipmentId,
  kTitle,
  kDescription,
  kPriority,
  kStatus,
  kAssignedTo,
  kDueDate,
  kCreatedBy,
  kCreatedAt,
  kUpdatedAt,
  kStartedAt,
  kCompletedBy,
  kCompletedAt,
  kCompletionNotes,
  kRunningHoursReading,
  kCancelledBy,
  kCancelledAt,
  kCancelReason,
};

// The open states, written as migration 0007's partial unique index writes them, so that a
// query for a schedule's open work order is answered from that index.
#define CELESTE_OPEN_STATUS "(status = 'planned' OR status = 'in_progress' OR status = 'on_hold')"

#define CELESTE_SELECT_WORK_ORDER \
  "SELECT " CELESTE_WORK_ORDER_COLUMNS " FROM pms_work_orders WHERE yacht_id = $1 AND id = $2"
const Sql kSelectWorkOrder{CELESTE_SELECT_WORK_ORDER};
// PostgreSQL runs writes at READ COMMITTED: an action that moves a work order locks it
// first, so a concurrent action on it waits and then sees the new status. (SQLite has one
// writer at a time.)
const Sql kLockWorkOrder{CELESTE_SELECT_WORK_ORDER, CELESTE_SELECT_WORK_ORDER " FOR UPDATE"};
#undef CELESTE_SELECT_WORK_ORDER

const Sql kInsertWorkOrder{
    "INSERT INTO pms_work_orders (id, yacht_id, origin, fault_id, schedule_id, equipment_id, "
    "title, description, priority, status, assigned_to, due_date, created_by, created_at, "
    "updated_at, status_changed_by, status_changed_role, status_change_notes) VALUES ($1, $2, "
    "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17)"};

const Sql kUpdateStatus{
    "UPDATE pms_work_orders SET status = $4, updated_at = $5, status_changed_by = $6, "
    "status_changed_role = $7, status_change_notes = $8 "
    "WHERE yacht_id = $1 AND id = $2 AND status = $3"};
const Sql kRecordStart{
    "UPDATE pms_work_orders SET started_at = COALESCE(started_at, $3) "
    "WHERE yacht_id = $1 AND id = $2"};
const Sql kRecordCompletion{
    "UPDATE pms_work_orders SET completed_by = $3, completed_at = $4, completion_notes = $5, "
    "running_hours_reading = $6 WHERE yacht_id = $1 AND id = $2"};
const Sql kRecordCancellation{
    "UPDATE pms_work_orders SET cancelled_by = $3, cancelled_at = $4, cancel_reason = $5 "
    "WHERE yacht_id = $1 AND id = $2"};
const Sql kRecordAssignee{
    "UPDATE pms_work_orders SET assigned_to = $3, updated_at = $4 "
    "WHERE yacht_id = $1 AND id = $2"};

const Sql kActiveMember{
    "SELECT 1 FROM memberships AS m JOIN users AS u ON u.id = m.user_id "
    "WHERE m.yacht_id = $1 AND m.user_id = $2 AND m.active = TRUE AND u.active = TRUE"};

const Sql kFaultOrigin{"SELECT equipment_id FROM pms_faults WHERE yacht_id = $1 AND id = $2"};
// The equipment lens owns the schedules; the lock only serialises raising work orders.
#define CELESTE_SELECT_SCHEDULE \
  "SELECT equipment_id FROM pms_maintenance_schedules WHERE yacht_id = $1 AND id = $2"
const Sql kLockSchedule{CELESTE_SELECT_SCHEDULE, CELESTE_SELECT_SCHEDULE " FOR NO KEY UPDATE"};
#undef CELESTE_SELECT_SCHEDULE

const Sql kOpenOfEquipment{"SELECT " CELESTE_WORK_ORDER_COLUMNS
                           " FROM pms_work_orders WHERE yacht_id = $1 AND equipment_id = $2 "
                           "AND " CELESTE_OPEN_STATUS " ORDER BY id DESC"};
const Sql kOpenOfSchedule{"SELECT " CELESTE_WORK_ORDER_COLUMNS
                          " FROM pms_work_orders WHERE yacht_id = $1 AND schedule_id = $2 "
                          "AND schedule_id IS NOT NULL AND " CELESTE_OPEN_STATUS " LIMIT 1"};

// Newest first (ids are UUIDv7); one row more than the page, to know whether one follows.
// $2 status, $3 assignee, $4 the day before which open work orders are overdue, $5 the
// cursor: each NULL when not asked for. PostgreSQL needs the casts to type them.
#define CELESTE_LIST_WORK_ORDERS(STATUS, ASSIGNEE, TODAY, AFTER)             \
  "SELECT " CELESTE_WORK_ORDER_COLUMNS                                       \
  " FROM pms_work_orders WHERE yacht_id = $1 "                               \
  "AND (" STATUS " IS NULL OR status = " STATUS                              \
  ") "                                                                       \
  "AND (" ASSIGNEE " IS NULL OR assigned_to = " ASSIGNEE                     \
  ") "                                                                       \
  "AND (" TODAY " IS NULL OR (due_date < " TODAY " AND " CELESTE_OPEN_STATUS \
  ")) "                                                                      \
  "AND (" AFTER " IS NULL OR id < " AFTER ") ORDER BY id DESC LIMIT $6"
const Sql kListWorkOrders{CELESTE_LIST_WORK_ORDERS("$2", "$3", "$4", "$5"),
                          CELESTE_LIST_WORK_ORDERS("$2::text", "$3::uuid", "$4::date", "$5::uuid")};
#undef CELESTE_LIST_WORK_ORDERS
#undef CELESTE_OPEN_STATUS
#undef CELESTE_WORK_ORDER_COLUMNS

const Sql kInsertNote{
    "INSERT INTO pms_work_order_notes (id, yacht_id, work_order_id, author_id, author_role, "
    "body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"};
// Ids are UUIDv7: id order is the order the notes were written in.
const Sql kSelectNotes{
    "SELECT id, author_id, author_role, body, created_at FROM pms_work_order_notes "
    "WHERE yacht_id = $1 AND work_order_id = $2 ORDER BY id"};

// Oldest first by time; moves made at one instant are put in order by ChainSameInstant.
const Sql kSelectHistory{
    "SELECT from_status, to_status, actor_id, actor_role, at, notes "
    "FROM pms_work_order_history WHERE yacht_id = $1 AND work_order_id = $2 ORDER BY at, id"};

// consume_part movements carrying the work order's id, with their parts' names.
const Sql kSelectPartsConsumed{
    "SELECT t.id, t.part_id, p.name, p.part_number, p.unit, t.quantity, t.reference, "
    "t.actor_id, t.created_at FROM pms_inventory_transactions AS t "
    "JOIN pms_parts AS p ON p.yacht_id = t.yacht_id AND p.id = t.part_id "
    "WHERE t.yacht_id = $1 AND t.work_order_id = $2 AND t.type = 'consume' ORDER BY t.id"};

Result<WorkOrder> WorkOrderFromRow(const Row& row) {
  auto status = ParseWorkOrderStatus(row.Text(kStatus));
  auto origin = ParseWorkOrderOrigin(row.Text(kOrigin));
  if (!status || !origin) {
    return Status::Internal("work order " + row.Text(kId) + " has an unknown status or origin");
  }
  return WorkOrder{.id = row.Text(kId),
                   .origin = *origin,
                   .fault_id = row.OptText(kFaultId),
                   .schedule_id = row.OptText(kScheduleId),
                   .equipment_id = row.OptText(kEquipmentId),
                   .title = row.Text(kTitle),
                   .description = row.OptText(kDescription),
                   .priority = row.Text(kPriority),
                   .status = *status,
                   .assigned_to = row.OptText(kAssignedTo),
                   .due_date = row.OptText(kDueDate),
                   .created_by = row.Text(kCreatedBy),
                   .created_at = row.Text(kCreatedAt),
                   .updated_at = row.Text(kUpdatedAt),
                   .started_at = row.OptText(kStartedAt),
                   .completed_by = row.OptText(kCompletedBy),
                   .completed_at = row.OptText(kCompletedAt),
                   .completion_notes = row.OptText(kCompletionNotes),
                   .running_hours_reading = row.OptReal(kRunningHoursReading),
                   .cancelled_by = row.OptText(kCancelledBy),
                   .cancelled_at = row.OptText(kCancelledAt),
                   .cancel_reason = row.OptText(kCancelReason)};
}

Result<std::vector<WorkOrder>> WorkOrdersFromRows(const Rows& rows) {
  std::vector<WorkOrder> orders;
  orders.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto order, WorkOrderFromRow(row));
    orders.push_back(std::move(order));
  }
  return orders;
}

Result<WorkOrder> ReadWorkOrder(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                std::string_view work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, work_order_id}));
  if (!row) {
    return Status::NotFound("no work order " + std::string(work_order_id) + " on this yacht")
        .WithDetail("field", "work_order_id")
        .WithDetail("work_order_id", work_order_id);
  }
  return WorkOrderFromRow(*row);
}

Result<std::optional<Origin>> ReadOrigin(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                         std::string_view id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, id}));
  if (!row) return std::optional<Origin>();
  return std::optional<Origin>(Origin{.equipment_id = row->OptText(0)});
}

// Within each run of rows with the same `at`, puts at each place the row that leaves the
// status the row before it arrived at (the first row: the creation, from nothing). History
// ids come from the database's triggers and are random, so they cannot order moves made at
// one instant.
void ChainSameInstant(std::vector<HistoryEntry>& history) {
  // True when `entry` leaves the status `before` arrived at (nothing before: the creation).
  auto follows = [](const HistoryEntry& entry, const HistoryEntry* before) {
    if (before == nullptr) return !entry.from_status.has_value();
    return entry.from_status.has_value() && *entry.from_status == before->to_status;
  };
  for (size_t i = 0; i < history.size(); ++i) {
    const HistoryEntry* before = i == 0 ? nullptr : &history[i - 1];
    if (follows(history[i], before)) continue;
    for (size_t j = i + 1; j < history.size() && history[j].at == history[i].at; ++j) {
      if (follows(history[j], before)) {
        std::rotate(history.begin() + static_cast<std::ptrdiff_t>(i),
                    history.begin() + static_cast<std::ptrdiff_t>(j),
                    history.begin() + static_cast<std::ptrdiff_t>(j + 1));
        break;
      }
    }
  }
}

Result<HistoryEntry> HistoryEntryFromRow(const Row& row) {
  std::optional<WorkOrderStatus> from;
  if (!row.IsNull(0)) from = ParseWorkOrderStatus(row.Text(0));
  auto to = ParseWorkOrderStatus(row.Text(1));
  if (!to || (!row.IsNull(0) && !from)) {
    return Status::Internal("a work order history row has an unknown status");
  }
  return HistoryEntry{.from_status = from,
                      .to_status = *to,
                      .actor_id = row.Text(2),
                      .actor_role = row.Text(3),
                      .at = row.Text(4),
                      .notes = row.OptText(5)};
}

}  // namespace

bool WorkOrder::open() const { return !IsTerminal(status); }

WorkOrderSummary WorkOrder::Summary() const {
  return WorkOrderSummary{.id = id,
                          .status = status,
                          .origin = origin,
                          .title = title,
                          .priority = priority,
                          .fault_id = fault_id,
                          .schedule_id = schedule_id,
                          .equipment_id = equipment_id,
                          .assigned_to = assigned_to,
                          .due_date = due_date,
                          .created_at = created_at,
                          .completed_at = completed_at};
}

boost::json::object WorkOrder::ToJson() const {
  return {{"id", id},
          {"origin", WorkOrderOriginName(origin)},
          {"fault_id", TextOrNull(fault_id)},
          {"schedule_id", TextOrNull(schedule_id)},
          {"equipment_id", TextOrNull(equipment_id)},
          {"title", title},
          {"description", TextOrNull(description)},
          {"priority", priority},
          {"status", WorkOrderStatusName(status)},
          {"assigned_to", TextOrNull(assigned_to)},
          {"due_date", TextOrNull(due_date)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at},
          {"started_at", TextOrNull(started_at)},
          {"completed_by", TextOrNull(completed_by)},
          {"completed_at", TextOrNull(completed_at)},
          {"completion_notes", TextOrNull(completion_notes)},
          {"running_hours_reading", NumberOrNull(running_hours_reading)},
          {"cancelled_by", TextOrNull(cancelled_by)},
          {"cancelled_at", TextOrNull(cancelled_at)},
          {"cancel_reason", TextOrNull(cancel_reason)}};
}

Status InsertWorkOrder(Tx& tx, std::string_view yacht_id, const WorkOrder& order,
                       const Actor& actor, const std::optional<std::string>& history_notes) {
  if (order.status != WorkOrderStatus::kPlanned) {
    return Status::Internal("a new work order must start as 'planned'");
  }
  // The database writes the first history row (migration 0007).
  return tx.ExecDeferred(
      kInsertWorkOrder,
      {order.id, yacht_id, WorkOrderOriginName(order.origin), order.fault_id, order.schedule_id,
       order.equipment_id, order.title, order.description, order.priority,
       WorkOrderStatusName(order.status), order.assigned_to, order.due_date, order.created_by,
       order.created_at, actor.id, RoleName(actor.role), history_notes},
      1);
}

Result<std::optional<WorkOrder>> FindWorkOrderRecord(Tx& tx, std::string_view yacht_id,
                                                     std::string_view work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectWorkOrder, {yacht_id, work_order_id}));
  if (!row) return std::optional<WorkOrder>();
  CELESTE_ASSIGN_OR_RETURN(auto order, WorkOrderFromRow(*row));
  return std::optional<WorkOrder>(std::move(order));
}

Result<WorkOrder> LoadWorkOrder(Tx& tx, std::string_view yacht_id, std::string_view work_order_id) {
  return ReadWorkOrder(tx, kSelectWorkOrder, yacht_id, work_order_id);
}

Result<WorkOrder> LockWorkOrder(Tx& tx, std::string_view yacht_id, std::string_view work_order_id) {
  return ReadWorkOrder(tx, kLockWorkOrder, yacht_id, work_order_id);
}

Status MoveWorkOrder(Tx& tx, std::string_view yacht_id, const WorkOrder& order, WorkOrderStatus to,
                     const Actor& actor, const std::optional<std::string>& notes,
                     std::string_view what) {
  CELESTE_RETURN_IF_ERROR(CheckMove(order.status, to, what));
  // The database writes the history row (migration 0007).
  return tx.ExecDeferred(kUpdateStatus,
                         {yacht_id, order.id, WorkOrderStatusName(order.status),
                          WorkOrderStatusName(to), actor.at, actor.id, RoleName(actor.role), notes},
                         1);
}

Status RecordStart(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                   std::string_view at) {
  return tx.ExecDeferred(kRecordStart, {yacht_id, work_order_id, at}, 1);
}

Status RecordCompletion(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                        const Actor& actor, const std::optional<std::string>& notes,
                        std::optional<double> running_hours) {
  return tx.ExecDeferred(kRecordCompletion,
                         {yacht_id, work_order_id, actor.id, actor.at, notes, running_hours}, 1);
}

Status RecordCancellation(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                          const Actor& actor, std::string_view reason) {
  return tx.ExecDeferred(kRecordCancellation, {yacht_id, work_order_id, actor.id, actor.at, reason},
                         1);
}

Status RecordAssignee(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                      std::string_view assigned_to, std::string_view at) {
  return tx.ExecDeferred(kRecordAssignee, {yacht_id, work_order_id, assigned_to, at}, 1);
}

Result<bool> IsActiveMember(Tx& tx, std::string_view yacht_id, std::string_view user_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kActiveMember, {yacht_id, user_id}));
  return row.has_value();
}

Result<std::optional<Origin>> FindFaultOrigin(Tx& tx, std::string_view yacht_id,
                                              std::string_view fault_id) {
  return ReadOrigin(tx, kFaultOrigin, yacht_id, fault_id);
}

Result<std::optional<Origin>> LockScheduleForWorkOrder(Tx& tx, std::string_view yacht_id,
                                                       std::string_view schedule_id) {
  return ReadOrigin(tx, kLockSchedule, yacht_id, schedule_id);
}

Result<std::vector<WorkOrder>> OpenWorkOrdersOfEquipment(Tx& tx, std::string_view yacht_id,
                                                         std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kOpenOfEquipment, {yacht_id, equipment_id}));
  return WorkOrdersFromRows(rows);
}

Result<std::optional<WorkOrder>> OpenWorkOrderOfSchedule(Tx& tx, std::string_view yacht_id,
                                                         std::string_view schedule_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kOpenOfSchedule, {yacht_id, schedule_id}));
  if (!row) return std::optional<WorkOrder>();
  CELESTE_ASSIGN_OR_RETURN(auto order, WorkOrderFromRow(*row));
  return std::optional<WorkOrder>(std::move(order));
}

Result<WorkOrderPage> ListWorkOrders(Tx& tx, std::string_view yacht_id,
                                     const WorkOrderQuery& query) {
  const int64_t limit = std::max<int64_t>(query.limit, 1);
  std::optional<std::string> status;
  if (query.status) status = std::string(WorkOrderStatusName(*query.status));
  CELESTE_ASSIGN_OR_RETURN(
      auto rows, tx.Query(kListWorkOrders, {yacht_id, status, query.assigned_to,
                                            query.overdue_today, query.after_id, limit + 1}));
  WorkOrderPage page;
  for (const Row& row : rows) {
    if (static_cast<int64_t>(page.work_orders.size()) == limit) {
      page.next_cursor = page.work_orders.back().id;
      break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto order, WorkOrderFromRow(row));
    page.work_orders.push_back(std::move(order));
  }
  return page;
}

boost::json::object Note::ToJson() const {
  return {{"id", id},
          {"author_id", author_id},
          {"author_role", author_role},
          {"note", body},
          {"created_at", created_at}};
}

Status InsertNote(Tx& tx, std::string_view yacht_id, std::string_view work_order_id,
                  const Note& note) {
  return tx.ExecDeferred(kInsertNote,
                         {note.id, yacht_id, work_order_id, note.author_id, note.author_role,
                          note.body, note.created_at},
                         1);
}

Result<std::vector<Note>> NotesOf(Tx& tx, std::string_view yacht_id,
                                  std::string_view work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectNotes, {yacht_id, work_order_id}));
  std::vector<Note> notes;
  notes.reserve(rows.size());
  for (const Row& row : rows) {
    notes.push_back(Note{.id = row.Text(0),
                         .author_id = row.Text(1),
                         .author_role = row.Text(2),
                         .body = row.Text(3),
                         .created_at = row.Text(4)});
  }
  return notes;
}

boost::json::object HistoryEntry::ToJson() const {
  boost::json::value from = nullptr;
  if (from_status) from = WorkOrderStatusName(*from_status);
  return {{"from_status", std::move(from)},
          {"to_status", WorkOrderStatusName(to_status)},
          {"actor_id", actor_id},
          {"actor_role", actor_role},
          {"at", at},
          {"notes", TextOrNull(notes)}};
}

Result<std::vector<HistoryEntry>> HistoryOf(Tx& tx, std::string_view yacht_id,
                                            std::string_view work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectHistory, {yacht_id, work_order_id}));
  std::vector<HistoryEntry> history;
  history.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto entry, HistoryEntryFromRow(row));
    history.push_back(std::move(entry));
  }
  ChainSameInstant(history);
  return history;
}

boost::json::object ConsumedPart::ToJson() const {
  return {{"transaction_id", transaction_id},
          {"part_id", part_id},
          {"part_name", part_name},
          {"part_number", TextOrNull(part_number)},
          {"unit", TextOrNull(unit)},
          {"quantity", NumberValue(quantity)},
          {"reference", TextOrNull(reference)},
          {"actor_id", actor_id},
          {"at", at}};
}

Result<std::vector<ConsumedPart>> PartsConsumedOn(Tx& tx, std::string_view yacht_id,
                                                  std::string_view work_order_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectPartsConsumed, {yacht_id, work_order_id}));
  std::vector<ConsumedPart> parts;
  parts.reserve(rows.size());
  for (const Row& row : rows) {
    parts.push_back(ConsumedPart{.transaction_id = row.Text(0),
                                 .part_id = row.Text(1),
                                 .part_name = row.Text(2),
                                 .part_number = row.OptText(3),
                                 .unit = row.OptText(4),
                                 .quantity = -row.Real(5),  // the ledger books it negative
                                 .reference = row.OptText(6),
                                 .actor_id = row.Text(7),
                                 .at = row.Text(8)});
  }
  return parts;
}

}  // namespace celeste::work_orders

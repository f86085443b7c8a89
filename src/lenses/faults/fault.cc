#include "lenses/faults/fault.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "lenses/faults/faults_lens.h"
#include "lenses/json_values.h"

namespace celeste::faults {
namespace {

// Column order of FaultFromRow.
#define CELESTE_FAULT_COLUMNS                                                          \
  "id, equipment_id, title, description, severity, status, reported_by, reported_at, " \
  "updated_at, acknowledged_by, acknowledged_at, work_order_id, resolution, "          \
  "resolved_without_work_order, closed_by, closed_at"

#define CELESTE_SELECT_FAULT \
  "SELECT " CELESTE_FAULT_COLUMNS " FROM pms_faults WHERE yacht_id = $1 AND id = $2"
const Sql kSelectFault{CELESTE_SELECT_FAULT};
// PostgreSQL runs writes at READ COMMITTED: an action that moves a fault locks it first, so
// a concurrent action on the same fault waits and then sees the new status. (SQLite has one
// writer at a time.)
const Sql kLockFault{CELESTE_SELECT_FAULT, CELESTE_SELECT_FAULT " FOR UPDATE"};
#undef CELESTE_SELECT_FAULT

const Sql kInsertFault{
    "INSERT INTO pms_faults (id, yacht_id, equipment_id, title, description, severity, status, "
    "reported_by, reported_at, updated_at, status_changed_by, status_changed_role) "
    "VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8, $7, $9)"};

// $3: the status the fault was read in (held by the lock, so exactly one row changes).
const Sql kMoveFault{
    "UPDATE pms_faults SET status = $4, updated_at = $5, acknowledged_by = $6, "
    "acknowledged_at = $7, work_order_id = $8, resolution = $9, "
    "resolved_without_work_order = $10, closed_by = $11, closed_at = $12, "
    "status_changed_by = $13, status_changed_role = $14, status_change_notes = $15 "
    "WHERE yacht_id = $1 AND id = $2 AND status = $3"};

// Oldest first by time; moves made at the same instant (closing without a work order makes
// two) are put in order by their statuses (ChainSameInstant).
const Sql kSelectHistory{
    "SELECT from_status, to_status, actor_id, actor_role, at, notes FROM pms_fault_history "
    "WHERE yacht_id = $1 AND fault_id = $2 ORDER BY at, id"};

// Newest first (ids are UUIDv7); one row more than the page, to know whether one follows.
// $2: a status or NULL; $3: an equipment id or NULL; $4: the cursor or NULL. PostgreSQL
// needs the casts to type them.
#define CELESTE_LIST_FAULTS(STATUS, EQUIPMENT, AFTER)       \
  "SELECT " CELESTE_FAULT_COLUMNS                           \
  " FROM pms_faults WHERE yacht_id = $1 "                   \
  "AND (" STATUS " IS NULL OR status = " STATUS             \
  ") "                                                      \
  "AND (" EQUIPMENT " IS NULL OR equipment_id = " EQUIPMENT \
  ") "                                                      \
  "AND (" AFTER " IS NULL OR id < " AFTER ") ORDER BY id DESC LIMIT $5"
const Sql kListFaults{CELESTE_LIST_FAULTS("$2", "$3", "$4"),
                      CELESTE_LIST_FAULTS("$2::text", "$3::uuid", "$4::uuid")};
#undef CELESTE_LIST_FAULTS
#undef CELESTE_FAULT_COLUMNS

Result<Fault> FaultFromRow(const Row& row) {
  auto status = ParseFaultStatus(row.Text(5));
  if (!status) {
    return Status::Internal("fault " + row.Text(0) + " has unknown status '" + row.Text(5) + "'");
  }
  return Fault{.id = row.Text(0),
               .equipment_id = row.OptText(1),
               .title = row.Text(2),
               .description = row.OptText(3),
               .severity = row.Text(4),
               .status = *status,
               .reported_by = row.Text(6),
               .reported_at = row.Text(7),
               .updated_at = row.Text(8),
               .acknowledged_by = row.OptText(9),
               .acknowledged_at = row.OptText(10),
               .work_order_id = row.OptText(11),
               .resolution = row.OptText(12),
               .resolved_without_work_order = row.Bool(13),
               .closed_by = row.OptText(14),
               .closed_at = row.OptText(15)};
}

Result<Fault> ReadFault(Tx& tx, const Sql& sql, std::string_view yacht_id,
                        std::string_view fault_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, fault_id}));
  if (!row) {
    return Status::NotFound("no fault " + std::string(fault_id) + " on this yacht")
        .WithDetail("field", "fault_id")
        .WithDetail("fault_id", fault_id);
  }
  return FaultFromRow(*row);
}

// What the event records on the fault besides its status.
void RecordEvent(Fault& fault, FaultEvent event, const FaultActor& actor) {
  switch (event) {
    case FaultEvent::kAcknowledge:
    case FaultEvent::kWorkOrderCancelled:  // an officer cancelled its work order: seen
      if (!fault.acknowledged_by) {
        fault.acknowledged_by = actor.id;
        fault.acknowledged_at = actor.at;
      }
      break;
    case FaultEvent::kResolveWithoutWorkOrder:
      fault.resolved_without_work_order = true;
      break;
    case FaultEvent::kClose:
      fault.closed_by = actor.id;
      fault.closed_at = actor.at;
      break;
    case FaultEvent::kRaiseWorkOrder:
    case FaultEvent::kWorkOrderCompleted:
      break;
  }
}

Result<FaultHistoryEntry> HistoryEntryFromRow(const Row& row) {
  std::optional<FaultStatus> from;
  if (!row.IsNull(0)) {
    from = ParseFaultStatus(row.Text(0));
    if (!from) return Status::Internal("a fault history row has an unknown status");
  }
  auto to = ParseFaultStatus(row.Text(1));
  if (!to) return Status::Internal("a fault history row has an unknown status");
  return FaultHistoryEntry{.from_status = from,
                           .to_status = *to,
                           .actor_id = row.Text(2),
                           .actor_role = row.Text(3),
                           .at = row.Text(4),
                           .notes = row.OptText(5)};
}

// Within each run of rows with the same `at`, puts at each place the row that leaves the
// status the row before it arrived at (the first row: the report, from nothing). History
// ids come from the database's triggers and are random, so they cannot order moves made in
// one transaction.
void ChainSameInstant(std::vector<FaultHistoryEntry>& history) {
  for (size_t i = 0; i < history.size(); ++i) {
    // The report (i == 0) arrives from nothing.
    auto leaves_arrival = [&](const FaultHistoryEntry& entry) {
      if (i == 0) return !entry.from_status.has_value();
      return entry.from_status.has_value() && *entry.from_status == history[i - 1].to_status;
    };
    if (leaves_arrival(history[i])) continue;
    for (size_t j = i + 1; j < history.size() && history[j].at == history[i].at; ++j) {
      if (leaves_arrival(history[j])) {
        std::rotate(history.begin() + static_cast<std::ptrdiff_t>(i),
                    history.begin() + static_cast<std::ptrdiff_t>(j),
                    history.begin() + static_cast<std::ptrdiff_t>(j + 1));
        break;
      }
    }
  }
}

}  // namespace

boost::json::object Fault::ToJson() const {
  return {{"id", id},
          {"equipment_id", TextOrNull(equipment_id)},
          {"title", title},
          {"description", TextOrNull(description)},
          {"severity", severity},
          {"status", FaultStatusName(status)},
          {"reported_by", reported_by},
          {"reported_at", reported_at},
          {"updated_at", updated_at},
          {"acknowledged_by", TextOrNull(acknowledged_by)},
          {"acknowledged_at", TextOrNull(acknowledged_at)},
          {"work_order_id", TextOrNull(work_order_id)},
          {"resolution", TextOrNull(resolution)},
          {"resolved_without_work_order", resolved_without_work_order},
          {"closed_by", TextOrNull(closed_by)},
          {"closed_at", TextOrNull(closed_at)}};
}

boost::json::object FaultHistoryEntry::ToJson() const {
  boost::json::value from = nullptr;
  if (from_status) from = FaultStatusName(*from_status);
  return {{"from_status", std::move(from)},
          {"to_status", FaultStatusName(to_status)},
          {"actor_id", actor_id},
          {"actor_role", actor_role},
          {"at", at},
          {"notes", TextOrNull(notes)}};
}

Status InsertFault(Tx& tx, std::string_view yacht_id, const Fault& fault,
                   const FaultActor& reporter) {
  if (fault.status != FaultStatus::kOpen) return Status::Internal("a new fault must be open");
  return tx.ExecDeferred(kInsertFault,
                         {fault.id, yacht_id, fault.equipment_id, fault.title, fault.description,
                          fault.severity, reporter.id, reporter.at, RoleName(reporter.role)},
                         1);
}

Result<Fault> LoadFault(Tx& tx, std::string_view yacht_id, std::string_view fault_id) {
  return ReadFault(tx, kSelectFault, yacht_id, fault_id);
}

Result<Fault> LockFault(Tx& tx, std::string_view yacht_id, std::string_view fault_id) {
  return ReadFault(tx, kLockFault, yacht_id, fault_id);
}

Status MoveFault(Tx& tx, std::string_view yacht_id, Fault& fault, FaultEvent event,
                 const FaultActor& actor, const std::optional<std::string>& notes) {
  CELESTE_ASSIGN_OR_RETURN(FaultStatus to, ApplyFaultEvent(fault.status, event));
  Fault moved = fault;
  moved.status = to;
  moved.updated_at = actor.at;
  RecordEvent(moved, event, actor);
  // The database writes the history row (migrations 0007).
  CELESTE_RETURN_IF_ERROR(
      tx.ExecDeferred(kMoveFault,
                      {yacht_id, fault.id, FaultStatusName(fault.status), FaultStatusName(to),
                       moved.updated_at, moved.acknowledged_by, moved.acknowledged_at,
                       moved.work_order_id, moved.resolution, moved.resolved_without_work_order,
                       moved.closed_by, moved.closed_at, actor.id, RoleName(actor.role), notes},
                      1));
  fault = std::move(moved);
  return Status::OK();
}

Result<std::vector<FaultHistoryEntry>> LoadFaultHistory(Tx& tx, std::string_view yacht_id,
                                                        std::string_view fault_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectHistory, {yacht_id, fault_id}));
  std::vector<FaultHistoryEntry> history;
  history.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto entry, HistoryEntryFromRow(row));
    history.push_back(std::move(entry));
  }
  ChainSameInstant(history);
  return history;
}

Result<FaultPage> ListFaults(Tx& tx, std::string_view yacht_id, const FaultFilter& filter,
                             const std::optional<std::string>& after_id, int64_t limit) {
  limit = std::max<int64_t>(limit, 1);
  std::optional<std::string> status;
  if (filter.status) status = std::string(FaultStatusName(*filter.status));
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kListFaults, {yacht_id, status, filter.equipment_id,
                                                             after_id, limit + 1}));
  FaultPage page;
  for (const Row& row : rows) {
    if (static_cast<int64_t>(page.faults.size()) == limit) {
      page.next_cursor = page.faults.back().id;
      break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto fault, FaultFromRow(row));
    page.faults.push_back(std::move(fault));
  }
  return page;
}

}  // namespace celeste::faults

namespace celeste {
namespace {

// Newest first; matches pms_faults_by_equipment.
const Sql kOpenFaultsForEquipment{
    "SELECT id, title, severity, status, work_order_id, reported_at FROM pms_faults "
    "WHERE yacht_id = $1 AND equipment_id = $2 AND status <> 'closed' ORDER BY id DESC"};

}  // namespace

boost::json::object FaultSummary::ToJson() const {
  return {{"id", id},
          {"title", title},
          {"severity", severity},
          {"status", status},
          {"work_order_id", TextOrNull(work_order_id)},
          {"reported_at", reported_at}};
}

Result<std::vector<FaultSummary>> OpenFaultsForEquipment(Tx& tx, std::string_view yacht_id,
                                                         std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kOpenFaultsForEquipment, {yacht_id, equipment_id}));
  std::vector<FaultSummary> faults;
  faults.reserve(rows.size());
  for (const Row& row : rows) {
    faults.push_back(FaultSummary{.id = row.Text(0),
                                  .title = row.Text(1),
                                  .severity = row.Text(2),
                                  .status = row.Text(3),
                                  .work_order_id = row.OptText(4),
                                  .reported_at = row.Text(5)});
  }
  return faults;
}

}  // namespace celeste

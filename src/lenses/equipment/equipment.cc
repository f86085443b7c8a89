#include "lenses/equipment/equipment.h"

#include <algorithm>
#include <utility>

#include "lenses/json_values.h"

namespace celeste::equipment {
namespace {

// Column order of EquipmentFromRow.
#define CELESTE_EQUIPMENT_COLUMNS                                                            \
  "id, parent_id, name, system, manufacturer, model, serial_number, location, criticality, " \
  "running_hours, running_hours_at, created_by, created_at, updated_at"

#define CELESTE_SELECT_EQUIPMENT \
  "SELECT " CELESTE_EQUIPMENT_COLUMNS " FROM pms_equipment WHERE yacht_id = $1 AND id = $2"
const Sql kSelectEquipment{CELESTE_SELECT_EQUIPMENT};
// PostgreSQL runs writes at READ COMMITTED: a reading locks the row first, so a concurrent
// reading waits and then compares against the new value. (SQLite has one writer.)
const Sql kLockEquipment{CELESTE_SELECT_EQUIPMENT, CELESTE_SELECT_EQUIPMENT " FOR UPDATE"};
#undef CELESTE_SELECT_EQUIPMENT

const Sql kInsertEquipment{
    "INSERT INTO pms_equipment (id, yacht_id, parent_id, name, system, manufacturer, model, "
    "serial_number, location, criticality, running_hours, running_hours_at, created_by, "
    "created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"};

const Sql kChildren{"SELECT " CELESTE_EQUIPMENT_COLUMNS
                    " FROM pms_equipment WHERE yacht_id = $1 AND parent_id = $2 "
                    "ORDER BY lower(name), id"};

const Sql kSetRunningHours{
    "UPDATE pms_equipment SET running_hours = $3, running_hours_at = $4, updated_at = $4 "
    "WHERE yacht_id = $1 AND id = $2"};

// $2: a LIKE pattern or NULL (both sides lower-cased by the database, so that a column and
// the query fold case alike on each backend); $3: the cursor (an id) or NULL. One row more than
// the page, to know whether one follows. PostgreSQL needs the casts to type the NULLs.
#define CELESTE_LIKE(COLUMN, PATTERN) "lower(" COLUMN ") LIKE lower(" PATTERN ") ESCAPE '\\'"
#define CELESTE_SEARCH_EQUIPMENT(PATTERN, AFTER) \
  "SELECT " CELESTE_EQUIPMENT_COLUMNS                                                        \
  " FROM pms_equipment WHERE yacht_id = $1 AND (" PATTERN " IS NULL OR " CELESTE_LIKE(      \
      "name", PATTERN) " OR " CELESTE_LIKE("system", PATTERN) " OR " CELESTE_LIKE(           \
      "manufacturer", PATTERN) " OR " CELESTE_LIKE("model", PATTERN) " OR "                  \
      CELESTE_LIKE("serial_number", PATTERN) " OR " CELESTE_LIKE("location", PATTERN)        \
  ") AND (" AFTER " IS NULL OR (lower(name), id) > (SELECT lower(c.name), c.id "             \
  "FROM pms_equipment AS c WHERE c.yacht_id = $1 AND c.id = " AFTER ")) "                    \
  "ORDER BY lower(name), id LIMIT $4"
const Sql kSearchEquipment{CELESTE_SEARCH_EQUIPMENT("$2", "$3"),
                           CELESTE_SEARCH_EQUIPMENT("$2::text", "$3::uuid")};
#undef CELESTE_SEARCH_EQUIPMENT
#undef CELESTE_LIKE
#undef CELESTE_EQUIPMENT_COLUMNS

// Ledger rows whose work order is on the equipment, newest first (ids are UUIDv7).
const Sql kPartsConsumed{
    "SELECT t.id, t.part_id, p.name, p.part_number, t.quantity, t.work_order_id, w.title, "
    "t.actor_id, t.created_at FROM pms_inventory_transactions AS t "
    "JOIN pms_work_orders AS w ON w.yacht_id = t.yacht_id AND w.id = t.work_order_id "
    "JOIN pms_parts AS p ON p.yacht_id = t.yacht_id AND p.id = t.part_id "
    "WHERE t.yacht_id = $1 AND w.equipment_id = $2 AND t.type = 'consume' "
    "ORDER BY t.id DESC LIMIT $3"};

Equipment EquipmentFromRow(const Row& row) {
  return Equipment{.id = row.Text(0),
                   .parent_id = row.OptText(1),
                   .name = row.Text(2),
                   .system = row.OptText(3),
                   .manufacturer = row.OptText(4),
                   .model = row.OptText(5),
                   .serial_number = row.OptText(6),
                   .location = row.OptText(7),
                   .criticality = row.Text(8),
                   .running_hours = row.Real(9),
                   .running_hours_at = row.OptText(10),
                   .created_by = row.Text(11),
                   .created_at = row.Text(12),
                   .updated_at = row.Text(13)};
}

std::vector<Equipment> EquipmentFromRows(const Rows& rows) {
  std::vector<Equipment> out;
  out.reserve(rows.size());
  for (const Row& row : rows) out.push_back(EquipmentFromRow(row));
  return out;
}

Result<Equipment> ReadEquipment(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                std::string_view equipment_id, std::string_view field) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, equipment_id}));
  if (!row) {
    return Status::NotFound("no equipment " + std::string(equipment_id) + " on this yacht")
        .WithDetail("field", field)
        .WithDetail(field, equipment_id);
  }
  return EquipmentFromRow(*row);
}

// "%text%" for LIKE ... ESCAPE '\', with the text's own % _ \ taken literally.
std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace

int CriticalityRank(std::string_view criticality) {
  for (size_t i = 0; i < std::size(kCriticalityNames); ++i) {
    if (kCriticalityNames[i] == criticality) return static_cast<int>(i);
  }
  return 1;
}

boost::json::object Equipment::ToJson() const {
  return {{"id", id},
          {"parent_id", TextOrNull(parent_id)},
          {"name", name},
          {"system", TextOrNull(system)},
          {"manufacturer", TextOrNull(manufacturer)},
          {"model", TextOrNull(model)},
          {"serial_number", TextOrNull(serial_number)},
          {"location", TextOrNull(location)},
          {"criticality", criticality},
          {"running_hours", NumberValue(running_hours)},
          {"running_hours_at", TextOrNull(running_hours_at)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at}};
}

boost::json::object PartConsumed::ToJson() const {
  return {{"transaction_id", transaction_id},
          {"part_id", part_id},
          {"part_name", part_name},
          {"part_number", TextOrNull(part_number)},
          {"quantity", NumberValue(quantity)},
          {"work_order_id", work_order_id},
          {"work_order_title", work_order_title},
          {"actor_id", actor_id},
          {"consumed_at", consumed_at}};
}

Status InsertEquipment(Tx& tx, std::string_view yacht_id, const Equipment& e) {
  return tx.ExecDeferred(
      kInsertEquipment,
      {e.id, yacht_id, e.parent_id, e.name, e.system, e.manufacturer, e.model, e.serial_number,
       e.location, e.criticality, e.running_hours, e.running_hours_at, e.created_by, e.created_at},
      1);
}

Result<std::optional<Equipment>> FindEquipment(Tx& tx, std::string_view yacht_id,
                                               std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectEquipment, {yacht_id, equipment_id}));
  if (!row) return std::optional<Equipment>();
  return std::optional<Equipment>(EquipmentFromRow(*row));
}

Result<Equipment> LoadEquipment(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                std::string_view field) {
  return ReadEquipment(tx, kSelectEquipment, yacht_id, equipment_id, field);
}

Result<Equipment> LockEquipment(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                std::string_view field) {
  return ReadEquipment(tx, kLockEquipment, yacht_id, equipment_id, field);
}

Result<std::vector<Equipment>> ChildrenOf(Tx& tx, std::string_view yacht_id,
                                          std::string_view equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kChildren, {yacht_id, equipment_id}));
  return EquipmentFromRows(rows);
}

Status SetRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                       double running_hours, std::string_view at) {
  return tx.ExecDeferred(kSetRunningHours, {yacht_id, equipment_id, running_hours, at}, 1);
}

Result<EquipmentPage> SearchEquipment(Tx& tx, std::string_view yacht_id,
                                      const std::optional<std::string>& query,
                                      const std::optional<std::string>& after_id, int64_t limit) {
  limit = std::max<int64_t>(limit, 1);
  std::optional<std::string> pattern;
  if (query) pattern = ContainsPattern(*query);
  CELESTE_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(kSearchEquipment, {yacht_id, pattern, after_id, limit + 1}));
  EquipmentPage page;
  page.equipment = EquipmentFromRows(rows);
  if (static_cast<int64_t>(page.equipment.size()) > limit) {
    page.equipment.resize(static_cast<size_t>(limit));
    page.next_cursor = page.equipment.back().id;
  }
  return page;
}

Result<std::vector<PartConsumed>> PartsConsumedOn(Tx& tx, std::string_view yacht_id,
                                                  std::string_view equipment_id, int64_t limit) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kPartsConsumed, {yacht_id, equipment_id, limit}));
  std::vector<PartConsumed> parts;
  parts.reserve(rows.size());
  for (const Row& row : rows) {
    parts.push_back(PartConsumed{.transaction_id = row.Text(0),
                                 .part_id = row.Text(1),
                                 .part_name = row.Text(2),
                                 .part_number = row.OptText(3),
                                 .quantity = -row.Real(4),
                                 .work_order_id = row.Text(5),
                                 .work_order_title = row.Text(6),
                                 .actor_id = row.Text(7),
                                 .consumed_at = row.Text(8)});
  }
  return parts;
}

}  // namespace celeste::equipment

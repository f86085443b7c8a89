#include "lenses/parts/catalog_part.h"

#include "lenses/json_values.h"

namespace celeste::parts {
namespace {

// Column order of kSelectPart; CatalogPartFromRow reads by these positions.
#define CELESTE_SELECT_PART                                                             \
  "SELECT id, name, part_number, manufacturer, unit, min_level, location, created_at, " \
  "created_by FROM pms_parts WHERE yacht_id = $1 AND id = $2"
const Sql kLockPart{CELESTE_SELECT_PART, CELESTE_SELECT_PART " FOR NO KEY UPDATE"};
#undef CELESTE_SELECT_PART

// PostgreSQL: a transaction lock on (yacht, part number), so that two requests making a
// part with one number queue up and the second finds the first's part. SQLite has one
// writer at a time: nothing to lock (the statement only echoes its parameters).
const Sql kLockPartNumber{"SELECT $1, $2",
                          "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"};
const Sql kSelectPartIdByNumber{
    "SELECT id FROM pms_parts WHERE yacht_id = $1 AND part_number = $2"};

const Sql kInsertPart{
    "INSERT INTO pms_parts (id, yacht_id, name, part_number, manufacturer, unit, min_level, "
    "location, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};

CatalogPart CatalogPartFromRow(const Row& row) {
  return CatalogPart{
      .id = row.Text(0),
      .name = row.Text(1),
      .part_number = row.OptText(2),
      .manufacturer = row.OptText(3),
      .unit = row.OptText(4),
      .min_level = row.Real(5),
      .location = row.OptText(6),
      .created_at = row.Text(7),
      .created_by = row.Text(8),
  };
}

}  // namespace

boost::json::object CatalogPart::ToJson() const {
  return {
      {"id", id},
      {"name", name},
      {"part_number", TextOrNull(part_number)},
      {"manufacturer", TextOrNull(manufacturer)},
      {"unit", TextOrNull(unit)},
      {"min_level", NumberValue(min_level)},
      {"location", TextOrNull(location)},
      {"created_at", created_at},
      {"created_by", created_by},
  };
}

Result<std::optional<CatalogPart>> LockPart(Tx& tx, std::string_view yacht_id,
                                            std::string_view part_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kLockPart, {yacht_id, part_id}));
  if (!row) return std::optional<CatalogPart>();
  return std::optional<CatalogPart>(CatalogPartFromRow(*row));
}

Result<std::optional<std::string>> LockPartNumber(Tx& tx, std::string_view yacht_id,
                                                  std::string_view part_number) {
  CELESTE_ASSIGN_OR_RETURN(Rows locked, tx.Query(kLockPartNumber, {yacht_id, part_number}));
  (void)locked;
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectPartIdByNumber, {yacht_id, part_number}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

Status InsertPart(Tx& tx, std::string_view yacht_id, const CatalogPart& part) {
  return tx.ExecDeferred(
      kInsertPart,
      {part.id, yacht_id, part.name, part.part_number, part.manufacturer, part.unit, part.min_level,
       part.location, part.created_at, part.created_by},
      1);
}

}  // namespace celeste::parts

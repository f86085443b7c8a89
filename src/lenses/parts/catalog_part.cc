#include "lenses/parts/catalog_part.h"

#include "lenses/json_values.h"

#include <cctype>

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

// Catalog columns then the balance, for StockedPartFromRow.
#define CELESTE_STOCKED_PART_SELECT                                                       \
  "SELECT p.id, p.name, p.part_number, p.manufacturer, p.unit, p.min_level, p.location, " \
  "p.created_at, p.created_by, COALESCE(s.on_hand, 0) FROM pms_parts AS p "               \
  "LEFT JOIN pms_part_stock AS s ON s.yacht_id = p.yacht_id AND s.part_id = p.id "
const Sql kStockedPart{CELESTE_STOCKED_PART_SELECT "WHERE p.yacht_id = $1 AND p.id = $2"};
// $2: a LIKE pattern or NULL; $3: 1 for low stock only; $4: the cursor or NULL.
// PostgreSQL cannot infer a type for "$2 IS NULL": the override casts each parameter.
#define CELESTE_LIST_PARTS(TEXT, FLAG, ID)                                \
  CELESTE_STOCKED_PART_SELECT                                             \
  "WHERE p.yacht_id = $1 "                                                \
  "AND (" TEXT " IS NULL OR lower(p.name) LIKE " TEXT                     \
  " ESCAPE '\\' "                                                         \
  "OR lower(COALESCE(p.part_number, '')) LIKE " TEXT                      \
  " ESCAPE '\\' "                                                         \
  "OR lower(COALESCE(p.manufacturer, '')) LIKE " TEXT                     \
  " ESCAPE '\\') "                                                        \
  "AND (" FLAG                                                            \
  " = 0 OR (p.min_level > 0 AND COALESCE(s.on_hand, 0) <= p.min_level)) " \
  "AND (" ID " IS NULL OR p.id < " ID                                     \
  ") "                                                                    \
  "ORDER BY p.id DESC LIMIT $5"
const Sql kListParts{CELESTE_LIST_PARTS("$2", "$3", "$4"),
                     CELESTE_LIST_PARTS("$2::text", "$3::integer", "$4::uuid")};
#undef CELESTE_LIST_PARTS
const Sql kLowStock{CELESTE_STOCKED_PART_SELECT
                    "WHERE p.yacht_id = $1 AND p.min_level > 0 "
                    "AND COALESCE(s.on_hand, 0) <= p.min_level "
                    "ORDER BY p.min_level - COALESCE(s.on_hand, 0) DESC, p.id"};
#undef CELESTE_STOCKED_PART_SELECT

// "%text%" with LIKE's wildcards in `text` escaped, lower-cased (ASCII) like lower().
std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  pattern.push_back('%');
  return pattern;
}

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

StockedPart StockedPartFromRow(const Row& row) {
  return StockedPart{.part = CatalogPartFromRow(row), .on_hand = row.Real(9)};
}

Result<std::vector<StockedPart>> StockedParts(Tx& tx, const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
  std::vector<StockedPart> parts;
  parts.reserve(rows.size());
  for (const Row& row : rows) parts.push_back(StockedPartFromRow(row));
  return parts;
}

}  // namespace

boost::json::object StockedPart::ToJson() const {
  boost::json::object out = part.ToJson();
  out["on_hand"] = NumberValue(on_hand);
  return out;
}

Result<std::optional<StockedPart>> FindStockedPart(Tx& tx, std::string_view yacht_id,
                                                   std::string_view part_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kStockedPart, {yacht_id, part_id}));
  if (!row) return std::optional<StockedPart>();
  return std::optional<StockedPart>(StockedPartFromRow(*row));
}

Result<PartPage> ListParts(Tx& tx, std::string_view yacht_id, const PartQuery& query) {
  std::optional<std::string> pattern;
  if (query.text) pattern = ContainsPattern(*query.text);
  // One row more than the page, to know whether another page follows.
  CELESTE_ASSIGN_OR_RETURN(auto parts,
                           StockedParts(tx, kListParts,
                                        {yacht_id, pattern, int64_t{query.low_stock_only ? 1 : 0},
                                         query.after_id, int64_t{query.limit} + 1}));
  PartPage page;
  if (static_cast<int>(parts.size()) > query.limit) {
    parts.resize(static_cast<size_t>(query.limit));
    page.next_cursor = parts.back().part.id;
  }
  page.parts = std::move(parts);
  return page;
}

Result<std::vector<StockedPart>> LowStockParts(Tx& tx, std::string_view yacht_id) {
  return StockedParts(tx, kLowStock, {yacht_id});
}

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

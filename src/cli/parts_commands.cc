// parts verify-stock | import | export (issue 4, docs/parts-cli.md): checks that every balance
// equals its ledger, onboards a yacht's parts from a spreadsheet's CSV, and writes the catalog
// back out in the same format.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "auth/directory.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/uuid.h"
#include "lenses/json_values.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/parts/stock_ledger.h"

namespace celeste {
namespace {

// ---------------------------------------------------------------------------------------
// Shared: yachts, numbers.

const Sql kYachtExists{"SELECT id FROM yachts WHERE id = $1"};
const Sql kAllYachts{"SELECT id FROM yachts ORDER BY id"};
const Sql kCountParts{"SELECT count(*) FROM pms_parts WHERE yacht_id = $1"};
// The default importer: the yacht's manager, else its captain (by e-mail when several).
const Sql kDefaultActor{
    "SELECT m.user_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id "
    "WHERE m.yacht_id = $1 AND m.active = TRUE AND u.active = TRUE "
    "AND (m.role = 'manager' OR m.role = 'captain') ORDER BY m.role DESC, u.email LIMIT 1"};

// --yacht must be an id (usage error otherwise); returns it lower-cased.
Result<std::string> YachtArgument(const std::string& yacht) {
  if (!IsUuid(yacht)) return Status::InvalidField("yacht", "--yacht must be a yacht id");
  return NormalizeUuid(yacht);
}

// not_found unless the yacht exists.
Status CheckYachtExists(Store& store, const std::string& yacht_id) {
  return store.Run(TxMode::kRead, "", [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kYachtExists, {yacht_id}));
    return row ? Status::OK() : Status::NotFound("no yacht " + yacht_id);
  });
}

// The shortest text that reads back as `value`: 2, 2.5, 0.1.
std::string FormatNumber(double value) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : fmt::format("{}", value);
}

// ---------------------------------------------------------------------------------------
// verify-stock

struct VerifyOptions {
  CommonOptions common;
  std::string yacht;
};

struct Mismatch {
  parts::StockMismatch stock;
  std::string name;  // "" when the part is gone from the catalog
};

struct YachtStock {
  std::string yacht_id;
  int64_t parts = 0;
  std::vector<Mismatch> mismatches;
};

Result<std::vector<std::string>> AllYachtIds(Store& store) {
  std::vector<std::string> ids;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, "", [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kAllYachts));
    for (const Row& row : rows) ids.push_back(row.Text(0));
    return Status::OK();
  }));
  return ids;
}

// One read transaction scoped to the yacht: its part count and mismatches.
Result<YachtStock> VerifyYachtStock(Store& store, const std::string& yacht_id) {
  YachtStock out{.yacht_id = yacht_id, .parts = 0, .mismatches = {}};
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, yacht_id, [&](Tx& tx) -> Status {
    out.mismatches.clear();
    CELESTE_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kCountParts, {yacht_id}));
    out.parts = count ? count->Int(0) : 0;
    CELESTE_ASSIGN_OR_RETURN(auto mismatches, parts::VerifyStock(tx, yacht_id));
    for (auto& m : mismatches) {
      CELESTE_ASSIGN_OR_RETURN(auto part, parts::FindStockedPart(tx, yacht_id, m.part_id));
      out.mismatches.push_back({std::move(m), part ? part->part.name : ""});
    }
    return Status::OK();
  }));
  return out;
}

boost::json::array MismatchesJson(const std::vector<Mismatch>& mismatches) {
  boost::json::array out;
  for (const Mismatch& m : mismatches) {
    out.push_back({{"part_id", m.stock.part_id},
                   {"name", m.name},
                   {"balance", NumberValue(m.stock.balance)},
                   {"ledger", NumberValue(m.stock.ledger)}});
  }
  return out;
}

void PrintMismatches(const YachtStock& stock) {
  for (const Mismatch& m : stock.mismatches) {
    std::cout << fmt::format("MISMATCH {} {}: balance {}, ledger {}\n", m.stock.part_id,
                             m.name.empty() ? "(not in the catalog)" : "'" + m.name + "'",
                             FormatNumber(m.stock.balance), FormatNumber(m.stock.ledger));
  }
}

int PrintOneYacht(const YachtStock& stock, bool json) {
  const bool ok = stock.mismatches.empty();
  if (json) {
    PrintJson({{"success", ok},
               {"yacht_id", stock.yacht_id},
               {"parts", stock.parts},
               {"mismatches", MismatchesJson(stock.mismatches)}});
  } else {
    PrintMismatches(stock);
    std::cout << fmt::format("stock {}: {} parts, {} mismatches\n", ok ? "verified" : "MISMATCH",
                             stock.parts, stock.mismatches.size());
  }
  return ok ? kExitOk : kExitFailed;
}

int PrintFleet(const std::vector<YachtStock>& fleet, bool json) {
  int64_t parts = 0;
  size_t mismatches = 0;
  boost::json::array yachts;
  for (const YachtStock& s : fleet) {
    parts += s.parts;
    mismatches += s.mismatches.size();
    yachts.push_back({{"yacht_id", s.yacht_id},
                      {"parts", s.parts},
                      {"mismatches", MismatchesJson(s.mismatches)}});
    if (json) continue;
    std::cout << fmt::format("{}  {:>7} parts  {}\n", s.yacht_id, s.parts,
                             s.mismatches.empty() ? "ok" : "MISMATCH");
    PrintMismatches(s);
  }
  const bool ok = mismatches == 0;
  if (json) {
    PrintJson({{"success", ok}, {"parts", parts}, {"yachts", std::move(yachts)}});
  } else {
    std::cout << fmt::format("stock {}: {} yachts, {} parts, {} mismatches\n",
                             ok ? "verified" : "MISMATCH", fleet.size(), parts, mismatches);
  }
  return ok ? kExitOk : kExitFailed;
}

Result<std::vector<YachtStock>> VerifyFleetStock(Store& store) {
  CELESTE_ASSIGN_OR_RETURN(auto ids, AllYachtIds(store));
  std::vector<YachtStock> fleet;
  for (const std::string& id : ids) {
    CELESTE_ASSIGN_OR_RETURN(YachtStock stock, VerifyYachtStock(store, id));
    fleet.push_back(std::move(stock));
  }
  return fleet;
}

int RunVerifyStock(Store& store, const VerifyOptions& o) {
  const bool json = o.common.json;
  if (o.yacht.empty()) {
    auto fleet = VerifyFleetStock(store);
    return fleet.ok() ? PrintFleet(*fleet, json) : ReportError(fleet.status(), json);
  }
  auto yacht = YachtArgument(o.yacht);
  Status s = yacht.status();
  if (s.ok()) s = CheckYachtExists(store, *yacht);
  if (!s.ok()) return ReportError(s, json);
  auto stock = VerifyYachtStock(store, *yacht);
  return stock.ok() ? PrintOneYacht(*stock, json) : ReportError(stock.status(), json);
}

// ---------------------------------------------------------------------------------------
// CSV (RFC 4180): quoted fields may hold commas, doubled quotes and line breaks; lines end
// in CRLF or LF; a UTF-8 byte order mark at the start is skipped.

struct CsvRecord {
  int row = 0;  // as a spreadsheet numbers it: the first line is row 1
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `source` names the text in messages (the file name).
  CsvReader(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  // The next record, or nullopt at the end. Empty lines are skipped, but counted as rows.
  // invalid_request for a quote that is never closed or is followed by other text.
  Result<std::optional<CsvRecord>> Next() {
    while (!AtEnd() && AtLineEnd()) {
      SkipLineEnd();
      ++row_;
    }
    if (AtEnd()) return std::optional<CsvRecord>();
    CsvRecord record{.row = ++row_, .fields = {}};
    for (;;) {
      CELESTE_ASSIGN_OR_RETURN(std::string field, NextField(record.row));
      record.fields.push_back(std::move(field));
      if (AtEnd() || text_[pos_] != ',') break;
      ++pos_;
    }
    SkipLineEnd();
    return std::optional<CsvRecord>(std::move(record));
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  bool AtLineEnd() const { return text_[pos_] == '\n' || text_[pos_] == '\r'; }
  void SkipLineEnd() {
    if (!AtEnd() && text_[pos_] == '\r') ++pos_;
    if (!AtEnd() && text_[pos_] == '\n') ++pos_;
  }

  Result<std::string> NextField(int row) {
    if (!AtEnd() && text_[pos_] == '"') return QuotedField(row);
    const size_t end = text_.find_first_of(",\r\n", pos_);
    const size_t stop = end == std::string_view::npos ? text_.size() : end;
    std::string field(text_.substr(pos_, stop - pos_));
    pos_ = stop;
    return field;
  }

  Result<std::string> QuotedField(int row) {
    std::string field;
    ++pos_;  // the opening quote
    for (;;) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        return Status::InvalidRequest(
            fmt::format("{}: row {}: a quoted field is never closed", source_, row));
      }
      field.append(text_.substr(pos_, quote - pos_));
      pos_ = quote + 1;
      if (AtEnd() || text_[pos_] != '"') break;
      field.push_back('"');  // a doubled quote stands for one
      ++pos_;
    }
    if (!AtEnd() && text_[pos_] != ',' && !AtLineEnd()) {
      return Status::InvalidRequest(fmt::format(
          "{}: row {}: text after a closing quote (quote the whole field)", source_, row));
    }
    return field;
  }

  std::string_view text_;
  const std::string source_;
  size_t pos_ = 0;
  int row_ = 0;
};

// The field as a CSV cell: quoted when it holds a comma, quote, line break or outer spaces.
std::string CsvCell(std::string_view value) {
  const bool plain = value.find_first_of(",\"\r\n") == std::string_view::npos &&
                     (value.empty() || (value.front() != ' ' && value.back() != ' '));
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// ---------------------------------------------------------------------------------------
// The file format: one column per catalog field, plus the opening balance.

enum class Column { kName, kPartNumber, kManufacturer, kUnit, kMinLevel, kLocation, kOnHand };

struct ColumnSpec {
  Column column;
  std::string_view name;
  size_t max_bytes;  // text columns; 0 for numbers
};

// The export's column order; the import accepts any order.
constexpr std::array<ColumnSpec, 7> kColumns{{{Column::kName, "name", 200},
                                              {Column::kPartNumber, "part_number", 100},
                                              {Column::kManufacturer, "manufacturer", 200},
                                              {Column::kUnit, "unit", 50},
                                              {Column::kMinLevel, "min_level", 0},
                                              {Column::kLocation, "location", 200},
                                              {Column::kOnHand, "on_hand", 0}}};

// "name, part_number, ..." with `separator` between the names.
std::string ColumnList(std::string_view separator) {
  std::string out;
  for (const ColumnSpec& c : kColumns) {
    if (!out.empty()) out += separator;
    out += c.name;
  }
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The header's columns in file order. invalid_request (exit 2) for an unknown or repeated
// column, or no name column.
Result<std::vector<ColumnSpec>> ParseHeader(const CsvRecord& header, const std::string& file) {
  std::vector<ColumnSpec> columns;
  for (const std::string& field : header.fields) {
    const std::string name = Lower(TrimSpaces(field));
    auto spec = std::find_if(kColumns.begin(), kColumns.end(),
                             [&](const ColumnSpec& c) { return c.name == name; });
    if (spec == kColumns.end()) {
      return Status::InvalidRequest(fmt::format("{}: unknown column '{}' in the header (known: {})",
                                                file, field, ColumnList(", ")));
    }
    for (const ColumnSpec& seen : columns) {
      if (seen.column == spec->column) {
        return Status::InvalidRequest(fmt::format("{}: column '{}' appears twice", file, name));
      }
    }
    columns.push_back(*spec);
  }
  const bool has_name = std::any_of(columns.begin(), columns.end(),
                                    [](const ColumnSpec& c) { return c.column == Column::kName; });
  if (!has_name) return Status::InvalidRequest(file + ": the header has no 'name' column");
  return columns;
}

// ---------------------------------------------------------------------------------------
// import: validation

struct RowError {
  int row = 0;
  std::string column;  // "" for the row as a whole
  std::string message;

  std::string ToString() const {
    if (column.empty()) return fmt::format("row {}: {}", row, message);
    return fmt::format("row {}, column {}: {}", row, column, message);
  }
};

struct ImportRow {
  int row = 0;
  parts::CatalogPart part;
  double on_hand = 0;
  bool valid = true;
};

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80           ? 1
                       : (c >> 5) == 0x6  ? 2
                       : (c >> 4) == 0xE  ? 3
                       : (c >> 3) == 0x1E ? 4
                                          : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// The value as quoted in a message: at most 40 bytes, never cut inside a UTF-8 character.
std::string Quoted(std::string_view value) {
  if (value.size() <= 40) return "'" + std::string(value) + "'";
  size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(value.substr(0, cut)) + "...'";
}

// Why a text cell is invalid, or "" when it is fine.
std::string TextProblem(std::string_view value, size_t max_bytes) {
  if (value.find('\0') != std::string_view::npos) return "contains a NUL character";
  if (!IsValidUtf8(value)) return "is not UTF-8 text (save the sheet as \"CSV UTF-8\")";
  if (value.size() > max_bytes) {
    return fmt::format("is {} bytes long (at most {})", value.size(), max_bytes);
  }
  return "";
}

// The number in a cell (empty = 0), or nullopt when it is not a number >= 0.
std::optional<double> ParseQuantity(std::string_view value) {
  if (value.empty()) return 0.0;
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

void SetText(parts::CatalogPart& part, Column column, std::string value) {
  std::optional<std::string> text;
  if (!value.empty()) text = value;
  switch (column) {
    case Column::kName:
      part.name = std::move(value);
      break;
    case Column::kPartNumber:
      part.part_number = std::move(text);
      break;
    case Column::kManufacturer:
      part.manufacturer = std::move(text);
      break;
    case Column::kUnit:
      part.unit = std::move(text);
      break;
    case Column::kLocation:
      part.location = std::move(text);
      break;
    default:
      break;
  }
}

// Checks one cell and stores it in `out`; appends to `errors` when it is invalid.
void ReadCell(const ColumnSpec& spec, std::string_view raw, int row, ImportRow& out,
              std::vector<RowError>& errors) {
  const std::string_view value = TrimSpaces(raw);
  auto fail = [&](std::string message) {
    errors.push_back({row, std::string(spec.name), std::move(message)});
  };
  if (spec.max_bytes == 0) {
    auto number = ParseQuantity(value);
    if (!number) return fail(Quoted(value) + " is not a number");
    if (*number < 0) return fail(Quoted(value) + " is below 0");
    (spec.column == Column::kOnHand ? out.on_hand : out.part.min_level) = *number;
    return;
  }
  if (std::string problem = TextProblem(value, spec.max_bytes); !problem.empty()) {
    return fail(std::move(problem));
  }
  if (spec.column == Column::kName && value.empty()) return fail("a part needs a name");
  SetText(out.part, spec.column, std::string(value));
}

bool IsBlankRecord(const CsvRecord& record) {
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [](const std::string& f) { return TrimSpaces(f).empty(); });
}

// The row as a part; not `valid` when a cell is invalid (each problem in `errors`). An
// invalid row keeps the cells that were fine, so that its part number still counts as used.
ImportRow ValidateRecord(const CsvRecord& record, const std::vector<ColumnSpec>& columns,
                         std::vector<RowError>& errors) {
  ImportRow out;
  out.row = record.row;
  for (size_t i = columns.size(); i < record.fields.size(); ++i) {
    if (TrimSpaces(record.fields[i]).empty()) continue;  // trailing empty cells
    errors.push_back({record.row, "",
                      fmt::format("has {} cells, the header names {} columns", record.fields.size(),
                                  columns.size())});
    out.valid = false;
    return out;
  }
  const size_t errors_before = errors.size();
  for (size_t i = 0; i < columns.size(); ++i) {
    ReadCell(columns[i], i < record.fields.size() ? record.fields[i] : "", record.row, out, errors);
  }
  out.valid = errors.size() == errors_before;
  return out;
}

// Marks invalid the rows whose part number an earlier row of the file already has.
void RejectRepeatedNumbers(std::vector<ImportRow>& rows, std::vector<RowError>& errors) {
  std::map<std::string, int> first_row;
  for (ImportRow& r : rows) {
    if (!r.part.part_number) continue;
    auto [it, inserted] = first_row.emplace(*r.part.part_number, r.row);
    if (inserted) continue;
    errors.push_back(
        {r.row, "part_number",
         fmt::format("{} is already on row {}", Quoted(*r.part.part_number), it->second)});
    r.valid = false;
  }
}

struct ParsedFile {
  std::vector<ImportRow> rows;  // the valid ones
  std::vector<RowError> errors;
};

// Reads the header and validates every row; invalid_request (exit 2) for a file that is
// not CSV or has a bad header.
Result<ParsedFile> ParseImportFile(std::string_view text, const std::string& file) {
  CsvReader reader(text, file);
  CELESTE_ASSIGN_OR_RETURN(auto header, reader.Next());
  if (!header) return Status::InvalidRequest(file + " is empty: row 1 must name the columns");
  CELESTE_ASSIGN_OR_RETURN(auto columns, ParseHeader(*header, file));
  ParsedFile parsed;
  for (;;) {
    CELESTE_ASSIGN_OR_RETURN(auto record, reader.Next());
    if (!record) break;
    if (IsBlankRecord(*record)) continue;
    parsed.rows.push_back(ValidateRecord(*record, columns, parsed.errors));
  }
  RejectRepeatedNumbers(parsed.rows, parsed.errors);
  std::erase_if(parsed.rows, [](const ImportRow& r) { return !r.valid; });
  return parsed;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidRequest("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------------------
// import: writing

struct ImportOptions {
  CommonOptions common;
  std::string yacht;
  std::string file;
  bool skip_invalid = false;
  std::string actor_email;
};

struct Actor {
  std::string user_id;
  std::string role;
};

Result<Actor> ActorByEmail(Store& store, const std::string& yacht_id, const std::string& email) {
  Directory directory(store, SystemClock::Instance());
  CELESTE_ASSIGN_OR_RETURN(auto user, directory.FindUserByEmail(email));
  if (!user || !user->active) {
    return Status::InvalidField("actor_email", "no active user " + email);
  }
  CELESTE_ASSIGN_OR_RETURN(auto principal, directory.LoadPrincipal(user->id));
  const Membership* membership = principal ? principal->MembershipOn(yacht_id) : nullptr;
  if (!membership) {
    return Status::InvalidField("actor_email", email + " has no membership on yacht " + yacht_id);
  }
  return Actor{user->id, std::string(RoleName(membership->role))};
}

// Who the import is recorded as: --actor-email, else the yacht's manager or captain.
Result<Actor> ResolveActor(Store& store, const std::string& yacht_id, const std::string& email) {
  if (!email.empty()) return ActorByEmail(store, yacht_id, email);
  std::optional<Actor> actor;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, "", [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kDefaultActor, {yacht_id}));
    if (row) actor = Actor{row->Text(0), row->Text(1)};
    return Status::OK();
  }));
  if (!actor) {
    return Status::InvalidRequest("yacht " + yacht_id +
                                  " has no manager or captain to record the import as: pass "
                                  "--actor-email of a user with a membership on it");
  }
  return *actor;
}

struct ImportSummary {
  bool written = false;
  int imported = 0;
  int opening_balances = 0;
  int skipped = 0;  // invalid rows left out (--skip-invalid)
  std::vector<RowError> errors;
};

struct ImportContext {
  std::string yacht_id;
  Actor actor;
  std::string reference;  // "import FILE"
  std::string now;
};

// Drops rows whose part number the yacht's catalog already has.
Status RejectCatalogNumbers(Tx& tx, const std::string& yacht_id, std::vector<ImportRow>& rows,
                            std::vector<RowError>& errors) {
  std::vector<ImportRow> fresh;
  for (ImportRow& r : rows) {
    if (r.part.part_number) {
      CELESTE_ASSIGN_OR_RETURN(auto existing,
                               parts::LockPartNumber(tx, yacht_id, *r.part.part_number));
      if (existing) {
        errors.push_back({r.row, "part_number",
                          fmt::format("{} is already in the yacht's catalog (part {})",
                                      Quoted(*r.part.part_number), *existing)});
        continue;
      }
    }
    fresh.push_back(std::move(r));
  }
  rows = std::move(fresh);
  return Status::OK();
}

// Inserts the part, and its opening balance as a receive movement when on_hand > 0.
Status InsertRow(Tx& tx, const ImportContext& ctx, ImportRow& row, ImportSummary& summary) {
  row.part.id = NewUuidV7();
  row.part.created_at = ctx.now;
  row.part.created_by = ctx.actor.user_id;
  CELESTE_RETURN_IF_ERROR(parts::InsertPart(tx, ctx.yacht_id, row.part));
  ++summary.imported;
  if (row.on_hand <= 0) return Status::OK();
  parts::StockMovement movement;
  movement.part_id = row.part.id;
  movement.quantity = row.on_hand;
  movement.type = parts::MovementType::kReceive;
  movement.reference = ctx.reference;
  movement.idempotency_key = "import:" + row.part.id;
  movement.actor_id = ctx.actor.user_id;
  movement.actor_role = ctx.actor.role;
  movement.at = ctx.now;
  CELESTE_ASSIGN_OR_RETURN(auto recorded, parts::RecordMovement(tx, ctx.yacht_id, movement));
  (void)recorded;
  ++summary.opening_balances;
  return Status::OK();
}

// One audit row for the import, in its transaction (DESIGN §1 rule 4 holds for operator
// writes too): who, from which file, how many parts and opening balances.
Status AuditImport(Tx& tx, const ImportContext& ctx, const ImportSummary& summary) {
  const boost::json::object payload{{"file", ctx.reference},
                                    {"imported", summary.imported},
                                    {"opening_balances", summary.opening_balances}};
  AuditEntry entry{.action = "parts_import",
                   .entity_type = "parts_import",
                   .entity_id = NewUuidV7(),
                   .actor_id = ctx.actor.user_id,
                   .actor_role = ctx.actor.role,
                   .payload = CanonicalJson(payload),
                   .signature = "{}",
                   .request_id = "cli:parts-import",
                   .created_at = ctx.now};
  return AppendAudit(tx, ctx.yacht_id, entry).status();
}

int CountRowsWithErrors(const std::vector<RowError>& errors) {
  std::set<int> rows;
  for (const RowError& e : errors) rows.insert(e.row);
  return static_cast<int>(rows.size());
}

// One write transaction: checks part numbers against the catalog, then inserts every valid
// row — or nothing when a row is invalid and --skip-invalid was not given.
Result<ImportSummary> WriteImport(Store& store, const ImportContext& ctx, const ParsedFile& file,
                                  bool skip_invalid) {
  ImportSummary summary;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kWrite, ctx.yacht_id, [&](Tx& tx) -> Status {
    summary = ImportSummary{};
    summary.errors = file.errors;
    std::vector<ImportRow> rows = file.rows;
    CELESTE_RETURN_IF_ERROR(RejectCatalogNumbers(tx, ctx.yacht_id, rows, summary.errors));
    if (!summary.errors.empty() && !skip_invalid) return Status::OK();
    for (ImportRow& row : rows) CELESTE_RETURN_IF_ERROR(InsertRow(tx, ctx, row, summary));
    summary.written = true;
    summary.skipped = CountRowsWithErrors(summary.errors);
    return AuditImport(tx, ctx, summary);
  }));
  std::stable_sort(summary.errors.begin(), summary.errors.end(),
                   [](const RowError& a, const RowError& b) { return a.row < b.row; });
  return summary;
}

Result<ImportSummary> ImportParts(Store& store, const ImportOptions& o) {
  CELESTE_ASSIGN_OR_RETURN(std::string yacht_id, YachtArgument(o.yacht));
  CELESTE_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(o.file));
  CELESTE_ASSIGN_OR_RETURN(ParsedFile parsed, ParseImportFile(text, o.file));
  CELESTE_RETURN_IF_ERROR(CheckYachtExists(store, yacht_id));
  CELESTE_ASSIGN_OR_RETURN(Actor actor, ResolveActor(store, yacht_id, o.actor_email));
  std::string reference = "import " + std::filesystem::path(o.file).filename().string();
  if (reference.size() > 200) reference.resize(200);
  const ImportContext ctx{.yacht_id = yacht_id,
                          .actor = std::move(actor),
                          .reference = std::move(reference),
                          .now = FormatRfc3339(SystemClock::Instance().Now())};
  return WriteImport(store, ctx, parsed, o.skip_invalid);
}

int PrintImport(const ImportSummary& s, const ImportOptions& o) {
  if (o.common.json) {
    boost::json::array errors;
    for (const RowError& e : s.errors) {
      errors.push_back({{"row", e.row},
                        {"column", e.column.empty() ? boost::json::value(nullptr)
                                                    : boost::json::value(e.column)},
                        {"message", e.message}});
    }
    PrintJson({{"success", s.written},
               {"imported", s.imported},
               {"opening_balances", s.opening_balances},
               {"skipped", s.skipped},
               {"errors", std::move(errors)}});
  } else {
    for (const RowError& e : s.errors) std::cerr << e.ToString() << "\n";
    if (s.written) {
      std::cout << fmt::format("imported {} parts ({} opening balances), skipped {} invalid rows\n",
                               s.imported, s.opening_balances, s.skipped);
    } else {
      std::cerr << fmt::format(
          "celeste: {} invalid rows in {}: nothing imported (fix them, or pass --skip-invalid to "
          "import the valid rows only)\n",
          CountRowsWithErrors(s.errors), o.file);
    }
  }
  return s.written ? kExitOk : kExitFailed;
}

// ---------------------------------------------------------------------------------------
// export

struct ExportOptions {
  CommonOptions common;
  std::string yacht;
  std::string out;
};

// Every part of the yacht with its balance, by name then id.
Result<std::vector<parts::StockedPart>> AllParts(Store& store, const std::string& yacht_id) {
  std::vector<parts::StockedPart> all;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kRead, yacht_id, [&](Tx& tx) -> Status {
    all.clear();
    parts::PartQuery query;
    query.limit = 200;
    for (;;) {
      CELESTE_ASSIGN_OR_RETURN(parts::PartPage page, parts::ListParts(tx, yacht_id, query));
      for (auto& p : page.parts) all.push_back(std::move(p));
      if (!page.next_cursor) return Status::OK();
      query.after_id = page.next_cursor;
    }
  }));
  std::sort(all.begin(), all.end(), [](const parts::StockedPart& a, const parts::StockedPart& b) {
    return std::tie(a.part.name, a.part.id) < std::tie(b.part.name, b.part.id);
  });
  return all;
}

std::string PartLine(const parts::StockedPart& p) {
  const auto text = [](const std::optional<std::string>& v) { return CsvCell(v.value_or("")); };
  return fmt::format("{},{},{},{},{},{},{}\n", CsvCell(p.part.name), text(p.part.part_number),
                     text(p.part.manufacturer), text(p.part.unit), FormatNumber(p.part.min_level),
                     text(p.part.location), FormatNumber(p.on_hand));
}

std::string PartsCsv(const std::vector<parts::StockedPart>& parts) {
  std::string csv = ColumnList(",") + "\n";
  for (const auto& p : parts) csv += PartLine(p);
  return csv;
}

// Writes beside the target and renames, so a reader never sees half a file.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush()) return Status::InvalidRequest("cannot write " + temp);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status::InvalidRequest("cannot write " + path + ": " + ec.message());
  return Status::OK();
}

int RunExport(Store& store, const ExportOptions& o) {
  auto yacht = YachtArgument(o.yacht);
  Status s = yacht.status();
  if (s.ok()) s = CheckYachtExists(store, *yacht);
  if (!s.ok()) return ReportError(s, o.common.json);
  auto parts = AllParts(store, *yacht);
  if (!parts.ok()) return ReportError(parts.status(), o.common.json);
  const std::string csv = PartsCsv(*parts);
  if (!o.out.empty()) {
    if (Status w = WriteFileAtomically(o.out, csv); !w.ok()) return ReportError(w, o.common.json);
  }
  if (o.common.json) {
    boost::json::object out{{"success", true}, {"yacht_id", *yacht}, {"parts", parts->size()}};
    if (o.out.empty())
      out["csv"] = csv;
    else
      out["out"] = o.out;
    PrintJson(out);
  } else if (o.out.empty()) {
    std::cout << csv;
  } else {
    std::cout << fmt::format("exported {} parts to {}\n", parts->size(), o.out);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> AddPartsCommands(CLI::App& cli) {
  CLI::App* group = cli.add_subcommand("parts", "Parts catalog and stock tools");
  group->require_subcommand(1);

  auto v = std::make_shared<VerifyOptions>();
  CLI::App* verify = group->add_subcommand(
      "verify-stock", "Check that every part's balance equals its ledger (exit 1 when not)");
  AddCommonOptions(verify, v->common);
  verify->add_option("--yacht", v->yacht, "Only this yacht (default: every yacht)");

  auto i = std::make_shared<ImportOptions>();
  CLI::App* import = group->add_subcommand(
      "import", "Add parts (and opening balances) from a CSV file; all or nothing by default");
  AddCommonOptions(import, i->common);
  import->add_option("--yacht", i->yacht, "Yacht id")->required();
  import->add_option("file", i->file, "CSV file: header row, then one part per row")->required();
  import->add_flag("--skip-invalid", i->skip_invalid, "Import the valid rows, skip the others");
  import->add_option("--actor-email", i->actor_email,
                     "Record the import as this user (default: the yacht's manager or captain)");

  auto e = std::make_shared<ExportOptions>();
  CLI::App* exp = group->add_subcommand("export", "Write the yacht's parts as CSV");
  AddCommonOptions(exp, e->common);
  exp->add_option("--yacht", e->yacht, "Yacht id")->required();
  exp->add_option("--out", e->out, "Write to this file (default: standard output)");

  auto run_import = [i] {
    return WithStore(i->common, [&](Store& store) {
      auto summary = ImportParts(store, *i);
      return summary.ok() ? PrintImport(*summary, *i)
                          : ReportError(summary.status(), i->common.json);
    });
  };
  return {{verify,
           [v] { return WithStore(v->common, [&](Store& s) { return RunVerifyStock(s, *v); }); }},
          {import, run_import},
          {exp, [e] { return WithStore(e->common, [&](Store& s) { return RunExport(s, *e); }); }}};
}

}  // namespace celeste

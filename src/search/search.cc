#include "search/search.h"

#include <cmath>

#include <fmt/format.h>

namespace celeste::search {
namespace {

// The lenses as one text ",a,b," that a row's lens is looked up in (one parameter, both
// backends).
std::string LensList(const std::vector<std::string>& lens_ids) {
  return "," + fmt::format("{}", fmt::join(lens_ids, ",")) + ",";
}

// bm25 is lower for better matches (FTS5), so the score is its negation; a title match
// weighs four times a body match on SQLite (ts_rank's A and B weights are 1.0 and 0.4). On
// PostgreSQL the query is a condition, not a FROM item: as a FROM item a prepared
// statement's generic plan joins it to every entry of the yacht.
const Sql kSearch{
    "SELECT e.entity_type, e.entity_id, e.lens_id, e.title, e.subtitle, "
    "-bm25(pms_search_fts, 4.0, 1.0) AS score "
    "FROM pms_search_fts JOIN pms_search_entries AS e ON e.id = pms_search_fts.rowid "
    "WHERE pms_search_fts MATCH $2 AND e.yacht_id = $1 "
    "AND instr($3, ',' || e.lens_id || ',') > 0 "
    "ORDER BY score DESC, e.title, e.entity_id LIMIT $4",
    "SELECT entity_type, entity_id::text, lens_id, title, subtitle, "
    "ts_rank(document, to_tsquery('simple', $2), 1) AS score "
    "FROM pms_search_entries "
    "WHERE yacht_id = $1 AND document @@ to_tsquery('simple', $2) "
    "AND strpos($3, ',' || lens_id || ',') > 0 "
    "ORDER BY score DESC, title, entity_id LIMIT $4"};

}  // namespace

std::vector<std::string> QueryTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::string term;
  auto flush = [&] {
    if (!term.empty() && terms.size() < kMaxTerms) terms.push_back(term.substr(0, kMaxTermBytes));
    term.clear();
  };
  for (unsigned char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) {
      term += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      term += static_cast<char>(c - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  return terms;
}

std::string Fts5Match(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += fmt::format("{}\"{}\"*", out.empty() ? "" : " ", t);
  return out;
}

std::string TsQuery(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += fmt::format("{}{}:*", out.empty() ? "" : " & ", t);
  return out;
}

boost::json::object SearchHit::ToJson() const {
  return {
      {"entity_type", entity_type}, {"entity_id", entity_id}, {"lens", lens_id}, {"title", title},
      {"subtitle", subtitle},       {"score", score}};
}

Result<std::vector<SearchHit>> Search(Tx& tx, std::string_view backend, const std::string& yacht_id,
                                      const std::vector<std::string>& terms,
                                      const std::vector<std::string>& lens_ids, int limit) {
  std::vector<SearchHit> hits;
  if (terms.empty() || lens_ids.empty()) return hits;
  const std::string match = backend == "postgres" ? TsQuery(terms) : Fts5Match(terms);
  CELESTE_ASSIGN_OR_RETURN(
      Rows rows, tx.Query(kSearch, {yacht_id, match, LensList(lens_ids), int64_t{limit}}));
  hits.reserve(rows.size());
  for (const Row& row : rows) {
    hits.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                    std::round(row.Real(5) * 1e6) / 1e6});
  }
  return hits;
}

}  // namespace celeste::search

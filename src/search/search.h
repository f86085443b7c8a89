// Search across lenses (issue 8, GET /v1/search): one query over every searchable record of
// a yacht — parts by name or number, equipment, faults, work orders, certificates, shopping
// list items — ranked together. The index (pms_search_entries, migration 0012) is kept by
// triggers on each table; this file turns what a person typed into a safe full-text query
// and reads the index: SQLite FTS5 with bm25, PostgreSQL text search with ts_rank.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::search {

inline constexpr size_t kMaxTerms = 8;
inline constexpr size_t kMaxTermBytes = 64;
inline constexpr int kDefaultLimit = 20;
inline constexpr int kMaxLimit = 50;

// The words of a query: runs of letters and digits (any non-ASCII byte counts as a letter),
// ASCII lower-cased; everything else separates them. At most kMaxTerms, each cut to
// kMaxTermBytes. "RAC-2040 filter" → {"rac", "2040", "filter"}.
std::vector<std::string> QueryTerms(std::string_view text);

// Every term as a prefix, all required: FTS5 `"rac"* "2040"*`, PostgreSQL `rac:* & 2040:*`.
// The terms hold only letters and digits, so neither can carry query syntax.
std::string Fts5Match(const std::vector<std::string>& terms);
std::string TsQuery(const std::vector<std::string>& terms);

struct SearchHit {
  std::string entity_type;  // "part", "equipment", "fault", ...
  std::string entity_id;
  std::string lens_id;
  std::string title;
  std::string subtitle;
  double score = 0;  // higher is better; comparable within one answer only

  boost::json::object ToJson() const;
};

// The best `limit` hits of `terms` on the yacht, among the lenses in `lens_ids`; empty when
// there are no terms. Runs in the caller's transaction (scoped to the yacht); `backend` is
// the store's ("sqlite" or "postgres"), whose query syntax the terms are written in.
Result<std::vector<SearchHit>> Search(Tx& tx, std::string_view backend, const std::string& yacht_id,
                                      const std::vector<std::string>& terms,
                                      const std::vector<std::string>& lens_ids, int limit);

}  // namespace celeste::search

// The parts catalog (pms_parts), owned by the parts lens and shared with the shopping list:
// a request may point at a catalog part, and promoting a candidate request creates one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::parts {

struct CatalogPart {
  std::string id;
  std::string name;
  std::optional<std::string> part_number;
  std::optional<std::string> manufacturer;
  std::optional<std::string> unit;
  double min_level = 0;
  std::optional<std::string> location;
  std::string created_at;
  std::string created_by;

  boost::json::object ToJson() const;
};

// The part with this id on this yacht, or nullopt (also for another yacht's part). On
// PostgreSQL the row stays locked until the transaction ends (FOR NO KEY UPDATE): two
// requests for the same part queue up, so the second sees the first one's open item and
// answers duplicate with its id. Write transactions only.
Result<std::optional<CatalogPart>> LockPart(Tx& tx, std::string_view yacht_id,
                                            std::string_view part_id);
// The id of the part carrying this part number on this yacht, or nullopt. On PostgreSQL it
// first takes a lock on the number until the transaction ends, so two requests creating a
// part with one number queue up: the second finds the first's part (duplicate with its id)
// instead of failing on the unique index. Write transactions only.
Result<std::optional<std::string>> LockPartNumber(Tx& tx, std::string_view yacht_id,
                                                  std::string_view part_number);
// Inserts the part on this yacht.
Status InsertPart(Tx& tx, std::string_view yacht_id, const CatalogPart& part);

// A catalog part with its balance (0 for a part whose stock never moved).
struct StockedPart {
  CatalogPart part;
  double on_hand = 0;

  // The part's columns plus on_hand.
  boost::json::object ToJson() const;
};

// The part with its balance, or nullopt (also for another yacht's part).
Result<std::optional<StockedPart>> FindStockedPart(Tx& tx, std::string_view yacht_id,
                                                   std::string_view part_id);

struct PartQuery {
  std::optional<std::string> text;      // case-insensitive substring of name, number, maker
  bool low_stock_only = false;          // min_level > 0 and on_hand <= min_level
  int limit = 50;                       // 1..200
  std::optional<std::string> after_id;  // the previous page's last id
};
struct PartPage {
  std::vector<StockedPart> parts;  // newest first
  std::optional<std::string> next_cursor;
};
Result<PartPage> ListParts(Tx& tx, std::string_view yacht_id, const PartQuery& query);

// Parts with min_level > 0 and on_hand <= min_level (a part with min_level 0 is never low
// stock), the largest shortfall (min_level - on_hand) first, then by id. Starts from the
// low balances alone (each balance carries its part's min_level and a `low` flag, with a
// partial index on the low ones: migration 0006) and never reads the ledger: as fast with
// a million ledger rows as with ten. ListParts' low_stock_only reads the same way.
Result<std::vector<StockedPart>> LowStockParts(Tx& tx, std::string_view yacht_id);

}  // namespace celeste::parts

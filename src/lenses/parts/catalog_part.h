// The parts catalog (pms_parts), owned by the parts lens and shared with the shopping list:
// a request may point at a catalog part, and promoting a candidate request creates one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace celeste::parts

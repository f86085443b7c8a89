// A piece of equipment (pms_equipment): its record, its JSON and its queries. Equipment is
// a tree per yacht (parent_id). Every query is scoped by yacht_id: another yacht's
// equipment is indistinguishable from a missing one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste::equipment {

inline constexpr std::string_view kEquipmentEntityType = "equipment";

inline constexpr std::string_view kCriticalityNames[] = {"low", "medium", "high", "critical"};
inline constexpr std::string_view kDefaultCriticality = "medium";
// 0 for low ... 3 for critical (an unknown name ranks as medium).
int CriticalityRank(std::string_view criticality);

struct Equipment {
  std::string id;
  std::optional<std::string> parent_id;
  std::string name;
  std::optional<std::string> system;
  std::optional<std::string> manufacturer;
  std::optional<std::string> model;
  std::optional<std::string> serial_number;
  std::optional<std::string> location;
  std::string criticality{kDefaultCriticality};
  double running_hours = 0;
  std::optional<std::string> running_hours_at;  // when the last reading was taken
  std::string created_by;
  std::string created_at;
  std::string updated_at;

  boost::json::object ToJson() const;
};

Status InsertEquipment(Tx& tx, std::string_view yacht_id, const Equipment& equipment);

// The equipment, or nullopt.
Result<std::optional<Equipment>> FindEquipment(Tx& tx, std::string_view yacht_id,
                                               std::string_view equipment_id);
// The equipment, or not_found (details.field = `field`, the payload field that named it).
// LockEquipment keeps the row locked until the transaction ends (PostgreSQL; write
// transactions only): two readings of one meter queue up.
Result<Equipment> LoadEquipment(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                std::string_view field = "equipment_id");
Result<Equipment> LockEquipment(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                std::string_view field = "equipment_id");

// The equipment's direct children, by name.
Result<std::vector<Equipment>> ChildrenOf(Tx& tx, std::string_view yacht_id,
                                          std::string_view equipment_id);

// Sets the reading (and running_hours_at, updated_at) — the caller checked it.
Status SetRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                       double running_hours, std::string_view at);

// The equipment whose name, system, manufacturer, model, serial number or location contains
// `query` (any case; every piece when nullopt), by name (case-insensitive) then id, after
// the piece `after_id` (a cursor: the last id of the previous page), at most `limit`.
struct EquipmentPage {
  std::vector<Equipment> equipment;
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
Result<EquipmentPage> SearchEquipment(Tx& tx, std::string_view yacht_id,
                                      const std::optional<std::string>& query,
                                      const std::optional<std::string>& after_id, int64_t limit);

// A ledger row booked against a work order on the equipment (consume_part with
// work_order_id).
struct PartConsumed {
  std::string transaction_id;
  std::string part_id;
  std::string part_name;
  std::optional<std::string> part_number;
  double quantity = 0;  // units consumed (> 0)
  std::string work_order_id;
  std::string work_order_title;
  std::string actor_id;
  std::string consumed_at;

  boost::json::object ToJson() const;
};
// Parts consumed on the equipment's work orders, newest first, at most `limit`.
Result<std::vector<PartConsumed>> PartsConsumedOn(Tx& tx, std::string_view yacht_id,
                                                  std::string_view equipment_id, int64_t limit);

}  // namespace celeste::equipment

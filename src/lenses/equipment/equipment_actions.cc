#include "lenses/equipment/equipment_actions.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/uuid.h"
#include "lenses/equipment/equipment.h"
#include "lenses/equipment/maintenance_schedule.h"
#include "lenses/faults/faults_lens.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste::equipment {
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr int64_t kPartsConsumedShown = 50;
// A tree is one answer: it holds at most this many pieces (a yacht has hundreds).
constexpr int64_t kMaxTreeSize = 10'000;

ActionOutcome EquipmentOutcome(std::string equipment_id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kEquipmentEntityType),
                       .entity_id = std::move(equipment_id),
                       .result = std::move(result),
                       .created = created};
}

template <typename T>
boost::json::array JsonArray(const std::vector<T>& values) {
  boost::json::array array;
  array.reserve(values.size());
  for (const T& value : values) array.push_back(value.ToJson());
  return array;
}

// The equipment's schedules, each with its due state now and its open work order.
Result<boost::json::array> SchedulesJson(Tx& tx, std::string_view yacht_id, const Equipment& e,
                                         Micros now) {
  CELESTE_ASSIGN_OR_RETURN(auto schedules, SchedulesOf(tx, yacht_id, e.id));
  boost::json::array array;
  array.reserve(schedules.size());
  for (const MaintenanceSchedule& schedule : schedules) {
    CELESTE_ASSIGN_OR_RETURN(ScheduleTiming timing, TimingOf(schedule));
    CELESTE_ASSIGN_OR_RETURN(auto open, OpenWorkOrderForSchedule(tx, yacht_id, schedule.id));
    boost::json::object json = schedule.ToJson();
    json["due"] = ComputeDueState(timing, e.running_hours, now).ToJson();
    json["open_work_order_id"] = open ? boost::json::value(open->id) : nullptr;
    array.push_back(std::move(json));
  }
  return array;
}

Result<boost::json::object> EquipmentDetailJson(Tx& tx, std::string_view yacht_id,
                                                std::string_view equipment_id, Micros now) {
  CELESTE_ASSIGN_OR_RETURN(Equipment e, LoadEquipment(tx, yacht_id, equipment_id));
  boost::json::object json = e.ToJson();
  json["parent"] = nullptr;
  if (e.parent_id) {
    CELESTE_ASSIGN_OR_RETURN(auto parent, FindEquipment(tx, yacht_id, *e.parent_id));
    if (parent) json["parent"] = {{"id", parent->id}, {"name", parent->name}};
  }
  CELESTE_ASSIGN_OR_RETURN(auto children, ChildrenOf(tx, yacht_id, e.id));
  json["children"] = JsonArray(children);
  CELESTE_ASSIGN_OR_RETURN(auto faults, OpenFaultsForEquipment(tx, yacht_id, e.id));
  json["open_faults"] = JsonArray(faults);
  CELESTE_ASSIGN_OR_RETURN(auto work_orders, OpenWorkOrdersForEquipment(tx, yacht_id, e.id));
  json["open_work_orders"] = JsonArray(work_orders);
  CELESTE_ASSIGN_OR_RETURN(auto parts, PartsConsumedOn(tx, yacht_id, e.id, kPartsConsumedShown));
  json["parts_consumed"] = JsonArray(parts);
  CELESTE_ASSIGN_OR_RETURN(auto schedules, SchedulesJson(tx, yacht_id, e, now));
  json["schedules"] = std::move(schedules);
  return json;
}

// --- list_equipment's tree ---

class EquipmentTree {
 public:
  // `all`: the yacht's equipment in display order; `matches`: the ids a query matched
  // (nullopt: no query — every piece is shown).
  EquipmentTree(std::vector<Equipment> all, std::optional<std::set<std::string>> matches)
      : all_(std::move(all)), matches_(std::move(matches)) {
    for (size_t i = 0; i < all_.size(); ++i) by_id_.emplace(all_[i].id, i);
    for (size_t i = 0; i < all_.size(); ++i) {
      const auto& parent = all_[i].parent_id;
      // A piece whose parent is unknown is shown as a root rather than lost.
      const bool root = !parent || !by_id_.contains(*parent);
      children_[root ? std::string() : *parent].push_back(i);
    }
    if (matches_) MarkShown();
  }

  // The roots, each with its children (nested), in display order.
  boost::json::array ToJson() const { return Nodes(std::string(), 0); }

 private:
  // With a query: the matches and every ancestor of one, so each match keeps its path.
  void MarkShown() {
    for (const std::string& id : *matches_) {
      std::string at = id;
      for (size_t depth = 0; depth <= all_.size() && by_id_.contains(at); ++depth) {
        if (!shown_.insert(at).second) break;  // its ancestors are in already
        const auto& parent = all_[by_id_.at(at)].parent_id;
        if (!parent) break;
        at = *parent;
      }
    }
  }

  boost::json::array Nodes(const std::string& parent, size_t depth) const {
    boost::json::array nodes;
    auto it = children_.find(parent);
    // The depth guard only matters for a cycle, which parent_id cannot form (it is set once,
    // to an existing piece).
    if (it == children_.end() || depth > all_.size()) return nodes;
    for (size_t i : it->second) {
      const Equipment& e = all_[i];
      if (matches_ && !shown_.contains(e.id)) continue;
      boost::json::object node = e.ToJson();
      if (matches_) node["matches"] = matches_->contains(e.id);
      node["children"] = Nodes(e.id, depth + 1);
      nodes.push_back(std::move(node));
    }
    return nodes;
  }

  std::vector<Equipment> all_;
  std::optional<std::set<std::string>> matches_;
  std::map<std::string, size_t> by_id_;
  std::map<std::string, std::vector<size_t>> children_;  // "" holds the roots
  std::set<std::string> shown_;
};

Result<ActionOutcome> ListTree(const ActionContext& ctx, Tx& tx,
                               const std::optional<std::string>& query) {
  for (const char* field : {"limit", "cursor"}) {
    if (ctx.Has(field)) {
      return Status::InvalidField(
          field, fmt::format("'{}' pages the flat view; the tree comes whole", field));
    }
  }
  CELESTE_ASSIGN_OR_RETURN(EquipmentPage all, SearchEquipment(tx, ctx.yacht_id, std::nullopt,
                                                              std::nullopt, kMaxTreeSize));
  std::optional<std::set<std::string>> matches;
  if (query) {
    CELESTE_ASSIGN_OR_RETURN(EquipmentPage found,
                             SearchEquipment(tx, ctx.yacht_id, query, std::nullopt, kMaxTreeSize));
    matches.emplace();
    for (const Equipment& e : found.equipment) matches->insert(e.id);
  }
  const size_t count = matches ? matches->size() : all.equipment.size();
  EquipmentTree tree(std::move(all.equipment), std::move(matches));
  return EquipmentOutcome(
      "",
      {{"view", "tree"}, {"q", TextOrNull(query)}, {"count", count}, {"equipment", tree.ToJson()}},
      /*created=*/false);
}

Result<ActionOutcome> ListFlat(const ActionContext& ctx, Tx& tx,
                               const std::optional<std::string>& query) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  CELESTE_ASSIGN_OR_RETURN(EquipmentPage page,
                           SearchEquipment(tx, ctx.yacht_id, query, cursor,
                                           ctx.OptInt("limit").value_or(kDefaultPageSize)));
  return EquipmentOutcome("",
                          {{"view", "flat"},
                           {"q", TextOrNull(query)},
                           {"equipment", JsonArray(page.equipment)},
                           {"next_cursor", TextOrNull(page.next_cursor)}},
                          /*created=*/false);
}

}  // namespace

Result<ActionOutcome> AddEquipment(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string name, ctx.NonBlankText("name"));
  const std::optional<std::string> parent_id = ctx.OptId("parent_id");
  if (parent_id) {
    CELESTE_RETURN_IF_ERROR(LoadEquipment(tx, ctx.yacht_id, *parent_id, "parent_id").status());
  }
  const std::optional<double> reading = ctx.OptNum("running_hours");
  const Equipment e{
      .id = NewUuidV7(),
      .parent_id = parent_id,
      .name = std::move(name),
      .system = ctx.OptText("system"),
      .manufacturer = ctx.OptText("manufacturer"),
      .model = ctx.OptText("model"),
      .serial_number = ctx.OptText("serial_number"),
      .location = ctx.OptText("location"),
      .criticality = ctx.OptStr("criticality").value_or(std::string(kDefaultCriticality)),
      .running_hours = reading.value_or(0),
      .running_hours_at = reading ? std::optional<std::string>(ctx.now_text) : std::nullopt,
      .created_by = ctx.user_id(),
      .created_at = ctx.now_text,
      .updated_at = ctx.now_text};
  CELESTE_RETURN_IF_ERROR(InsertEquipment(tx, ctx.yacht_id, e));
  CELESTE_ASSIGN_OR_RETURN(auto json, EquipmentDetailJson(tx, ctx.yacht_id, e.id, ctx.now));
  return EquipmentOutcome(e.id, std::move(json), /*created=*/true);
}

Result<ActionOutcome> ViewEquipmentDetail(const ActionContext& ctx, Tx& tx) {
  const std::string id = ctx.Id("equipment_id");
  CELESTE_ASSIGN_OR_RETURN(auto json, EquipmentDetailJson(tx, ctx.yacht_id, id, ctx.now));
  return EquipmentOutcome(id, std::move(json), /*created=*/false);
}

Result<ActionOutcome> ListEquipment(const ActionContext& ctx, Tx& tx) {
  const std::optional<std::string> query = ctx.OptText("q");
  if (ctx.OptStr("view").value_or("flat") == "tree") return ListTree(ctx, tx, query);
  return ListFlat(ctx, tx, query);
}

Result<ActionOutcome> UpdateRunningHours(const ActionContext& ctx, Tx& tx) {
  const std::string id = ctx.Id("equipment_id");
  CELESTE_ASSIGN_OR_RETURN(
      double previous,
      ApplyRunningHours(tx, ctx.yacht_id, id, ctx.Num("running_hours"), ctx.now_text));
  CELESTE_ASSIGN_OR_RETURN(Equipment e, LoadEquipment(tx, ctx.yacht_id, id));
  boost::json::object json = e.ToJson();
  json["previous_running_hours"] = NumberValue(previous);
  return EquipmentOutcome(id, std::move(json), /*created=*/false);
}

Result<double> ApplyRunningHours(Tx& tx, std::string_view yacht_id, std::string_view equipment_id,
                                 double running_hours, std::string_view at) {
  CELESTE_ASSIGN_OR_RETURN(Equipment e, LockEquipment(tx, yacht_id, equipment_id));
  if (running_hours < e.running_hours) {
    return Status::RuleViolation(
               "running_hours_decrease",
               fmt::format("a running hours reading of {} is below the current {}: meters "
                           "only count up",
                           running_hours, e.running_hours))
        .WithDetail("current_running_hours", NumberValue(e.running_hours));
  }
  CELESTE_RETURN_IF_ERROR(SetRunningHours(tx, yacht_id, equipment_id, running_hours, at));
  return e.running_hours;
}

}  // namespace celeste::equipment

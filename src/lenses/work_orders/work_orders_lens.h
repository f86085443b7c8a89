// Work orders lens (issue 5, flag WORK_ORDER_LENS_V2_ENABLED): planned work on the yacht —
// raised from a fault (faults lens), from a due maintenance schedule (equipment lens) or by
// hand — assigned, started, put on hold, completed or cancelled, with notes and the parts
// consumed on it (parts lens consume_part with work_order_id). docs/lenses/work_orders.md.
//
// This header is the lens's public surface: its registration, and what the faults and
// equipment lenses and the parts lens need of a work order. Every function runs inside the
// caller's transaction and is scoped by yacht_id: another yacht's work order is not found.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "actions/registry.h"
#include "auth/roles.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

inline constexpr std::string_view kWorkOrdersLensId = "work_orders";
inline constexpr std::string_view kWorkOrdersLensFlag = "WORK_ORDER_LENS_V2_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterWorkOrdersLens(Registry& registry);

//   planned -> in_progress | on_hold | completed | cancelled
//   in_progress -> on_hold | completed | cancelled
//   on_hold -> planned | in_progress | cancelled
// completed and cancelled are terminal; the others are open.
enum class WorkOrderStatus { kPlanned, kInProgress, kOnHold, kCompleted, kCancelled };
std::string_view WorkOrderStatusName(WorkOrderStatus status);  // "in_progress", ...

enum class WorkOrderOrigin { kFault, kSchedule, kManual };
std::string_view WorkOrderOriginName(WorkOrderOrigin origin);  // "fault", ...

// A new work order, as the faults and equipment lenses (and the lens's own
// create_work_order) raise it. It starts `planned`; its first history row names `creator`.
struct NewWorkOrder {
  WorkOrderOrigin origin = WorkOrderOrigin::kManual;
  std::optional<std::string> fault_id;      // origin fault
  std::optional<std::string> schedule_id;   // origin schedule
  std::optional<std::string> equipment_id;  // a piece of the yacht's equipment
  std::string title;
  std::optional<std::string> description;
  std::string priority = "normal";         // low | normal | high | critical
  std::optional<std::string> assigned_to;  // a user id: an active member of the yacht
  std::optional<std::string> due_date;     // YYYY-MM-DD
  std::string creator_id;
  Role creator_role = Role::kCrew;
  std::string at;                            // RFC 3339
  std::optional<std::string> history_notes;  // on the first history row
};

// Inserts the work order; returns its id. Errors: not_found (details.field) for an
// equipment, fault, schedule or assignee the yacht does not have (an assignee who is not an
// active member of the yacht is not found); duplicate (details.existing_id) when the
// schedule already has an open work order.
Result<std::string> CreateWorkOrder(Tx& tx, std::string_view yacht_id, const NewWorkOrder& order);

// What other lenses show of a work order.
struct WorkOrderSummary {
  std::string id;
  WorkOrderStatus status = WorkOrderStatus::kPlanned;
  WorkOrderOrigin origin = WorkOrderOrigin::kManual;
  std::string title;
  std::string priority;
  std::optional<std::string> fault_id;
  std::optional<std::string> schedule_id;
  std::optional<std::string> equipment_id;
  std::optional<std::string> assigned_to;
  std::optional<std::string> due_date;
  std::string created_at;
  std::optional<std::string> completed_at;

  bool open() const {
    return status != WorkOrderStatus::kCompleted && status != WorkOrderStatus::kCancelled;
  }
  boost::json::object ToJson() const;  // every member; absent values null
};

// The work order, or nullopt when the yacht has none with this id.
Result<std::optional<WorkOrderSummary>> FindWorkOrder(Tx& tx, std::string_view yacht_id,
                                                      std::string_view work_order_id);
// The equipment's open work orders, newest first.
Result<std::vector<WorkOrderSummary>> OpenWorkOrdersForEquipment(Tx& tx, std::string_view yacht_id,
                                                                 std::string_view equipment_id);
// The schedule's open work order (at most one exists), if any.
Result<std::optional<WorkOrderSummary>> OpenWorkOrderForSchedule(Tx& tx, std::string_view yacht_id,
                                                                 std::string_view schedule_id);

}  // namespace celeste

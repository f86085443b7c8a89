// Faults lens (issue 5, flag FAULT_LENS_V1_ENABLED; FAULT_LENS_SUGGESTIONS_ENABLED gates its
// suggestions, FAULT_LENS_SIGNED_ACTIONS_ENABLED its SIGNED action): crew report faults,
// heads of department acknowledge them, a signed work order is raised for them, and they
// are closed once the work is done. docs/lenses/faults.md.
//
//   open -> acknowledged -> work_ordered -> resolved -> closed
//   open -> work_ordered; open | acknowledged -> resolved (closed without a work order);
//   work_ordered -> acknowledged (its work order was cancelled)
//
// This header is the lens's public surface: its registration, and what the work orders
// and equipment lenses need of a fault. Every function runs inside the caller's
// transaction and is scoped by yacht_id.
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

inline constexpr std::string_view kFaultsLensId = "faults";
inline constexpr std::string_view kFaultsLensFlag = "FAULT_LENS_V1_ENABLED";
inline constexpr std::string_view kFaultsSuggestionsFlag = "FAULT_LENS_SUGGESTIONS_ENABLED";
inline constexpr std::string_view kFaultsSignedActionsFlag = "FAULT_LENS_SIGNED_ACTIONS_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterFaultsLens(Registry& registry);

// The work orders lens tells the fault when the work order raised for it ends, in the same
// transaction: completed -> the fault moves work_ordered -> resolved; cancelled -> back to
// acknowledged (a new work order may be raised). Nothing happens when the fault is not
// work_ordered on this work order (it was closed meanwhile). The history row names the
// actor.
Status FaultWorkOrderCompleted(Tx& tx, std::string_view yacht_id, std::string_view fault_id,
                               std::string_view work_order_id, std::string_view actor_id,
                               Role actor_role, std::string_view at);
Status FaultWorkOrderCancelled(Tx& tx, std::string_view yacht_id, std::string_view fault_id,
                               std::string_view work_order_id, std::string_view actor_id,
                               Role actor_role, std::string_view at);

// What the equipment lens shows of a fault.
struct FaultSummary {
  std::string id;
  std::string title;
  std::string severity;
  std::string status;
  std::optional<std::string> work_order_id;
  std::string reported_at;

  boost::json::object ToJson() const;
};
// The equipment's faults that are not closed, newest first.
Result<std::vector<FaultSummary>> OpenFaultsForEquipment(Tx& tx, std::string_view yacht_id,
                                                         std::string_view equipment_id);

}  // namespace celeste

#include "lenses/faults/fault_actions.h"

#include <string>
#include <utility>

#include "core/uuid.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/faults/fault.h"
#include "lenses/json_values.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste::faults {
namespace {

constexpr int64_t kDefaultPageSize = 50;
constexpr std::string_view kWorkOrderEntityType = "work_order";

std::string FaultIdOf(const ActionContext& ctx) { return ctx.Id("fault_id"); }

FaultActor ActorOf(const ActionContext& ctx) {
  return FaultActor{.id = ctx.user_id(), .role = ctx.role, .at = ctx.now_text};
}

ActionOutcome FaultOutcome(const Fault& fault, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kFaultEntityType),
                       .entity_id = fault.id,
                       .result = std::move(result),
                       .created = created};
}

// not_found unless the yacht has this equipment (another yacht's looks missing).
Status CheckEquipment(Tx& tx, std::string_view yacht_id, const std::string& equipment_id) {
  CELESTE_ASSIGN_OR_RETURN(bool exists, EquipmentExists(tx, yacht_id, equipment_id));
  if (exists) return Status::OK();
  return Status::NotFound("no equipment " + equipment_id + " on this yacht")
      .WithDetail("field", "equipment_id")
      .WithDetail("equipment_id", equipment_id);
}

// The fault as view_fault_detail shows it: with its history and its work order.
Result<boost::json::object> FaultDetailJson(Tx& tx, std::string_view yacht_id, const Fault& fault) {
  CELESTE_ASSIGN_OR_RETURN(auto history, LoadFaultHistory(tx, yacht_id, fault.id));
  boost::json::object json = fault.ToJson();
  boost::json::array rows;
  rows.reserve(history.size());
  for (const FaultHistoryEntry& entry : history) rows.push_back(entry.ToJson());
  json["history"] = std::move(rows);
  boost::json::value work_order = nullptr;
  if (fault.work_order_id) {
    CELESTE_ASSIGN_OR_RETURN(auto summary, FindWorkOrder(tx, yacht_id, *fault.work_order_id));
    if (summary) work_order = summary->ToJson();
  }
  json["work_order"] = std::move(work_order);
  return json;
}

Result<ActionOutcome> DetailOutcome(Tx& tx, std::string_view yacht_id, const Fault& fault,
                                    bool created) {
  CELESTE_ASSIGN_OR_RETURN(auto json, FaultDetailJson(tx, yacht_id, fault));
  return FaultOutcome(fault, std::move(json), created);
}

// Closing asks for a resolved fault. The two refusals that deserve more than the table's
// message: an open work order, and no work order without saying so.
Status CloseRefusal(const Fault& fault) {
  const std::string_view state = FaultStatusName(fault.status);
  if (fault.status == FaultStatus::kWorkOrdered) {
    const std::string work_order = fault.work_order_id.value_or("");
    return Status::Error(ErrorCode::kInvalidStateTransition,
                         "cannot close the fault while its work order " + work_order +
                             " is open: complete or cancel the work order first",
                         {{"current_state", state}, {"work_order_id", work_order}});
  }
  if (fault.status == FaultStatus::kOpen || fault.status == FaultStatus::kAcknowledged) {
    return Status::Error(ErrorCode::kInvalidStateTransition,
                         "cannot close a fault from state '" + std::string(state) +
                             "' without a completed work order: send "
                             "resolution_without_work_order = true to close it without one",
                         {{"current_state", state}});
  }
  return ApplyFaultEvent(fault.status, FaultEvent::kClose).status();
}

}  // namespace

Result<ActionOutcome> ReportFault(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string title, ctx.NonBlankText("title"));
  const std::optional<std::string> equipment_id = ctx.OptId("equipment_id");
  if (equipment_id) CELESTE_RETURN_IF_ERROR(CheckEquipment(tx, ctx.yacht_id, *equipment_id));
  const Fault fault{.id = NewUuidV7(),
                    .equipment_id = equipment_id,
                    .title = std::move(title),
                    .description = ctx.OptText("description"),
                    .severity = ctx.Str("severity"),  // an enum field
                    .status = FaultStatus::kOpen,
                    .reported_by = ctx.user_id(),
                    .reported_at = ctx.now_text,
                    .updated_at = ctx.now_text,
                    .acknowledged_by = std::nullopt,
                    .acknowledged_at = std::nullopt,
                    .work_order_id = std::nullopt,
                    .resolution = std::nullopt,
                    .resolved_without_work_order = false,
                    .closed_by = std::nullopt,
                    .closed_at = std::nullopt};
  CELESTE_RETURN_IF_ERROR(InsertFault(tx, ctx.yacht_id, fault, ActorOf(ctx)));
  CELESTE_ASSIGN_OR_RETURN(Fault stored, LoadFault(tx, ctx.yacht_id, fault.id));
  return DetailOutcome(tx, ctx.yacht_id, stored, /*created=*/true);
}

Result<ActionOutcome> ViewFaultDetail(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(Fault fault, LoadFault(tx, ctx.yacht_id, FaultIdOf(ctx)));
  return DetailOutcome(tx, ctx.yacht_id, fault, /*created=*/false);
}

Result<ActionOutcome> ListFaultsAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  FaultFilter filter;
  if (auto name = ctx.OptStr("status")) filter.status = ParseFaultStatus(*name);  // an enum
  filter.equipment_id = ctx.OptId("equipment_id");
  if (filter.equipment_id) {
    CELESTE_RETURN_IF_ERROR(CheckEquipment(tx, ctx.yacht_id, *filter.equipment_id));
  }
  CELESTE_ASSIGN_OR_RETURN(
      FaultPage page,
      ListFaults(tx, ctx.yacht_id, filter, cursor, ctx.OptInt("limit").value_or(kDefaultPageSize)));
  boost::json::array faults;
  faults.reserve(page.faults.size());
  for (const Fault& fault : page.faults) faults.push_back(fault.ToJson());
  return ActionOutcome{
      .entity_type = std::string(kFaultEntityType),
      .entity_id = "",
      .result = {{"faults", std::move(faults)}, {"next_cursor", TextOrNull(page.next_cursor)}},
      .created = false};
}

Result<ActionOutcome> AcknowledgeFault(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(Fault fault, LockFault(tx, ctx.yacht_id, FaultIdOf(ctx)));
  CELESTE_RETURN_IF_ERROR(MoveFault(tx, ctx.yacht_id, fault, FaultEvent::kAcknowledge, ActorOf(ctx),
                                    ctx.OptText("notes")));
  CELESTE_ASSIGN_OR_RETURN(Fault stored, LoadFault(tx, ctx.yacht_id, fault.id));
  return DetailOutcome(tx, ctx.yacht_id, stored, /*created=*/false);
}

Result<ActionOutcome> CreateWorkOrderFromFault(const ActionContext& ctx, Tx& tx) {
  if (ctx.signature == nullptr) return Status::Internal("a SIGNED action ran without a signature");
  const SignatureRecord& signature = *ctx.signature;
  CELESTE_ASSIGN_OR_RETURN(std::string title, ctx.NonBlankText("title"));
  CELESTE_ASSIGN_OR_RETURN(Fault fault, LockFault(tx, ctx.yacht_id, FaultIdOf(ctx)));
  // Refuse before anything is written: only an open or acknowledged fault gets one.
  CELESTE_RETURN_IF_ERROR(ApplyFaultEvent(fault.status, FaultEvent::kRaiseWorkOrder).status());
  const std::string signed_by =
      "signed by " + std::string(RoleName(signature.role_at_signing)) + " " + signature.signer_id;
  const NewWorkOrder order{.origin = WorkOrderOrigin::kFault,
                           .fault_id = fault.id,
                           .schedule_id = std::nullopt,
                           .equipment_id = fault.equipment_id,
                           .title = std::move(title),
                           .description = fault.description,
                           .priority = ctx.OptStr("priority").value_or("normal"),
                           .assigned_to = ctx.OptId("assigned_to"),
                           .due_date = ctx.OptStr("due_date"),
                           .creator_id = ctx.user_id(),
                           .creator_role = ctx.role,
                           .at = ctx.now_text,
                           .history_notes = "raised from fault " + fault.id + ", " + signed_by};
  CELESTE_ASSIGN_OR_RETURN(std::string work_order_id, CreateWorkOrder(tx, ctx.yacht_id, order));

  // The signer authorised the move: the fault's history names them.
  fault.work_order_id = work_order_id;
  const FaultActor signer{
      .id = signature.signer_id, .role = signature.role_at_signing, .at = ctx.now_text};
  std::string notes = "work order " + work_order_id + " raised by " +
                      std::string(RoleName(ctx.role)) + " " + ctx.user_id() + ", " + signed_by;
  if (signature.reason) notes += ": " + *signature.reason;
  CELESTE_RETURN_IF_ERROR(
      MoveFault(tx, ctx.yacht_id, fault, FaultEvent::kRaiseWorkOrder, signer, notes));

  CELESTE_ASSIGN_OR_RETURN(auto summary, FindWorkOrder(tx, ctx.yacht_id, work_order_id));
  if (!summary) return Status::Internal("a work order raised for a fault vanished");
  CELESTE_ASSIGN_OR_RETURN(Fault stored, LoadFault(tx, ctx.yacht_id, fault.id));
  // The audit row's entity is the work order the signature created (docs/lenses/faults.md).
  return ActionOutcome{.entity_type = std::string(kWorkOrderEntityType),
                       .entity_id = work_order_id,
                       .result = {{"work_order", summary->ToJson()}, {"fault", stored.ToJson()}},
                       .created = true};
}

Result<ActionOutcome> CloseFault(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(std::string resolution, ctx.NonBlankText("resolution"));
  CELESTE_ASSIGN_OR_RETURN(Fault fault, LockFault(tx, ctx.yacht_id, FaultIdOf(ctx)));
  const bool without_work_order = ctx.OptBool("resolution_without_work_order").value_or(false);
  const FaultActor actor = ActorOf(ctx);
  if (without_work_order && NextFaultStatus(fault.status, FaultEvent::kResolveWithoutWorkOrder)) {
    CELESTE_RETURN_IF_ERROR(MoveFault(tx, ctx.yacht_id, fault, FaultEvent::kResolveWithoutWorkOrder,
                                      actor, std::string("resolved without a work order")));
  }
  if (fault.status != FaultStatus::kResolved) return CloseRefusal(fault);
  fault.resolution = resolution;
  CELESTE_RETURN_IF_ERROR(
      MoveFault(tx, ctx.yacht_id, fault, FaultEvent::kClose, actor, std::move(resolution)));
  CELESTE_ASSIGN_OR_RETURN(Fault stored, LoadFault(tx, ctx.yacht_id, fault.id));
  return DetailOutcome(tx, ctx.yacht_id, stored, /*created=*/false);
}

}  // namespace celeste::faults

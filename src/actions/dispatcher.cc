#include "actions/dispatcher.h"

#include "actions/fields.h"
#include "audit/audit_log.h"
#include "core/json.h"

namespace celeste {

bool Dispatcher::IsLensOn(const LensDef& lens, std::string_view yacht_id) {
  for (const auto& flag : lens.flags) {
    if (!flags_.IsEnabled(flag, yacht_id)) return false;
  }
  return true;
}

bool Dispatcher::IsActionOn(const ActionDef& action, std::string_view yacht_id) {
  const LensDef* lens = registry_.FindLens(action.lens);
  if (!lens || !IsLensOn(*lens, yacht_id)) return false;
  for (const auto& flag : action.extra_flags) {
    if (!flags_.IsEnabled(flag, yacht_id)) return false;
  }
  return true;
}

std::vector<const ActionDef*> Dispatcher::ActionsFor(Role role, std::string_view yacht_id,
                                                     std::optional<std::string_view> domain) {
  std::vector<const ActionDef*> out;
  for (const auto& action : registry_.actions()) {
    if (domain && action->lens != *domain) continue;
    if (!action->allowed_roles.Contains(role)) continue;
    if (!IsActionOn(*action, yacht_id)) continue;
    out.push_back(action.get());
  }
  return out;
}

SuggestionResult Dispatcher::Suggest(std::string_view query, Role role, std::string_view yacht_id,
                                     std::optional<std::string_view> domain) {
  std::vector<const ActionDef*> actions = ActionsFor(role, yacht_id, domain);
  std::erase_if(actions, [&](const ActionDef* a) {
    const LensDef* lens = registry_.FindLens(a->lens);
    return !lens->suggestions_flag.empty() && !flags_.IsEnabled(lens->suggestions_flag, yacht_id);
  });
  return RankSuggestions(query, actions);
}

Result<ExecuteResult> Dispatcher::Execute(const Principal& principal,
                                          const ExecuteRequest& request) {
  // 3. The action exists.
  const ActionDef* action = registry_.FindAction(request.action_id);
  if (!action) {
    return Status::Error(ErrorCode::kUnknownAction, "no action '" + request.action_id + "'");
  }
  // 4. The caller is a member of the yacht.
  const Membership* membership = principal.MembershipOn(request.yacht_id);
  if (!membership) {
    return Status::Error(ErrorCode::kYachtAccessDenied, "you are not a member of this yacht");
  }
  // 5. The lens (and any sub-flag of the action) is on for the yacht.
  if (!IsActionOn(*action, request.yacht_id)) {
    return Status::Error(ErrorCode::kFeatureDisabled,
                         "the " + action->lens + " lens is not enabled on this yacht",
                         {{"lens", action->lens}});
  }
  // 6. The caller's role may initiate it.
  if (!action->allowed_roles.Contains(membership->role)) {
    return Status::Forbidden(
        RoleName(membership->role),
        "your role (" + std::string(RoleName(membership->role)) + ") may not run " + action->id);
  }
  // 7. The payload matches the declared fields.
  CELESTE_RETURN_IF_ERROR(ValidatePayload(*action, request.payload));
  // 8. SIGNED actions carry a valid signature from an allowed signer.
  std::optional<SignatureRecord> signature;
  if (action->variant == Variant::kSigned) {
    CELESTE_ASSIGN_OR_RETURN(signature, signatures_.Verify(*action, request.yacht_id,
                                                           request.signature, request.payload));
  }
  const Micros now = clock_.Now();
  ActionContext context{
      .action = *action,
      .principal = principal,
      .yacht_id = request.yacht_id,
      .role = membership->role,
      .entity_id = request.entity_id,
      .payload = request.payload,
      .signature = signature ? &*signature : nullptr,
      .request_id = request.request_id,
      .now = now,
      .now_text = FormatRfc3339(now),
  };
  return RunHandler(*action, context);
}

Result<ExecuteResult> Dispatcher::RunHandler(const ActionDef& action,
                                             const ActionContext& context) {
  ExecuteResult result;
  result.action = &action;
  const bool writes = action.variant != Variant::kRead;
  Status s = store_.Run(writes ? TxMode::kWrite : TxMode::kRead, context.yacht_id, [&](Tx& tx) {
    // 9-11 happen in the handler; an error rolls everything back.
    CELESTE_ASSIGN_OR_RETURN(result.outcome, action.handler(context, tx));
    if (!writes) return Status::OK();
    AuditEntry entry{
        .action = action.id,
        .entity_type = result.outcome.entity_type,
        .entity_id = result.outcome.entity_id,
        .actor_id = context.user_id(),
        .actor_role = std::string(RoleName(context.role)),
        .payload = CanonicalJson(context.payload),
        .signature = context.signature ? CanonicalJson(context.signature->ToJson()) : "{}",
        .request_id = context.request_id,
        .created_at = context.now_text,
    };
    CELESTE_ASSIGN_OR_RETURN(result.audit_id, AppendAudit(tx, context.yacht_id, entry));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return result;
}

}  // namespace celeste

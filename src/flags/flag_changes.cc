#include "flags/flag_changes.h"

#include "audit/audit_log.h"
#include "core/json.h"
#include "core/uuid.h"

namespace celeste {

Result<std::string> ApplyFlagChangeInTx(Tx& tx, FlagService& flags, const FlagChange& change,
                                        const std::string& now) {
  if (!flags.Find(change.flag)) {
    return Status::NotFound("no feature flag named '" + change.flag + "'");
  }
  if (change.canary_percentage &&
      (*change.canary_percentage < 0 || *change.canary_percentage > 100)) {
    return Status::InvalidField("canary_percentage", "canary_percentage must be 0 to 100");
  }
  boost::json::object payload{{"flag_name", change.flag}, {"enabled", change.enabled}};
  if (change.canary_percentage) payload["canary_percentage"] = *change.canary_percentage;
  if (!change.reason.empty()) payload["reason"] = change.reason;
  CELESTE_RETURN_IF_ERROR(
      flags.Set(tx, change.flag, change.enabled, change.canary_percentage, change.actor_id, now));
  AuditEntry entry{.action = "set_feature_flag",
                   .entity_type = "feature_flag",
                   .entity_id = change.flag,
                   .actor_id = change.actor_id,
                   .actor_role = change.actor_role,
                   .payload = CanonicalJson(payload),
                   .signature = "{}",
                   .request_id = change.request_id,
                   .created_at = now};
  return AppendAudit(tx, kFleetId, entry);
}

Result<std::string> ApplyFlagChange(Store& store, FlagService& flags, const FlagChange& change,
                                    const Clock& clock) {
  const std::string now = FormatRfc3339(clock.Now());
  std::string audit_id;
  CELESTE_RETURN_IF_ERROR(store.Run(TxMode::kWrite, kFleetId, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(audit_id, ApplyFlagChangeInTx(tx, flags, change, now));
    return Status::OK();
  }));
  flags.Invalidate();
  return audit_id;
}

boost::json::object FlagJson(const FlagState& f) {
  boost::json::object o{{"flag_name", f.name},
                        {"enabled", f.enabled},
                        {"canary_percentage", f.canary_percentage},
                        {"updated_at", f.updated_at.empty() ? boost::json::value(nullptr)
                                                            : boost::json::value(f.updated_at)},
                        {"updated_by", f.updated_by.empty() ? boost::json::value(nullptr)
                                                            : boost::json::value(f.updated_by)}};
  o["env_override"] = f.env_override ? boost::json::value(*f.env_override) : nullptr;
  return o;
}

}  // namespace celeste

#include "api/request_helpers.h"
#include "api/routes.h"
#include "core/json.h"
#include "flags/bucketing.h"
#include "flags/flag_changes.h"

namespace celeste {
namespace {

Result<Response> ListFlags(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  if (!IsHod(m.role)) {
    return Status::Forbidden(RoleName(m.role), "only heads of department may view flags");
  }
  boost::json::array flags;
  for (const FlagState& f : services.flags.List()) {
    boost::json::object o = FlagJson(f);
    o["bucket"] = FlagBucket(f.name, m.yacht_id);
    o["enabled_for_yacht"] = f.IsOnFor(m.yacht_id);
    flags.push_back(std::move(o));
  }
  return JsonOk({{"yacht_id", m.yacht_id}, {"flags", std::move(flags)}});
}

// PUT /v1/flags/{name} {"yacht_id", "enabled", "canary_percentage"?}: managers only.
Result<Response> SetFlag(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(auto body, ParseJsonBody(request));
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, GetString(body, "yacht_id"), request));
  if (m.role != Role::kManager) {
    return Status::Forbidden(RoleName(m.role), "only a manager may change feature flags");
  }
  for (const auto& kv : body) {
    std::string_view k = kv.key();
    if (k != "yacht_id" && k != "enabled" && k != "canary_percentage") {
      return Status::Error(ErrorCode::kUnknownField, "unexpected field '" + std::string(k) + "'",
                           {{"field", k}});
    }
  }
  auto enabled_it = body.find("enabled");
  if (enabled_it == body.end()) return Status::MissingField("enabled");
  if (!enabled_it->value().is_bool())
    return Status::InvalidField("enabled", "must be true or false");
  FlagChange change;
  change.flag = std::string(*request.PathParam("name"));
  change.enabled = enabled_it->value().get_bool();
  if (auto p = body.find("canary_percentage"); p != body.end() && !p->value().is_null()) {
    auto pct = GetInt(body, "canary_percentage");
    if (!pct) return Status::InvalidField("canary_percentage", "must be an integer 0 to 100");
    change.canary_percentage = static_cast<int>(std::clamp<int64_t>(*pct, -1, 101));
  }
  change.actor_id = principal.user_id;
  change.actor_role = RoleName(m.role);
  change.request_id = request.request_id;
  CELESTE_ASSIGN_OR_RETURN(std::string audit_id,
                           ApplyFlagChange(services.store, services.flags, change, services.clock));
  auto state = services.flags.Find(change.flag);
  boost::json::object flag = FlagJson(*state);
  flag["enabled_for_yacht"] = state->IsOnFor(m.yacht_id);
  return JsonOk({{"success", true},
                 {"flag", std::move(flag)},
                 {"audit_id", audit_id},
                 {"request_id", request.request_id}});
}

}  // namespace

void RegisterFlagRoutes(Services& services, const AddRoute& add) {
  add(Method::kGet, "/v1/flags", [&services](Request& r) { return ListFlags(services, r); });
  add(Method::kPut, "/v1/flags/{name}", [&services](Request& r) { return SetFlag(services, r); });
}

}  // namespace celeste

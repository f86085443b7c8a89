#include "api/request_helpers.h"

#include "core/json.h"
#include "core/uuid.h"

namespace celeste {

Result<boost::json::object> ParseJsonBody(const Request& request) {
  auto value = ParseJson(request.body);
  if (!value) return Status::InvalidRequest("the body is not valid JSON");
  if (!value->is_object()) return Status::InvalidRequest("the body must be a JSON object");
  return std::move(value->get_object());
}

Result<Principal> Authenticate(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal,
                           services.authenticator.Authenticate(request.Header("authorization")));
  request.user_id = principal.user_id;
  return principal;
}

Result<Membership> ResolveYacht(const Principal& principal,
                                std::optional<std::string_view> yacht_id, Request& request) {
  if (!yacht_id || yacht_id->empty()) {
    if (principal.memberships.size() != 1) {
      return Status::InvalidRequest("yacht_id is required (you belong to several yachts)");
    }
    request.yacht_id = principal.memberships.front().yacht_id;
    return principal.memberships.front();
  }
  if (!IsUuid(*yacht_id)) return Status::InvalidRequest("yacht_id must be a UUID");
  const std::string normalized = NormalizeUuid(*yacht_id);
  request.yacht_id = normalized;
  const Membership* m = principal.MembershipOn(normalized);
  if (!m) return Status::Error(ErrorCode::kYachtAccessDenied, "you are not a member of this yacht");
  return *m;
}

Response JsonOk(const boost::json::value& body, int status) { return Response::Json(status, body); }

}  // namespace celeste

#include "api/request_helpers.h"
#include "api/routes.h"
#include "core/json.h"

namespace celeste {
namespace {

boost::json::object UserJson(const Principal& p) {
  return {{"id", p.user_id}, {"email", p.email}, {"name", p.name}};
}

boost::json::array MembershipsJson(const Principal& p) {
  boost::json::array out;
  for (const auto& m : p.memberships) {
    out.push_back(
        {{"yacht_id", m.yacht_id}, {"yacht_name", m.yacht_name}, {"role", RoleName(m.role)}});
  }
  return out;
}

Result<Response> Login(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(auto body, ParseJsonBody(request));
  auto email = GetString(body, "email");
  auto password = GetString(body, "password");
  if (!email || !password) {
    return Status::InvalidRequest("send {\"email\": ..., \"password\": ...}");
  }
  CELESTE_ASSIGN_OR_RETURN(LoginResult login, services.authenticator.Login(*email, *password));
  request.user_id = login.principal.user_id;
  return JsonOk({{"access_token", login.access_token},
                 {"token_type", "bearer"},
                 {"expires_in", login.expires_in},
                 {"user", UserJson(login.principal)},
                 {"memberships", MembershipsJson(login.principal)}});
}

Result<Response> Me(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  return JsonOk({{"user", UserJson(principal)}, {"memberships", MembershipsJson(principal)}});
}

// The yacht's members (name and role, no email): whom a SIGNED action may name as signer.
Result<Response> Members(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  CELESTE_ASSIGN_OR_RETURN(auto members, services.directory.ListMembers(m.yacht_id));
  boost::json::array out;
  for (const YachtMember& member : members) {
    out.push_back(
        {{"user_id", member.user_id}, {"name", member.name}, {"role", RoleName(member.role)}});
  }
  return JsonOk({{"yacht_id", m.yacht_id}, {"members", std::move(out)}});
}

// The demo fleet's accounts, for the sign-in page; only when the server runs the demo fleet.
Result<Response> DemoAccounts(Services& services, Request&) {
  if (services.demo_accounts) return JsonOk(*services.demo_accounts);
  return JsonOk({{"demo", false}, {"accounts", boost::json::array()}});
}

}  // namespace

void RegisterAuthRoutes(Services& services, const AddRoute& add) {
  add(Method::kPost, "/v1/auth/login", [&services](Request& r) { return Login(services, r); });
  add(Method::kGet, "/v1/auth/demo-accounts",
      [&services](Request& r) { return DemoAccounts(services, r); });
  add(Method::kGet, "/v1/members", [&services](Request& r) { return Members(services, r); });
  add(Method::kGet, "/v1/me", [&services](Request& r) { return Me(services, r); });
}

}  // namespace celeste

#include <boost/json/array.hpp>

#include "actions/fields.h"
#include "api/request_helpers.h"
#include "api/routes.h"
#include "audit/audit_log.h"
#include "core/json.h"
#include "core/uuid.h"

namespace celeste {
namespace {

constexpr int kDefaultAuditLimit = 200;
constexpr int kMaxAuditLimit = 1000;

boost::json::array RoleNames(const RoleSet& roles) {
  boost::json::array out;
  for (Role r : roles.ToVector()) out.emplace_back(RoleName(r));
  return out;
}

boost::json::object DescribeAction(const ActionDef& a) {
  boost::json::array fields;
  for (const auto& f : a.fields) fields.push_back(DescribeField(f));
  boost::json::array keywords;
  for (const auto& k : a.search_keywords) keywords.emplace_back(k);
  return {{"action_id", a.id},
          {"label", a.label},
          {"domain", a.lens},
          {"variant", VariantName(a.variant)},
          {"allowed_roles", RoleNames(a.allowed_roles)},
          {"signer_roles", RoleNames(a.signer_roles)},
          {"fields", std::move(fields)},
          {"search_keywords", std::move(keywords)}};
}

boost::json::object DescribeSuggestion(const Suggestion& s) {
  return {{"action_id", s.action->id},
          {"label", s.action->label},
          {"domain", s.action->lens},
          {"variant", VariantName(s.action->variant)},
          {"score", s.score}};
}

// Any flag that is on for at least someone (enabled with a non-zero canary, or env true).
bool FlagIsOn(const FlagState& f) {
  if (f.env_override) return *f.env_override;
  return f.enabled && f.canary_percentage > 0;
}

Result<Response> ActionsHealth(Services& services, Request&) {
  boost::json::array lenses;
  size_t handlers_ok = 0;
  for (const auto& action : services.registry.actions()) {
    if (action->handler) ++handlers_ok;
  }
  for (const LensDef& lens : services.registry.lenses()) {
    boost::json::object flags;
    std::vector<std::string> names = lens.flags;
    if (!lens.suggestions_flag.empty()) names.push_back(lens.suggestions_flag);
    for (const auto& action : services.registry.actions()) {
      if (action->lens != lens.id) continue;
      names.insert(names.end(), action->extra_flags.begin(), action->extra_flags.end());
    }
    for (const auto& name : names) {
      auto state = services.flags.Find(name);
      flags[name] = state && FlagIsOn(*state);
    }
    int64_t count = 0;
    for (const auto& action : services.registry.actions()) count += action->lens == lens.id;
    lenses.push_back({{"lens", lens.id}, {"actions", count}, {"flags", std::move(flags)}});
  }
  const size_t total = services.registry.actions().size();
  boost::json::object out{{"status", handlers_ok == total ? "healthy" : "degraded"},
                          {"handlers_total", total},
                          {"handlers_ok", handlers_ok},
                          {"lenses", std::move(lenses)}};
  if (services.faults) {
    out["warning"] = "FAULT INJECTION IS ON: some actions answer injected errors";
    out["fault_injection"] = services.faults->Json();
  }
  return JsonOk(out);
}

Result<Response> ListActions(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  boost::json::array actions;
  for (const ActionDef* a :
       services.dispatcher.ActionsFor(m.role, m.yacht_id, request.QueryParam("domain"))) {
    actions.push_back(DescribeAction(*a));
  }
  // The lenses that are on for this yacht, in registry order: a client shows these and no
  // other (docs/api.md, "Fields in /v1/actions/list").
  boost::json::array lenses;
  for (const LensDef& lens : services.registry.lenses()) {
    if (!services.dispatcher.IsLensOn(lens, m.yacht_id)) continue;
    lenses.push_back({{"id", lens.id}, {"label", lens.label}, {"entity_type", lens.entity_type}});
  }
  return JsonOk(
      {{"actions", std::move(actions)}, {"role", RoleName(m.role)}, {"lenses", std::move(lenses)}});
}

Result<Response> Suggest(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(auto body, ParseJsonBody(request));
  auto query = GetString(body, "query");
  if (!query) return Status::InvalidRequest("send {\"query\": ..., \"yacht_id\": ...}");
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  auto yacht = GetString(body, "yacht_id");
  CELESTE_ASSIGN_OR_RETURN(Membership m, ResolveYacht(principal, yacht, request));
  auto domain = GetString(body, "domain");
  SuggestionResult ranked = services.dispatcher.Suggest(
      *query, m.role, m.yacht_id, domain ? std::optional<std::string_view>(*domain) : std::nullopt);
  boost::json::array suggestions, candidates;
  for (const auto& s : ranked.suggestions) suggestions.push_back(DescribeSuggestion(s));
  for (const auto& s : ranked.candidates) candidates.push_back(DescribeSuggestion(s));
  return JsonOk({{"suggestions", std::move(suggestions)},
                 {"ambiguous", ranked.ambiguous},
                 {"candidates", std::move(candidates)}});
}

// Runs the action and counts the outcome in celeste_action_executions_total.
// An injected fault (api/fault_injection.h) answers instead of the action when it draws one.
Result<ExecuteResult> ExecuteCounted(Services& services, const Principal& principal,
                                     const ExecuteRequest& call) {
  const ActionDef* action = services.registry.FindAction(call.action_id);
  Result<ExecuteResult> result = [&]() -> Result<ExecuteResult> {
    if (services.faults && action) {
      if (Status fault = services.faults->Decide(action->lens); !fault.ok()) return fault;
    }
    return services.dispatcher.Execute(principal, call);
  }();
  // Label by registered action only: user input must not grow the metric's label set.
  const std::string_view label = action ? std::string_view(call.action_id) : "unknown";
  services.metrics.ObserveAction(label, result.ok() ? "ok" : ErrorCodeName(result.status().code()));
  return result;
}

// Step 1 of CONTRACT §2: the envelope's shape.
// Takes the payload and signature out of `body` (no copies).
Result<ExecuteRequest> ParseEnvelope(boost::json::object& body, boost::json::value& signature) {
  for (const auto& kv : body) {
    std::string_view k = kv.key();
    if (k != "action" && k != "context" && k != "payload" && k != "signature") {
      return Status::InvalidRequest("unexpected member '" + std::string(k) + "' in the envelope");
    }
  }
  ExecuteRequest out;
  auto action = GetString(body, "action");
  if (!action || action->empty()) return Status::InvalidRequest("'action' must be a string");
  out.action_id = *action;
  auto ctx = body.find("context");
  if (ctx == body.end() || !ctx->value().is_object()) {
    return Status::InvalidRequest("'context' must be an object with yacht_id");
  }
  const auto& context = ctx->value().get_object();
  auto yacht = GetString(context, "yacht_id");
  if (!yacht) return Status::InvalidRequest("context.yacht_id is required");
  if (!IsUuid(*yacht)) return Status::InvalidRequest("context.yacht_id must be a UUID");
  out.yacht_id = NormalizeUuid(*yacht);
  if (auto e = context.find("entity_id"); e != context.end() && !e->value().is_null()) {
    if (!e->value().is_string())
      return Status::InvalidRequest("context.entity_id must be a string");
    out.entity_id = std::string(e->value().get_string());
  }
  if (auto p = body.find("payload"); p != body.end() && !p->value().is_null()) {
    if (!p->value().is_object()) return Status::InvalidRequest("'payload' must be an object");
    out.payload = std::move(p->value().get_object());
  }
  if (auto s = body.find("signature"); s != body.end()) {
    signature = std::move(s->value());
    out.signature = &signature;
  }
  return out;
}

Response ExecuteResponse(ExecuteResult&& r, const std::string& request_id) {
  boost::json::object body;
  body["success"] = true;
  body["action"] = r.action->id;
  body["entity_id"] = r.outcome.entity_id;
  body["result"] = std::move(r.outcome.result);
  body["request_id"] = request_id;
  if (!r.audit_id.empty()) body["audit_id"] = r.audit_id;
  return JsonOk(body, r.outcome.created ? 201 : 200);
}

Result<Response> Execute(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(auto body, ParseJsonBody(request));
  boost::json::value signature;
  CELESTE_ASSIGN_OR_RETURN(ExecuteRequest call, ParseEnvelope(body, signature));
  request.yacht_id = call.yacht_id;
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  call.request_id = request.request_id;
  Result<ExecuteResult> result = ExecuteCounted(services, principal, call);
  if (!result.ok()) return std::move(result).TakeStatus();
  return ExecuteResponse(std::move(result).value(), request.request_id);
}

// A GET that runs a READ action and answers its result object directly.
Result<Response> ReadThroughAction(Services& services, Request& request, std::string action_id,
                                   std::initializer_list<std::string_view> params) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  ExecuteRequest call;
  call.action_id = std::move(action_id);
  call.yacht_id = m.yacht_id;
  call.request_id = request.request_id;
  for (std::string_view p : params) {
    if (auto v = request.QueryParam(p)) call.payload[p] = *v;
  }
  Result<ExecuteResult> result = ExecuteCounted(services, principal, call);
  if (!result.ok()) return std::move(result).TakeStatus();
  return JsonOk(std::move(result->outcome.result));
}

// The audit trail: any member may read an entity's trail; the whole yacht's log is for
// heads of department.
Result<Response> AuditTrail(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  std::optional<std::string> entity;
  if (auto e = request.QueryParam("entity_id"); e && !e->empty()) entity = std::string(*e);
  if (!entity && !IsHod(m.role)) {
    return Status::Forbidden(RoleName(m.role),
                             "only heads of department may read the whole audit log; "
                             "name an entity_id");
  }
  int limit = kDefaultAuditLimit;
  if (auto l = request.QueryParam("limit")) {
    try {
      limit = std::stoi(std::string(*l));
    } catch (const std::exception&) {
      limit = -1;
    }
    if (limit < 1 || limit > kMaxAuditLimit) {
      return Status::InvalidField("limit", "limit must be 1 to 1000");
    }
  }
  boost::json::array entries;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(entries, ListAudit(tx, m.yacht_id, entity, limit));
    return Status::OK();
  }));
  return JsonOk({{"yacht_id", m.yacht_id}, {"entries", std::move(entries)}});
}

}  // namespace

void RegisterActionRoutes(Services& services, const AddRoute& add) {
  add(Method::kGet, "/v1/actions/health",
      [&services](Request& r) { return ActionsHealth(services, r); });
  add(Method::kGet, "/v1/actions/list",
      [&services](Request& r) { return ListActions(services, r); });
  add(Method::kPost, "/v1/actions/suggestions",
      [&services](Request& r) { return Suggest(services, r); });
  add(Method::kPost, "/v1/actions/execute",
      [&services](Request& r) { return Execute(services, r); });
  add(Method::kGet, "/v1/shopping-list/history", [&services](Request& r) {
    return ReadThroughAction(services, r, "view_shopping_list_history", {"item_id"});
  });
  add(Method::kGet, "/v1/parts/low-stock",
      [&services](Request& r) { return ReadThroughAction(services, r, "view_low_stock", {}); });
  add(Method::kGet, "/v1/audit", [&services](Request& r) { return AuditTrail(services, r); });
}

}  // namespace celeste

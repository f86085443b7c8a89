#include "ops/server_ids.h"

#include <memory>

#include <fmt/format.h>

#include "core/json.h"

namespace celeste::ops {
namespace {

Status Unanswered(std::string_view action, const ExecuteAnswer& e, std::string_view what) {
  auto code = e.json.is_object() ? GetString(e.json.as_object(), "error_code") : std::nullopt;
  return Status::RuleViolation(
      "needs_data", fmt::format("a generated payload needs an id from {}: {} answered {}{}", action,
                                what, e.status, code ? " " + *code : ""));
}

}  // namespace

boost::json::object ExecuteEnvelope(const std::string& action, const std::string& yacht_id,
                                    boost::json::object payload,
                                    std::optional<boost::json::object> signature) {
  boost::json::object body{
      {"action", action}, {"context", {{"yacht_id", yacht_id}}}, {"payload", std::move(payload)}};
  if (signature) body["signature"] = std::move(*signature);
  return body;
}

ExecuteFn HttpExecute(HttpEndpoint endpoint, std::string token, std::string yacht_id) {
  auto client = std::make_shared<HttpClient>(endpoint.host, endpoint.port);
  return [client, token, yacht_id](const std::string& action,
                                   boost::json::object payload) -> Result<ExecuteAnswer> {
    const boost::json::object body = ExecuteEnvelope(action, yacht_id, std::move(payload));
    CELESTE_ASSIGN_OR_RETURN(auto r, client->Post("/v1/actions/execute", ToJson(body),
                                                  {{"authorization", "Bearer " + token}}));
    return ExecuteAnswer{r.status, r.Json()};
  };
}

IdResolver ListedOrNewIdResolver(const Registry& registry, ExecuteFn execute, std::string tag,
                                 Micros now) {
  return [&registry, execute, tag, now](std::string_view read_action) -> Result<std::string> {
    const std::string action(read_action);
    CELESTE_ASSIGN_OR_RETURN(ExecuteAnswer listed, execute(action, {}));
    if (listed.status != 200 || !listed.json.is_object()) {
      return Unanswered(action, listed, action);
    }
    if (const auto* result = listed.json.as_object().if_contains("result")) {
      if (auto id = FirstListedId(*result)) return *id;
    }
    // Nothing listed: make one, as the lens would be used.
    const ActionDef* read = registry.FindAction(action);
    const LensDef* lens = read ? registry.FindLens(read->lens) : nullptr;
    const ActionDef* create = lens ? registry.FindAction(lens->create_action) : nullptr;
    if (!create) return Unanswered(action, listed, action + " (which listed none)");
    const IdResolver no_more = [&](std::string_view inner) -> Result<std::string> {
      return Status::RuleViolation("needs_data",
                                   fmt::format("{} needs an id from {}", create->id, inner));
    };
    CELESTE_ASSIGN_OR_RETURN(auto payload, GeneratePayload(*create, {tag, 0, now}, no_more));
    CELESTE_ASSIGN_OR_RETURN(ExecuteAnswer made, execute(create->id, std::move(payload)));
    auto id = made.json.is_object() ? GetString(made.json.as_object(), "entity_id") : std::nullopt;
    if ((made.status != 200 && made.status != 201) || !id || id->empty()) {
      return Unanswered(action, made, action + " listed none, and " + create->id);
    }
    return *id;
  };
}

}  // namespace celeste::ops

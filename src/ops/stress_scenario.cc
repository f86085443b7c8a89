#include "ops/stress_scenario.h"

#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/json.h"
#include "ops/server_ids.h"

namespace celeste::ops {
namespace {

std::string ExecuteBody(const std::string& action, const std::string& yacht_id,
                        boost::json::object payload) {
  return ToJson(ExecuteEnvelope(action, yacht_id, std::move(payload)));
}

}  // namespace

std::string_view StressScenarioName(StressScenario scenario) {
  switch (scenario) {
    case StressScenario::kList:
      return "list";
    case StressScenario::kRead:
      return "read";
    case StressScenario::kCreate:
      return "create";
    case StressScenario::kMixed:
      return "mixed";
  }
  return "mixed";
}

Result<StressScenario> ParseStressScenario(std::string_view name) {
  for (auto s : {StressScenario::kList, StressScenario::kRead, StressScenario::kCreate,
                 StressScenario::kMixed}) {
    if (name == StressScenarioName(s)) return s;
  }
  return Status::InvalidRequest(
      fmt::format("--scenario: '{}' is not one of list, read, create, mixed", name));
}

Result<std::function<LoadRequest(int64_t)>> MakeStressRequests(
    const Registry& registry, const LensDef& lens, StressScenario scenario,
    const std::string& yacht_id, const std::string& run_tag, Micros now,
    const IdResolver& resolve_id) {
  const LoadRequest list{Method::kGet,
                         fmt::format("/v1/actions/list?yacht_id={}&domain={}", yacht_id, lens.id),
                         "", 200};
  const LoadRequest read{Method::kPost, "/v1/actions/execute",
                         ExecuteBody(lens.probe_action, yacht_id, {}), 200};

  const ActionDef* create = registry.FindAction(lens.create_action);
  const bool wants_create = scenario == StressScenario::kCreate ||
                            (scenario == StressScenario::kMixed && create != nullptr);
  if (wants_create && create == nullptr) {
    return Status::InvalidRequest(fmt::format(
        "--scenario create: the {} lens declares no create action (LensDef::create_action)",
        lens.id));
  }
  // Ids named by "@ACTION" examples are resolved once, before the run.
  auto ids = std::make_shared<std::map<std::string, std::string>>();
  IdResolver cached = [ids, resolve_id](std::string_view action) -> Result<std::string> {
    if (auto it = ids->find(std::string(action)); it != ids->end()) return it->second;
    CELESTE_ASSIGN_OR_RETURN(std::string id, resolve_id(action));
    ids->emplace(std::string(action), id);
    return id;
  };
  auto make_create = [=](int64_t sequence) -> Result<LoadRequest> {
    PayloadSeed seed{run_tag, static_cast<uint64_t>(sequence), now};
    CELESTE_ASSIGN_OR_RETURN(auto payload, GeneratePayload(*create, seed, cached));
    return LoadRequest{Method::kPost, "/v1/actions/execute",
                       ExecuteBody(create->id, yacht_id, std::move(payload)), 201};
  };
  if (wants_create) CELESTE_RETURN_IF_ERROR(make_create(0).status());

  switch (scenario) {
    case StressScenario::kList:
      return std::function<LoadRequest(int64_t)>([list](int64_t) { return list; });
    case StressScenario::kRead:
      return std::function<LoadRequest(int64_t)>([read](int64_t) { return read; });
    case StressScenario::kCreate:
      return std::function<LoadRequest(int64_t)>(
          [make_create](int64_t sequence) { return *make_create(sequence); });
    case StressScenario::kMixed:
      break;
  }
  return std::function<LoadRequest(int64_t)>([=](int64_t sequence) {
    const int64_t slot = sequence % 10;
    if (slot >= 8 && wants_create) return *make_create(sequence);
    if (slot >= 6) return list;
    return read;
  });
}

}  // namespace celeste::ops

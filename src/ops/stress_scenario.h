// The stress runner's scenarios (issue 7, `celeste stress --scenario`), made from a lens's
// definition in the registry, so a new lens can be stressed without new code:
//   list    GET /v1/actions/list?yacht_id=Y&domain=L                        200
//   read    execute the lens's READ probe (LensDef::probe_action)            200
//   create  execute its create action (LensDef::create_action) with a
//           generated valid payload, unique per request (ops/payload_generator.h)  201
//   mixed   of every ten requests, six read, two list and two create (read and list
//           only for a lens without a create action)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "actions/registry.h"
#include "core/clock.h"
#include "core/result.h"
#include "ops/load_client.h"
#include "ops/payload_generator.h"

namespace celeste::ops {

enum class StressScenario { kList, kRead, kCreate, kMixed };
std::string_view StressScenarioName(StressScenario scenario);
// invalid_request naming --scenario for anything but list, read, create or mixed.
Result<StressScenario> ParseStressScenario(std::string_view name);

// The request maker of a run. Checks up front that every request it will make can be made
// (a create action whose payload can be generated, its "@ACTION" ids resolved once through
// `resolve_id`); invalid_request otherwise. `run_tag` starts every generated text.
Result<std::function<LoadRequest(int64_t)>> MakeStressRequests(
    const Registry& registry, const LensDef& lens, StressScenario scenario,
    const std::string& yacht_id, const std::string& run_tag, Micros now,
    const IdResolver& resolve_id);

}  // namespace celeste::ops

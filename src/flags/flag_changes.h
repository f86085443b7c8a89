// Changing a flag: validated, written and audited (fleet chain) in one transaction.
// Shared by PUT /v1/flags/{name} and `celeste flags set`.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "flags/flag_service.h"
#include "store/store.h"

namespace celeste {

struct FlagChange {
  std::string flag;
  bool enabled = false;
  std::optional<int> canary_percentage;  // keep the current one when absent
  std::string actor_id;                  // a user id, or "cli:<login>" for the operator CLI
  std::string actor_role;                // "manager", or "operator" for the CLI
  std::string request_id;
};

// not_found for a flag the registry does not know; invalid_field for a percentage
// outside 0..100. Returns the audit row id.
Result<std::string> ApplyFlagChange(Store& store, FlagService& flags, const FlagChange& change,
                                    const Clock& clock);

boost::json::object FlagJson(const FlagState& flag);

}  // namespace celeste

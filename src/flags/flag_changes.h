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
  std::string reason{};  // why, when a tool changed it (a rollout's promotion, rollback, ...)
};

// not_found for a flag the registry does not know; invalid_field for a percentage
// outside 0..100. Returns the audit row id.
Result<std::string> ApplyFlagChange(Store& store, FlagService& flags, const FlagChange& change,
                                    const Clock& clock);
// The same inside the caller's fleet-scoped transaction (with what else must change with the
// flag, e.g. a rollout's stage). Call flags.Invalidate() after the commit.
Result<std::string> ApplyFlagChangeInTx(Tx& tx, FlagService& flags, const FlagChange& change,
                                        const std::string& now);

boost::json::object FlagJson(const FlagState& flag);

}  // namespace celeste

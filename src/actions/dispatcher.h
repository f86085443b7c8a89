// Dispatcher: runs an action through CONTRACT §2's checks, in order, then its handler
// and the audit row in one transaction.
//
//   3 action exists → 4 yacht membership → 5 flags → 6 initiator role → 7 payload fields
//   → 8 signature (SIGNED) → handler: 9 entity lookup, 10 state and rules, 11 duplicates
//   → audit row (MUTATE/SIGNED) → commit.
// Steps 1 (envelope) and 2 (token) belong to the HTTP layer. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "actions/action.h"
#include "actions/registry.h"
#include "actions/signatures.h"
#include "actions/suggestions.h"
#include "core/clock.h"
#include "flags/flag_service.h"
#include "store/store.h"

namespace celeste {

struct ExecuteRequest {
  std::string action_id;
  std::string yacht_id;
  std::string entity_id;
  boost::json::object payload;
  const boost::json::value* signature = nullptr;  // owned by the caller
  std::string request_id;
};

struct ExecuteResult {
  const ActionDef* action = nullptr;
  ActionOutcome outcome;
  std::string audit_id;  // set for MUTATE and SIGNED
};

class Dispatcher {
 public:
  Dispatcher(const Registry& registry, Store& store, FlagService& flags,
             SignatureVerifier& signatures, const Clock& clock)
      : registry_(registry), store_(store), flags_(flags), signatures_(signatures), clock_(clock) {}

  Result<ExecuteResult> Execute(const Principal& principal, const ExecuteRequest& request);

  // Whether every flag the lens needs is on for the yacht.
  bool IsLensOn(const LensDef& lens, std::string_view yacht_id);
  // The lens is on and the action's extra flags too.
  bool IsActionOn(const ActionDef& action, std::string_view yacht_id);
  // Actions `role` may initiate on the yacht, from enabled lenses, optionally one domain.
  std::vector<const ActionDef*> ActionsFor(Role role, std::string_view yacht_id,
                                           std::optional<std::string_view> domain);
  // Like ActionsFor, also dropping lenses whose suggestions sub-flag is off.
  SuggestionResult Suggest(std::string_view query, Role role, std::string_view yacht_id,
                           std::optional<std::string_view> domain);

  const Registry& registry() const { return registry_; }

 private:
  Result<ExecuteResult> RunHandler(const ActionDef& action, const ActionContext& context);

  const Registry& registry_;
  Store& store_;
  FlagService& flags_;
  SignatureVerifier& signatures_;
  const Clock& clock_;
};

}  // namespace celeste

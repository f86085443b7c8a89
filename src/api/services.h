// The services route handlers use, owned by App. Route files take this, not App.
#pragma once

#include <boost/json/object.hpp>

#include "actions/dispatcher.h"
#include "actions/registry.h"
#include "api/fault_injection.h"
#include "api/metrics.h"
#include "auth/authenticator.h"
#include "auth/directory.h"
#include "core/clock.h"
#include "documents/document_storage.h"
#include "flags/flag_service.h"
#include "http/request.h"
#include "store/store.h"

namespace celeste {

struct Services {
  Store& store;
  const Registry& registry;
  FlagService& flags;
  Dispatcher& dispatcher;
  Authenticator& authenticator;
  Directory& directory;
  Metrics& metrics;
  const Clock& clock;
  documents::DocumentStorage* documents = nullptr;  // null: no document storage configured
  FaultInjector* faults = nullptr;                  // null: no fault injection
  // The demo fleet's sign-in table for GET /v1/auth/demo-accounts; null: not the demo fleet.
  const boost::json::object* demo_accounts = nullptr;
};

// A route handler: errors travel as Status and become the envelope at one boundary.
// Handlers note the caller and yacht on the Request (user_id, yacht_id) for the log.
using ApiHandler = std::function<Result<Response>(Request&)>;

}  // namespace celeste

// The acceptance runner of `celeste accept` (issue 7, docs/lens-ops.md): a lens's suite run
// over HTTP against a live server, as real accounts of each role, every request recorded in
// the evidence folder and every answer compared with what the registry says it must be.
//
// Cases, in the order they run (each a CaseResult: name, expected, got, pass, transcripts):
//   login:<role>            POST /v1/auth/login → 200 and that role on the yacht
//   login:foreign           the foreign account's login → 200 and a membership elsewhere
//   gating:list:<role>      GET /v1/actions/list?domain=LENS → exactly the lens's actions the
//                           role may initiate (every flag of the lens is expected on)
//   gating:forbidden:<a>    crew runs each action it may not initiate → 403 forbidden_role
//   read:<role>             the lens's probe READ action → 200
//   create                  the lens's create action → 201 with an entity_id
//   signed:*                for a lens with a SIGNED action, the five steps: no signature,
//                           a wrong PIN, crew as signer, captain, manager; each expectation
//                           derived from the action's signer roles (fresh entity per step
//                           that must succeed)
//   isolation:foreign       with a "foreign" account (on another yacht): an entity made there
//                           by the lens's create action, read on this yacht → 404 not_found
//   isolation:read|signed   an id no yacht has → 404 not_found (the signed one with a valid
//                           signature: the entity lookup comes after the signature checks)
//   idempotency             the same idempotency_key twice: 2xx, then 409 duplicate, and
//                           exactly one more audit row of the entity (counts.json)
//   flags:<FLAG>            with toggle_flags: off → what it gates answers 503 (or, for a
//                           suggestions flag, suggests none of the lens's actions), on → it
//                           answers again; the flag's enabled/canary are always restored
//   no_5xx                  no answer of the run had a 5xx status (503 feature_disabled aside)
// A role the accounts lack, or whose login failed, makes the cases that need it fail with
// that reason; a transport error (connection refused) is a failed case, never a crash.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "actions/registry.h"
#include "core/clock.h"
#include "ops/evidence.h"
#include "ops/http_client.h"
#include "ops/lens_ops_profile.h"

namespace celeste::ops {

// An account of the accounts file.
struct AcceptanceAccount {
  std::string email;
  std::string password;
  std::string pin;  // "" when the account has none (its signed steps then fail)
};

struct AcceptanceOptions {
  std::string host;
  uint16_t port = 80;
  std::string url;  // as given; the report shows only its SafeUrlPrefix
  std::string yacht_id;
  std::map<std::string, AcceptanceAccount> accounts;  // by role name (auth/roles.h)
  // An account on another yacht ("foreign" in the accounts file): isolation is then shown
  // with a real entity of that yacht, not only with an id no yacht has.
  std::optional<AcceptanceAccount> foreign;
  bool toggle_flags = false;
  std::chrono::milliseconds timeout = HttpClient::kDefaultTimeout;  // per request step
  // How long a flag change may take to show in the answers (see the flags cases).
  std::chrono::milliseconds flag_settle = std::chrono::seconds(3);
};

class AcceptanceRunner {
 public:
  // Called with each case as soon as it is decided (for progress output).
  using CaseListener = std::function<void(const CaseResult&)>;

  // `registry` and `evidence` must outlive the runner.
  AcceptanceRunner(const Registry& registry, LensOpsProfile profile, AcceptanceOptions options,
                   Evidence& evidence, const Clock& clock);

  // Runs the suite once and returns what it found. Writes every transcript into the
  // evidence folder (not the summaries: Evidence::WriteReport). Changes the server's data:
  // it creates entities, and with toggle_flags changes flags (restoring them).
  AcceptanceReport Run(const CaseListener& on_case = {});

 private:
  // Constant after construction.
  const Registry& registry_;
  const LensOpsProfile profile_;
  const AcceptanceOptions options_;
  Evidence& evidence_;
  const Clock& clock_;
};

}  // namespace celeste::ops

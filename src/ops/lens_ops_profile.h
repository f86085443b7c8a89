// A lens's ops profile: what the Lens Ops tools (monitor, stress, accept, the generator) need
// to know about one lens, taken from the registry. Every default is derived from the lens's
// definition, and every name given instead is checked against the registry, so a new lens
// gets its ops without new code (docs/lens-ops.md, "Generated ops").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "actions/registry.h"
#include "core/result.h"

namespace celeste::ops {

// The names a person may give instead of the defaults (`celeste lens-ops generate`'s options).
struct ProfileChoices {
  std::optional<std::string> domain;
  std::optional<std::vector<std::string>> feature_flags;
  std::optional<std::vector<std::string>> roles;
  std::optional<std::string> signed_action;
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id_key;
  std::optional<std::string> read_action;
};

struct LensOpsProfile {
  std::string lens_id;
  std::string label;
  std::string domain;                      // the action list's domain: the lens id
  std::vector<std::string> feature_flags;  // the lens's flags, its actions' extra flags, then
                                           // its suggestions flag
  std::vector<std::string> roles;          // roles that may initiate any of its actions
  std::string probe_action;                // the monitor's READ probe
  std::string create_action;               // "" when none
  std::string signed_action;               // "" when the lens has no SIGNED action
  std::string entity_type;                 // what create_action makes
  std::string entity_id_key;               // the payload key naming such an entity
  std::string read_action;                 // a READ action taking entity_id_key (detail view)
  std::string idempotent_action;           // a MUTATE action with an idempotency_key, or ""
  int slo_p95_ms = 500;
};

// The profile of lens `lens_id` with `choices` laid over the defaults. invalid_request (a
// usage error) naming the unknown lens, action, flag or role, or an action of another lens
// or of the wrong variant.
//
// Defaults: signed_action is the lens's first SIGNED action; entity_id_key the first required
// uuid field of the signed action, else of the lens's first READ action that has one;
// read_action the lens's first READ action requiring entity_id_key, else its probe.
// `lens_option` names the option the lens came from in messages ("--lens").
Result<LensOpsProfile> ResolveLensOpsProfile(const Registry& registry, const std::string& lens_id,
                                             const ProfileChoices& choices = {},
                                             std::string_view lens_option = "--lens-id");

// What a profile file records (ops/lenses/L.json, as the generator writes it): its lens and
// the choices to resolve again, so that `celeste accept --profile` runs what was generated.
// null members keep the default. invalid_request naming `option` when it is not a profile.
struct ProfileFile {
  std::string lens_id;
  ProfileChoices choices;
};
Result<ProfileFile> ParseProfileFile(const boost::json::value& json, std::string_view option);

// The actions of lens `lens_id`, in registration order.
std::vector<const ActionDef*> LensActions(const Registry& registry, std::string_view lens_id);

}  // namespace celeste::ops

// Generated payloads: a valid payload for an action, made from its field schema, for the
// ops tools that must act without a person filling a form (stress's create scenario,
// acceptance's fresh entities and signed flows). Pure but for the id resolver it is given.
//
// Only required fields are filled (plus the overrides given):
//   string/text  "<tag> #<sequence>" (cut to the field's length), unique per sequence
//   integer/number  the smallest valid value at or above 1 (min, or just above an exclusive min)
//   boolean false; enum its first value; date today, datetime now; a later date field of the
//   same action gets a later day (issue, then expiry), one year apart
//   any field with a declared example (FieldDef::example): the example, where "@ACTION"
//   strings are replaced by the first id that READ action lists (through the resolver) and
//   "@today" / "@today+Nd" by that date; a required uuid or array field without an example
//   cannot be generated (invalid_request naming it)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "actions/action.h"
#include "core/clock.h"
#include "core/result.h"

namespace celeste::ops {

struct PayloadSeed {
  std::string tag = "celeste ops";  // starts every generated text
  uint64_t sequence = 0;            // makes texts unique
  Micros now = 0;                   // dates and datetimes are taken from it (UTC)
};

// The first id a READ action lists ("@list_parts" in an example), or an error saying why
// there is none. Called once per distinct action by GeneratePayload.
using IdResolver = std::function<Result<std::string>(std::string_view read_action)>;

// A payload for `action`: its required fields generated, then `overrides` laid over them.
Result<boost::json::object> GeneratePayload(const ActionDef& action, const PayloadSeed& seed,
                                            const IdResolver& resolve_id,
                                            const boost::json::object& overrides = {});

// The first "id" of an object inside an array of `result` (a READ action's result: its
// "items", "parts", ... list), depth first; nullopt when it lists nothing.
std::optional<std::string> FirstListedId(const boost::json::value& result);

// The first required uuid field of `action` ("fault_id"), or "" when it has none.
std::string FirstRequiredIdField(const ActionDef& action);

}  // namespace celeste::ops

// Payload validation against an action's declared fields (CONTRACT §2, step 7).
#pragma once

#include <boost/json/object.hpp>

#include "actions/action.h"
#include "core/status.h"

namespace celeste {

// Checks, in this order: every payload member is declared (unknown_field), every required
// field is present and not null (missing_field), every present field has its declared
// type and range (invalid_field). Errors name the field in details.field. Fields are
// visited in declaration order, so the first error is deterministic.
Status ValidatePayload(const ActionDef& action, const boost::json::object& payload);

// The longest string or text value the field accepts, in bytes (200 / 10,000 by default).
size_t MaxLength(const FieldDef& field);

// The field as the contract's /v1/actions/list describes it.
boost::json::object DescribeField(const FieldDef& field);

}  // namespace celeste

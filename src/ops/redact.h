// Redaction for everything Lens Ops writes down (health events, logs, transcripts): bearer
// tokens, anything shaped like a JWT, and the values of password, PIN, token and secret
// fields in JSON or form text become "[REDACTED]". Pure.
#pragma once

#include <string>
#include <string_view>

namespace celeste::ops {

inline constexpr std::string_view kRedacted = "[REDACTED]";

std::string RedactSecrets(std::string_view text);

}  // namespace celeste::ops

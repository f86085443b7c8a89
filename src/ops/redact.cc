#include "ops/redact.h"

#include <regex>

namespace celeste::ops {
namespace {

// Three base64url segments, the first two starting like a JSON object ("eyJ").
const std::regex kJwt(R"(eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)");
const std::regex kBearer(R"((Bearer|bearer|BEARER)\s+[^\s",]+)");
// "pin": "1234", "password":"x", access_token=..., "client_secret": 123: a key that is one
// of these words, or ends with "_" and one of them (so "shopping_list" is left alone). A
// value already redacted ("authorization: [REDACTED]" in a transcript) is left as it is.
const std::regex kSecretField(
    R"re((["']?)\b((?:[A-Za-z0-9]+_)*(?:password|passwd|pin|token|secret|cookie|authorization|api_key))\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|(?!\[REDACTED\])[^\s,&}"]+))re",
    std::regex::icase);

}  // namespace

std::string RedactSecrets(std::string_view text) {
  std::string out(text);
  out = std::regex_replace(out, kJwt, std::string(kRedacted));
  out = std::regex_replace(out, kBearer, "$1 " + std::string(kRedacted));
  out = std::regex_replace(out, kSecretField, "$1$2$1$3\"" + std::string(kRedacted) + "\"");
  return out;
}

}  // namespace celeste::ops

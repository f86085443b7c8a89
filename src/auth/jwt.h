// HS256 JSON Web Tokens (RFC 7519), compatible with tokens minted by any standard library
// (Supabase-style: sub = user id, aud = "authenticated").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace celeste {

struct JwtConfig {
  std::string secret;  // HMAC key; must be non-empty (an empty secret verifies nothing)
  std::string audience = "authenticated";
};

struct JwtClaims {
  std::string sub;                   // user id (required)
  int64_t exp = 0;                   // seconds since epoch (required; floor of a fraction)
  int64_t iat = 0;                   // seconds since epoch (0 = absent)
  std::optional<std::string> email;  // optional
};

// Verifies `token` against `config` at time `now`. Thread-safe; pure.
// - kInvalidToken: empty `config.secret`; longer than 8 KiB; not three base64url parts
//   (strict: no padding); header/claims not JSON objects; `alg` other than "HS256"
//   (including "none" and a missing `alg`); a `crit` header; bad signature; `aud` missing
//   or not matching (a string, or an array containing the audience); `sub` missing, empty
//   or not a string; `exp` missing or not a number (integer or fractional seconds); `iat`
//   or `nbf` present but not a number; `nbf` later than `now`.
// - kTokenExpired: an otherwise valid token whose `exp` <= now.
// The signature is checked before any claim is trusted. Any other claim (`role`, `iss`,
// metadata) is ignored: roles come from memberships, never from the token. Messages are
// fixed text: they never contain the token or the secret.
Result<JwtClaims> VerifyJwt(std::string_view token, const JwtConfig& config, Micros now);

// Mints an HS256 token with {"alg":"HS256","typ":"JWT"} and claims sub, email (when
// present), aud (`config.audience`), role "authenticated", iat (when non-zero), exp.
std::string MintJwt(const JwtClaims& claims, const JwtConfig& config);

}  // namespace celeste

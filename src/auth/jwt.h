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
  std::string secret;
  std::string audience = "authenticated";
};

struct JwtClaims {
  std::string sub;                   // user id (required)
  int64_t exp = 0;                   // seconds since epoch (required)
  int64_t iat = 0;                   // seconds since epoch (0 = absent)
  std::optional<std::string> email;  // optional
};

// Verifies `token` against `config` at time `now`:
// - kInvalidToken: not three base64url parts, header/claims not JSON objects, `alg` other
//   than "HS256" (including "none"), bad signature, `aud` missing or not matching (a
//   string or an array containing the audience), `sub` or `exp` missing or mistyped.
// - kTokenExpired: a valid token whose `exp` <= now.
// The signature is checked before any claim is trusted.
Result<JwtClaims> VerifyJwt(std::string_view token, const JwtConfig& config, Micros now);

// Mints an HS256 token with {"alg":"HS256","typ":"JWT"} and claims sub, exp, iat, aud,
// email (when present), role "authenticated".
std::string MintJwt(const JwtClaims& claims, const JwtConfig& config);

}  // namespace celeste

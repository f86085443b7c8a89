// Authenticator: bearer tokens → Principal, and email/password login.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/directory.h"
#include "auth/jwt.h"
#include "auth/principal.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/result.h"

namespace celeste {

struct LoginResult {
  std::string access_token;
  int64_t expires_in = 0;  // seconds
  Principal principal;
};

// A celeste access token for a user: sub, email, iat = now, exp = now + ttl.
std::string MintAccessToken(const JwtConfig& jwt, const std::string& user_id,
                            const std::string& email, int64_t ttl_seconds, Micros now);

class Authenticator {
 public:
  Authenticator(Directory& directory, Throttle& throttle, JwtConfig jwt, const Clock& clock,
                int64_t token_ttl_seconds = 12 * 3600)
      : directory_(directory),
        throttle_(throttle),
        jwt_(std::move(jwt)),
        clock_(clock),
        token_ttl_seconds_(token_ttl_seconds) {}

  // From an Authorization header value: missing_token (absent, or not "Bearer <token>"),
  // invalid_token / token_expired (see VerifyJwt), invalid_token for an unknown or
  // inactive user. The role always comes from the memberships, never from the token.
  //
  // A verified token's principal is kept for up to one second (never past the token's
  // exp), keyed by the exact token text: a busy client does not re-verify and re-load
  // on every request, and a changed membership still applies within a second.
  Result<Principal> Authenticate(std::optional<std::string_view> authorization);

  // invalid_credentials for a wrong email or password (indistinguishable, same timing);
  // rate_limited (with retry-after) after 5 failures for the email in 15 minutes.
  Result<LoginResult> Login(std::string_view email, std::string_view password);

  const JwtConfig& jwt_config() const { return jwt_; }

 private:
  Directory& directory_;
  Throttle& throttle_;
  const JwtConfig jwt_;
  const Clock& clock_;
  const int64_t token_ttl_seconds_;

  struct CachedPrincipal {
    Principal principal;
    Micros valid_until;
  };
  static constexpr Micros kCacheTtl = kMicrosPerSecond;
  static constexpr size_t kCacheLimit = 4096;
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedPrincipal> cache_;  // guarded by cache_mu_
};

}  // namespace celeste

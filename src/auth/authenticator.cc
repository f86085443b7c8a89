#include "auth/authenticator.h"

#include <algorithm>

#include "auth/password.h"

namespace celeste {
namespace {

Status InvalidCredentials() {
  return Status::Error(ErrorCode::kInvalidCredentials, "wrong email or password");
}

}  // namespace

Result<Principal> Authenticator::Authenticate(std::optional<std::string_view> authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization || authorization->size() <= kBearer.size()) {
    return Status::Error(ErrorCode::kMissingToken, "an Authorization: Bearer token is required");
  }
  std::string_view scheme = authorization->substr(0, kBearer.size());
  if (scheme != kBearer && scheme != "bearer ") {
    return Status::Error(ErrorCode::kMissingToken, "an Authorization: Bearer token is required");
  }
  const std::string_view token = authorization->substr(kBearer.size());
  const Micros now = clock_.Now();
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(std::string(token));
    if (it != cache_.end() && now < it->second.valid_until) return it->second.principal;
  }
  CELESTE_ASSIGN_OR_RETURN(JwtClaims claims, VerifyJwt(token, jwt_, now));
  CELESTE_ASSIGN_OR_RETURN(auto principal, directory_.LoadPrincipal(claims.sub));
  if (!principal) return Status::Error(ErrorCode::kInvalidToken, "unknown or inactive user");
  const Micros valid_until = std::min(now + kCacheTtl, claims.exp * kMicrosPerSecond);
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCacheLimit)
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.valid_until <= now; });
  if (cache_.size() < kCacheLimit) cache_[std::string(token)] = {*principal, valid_until};
  return std::move(*principal);
}

Result<LoginResult> Authenticator::Login(std::string_view email_in, std::string_view password) {
  const std::string email = NormalizeEmail(email_in);
  CELESTE_ASSIGN_OR_RETURN(auto locked, throttle_.LockedFor(AttemptKind::kLogin, email));
  if (locked) {
    return Status::Error(ErrorCode::kRateLimited, "too many failed logins; try again later")
        .WithRetryAfter(*locked);
  }
  CELESTE_ASSIGN_OR_RETURN(auto user, directory_.FindUserByEmail(email));
  bool ok = false;
  if (user && user->active) {
    ok = VerifySecret(user->password_hash, password);
  } else {
    VerifyDummySecret(password, SecretKind::kPassword);
  }
  if (!ok) {
    CELESTE_RETURN_IF_ERROR(throttle_.RecordFailure(AttemptKind::kLogin, email));
    return InvalidCredentials();
  }
  CELESTE_RETURN_IF_ERROR(throttle_.Clear(AttemptKind::kLogin, email));
  CELESTE_ASSIGN_OR_RETURN(auto principal, directory_.LoadPrincipal(user->id));
  if (!principal) return InvalidCredentials();
  LoginResult result;
  result.access_token =
      MintAccessToken(jwt_, user->id, user->email, token_ttl_seconds_, clock_.Now());
  result.expires_in = token_ttl_seconds_;
  result.principal = std::move(*principal);
  return result;
}

std::string MintAccessToken(const JwtConfig& jwt, const std::string& user_id,
                            const std::string& email, int64_t ttl_seconds, Micros now) {
  JwtClaims claims;
  claims.sub = user_id;
  claims.email = email;
  claims.iat = now / kMicrosPerSecond;
  claims.exp = claims.iat + ttl_seconds;
  return MintJwt(claims, jwt);
}

}  // namespace celeste

#include "auth/jwt.h"

#include <cmath>
#include <limits>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/hash.h"
#include "core/json.h"

namespace celeste {
namespace {

constexpr std::string_view kAlgorithm = "HS256";
constexpr size_t kHmacSha256Bytes = 32;
// Real tokens are well under 1 KiB; refusing big ones bounds the work a stranger can cause.
constexpr size_t kMaxJwtBytes = 8 * 1024;

// Error messages are fixed strings: they never echo the token, any of its parts or the
// secret, so they are safe to return to the client and to log.
Status Invalid(std::string message) {
  return Status::Error(ErrorCode::kInvalidToken, std::move(message));
}

// A NumericDate claim (RFC 7519 §2): a JSON number of seconds since the epoch, integer
// or not. `micros` saturates at the int64 range so comparisons with a Micros never
// overflow; `seconds` is the floor, clamped the same way.
struct NumericDate {
  int64_t seconds;
  Micros micros;
};

// floor(d), saturated to the int64 range. `d` must be finite.
int64_t FloorToInt64(double d) {
  // 2^63 is exactly representable as a double; anything at or beyond it saturates.
  constexpr double kLimit = 9223372036854775808.0;
  const double f = std::floor(d);
  if (f >= kLimit) return std::numeric_limits<int64_t>::max();
  if (f < -kLimit) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

std::optional<NumericDate> ReadNumericDate(const boost::json::value& v) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (v.is_int64()) {
    const int64_t s = v.get_int64();
    if (s > kMax / kMicrosPerSecond) return NumericDate{s, kMax};
    if (s < kMin / kMicrosPerSecond) return NumericDate{s, kMin};
    return NumericDate{s, s * kMicrosPerSecond};
  }
  if (v.is_uint64()) return NumericDate{kMax, kMax};  // Boost.JSON: only values above int64
  if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d)) return std::nullopt;
    return NumericDate{FloorToInt64(d), FloorToInt64(d * static_cast<double>(kMicrosPerSecond))};
  }
  return std::nullopt;
}

// Reads an optional NumericDate claim. False when present but not a finite number; true
// otherwise, with `out` set only when present.
bool ReadOptionalDate(const boost::json::object& obj, std::string_view key,
                      std::optional<NumericDate>& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  out = ReadNumericDate(it->value());
  return out.has_value();
}

bool AudienceMatches(const boost::json::value& aud, std::string_view audience) {
  if (aud.is_string()) return aud.get_string() == audience;
  if (!aud.is_array()) return false;
  for (const auto& item : aud.get_array()) {
    if (item.is_string() && item.get_string() == audience) return true;
  }
  return false;
}

// Decodes one base64url part into a JSON object.
std::optional<boost::json::object> DecodeJsonPart(std::string_view part) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  auto json = ParseJson(*bytes);
  if (!json || !json->is_object()) return std::nullopt;
  return std::move(json->get_object());
}

std::string Sign(std::string_view signing_input, std::string_view secret) {
  return Base64UrlEncode(HmacSha256(secret, signing_input));
}

}  // namespace

Result<JwtClaims> VerifyJwt(std::string_view token, const JwtConfig& config, Micros now) {
  if (config.secret.empty()) return Invalid("token verification has no secret configured");
  if (token.size() > kMaxJwtBytes) return Invalid("token is too long");

  // header '.' payload '.' signature, exactly.
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Invalid("token is not a JWT (expected three dot-separated parts)");
  }
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);

  // The header only tells us which algorithm the token claims; we accept exactly one.
  auto header = DecodeJsonPart(header_part);
  if (!header) return Invalid("token header is not a base64url-encoded JSON object");
  if (GetString(*header, "alg") != kAlgorithm) return Invalid("token algorithm must be HS256");
  // RFC 7515 §4.1.11: a recipient must reject extensions it does not understand.
  if (header->contains("crit")) return Invalid("token uses unsupported critical extensions");

  // Signature before any claim is looked at. The decoder is strict (no padding, canonical
  // trailing bits), so one MAC has exactly one accepted encoding.
  auto signature = Base64UrlDecode(signature_part);
  if (!signature || signature->size() != kHmacSha256Bytes) {
    return Invalid("token signature is malformed");
  }
  const std::string_view signing_input = token.substr(0, dot2);
  if (!ConstantTimeEquals(*signature, HmacSha256(config.secret, signing_input))) {
    return Invalid("token signature does not match");
  }

  auto payload = DecodeJsonPart(payload_part);
  if (!payload) return Invalid("token claims are not a base64url-encoded JSON object");

  auto aud = payload->find("aud");
  if (aud == payload->end() || !AudienceMatches(aud->value(), config.audience)) {
    return Invalid("token audience does not match");
  }

  JwtClaims claims;
  auto sub = GetString(*payload, "sub");
  if (!sub || sub->empty()) return Invalid("token has no subject ('sub')");
  claims.sub = std::move(*sub);

  auto exp_it = payload->find("exp");
  if (exp_it == payload->end()) return Invalid("token has no expiry ('exp')");
  auto exp = ReadNumericDate(exp_it->value());
  if (!exp) return Invalid("token expiry ('exp') is not a number");
  claims.exp = exp->seconds;

  std::optional<NumericDate> iat;
  if (!ReadOptionalDate(*payload, "iat", iat)) {
    return Invalid("token issue time ('iat') is not a number");
  }
  if (iat) claims.iat = iat->seconds;

  std::optional<NumericDate> nbf;
  if (!ReadOptionalDate(*payload, "nbf", nbf)) {
    return Invalid("token start time ('nbf') is not a number");
  }
  if (nbf && now < nbf->micros) return Invalid("token is not valid yet ('nbf' is in the future)");

  claims.email = GetString(*payload, "email");

  if (exp->micros <= now) return Status::Error(ErrorCode::kTokenExpired, "token has expired");
  return claims;
}

std::string MintJwt(const JwtClaims& claims, const JwtConfig& config) {
  static const std::string kHeader = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  boost::json::object payload;
  payload["sub"] = claims.sub;
  if (claims.email) payload["email"] = *claims.email;
  payload["aud"] = config.audience;
  payload["role"] = "authenticated";
  if (claims.iat != 0) payload["iat"] = claims.iat;
  payload["exp"] = claims.exp;

  std::string token = kHeader;
  token.push_back('.');
  token += Base64UrlEncode(boost::json::serialize(payload));
  const std::string signature = Sign(token, config.secret);
  token.push_back('.');
  token += signature;
  return token;
}

}  // namespace celeste

// Hashing and encoding primitives (libsodium underneath).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace celeste {

// Must run once before any other celeste call (initialises libsodium). Idempotent.
void InitCrypto();

std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// Base64url without padding (JWT's encoding), and its strict decoder.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
// `bytes` random bytes from the system CSPRNG, hex-encoded.
std::string RandomHex(size_t bytes);
// Constant-time equality for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace celeste

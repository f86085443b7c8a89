// Password and PIN hashing with libsodium's Argon2id (memory-hard).
//
// Hashes are libsodium's self-describing strings ("$argon2id$v=19$m=...,t=...,p=1$...$..."),
// so parameters can change later without breaking stored hashes. Parameters are documented
// in docs/security.md. PINs use lighter parameters than passwords so a signed action
// stays fast under load; the per-signer lockout is what protects a 4-8 digit PIN.
#pragma once

#include <string>
#include <string_view>

namespace celeste {

enum class SecretKind { kPassword, kPin };

// All functions are thread-safe; the hashing ones need InitCrypto() to have run.

// Hashes a secret with a fresh random salt, returning a "$argon2id$..." string (at most
// 127 bytes). Does not validate the secret (see IsValidPin / IsValidPassword). Aborts only
// if memory cannot be allocated.
std::string HashSecret(std::string_view secret, SecretKind kind);
// True when `secret` matches `encoded`, whichever parameters `encoded` names. Constant-time
// in the secret. False for a malformed hash, including any non-Argon2id hash.
bool VerifySecret(std::string_view encoded, std::string_view secret);
// Burns the time VerifySecret of that kind takes: used when the email is unknown (or the
// signer has no PIN) so timing does not reveal which accounts exist.
void VerifyDummySecret(std::string_view secret, SecretKind kind);

// PINs are 4 to 8 ASCII digits.
bool IsValidPin(std::string_view pin);
// Passwords: 8 to 256 bytes.
bool IsValidPassword(std::string_view password);

}  // namespace celeste

#include "auth/password.h"

#include <cstdlib>
#include <string>

#include <sodium.h>

namespace celeste {
namespace {

struct Argon2Params {
  unsigned long long opslimit;
  size_t memlimit;
};

// OWASP's recommended Argon2id setting (t=2, m=19 MiB, p=1): ~22 ms per verify here.
constexpr Argon2Params kPasswordParams{2, 19u * 1024 * 1024};
// Lighter for PINs (~8 ms per verify here) so a signed action stays fast under load;
// the 5-wrong-PINs lockout, not the hash cost, is what protects a 4-8 digit PIN.
constexpr Argon2Params kPinParams{2, 8u * 1024 * 1024};

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

Argon2Params ParamsFor(SecretKind kind) {
  return kind == SecretKind::kPin ? kPinParams : kPasswordParams;
}

}  // namespace

std::string HashSecret(std::string_view secret, SecretKind kind) {
  const Argon2Params params = ParamsFor(kind);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, secret.data(), secret.size(), params.opslimit, params.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::abort();  // only fails when the memory cannot be allocated
  }
  return std::string(out);
}

bool VerifySecret(std::string_view encoded, std::string_view secret) {
  // We only ever write Argon2id hashes; anything else (including an argon2i string, an empty
  // column or a truncated value) is refused before libsodium parses it. libsodium wants a
  // NUL-terminated string no longer than crypto_pwhash_STRBYTES - 1.
  if (!encoded.starts_with(kArgon2idPrefix) || encoded.size() >= crypto_pwhash_STRBYTES ||
      encoded.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string hash(encoded);
  return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

void VerifyDummySecret(std::string_view secret, SecretKind kind) {
  // Made once per kind, on first use, with that kind's parameters, so a check against an
  // unknown email (or a signer without a PIN) costs what a real one does. The plaintext
  // needs no secrecy.
  static const std::string kDummyPassword =
      HashSecret("celeste-dummy-password-for-timing", SecretKind::kPassword);
  static const std::string kDummyPin = HashSecret("00000000", SecretKind::kPin);
  (void)VerifySecret(kind == SecretKind::kPassword ? kDummyPassword : kDummyPin, secret);
}

bool IsValidPin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 8) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsValidPassword(std::string_view password) {
  return password.size() >= 8 && password.size() <= 256;
}

}  // namespace celeste

// SHA-256 over bytes that arrive in pieces (a streamed upload), so that the digest is known
// the moment the last byte is written, without reading the file again.
#pragma once

#include <string>
#include <string_view>

#include <sodium.h>

namespace celeste::documents {

class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  // The digest of everything updated so far, as 64 lower-case hex digits. Call once.
  std::string FinishHex();

 private:
  crypto_hash_sha256_state state_;
};

}  // namespace celeste::documents

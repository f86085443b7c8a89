#include "documents/sha256_stream.h"

#include "core/hash.h"

namespace celeste::documents {

Sha256Stream::Sha256Stream() { crypto_hash_sha256_init(&state_); }

void Sha256Stream::Update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256Stream::FinishHex() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, out);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace celeste::documents

// Unleash-compatible sticky bucketing: which yachts a canary percentage turns a flag on for.
#pragma once

#include <cstdint>
#include <string_view>

namespace celeste {

// MurmurHash3 x86 32-bit over the bytes of `key`.
uint32_t Murmur3Hash32(std::string_view key, uint32_t seed = 0);

// Unleash's normalizedValue(id, groupId): murmur3("groupId:id") % 100 + 1, in 1..100.
int NormalizedValue(std::string_view id, std::string_view group_id);

// A yacht's bucket for a flag: NormalizedValue(yacht_id, flag_name). The flag is on for
// the yacht when bucket <= canary_percentage (so 0 % is nobody and 100 % is everybody).
inline int FlagBucket(std::string_view flag_name, std::string_view yacht_id) {
  return NormalizedValue(yacht_id, flag_name);
}

}  // namespace celeste

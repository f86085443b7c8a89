// UUIDs: version 7 (time-ordered, index-friendly) for every id celeste creates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace celeste {

// A new UUIDv7 in canonical lower-case form, e.g. "0192f3a4-7b1c-7def-8a12-3456789abcde".
// Thread-safe. Ids made by one process are strictly increasing in string order.
std::string NewUuidV7();
// The UUIDv7 layout for a given Unix time in milliseconds (random low bits).
std::string NewUuidV7At(int64_t unix_ms);

// A random UUIDv4: an id no celeste process makes, so no yacht has an entity with it (the
// ops tools' and tests' "foreign id").
std::string NewRandomUuidV4();

// True for the canonical 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view text);
// Lower-cases a valid UUID; returns the input unchanged otherwise.
std::string NormalizeUuid(std::string_view text);

// The nil UUID names the fleet-wide audit chain (changes that belong to no yacht).
inline constexpr std::string_view kFleetId = "00000000-0000-0000-0000-000000000000";

}  // namespace celeste

// Text conversions between celeste's Values/Rows and PostgreSQL's text format.
//
// The PostgreSQL store sends every parameter and reads every cell as text, like the SQLite
// store, so the rest of the server sees the same strings on both backends. Two types need
// help (the sessions run with TimeZone = UTC and DateStyle = ISO):
//   timestamptz  PostgreSQL prints "2026-11-22 03:51:38.3+00"; celeste's times are RFC 3339
//                with microseconds, "2026-11-22T03:51:38.300000Z" (core/clock.h), and the
//                audit chain hashes that exact text, so cells are converted back.
//   boolean      sent as "t"/"f"; read back as "t"/"f", which Row::Bool understands.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/value.h"

namespace celeste {

// "2026-11-22 03:51:38.3+00" -> "2026-11-22T03:51:38.300000Z". Text in any other shape
// (another time zone, years past 9999, BC, infinity) is returned unchanged.
std::string TimestamptzToRfc3339(std::string_view text);

// The text PostgreSQL parses back to `value`; nullopt for NULL. Doubles use the shortest
// text that round-trips; booleans are "t"/"f".
std::optional<std::string> ParamText(const Value& value);

}  // namespace celeste

// JSON helpers over Boost.JSON: canonical form, and typed reads of optional members.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace celeste {

// Canonical JSON: object keys sorted bytewise, no whitespace, numbers as Boost.JSON
// prints them. Used for hashes (payload_sha256, the audit chain), so it must never change.
std::string CanonicalJson(const boost::json::value& value);

// Parses text as JSON; nullopt when malformed.
std::optional<boost::json::value> ParseJson(std::string_view text);

// Member access that tolerates absence and wrong types.
std::optional<std::string> GetString(const boost::json::object& obj, std::string_view key);
std::optional<int64_t> GetInt(const boost::json::object& obj, std::string_view key);
std::optional<double> GetNumber(const boost::json::object& obj, std::string_view key);
std::optional<bool> GetBool(const boost::json::object& obj, std::string_view key);

// Serialises any JSON value (compact).
std::string ToJson(const boost::json::value& value);

}  // namespace celeste

// How lenses write database values into JSON results: absent values are null,
// quantities are numbers (whole quantities print as integers: 2, not 2E0).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace celeste {

inline boost::json::value TextOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

inline boost::json::value NumberValue(double value) {
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  if (std::trunc(value) == value && std::fabs(value) <= kMaxExactInteger) {
    return boost::json::value(static_cast<int64_t>(value));
  }
  return boost::json::value(value);
}

inline boost::json::value NumberOrNull(const std::optional<double>& value) {
  if (!value) return nullptr;
  return NumberValue(*value);
}

}  // namespace celeste

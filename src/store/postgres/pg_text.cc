#include "store/postgres/pg_text.h"

#include <charconv>
#include <cmath>
#include <variant>

namespace celeste {
namespace {

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string TimestamptzToRfc3339(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS[.f{1,6}]+00
  if (text.size() < 22 || text[10] != ' ' || !text.ends_with("+00")) return std::string(text);
  const std::string_view date = text.substr(0, 10);
  const std::string_view time = text.substr(11, 8);
  std::string_view fraction = text.substr(19, text.size() - 19 - 3);
  if (!Digits(date.substr(0, 4)) || date[4] != '-' || date[7] != '-' || time[2] != ':' ||
      time[5] != ':') {
    return std::string(text);
  }
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() > 7 || !Digits(fraction.substr(1))) {
      return std::string(text);
    }
    fraction.remove_prefix(1);
  }
  std::string out;
  out.reserve(27);
  out.append(date).push_back('T');
  out.append(time).push_back('.');
  out.append(fraction).append(6 - fraction.size(), '0').push_back('Z');
  return out;
}

std::optional<std::string> ParamText(const Value& value) {
  const Value::Variant& v = value.variant();
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return std::string("NaN");
    if (std::isinf(*d)) return std::string(*d > 0 ? "Infinity" : "-Infinity");
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "t" : "f");
  return std::nullopt;
}

}  // namespace celeste

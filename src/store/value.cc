#include "store/value.h"

#include <charconv>
#include <cstdlib>

namespace celeste {
namespace {
const std::string kEmpty;
}

const std::string& Row::Text(size_t col) const {
  const auto& cell = cells_.at(col);
  return cell ? *cell : kEmpty;
}

int64_t Row::Int(size_t col) const {
  const std::string& t = Text(col);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) {
    return static_cast<int64_t>(std::strtod(t.c_str(), nullptr));  // "3.0" from a REAL column
  }
  return v;
}

double Row::Real(size_t col) const { return std::strtod(Text(col).c_str(), nullptr); }

std::optional<double> Row::OptReal(size_t col) const {
  if (IsNull(col)) return std::nullopt;
  return Real(col);
}

bool Row::Bool(size_t col) const {
  const std::string& t = Text(col);
  return t == "1" || t == "t" || t == "true";
}

}  // namespace celeste

// Values bound to SQL parameters and read back from rows.
//
// Every backend reads cells as text, so a Row is a vector of optional strings with typed
// accessors. Times are RFC 3339 text (core/clock.h) on every backend; booleans read back
// from "1"/"0" (SQLite) or "t"/"f" (PostgreSQL) alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace celeste {

class Value {
 public:
  using Variant = std::variant<std::nullptr_t, int64_t, double, bool, std::string>;

  Value() : v_(nullptr) {}
  Value(std::nullptr_t) : v_(nullptr) {}             // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}      // NOLINT
  Value(int64_t v) : v_(v) {}                        // NOLINT
  Value(double v) : v_(v) {}                         // NOLINT
  Value(bool v) : v_(v) {}                           // NOLINT
  Value(std::string v) : v_(std::move(v)) {}         // NOLINT
  Value(std::string_view v) : v_(std::string(v)) {}  // NOLINT
  Value(const char* v) : v_(std::string(v)) {}       // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) : v_(nullptr) {  // NOLINT
    if (v) *this = Value(*v);
  }

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  const Variant& variant() const { return v_; }

 private:
  Variant v_;
};

using Params = std::vector<Value>;

class Row {
 public:
  Row() = default;
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}

  size_t size() const { return cells_.size(); }
  bool IsNull(size_t col) const { return !cells_.at(col).has_value(); }
  // "" for NULL.
  const std::string& Text(size_t col) const;
  std::optional<std::string> OptText(size_t col) const { return cells_.at(col); }
  // 0 for NULL or non-numeric text.
  int64_t Int(size_t col) const;
  double Real(size_t col) const;
  std::optional<double> OptReal(size_t col) const;
  // True for "1", "t", "true".
  bool Bool(size_t col) const;

 private:
  std::vector<std::optional<std::string>> cells_;
};

using Rows = std::vector<Row>;

// Each row made into a T by `from_row` (a Result<T>(const Row&)); the first error stops it.
template <typename T, typename FromRow>
Result<std::vector<T>> FromRows(const Rows& rows, FromRow&& from_row) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    Result<T> item = from_row(row);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
  return out;
}

}  // namespace celeste

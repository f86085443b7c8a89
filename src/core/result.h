// Result<T>: a value or an error Status (never an OK Status).
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/status.h"

namespace celeste {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status TakeStatus() && { return ok() ? Status() : std::move(std::get<Status>(v_)); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

#define CELESTE_CONCAT_INNER_(a, b) a##b
#define CELESTE_CONCAT_(a, b) CELESTE_CONCAT_INNER_(a, b)

// `CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(...));` — declares `rows` from a
// Result, or returns its error Status from the enclosing function.
#define CELESTE_ASSIGN_OR_RETURN(lhs, expr) \
  CELESTE_ASSIGN_OR_RETURN_IMPL_(CELESTE_CONCAT_(celeste_result_, __LINE__), lhs, expr)
#define CELESTE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).TakeStatus();   \
  lhs = std::move(tmp).value()

}  // namespace celeste

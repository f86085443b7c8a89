// Status: the error value that travels through celeste's core.
//
// A Status is either OK (no allocation) or an error carrying a stable ErrorCode
// (the contract's `error_code`), a human-readable message and optional JSON details
// (e.g. {"field": "quantity_requested"}). The HTTP layer turns an error Status into
// the error envelope in exactly one place (api/error_envelope.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace celeste {

// One value per row of CONTRACT §2. Order is irrelevant; names are the contract.
enum class ErrorCode {
  kOk,
  kInvalidRequest,
  kMissingField,
  kInvalidField,
  kUnknownField,
  kSignatureRequired,
  kInvalidSignature,
  kInvalidStateTransition,
  kBusinessRuleViolation,
  kMissingToken,
  kInvalidToken,
  kTokenExpired,
  kInvalidCredentials,
  kYachtAccessDenied,
  kForbiddenRole,
  kInvalidSignerRole,
  kUnknownAction,
  kNotFound,
  kRouteNotFound,
  kMethodNotAllowed,
  kDuplicate,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kRateLimited,
  kSignerLocked,
  kFeatureDisabled,
  kInternal,
};

// The contract's snake_case name, e.g. "invalid_field".
std::string_view ErrorCodeName(ErrorCode code);
// The HTTP status the contract assigns to the code (200 for kOk).
int HttpStatusOf(ErrorCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status Error(ErrorCode code, std::string message, boost::json::object details = {});

  // Shorthands for the common cases.
  static Status InvalidRequest(std::string message);
  static Status MissingField(std::string_view field);
  static Status InvalidField(std::string_view field, std::string message);
  static Status NotFound(std::string message);
  static Status InvalidTransition(std::string_view from, std::string_view action);
  static Status RuleViolation(std::string_view rule, std::string message);
  // forbidden_role with details.role: the caller's role, which may not do this.
  static Status Forbidden(std::string_view role, std::string message);
  static Status Internal(std::string message);

  bool ok() const { return rep_ == nullptr; }
  ErrorCode code() const { return rep_ ? rep_->code : ErrorCode::kOk; }
  const std::string& message() const;
  const boost::json::object& details() const;
  // Seconds a client should wait (429 only); 0 when not set.
  int retry_after_seconds() const { return rep_ ? rep_->retry_after_seconds : 0; }

  Status&& WithRetryAfter(int seconds) &&;
  Status&& WithDetail(std::string_view key, boost::json::value value) &&;
  // Text details (ids, field names), from any string type.
  Status&& WithDetail(std::string_view key, std::string_view text) && {
    return std::move(*this).WithDetail(
        key, boost::json::value(boost::json::string_view(text.data(), text.size())));
  }
  Status&& WithDetail(std::string_view key, const char* text) && {
    return std::move(*this).WithDetail(key, std::string_view(text));
  }

  // "invalid_field: quantity must be > 0" (for logs and CLI output).
  std::string ToString() const;

 private:
  struct Rep {
    ErrorCode code;
    std::string message;
    boost::json::object details;
    int retry_after_seconds = 0;
  };
  std::unique_ptr<Rep> rep_;
};

// Returns early from the enclosing function when `expr` yields an error Status.
#define CELESTE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::celeste::Status celeste_status_ = (expr);        \
    if (!celeste_status_.ok()) return celeste_status_; \
  } while (0)

}  // namespace celeste

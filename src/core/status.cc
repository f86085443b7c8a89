#include "core/status.h"

#include <array>
#include <utility>

#include <boost/json/serialize.hpp>

namespace celeste {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int http_status;
};

constexpr std::array kCodes = {
    CodeInfo{ErrorCode::kOk, "ok", 200},
    CodeInfo{ErrorCode::kInvalidRequest, "invalid_request", 400},
    CodeInfo{ErrorCode::kMissingField, "missing_field", 400},
    CodeInfo{ErrorCode::kInvalidField, "invalid_field", 400},
    CodeInfo{ErrorCode::kUnknownField, "unknown_field", 400},
    CodeInfo{ErrorCode::kSignatureRequired, "signature_required", 400},
    CodeInfo{ErrorCode::kInvalidSignature, "invalid_signature", 400},
    CodeInfo{ErrorCode::kInvalidStateTransition, "invalid_state_transition", 400},
    CodeInfo{ErrorCode::kBusinessRuleViolation, "business_rule_violation", 400},
    CodeInfo{ErrorCode::kMissingToken, "missing_token", 401},
    CodeInfo{ErrorCode::kInvalidToken, "invalid_token", 401},
    CodeInfo{ErrorCode::kTokenExpired, "token_expired", 401},
    CodeInfo{ErrorCode::kInvalidCredentials, "invalid_credentials", 401},
    CodeInfo{ErrorCode::kYachtAccessDenied, "yacht_access_denied", 403},
    CodeInfo{ErrorCode::kForbiddenRole, "forbidden_role", 403},
    CodeInfo{ErrorCode::kInvalidSignerRole, "invalid_signer_role", 403},
    CodeInfo{ErrorCode::kUnknownAction, "unknown_action", 404},
    CodeInfo{ErrorCode::kNotFound, "not_found", 404},
    CodeInfo{ErrorCode::kRouteNotFound, "route_not_found", 404},
    CodeInfo{ErrorCode::kMethodNotAllowed, "method_not_allowed", 405},
    CodeInfo{ErrorCode::kDuplicate, "duplicate", 409},
    CodeInfo{ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
    CodeInfo{ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415},
    CodeInfo{ErrorCode::kRateLimited, "rate_limited", 429},
    CodeInfo{ErrorCode::kSignerLocked, "signer_locked", 429},
    CodeInfo{ErrorCode::kFeatureDisabled, "feature_disabled", 503},
    CodeInfo{ErrorCode::kInternal, "internal_error", 500},
};

const CodeInfo& InfoOf(ErrorCode code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes.back();  // kInternal: unreachable for a valid enum value
}

const std::string kEmpty;
const boost::json::object kNoDetails;

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return InfoOf(code).name; }
int HttpStatusOf(ErrorCode code) { return InfoOf(code).http_status; }

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

Status Status::Error(ErrorCode code, std::string message, boost::json::object details) {
  Status s;
  s.rep_ = std::make_unique<Rep>(Rep{code, std::move(message), std::move(details)});
  return s;
}

Status Status::InvalidRequest(std::string message) {
  return Error(ErrorCode::kInvalidRequest, std::move(message));
}
Status Status::MissingField(std::string_view field) {
  return Error(ErrorCode::kMissingField, "missing required field '" + std::string(field) + "'",
               {{"field", field}});
}
Status Status::InvalidField(std::string_view field, std::string message) {
  return Error(ErrorCode::kInvalidField, std::move(message), {{"field", field}});
}
Status Status::NotFound(std::string message) {
  return Error(ErrorCode::kNotFound, std::move(message));
}
Status Status::InvalidTransition(std::string_view from, std::string_view action) {
  return Error(ErrorCode::kInvalidStateTransition,
               "cannot " + std::string(action) + " from state '" + std::string(from) + "'",
               {{"current_state", from}});
}
Status Status::RuleViolation(std::string_view rule, std::string message) {
  return Error(ErrorCode::kBusinessRuleViolation, std::move(message), {{"rule", rule}});
}
Status Status::Forbidden(std::string_view role, std::string message) {
  return Error(ErrorCode::kForbiddenRole, std::move(message), {{"role", role}});
}
Status Status::Internal(std::string message) {
  return Error(ErrorCode::kInternal, std::move(message));
}

const std::string& Status::message() const { return rep_ ? rep_->message : kEmpty; }
const boost::json::object& Status::details() const { return rep_ ? rep_->details : kNoDetails; }

Status&& Status::WithRetryAfter(int seconds) && {
  if (rep_) rep_->retry_after_seconds = seconds;
  return std::move(*this);
}

Status&& Status::WithDetail(std::string_view key, boost::json::value value) && {
  if (rep_) rep_->details[key] = std::move(value);
  return std::move(*this);
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(ErrorCodeName(code()));
  out += ": ";
  out += message();
  if (!details().empty()) {
    out += " ";
    out += boost::json::serialize(details());
  }
  return out;
}

}  // namespace celeste

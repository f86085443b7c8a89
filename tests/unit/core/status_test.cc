#include "core/status.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/result.h"

namespace celeste {
namespace {

// CONTRACT.md §2, row by row. Every ErrorCode must appear here exactly once.
struct CodeCase {
  ErrorCode code;
  const char* name;
  int http_status;
};
constexpr CodeCase kContractTable[] = {
    {ErrorCode::kOk, "ok", 200},
    {ErrorCode::kInvalidRequest, "invalid_request", 400},
    {ErrorCode::kMissingField, "missing_field", 400},
    {ErrorCode::kInvalidField, "invalid_field", 400},
    {ErrorCode::kUnknownField, "unknown_field", 400},
    {ErrorCode::kSignatureRequired, "signature_required", 400},
    {ErrorCode::kInvalidSignature, "invalid_signature", 400},
    {ErrorCode::kInvalidStateTransition, "invalid_state_transition", 400},
    {ErrorCode::kBusinessRuleViolation, "business_rule_violation", 400},
    {ErrorCode::kMissingToken, "missing_token", 401},
    {ErrorCode::kInvalidToken, "invalid_token", 401},
    {ErrorCode::kTokenExpired, "token_expired", 401},
    {ErrorCode::kInvalidCredentials, "invalid_credentials", 401},
    {ErrorCode::kYachtAccessDenied, "yacht_access_denied", 403},
    {ErrorCode::kForbiddenRole, "forbidden_role", 403},
    {ErrorCode::kInvalidSignerRole, "invalid_signer_role", 403},
    {ErrorCode::kUnknownAction, "unknown_action", 404},
    {ErrorCode::kNotFound, "not_found", 404},
    {ErrorCode::kRouteNotFound, "route_not_found", 404},
    {ErrorCode::kMethodNotAllowed, "method_not_allowed", 405},
    {ErrorCode::kDuplicate, "duplicate", 409},
    {ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
    {ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415},
    {ErrorCode::kRateLimited, "rate_limited", 429},
    {ErrorCode::kSignerLocked, "signer_locked", 429},
    {ErrorCode::kFeatureDisabled, "feature_disabled", 503},
    {ErrorCode::kInternal, "internal_error", 500},
};

TEST(StatusTest, EveryCodeHasTheContractNameAndHttpStatus) {
  std::set<int> codes;
  std::set<std::string_view> names;
  for (const auto& c : kContractTable) {
    EXPECT_EQ(ErrorCodeName(c.code), c.name) << "code " << c.name;
    EXPECT_EQ(HttpStatusOf(c.code), c.http_status) << "code " << c.name;
    codes.insert(static_cast<int>(c.code));
    names.insert(ErrorCodeName(c.code));
  }
  // The table covers the enum without gaps (kOk is first, kInternal last) and names are
  // distinct.
  EXPECT_EQ(codes.size(), std::size(kContractTable));
  EXPECT_EQ(*codes.begin(), static_cast<int>(ErrorCode::kOk));
  EXPECT_EQ(*codes.rbegin(), static_cast<int>(ErrorCode::kInternal));
  EXPECT_EQ(static_cast<size_t>(*codes.rbegin() + 1), std::size(kContractTable));
  EXPECT_EQ(names.size(), std::size(kContractTable));
}

TEST(StatusTest, OkCarriesNothing) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), ErrorCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_TRUE(ok.details().empty());
  EXPECT_EQ(ok.retry_after_seconds(), 0);
  EXPECT_EQ(ok.ToString(), "ok");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, ShorthandsSetCodeMessageAndDetails) {
  struct Case {
    const char* name;
    Status status;
    ErrorCode code;
    const char* to_string;
  };
  const Case kCases[] = {
      {"InvalidRequest", Status::InvalidRequest("bad body"), ErrorCode::kInvalidRequest,
       "invalid_request: bad body"},
      {"MissingField", Status::MissingField("part_name"), ErrorCode::kMissingField,
       R"(missing_field: missing required field 'part_name' {"field":"part_name"})"},
      {"InvalidField", Status::InvalidField("quantity", "must be > 0"), ErrorCode::kInvalidField,
       R"(invalid_field: must be > 0 {"field":"quantity"})"},
      {"NotFound", Status::NotFound("no such item"), ErrorCode::kNotFound,
       "not_found: no such item"},
      {"InvalidTransition", Status::InvalidTransition("rejected", "approve"),
       ErrorCode::kInvalidStateTransition,
       "invalid_state_transition: cannot approve from state 'rejected' "
       R"({"current_state":"rejected"})"},
      {"RuleViolation", Status::RuleViolation("not_candidate", "already a part"),
       ErrorCode::kBusinessRuleViolation,
       R"(business_rule_violation: already a part {"rule":"not_candidate"})"},
      {"Forbidden", Status::Forbidden("crew", "crew may not approve"), ErrorCode::kForbiddenRole,
       R"(forbidden_role: crew may not approve {"role":"crew"})"},
      {"Internal", Status::Internal("boom"), ErrorCode::kInternal, "internal_error: boom"},
  };
  for (const auto& c : kCases) {
    EXPECT_FALSE(c.status.ok()) << "case " << c.name;
    EXPECT_EQ(c.status.code(), c.code) << "case " << c.name;
    EXPECT_EQ(c.status.ToString(), c.to_string) << "case " << c.name;
  }
}

TEST(StatusTest, CopyIsDeepAndBuildersChain) {
  Status locked = Status::Error(ErrorCode::kSignerLocked, "signer locked")
                      .WithRetryAfter(900)
                      .WithDetail("signer_id", "u1");
  EXPECT_EQ(locked.retry_after_seconds(), 900);
  EXPECT_EQ(locked.details().at("signer_id").as_string(), "u1");

  Status copy = locked;
  copy = std::move(copy).WithDetail("extra", 1);
  EXPECT_TRUE(copy.details().contains("extra"));
  EXPECT_FALSE(locked.details().contains("extra")) << "copies must not share state";
  EXPECT_EQ(copy.code(), ErrorCode::kSignerLocked);

  Status assigned;
  assigned = locked;
  EXPECT_EQ(assigned.ToString(), locked.ToString());
  assigned = Status::OK();
  EXPECT_TRUE(assigned.ok());
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidField("n", "must be even");
  return n / 2;
}

Status Quarter(int n, int& out) {
  CELESTE_ASSIGN_OR_RETURN(int half, Half(n));
  CELESTE_ASSIGN_OR_RETURN(out, Half(half));
  return Status::OK();
}

TEST(ResultTest, ValueOrErrorAndMacros) {
  struct Case {
    int n;
    bool ok;
    int quarter;
  };
  const Case kCases[] = {{8, true, 2}, {6, false, 0}, {3, false, 0}, {0, true, 0}};
  for (const auto& c : kCases) {
    int out = -1;
    Status s = Quarter(c.n, out);
    EXPECT_EQ(s.ok(), c.ok) << "n=" << c.n;
    if (c.ok) {
      EXPECT_EQ(out, c.quarter) << "n=" << c.n;
    } else {
      EXPECT_EQ(s.code(), ErrorCode::kInvalidField) << "n=" << c.n;
    }
  }
  Result<int> r = Half(4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2);
  EXPECT_TRUE(r.status().ok());
  Result<int> e = Half(5);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "must be even");
}

}  // namespace
}  // namespace celeste

// The certificates lens's actions (docs/lenses/certificates.md). Each runs inside the
// action's transaction; errors are the lens's answers. Statuses are computed on the day of
// the request (ActionContext::now, UTC) under the yacht's warning window.
#pragma once

#include "actions/action.h"

namespace celeste::certificates {

// certificate_type, number, issuing_authority, issue_date, expiry_date; scope (vessel),
// holder_user_id (crew certificates: an active member of the yacht). 201.
Result<ActionOutcome> AddCertificate(const ActionContext& ctx, Tx& tx);
// certificate_id: the certificate, its documents and its renewal links.
Result<ActionOutcome> ViewCertificateDetail(const ActionContext& ctx, Tx& tx);
// status, expiring_within_days, limit, cursor: soonest expiry first.
Result<ActionOutcome> ListCertificatesAction(const ActionContext& ctx, Tx& tx);
// SIGNED: certificate_id, new_number, new_issue_date, new_expiry_date (later than the old
// one's). 201 with the new certificate; the old one is superseded, both linked.
Result<ActionOutcome> RenewCertificate(const ActionContext& ctx, Tx& tx);
// warning_days: the yacht's warning window.
Result<ActionOutcome> SetWarningDaysAction(const ActionContext& ctx, Tx& tx);

// The rule names of business_rule_violation answers.
inline constexpr std::string_view kRuleExpiryNotAfterIssue = "expiry_not_after_issue";
inline constexpr std::string_view kRuleRenewalExpiryNotLater = "renewal_expiry_not_later";
inline constexpr std::string_view kRuleHolderNotMember = "holder_not_member";

}  // namespace celeste::certificates

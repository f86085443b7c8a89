#include "lenses/certificates/certificate_actions.h"

#include <utility>

#include <fmt/format.h>

#include "core/uuid.h"
#include "documents/document_record.h"
#include "lenses/certificates/certificate.h"
#include "lenses/json_values.h"

namespace celeste::certificates {
namespace {

constexpr int64_t kDefaultPageSize = 50;

ActionOutcome CertificateOutcome(std::string id, boost::json::object result, bool created) {
  return ActionOutcome{.entity_type = std::string(kCertificateEntityType),
                       .entity_id = std::move(id),
                       .result = std::move(result),
                       .created = created};
}

// "Today" for statuses: the request's day (UTC) and the yacht's window.
struct Today {
  int64_t day = 0;
  int64_t warning_days = kDefaultWarningDays;
};

Result<Today> TodayOf(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(int64_t warning_days, WarningDays(tx, ctx.yacht_id));
  return Today{DayOf(ctx.now), warning_days};
}

// expiry_date after issue_date (dates are validated YYYY-MM-DD, so text order is date order).
Status CheckExpiryAfterIssue(std::string_view issue, std::string_view expiry,
                             std::string_view expiry_field) {
  if (expiry > issue) return Status::OK();
  return Status::RuleViolation(kRuleExpiryNotAfterIssue,
                               fmt::format("'{}' ({}) must be after the issue date ({})",
                                           expiry_field, expiry, issue))
      .WithDetail("field", expiry_field);
}

// The holder of a crew certificate: required, and an active member of the yacht (another
// yacht's crew is not_found, as any other yacht's id). A vessel certificate has none.
Result<std::optional<std::string>> Holder(const ActionContext& ctx, Tx& tx, Scope scope) {
  auto holder = ctx.OptId("holder_user_id");
  if (scope == Scope::kVessel) {
    if (holder) {
      return Status::InvalidField("holder_user_id",
                                  "a vessel certificate has no holder; use scope 'crew'");
    }
    return std::optional<std::string>();
  }
  if (!holder) return Status::MissingField("holder_user_id");
  CELESTE_ASSIGN_OR_RETURN(bool member, IsActiveMember(tx, ctx.yacht_id, *holder));
  if (!member) {
    return Status::NotFound("no active crew member " + *holder + " on this yacht")
        .WithDetail("holder_user_id", *holder);
  }
  return holder;
}

Result<boost::json::object> CertificateDetailJson(Tx& tx, std::string_view yacht_id,
                                                  const Certificate& certificate,
                                                  const Today& today) {
  boost::json::object json = certificate.ToJson(today.day, today.warning_days);
  CELESTE_ASSIGN_OR_RETURN(
      auto documents, documents::DocumentsOf(tx, yacht_id, kCertificateEntityType, certificate.id));
  boost::json::array documents_json;
  documents_json.reserve(documents.size());
  for (const auto& document : documents) documents_json.push_back(document.ToJson(yacht_id));
  json["documents"] = std::move(documents_json);
  json["warning_days"] = today.warning_days;
  return json;
}

}  // namespace

Result<ActionOutcome> AddCertificate(const ActionContext& ctx, Tx& tx) {
  const Scope scope = ParseScope(ctx.OptStr("scope").value_or("vessel")).value_or(Scope::kVessel);
  CELESTE_ASSIGN_OR_RETURN(std::string type, ctx.NonBlankText("certificate_type"));
  CELESTE_ASSIGN_OR_RETURN(std::string number, ctx.NonBlankText("number"));
  CELESTE_ASSIGN_OR_RETURN(std::string authority, ctx.NonBlankText("issuing_authority"));
  CELESTE_ASSIGN_OR_RETURN(auto holder, Holder(ctx, tx, scope));
  const std::string issue_date = ctx.Str("issue_date");
  const std::string expiry_date = ctx.Str("expiry_date");
  CELESTE_RETURN_IF_ERROR(CheckExpiryAfterIssue(issue_date, expiry_date, "expiry_date"));

  const Certificate certificate{.id = NewUuidV7(),
                                .scope = scope,
                                .holder_user_id = std::move(holder),
                                .holder_name = std::nullopt,
                                .certificate_type = std::move(type),
                                .number = std::move(number),
                                .issuing_authority = std::move(authority),
                                .issue_date = issue_date,
                                .expiry_date = expiry_date,
                                .supersedes = std::nullopt,
                                .superseded_by = std::nullopt,
                                .superseded_at = std::nullopt,
                                .created_by = ctx.user_id(),
                                .created_at = ctx.now_text,
                                .updated_at = ctx.now_text};
  CELESTE_RETURN_IF_ERROR(InsertCertificate(tx, ctx.yacht_id, certificate));
  CELESTE_ASSIGN_OR_RETURN(Today today, TodayOf(ctx, tx));
  CELESTE_ASSIGN_OR_RETURN(Certificate stored, LoadCertificate(tx, ctx.yacht_id, certificate.id));
  CELESTE_ASSIGN_OR_RETURN(auto json, CertificateDetailJson(tx, ctx.yacht_id, stored, today));
  return CertificateOutcome(certificate.id, std::move(json), /*created=*/true);
}

Result<ActionOutcome> ViewCertificateDetail(const ActionContext& ctx, Tx& tx) {
  const std::string id = ctx.Id("certificate_id");
  CELESTE_ASSIGN_OR_RETURN(Certificate certificate, LoadCertificate(tx, ctx.yacht_id, id));
  CELESTE_ASSIGN_OR_RETURN(Today today, TodayOf(ctx, tx));
  CELESTE_ASSIGN_OR_RETURN(auto json, CertificateDetailJson(tx, ctx.yacht_id, certificate, today));
  return CertificateOutcome(id, std::move(json), /*created=*/false);
}

Result<ActionOutcome> ListCertificatesAction(const ActionContext& ctx, Tx& tx) {
  CELESTE_ASSIGN_OR_RETURN(auto cursor, ctx.Cursor());
  std::optional<CertificateStatus> status;
  if (auto name = ctx.OptStr("status")) status = ParseCertificateStatus(*name);  // an enum field
  CELESTE_ASSIGN_OR_RETURN(Today today, TodayOf(ctx, tx));
  const StatusFilter filter =
      MakeStatusFilter(status, ctx.OptInt("expiring_within_days"), today.day, today.warning_days);
  CELESTE_ASSIGN_OR_RETURN(
      CertificatePage page,
      certificates::ListCertificates(tx, ctx.yacht_id, filter, cursor,
                                     ctx.OptInt("limit").value_or(kDefaultPageSize)));
  boost::json::array list;
  list.reserve(page.certificates.size());
  for (const Certificate& c : page.certificates) {
    list.push_back(c.ToJson(today.day, today.warning_days));
  }
  return CertificateOutcome("",
                            {{"certificates", std::move(list)},
                             {"next_cursor", TextOrNull(page.next_cursor)},
                             {"today", DateText(today.day)},
                             {"warning_days", today.warning_days}},
                            /*created=*/false);
}

Result<ActionOutcome> RenewCertificate(const ActionContext& ctx, Tx& tx) {
  const std::string old_id = ctx.Id("certificate_id");
  CELESTE_ASSIGN_OR_RETURN(Certificate old, LockCertificate(tx, ctx.yacht_id, old_id));
  CELESTE_ASSIGN_OR_RETURN(Today today, TodayOf(ctx, tx));
  if (Status s = CheckRenewable(old.StatusOn(today.day, today.warning_days)); !s.ok()) {
    return std::move(s).WithDetail("superseded_by", TextOrNull(old.superseded_by));
  }
  CELESTE_ASSIGN_OR_RETURN(std::string new_number, ctx.NonBlankText("new_number"));
  const std::string issue_date = ctx.Str("new_issue_date");
  const std::string expiry_date = ctx.Str("new_expiry_date");
  CELESTE_RETURN_IF_ERROR(CheckExpiryAfterIssue(issue_date, expiry_date, "new_expiry_date"));
  if (expiry_date <= old.expiry_date) {
    return Status::RuleViolation(kRuleRenewalExpiryNotLater,
                                 fmt::format("the renewed certificate must expire after the "
                                             "current one ({})",
                                             old.expiry_date))
        .WithDetail("field", "new_expiry_date")
        .WithDetail("current_expiry_date", old.expiry_date);
  }
  if (old.holder_user_id) {
    CELESTE_ASSIGN_OR_RETURN(bool member, IsActiveMember(tx, ctx.yacht_id, *old.holder_user_id));
    if (!member) {
      return Status::RuleViolation(kRuleHolderNotMember,
                                   "the certificate's holder is no longer an active member of "
                                   "this yacht")
          .WithDetail("holder_user_id", *old.holder_user_id);
    }
  }

  Certificate renewed = old;
  renewed.id = NewUuidV7();
  renewed.number = std::move(new_number);
  renewed.issue_date = issue_date;
  renewed.expiry_date = expiry_date;
  renewed.supersedes = old.id;
  renewed.superseded_by = std::nullopt;
  renewed.superseded_at = std::nullopt;
  renewed.created_by = ctx.user_id();
  renewed.created_at = ctx.now_text;
  renewed.updated_at = ctx.now_text;
  CELESTE_RETURN_IF_ERROR(InsertCertificate(tx, ctx.yacht_id, renewed));
  CELESTE_RETURN_IF_ERROR(MarkSuperseded(tx, ctx.yacht_id, old.id, renewed.id, ctx.now_text));

  CELESTE_ASSIGN_OR_RETURN(Certificate stored, LoadCertificate(tx, ctx.yacht_id, renewed.id));
  CELESTE_ASSIGN_OR_RETURN(Certificate superseded, LoadCertificate(tx, ctx.yacht_id, old.id));
  CELESTE_ASSIGN_OR_RETURN(auto json, CertificateDetailJson(tx, ctx.yacht_id, stored, today));
  json["superseded"] = superseded.ToJson(today.day, today.warning_days);
  return CertificateOutcome(renewed.id, std::move(json), /*created=*/true);
}

Result<ActionOutcome> SetWarningDaysAction(const ActionContext& ctx, Tx& tx) {
  const int64_t days = ctx.Int("warning_days");
  CELESTE_RETURN_IF_ERROR(SetWarningDays(tx, ctx.yacht_id, days, ctx.user_id(), ctx.now_text));
  return ActionOutcome{.entity_type = std::string(kYachtSettingsEntityType),
                       .entity_id = ctx.yacht_id,
                       .result = {{"warning_days", days}, {"updated_at", ctx.now_text}},
                       .created = false};
}

}  // namespace celeste::certificates

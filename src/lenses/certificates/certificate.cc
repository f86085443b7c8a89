#include "lenses/certificates/certificate.h"

#include <algorithm>
#include <utility>

#include "lenses/json_values.h"

namespace celeste::certificates {
namespace {

// Column order of CertificateFromRow. The holder's name is a scalar subquery rather than a
// join, so that the locking read below may say FOR UPDATE.
#define CELESTE_CERTIFICATE_COLUMNS                                                             \
  "c.id, c.scope, c.holder_user_id, (SELECT u.name FROM users AS u WHERE u.id = "               \
  "c.holder_user_id), c.certificate_type, c.number, c.issuing_authority, c.issue_date, "        \
  "c.expiry_date, c.supersedes, c.superseded_by, c.superseded_at, c.created_by, c.created_at, " \
  "c.updated_at"

#define CELESTE_SELECT_CERTIFICATE                     \
  "SELECT " CELESTE_CERTIFICATE_COLUMNS                \
  " FROM pms_certificates AS c WHERE c.yacht_id = $1 " \
  "AND c.id = $2"
const Sql kSelectCertificate{CELESTE_SELECT_CERTIFICATE};
const Sql kLockCertificate{CELESTE_SELECT_CERTIFICATE, CELESTE_SELECT_CERTIFICATE " FOR UPDATE"};
#undef CELESTE_SELECT_CERTIFICATE

const Sql kInsertCertificate{
    "INSERT INTO pms_certificates (id, yacht_id, scope, holder_user_id, certificate_type, number, "
    "issuing_authority, issue_date, expiry_date, supersedes, created_by, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"};

const Sql kMarkSuperseded{
    "UPDATE pms_certificates SET superseded_by = $3, superseded_at = $4, updated_at = $4 "
    "WHERE yacht_id = $1 AND id = $2 AND superseded_by IS NULL"};

// Soonest expiry first, then by id; the cursor is the last certificate of the previous page
// (expiry dates never change, so its place in the order is fixed). $2 'superseded' |
// 'current' | NULL; $3/$4 the inclusive range of expiry dates (NULL: open); $5 the cursor.
// One row more than the page, to know whether one follows. PostgreSQL needs the casts.
#define CELESTE_LIST_CERTIFICATES(MARK, FROM, TO, AFTER)               \
  "SELECT " CELESTE_CERTIFICATE_COLUMNS                                \
  " FROM pms_certificates AS c WHERE c.yacht_id = $1 "                 \
  "AND (" MARK " IS NULL OR (" MARK                                    \
  " = 'superseded' AND c.superseded_by IS NOT NULL) "                  \
  "OR (" MARK                                                          \
  " = 'current' AND c.superseded_by IS NULL)) "                        \
  "AND (" FROM " IS NULL OR c.expiry_date >= " FROM                    \
  ") "                                                                 \
  "AND (" TO " IS NULL OR c.expiry_date <= " TO                        \
  ") "                                                                 \
  "AND (" AFTER                                                        \
  " IS NULL OR (c.expiry_date, c.id) > (SELECT k.expiry_date, k.id "   \
  "FROM pms_certificates AS k WHERE k.yacht_id = $1 AND k.id = " AFTER \
  ")) "                                                                \
  "ORDER BY c.expiry_date, c.id LIMIT $6"
const Sql kListCertificates{
    CELESTE_LIST_CERTIFICATES("$2", "$3", "$4", "$5"),
    CELESTE_LIST_CERTIFICATES("$2::text", "$3::date", "$4::date", "$5::uuid")};
#undef CELESTE_LIST_CERTIFICATES
#undef CELESTE_CERTIFICATE_COLUMNS

// Booleans compare as themselves on PostgreSQL and as 0/1 on SQLite.
const Sql kIsActiveMember{
    "SELECT 1 FROM memberships AS m JOIN users AS u ON u.id = m.user_id "
    "WHERE m.yacht_id = $1 AND m.user_id = $2 AND m.active AND u.active"};

const Sql kWarningDays{
    "SELECT certificate_warning_days FROM pms_yacht_settings WHERE yacht_id = $1"};
const Sql kSetWarningDays{
    "INSERT INTO pms_yacht_settings (yacht_id, certificate_warning_days, updated_by, updated_at) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (yacht_id) DO UPDATE SET "
    "certificate_warning_days = excluded.certificate_warning_days, "
    "updated_by = excluded.updated_by, updated_at = excluded.updated_at"};

Result<Certificate> CertificateFromRow(const Row& row) {
  auto scope = ParseScope(row.Text(1));
  if (!scope) return Status::Internal("a certificate has an unknown scope");
  return Certificate{.id = row.Text(0),
                     .scope = *scope,
                     .holder_user_id = row.OptText(2),
                     .holder_name = row.OptText(3),
                     .certificate_type = row.Text(4),
                     .number = row.Text(5),
                     .issuing_authority = row.Text(6),
                     .issue_date = row.Text(7),
                     .expiry_date = row.Text(8),
                     .supersedes = row.OptText(9),
                     .superseded_by = row.OptText(10),
                     .superseded_at = row.OptText(11),
                     .created_by = row.Text(12),
                     .created_at = row.Text(13),
                     .updated_at = row.Text(14)};
}

Result<Certificate> ReadCertificate(Tx& tx, const Sql& sql, std::string_view yacht_id,
                                    std::string_view certificate_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {yacht_id, certificate_id}));
  if (!row) {
    return Status::NotFound("no certificate " + std::string(certificate_id) + " on this yacht")
        .WithDetail("certificate_id", certificate_id);
  }
  return CertificateFromRow(*row);
}

std::optional<std::string> DateOrNull(std::optional<int64_t> day) {
  if (!day) return std::nullopt;
  return DateText(*day);
}

}  // namespace

std::string_view ScopeName(Scope scope) { return kScopeNames[static_cast<size_t>(scope)]; }

std::optional<Scope> ParseScope(std::string_view name) {
  for (Scope scope : {Scope::kVessel, Scope::kCrew}) {
    if (ScopeName(scope) == name) return scope;
  }
  return std::nullopt;
}

int64_t Certificate::ExpiryDay() const {
  // Stored dates were validated on the way in; a malformed one reads as long expired.
  return ParseDateDays(expiry_date).value_or(0);
}

CertificateStatus Certificate::StatusOn(int64_t today, int64_t warning_days) const {
  return ComputeCertificateStatus(ExpiryDay(), superseded_by.has_value(), today, warning_days);
}

boost::json::object Certificate::ToJson(int64_t today, int64_t warning_days) const {
  return {{"id", id},
          {"scope", ScopeName(scope)},
          {"holder_user_id", TextOrNull(holder_user_id)},
          {"holder_name", TextOrNull(holder_name)},
          {"certificate_type", certificate_type},
          {"number", number},
          {"issuing_authority", issuing_authority},
          {"issue_date", issue_date},
          {"expiry_date", expiry_date},
          {"status", CertificateStatusName(StatusOn(today, warning_days))},
          {"days_to_expiry", ExpiryDay() - today},
          {"supersedes", TextOrNull(supersedes)},
          {"superseded_by", TextOrNull(superseded_by)},
          {"superseded_at", TextOrNull(superseded_at)},
          {"created_by", created_by},
          {"created_at", created_at},
          {"updated_at", updated_at}};
}

Status InsertCertificate(Tx& tx, std::string_view yacht_id, const Certificate& c) {
  const std::optional<std::string> holder =
      c.scope == Scope::kCrew ? c.holder_user_id : std::nullopt;
  return tx.ExecDeferred(
      kInsertCertificate,
      {c.id, yacht_id, ScopeName(c.scope), holder, c.certificate_type, c.number,
       c.issuing_authority, c.issue_date, c.expiry_date, c.supersedes, c.created_by, c.created_at},
      1);
}

Result<Certificate> LoadCertificate(Tx& tx, std::string_view yacht_id,
                                    std::string_view certificate_id) {
  return ReadCertificate(tx, kSelectCertificate, yacht_id, certificate_id);
}

Result<Certificate> LockCertificate(Tx& tx, std::string_view yacht_id,
                                    std::string_view certificate_id) {
  return ReadCertificate(tx, kLockCertificate, yacht_id, certificate_id);
}

Status MarkSuperseded(Tx& tx, std::string_view yacht_id, std::string_view certificate_id,
                      std::string_view by_id, std::string_view at) {
  return tx.ExecDeferred(kMarkSuperseded, {yacht_id, certificate_id, by_id, at}, 1);
}

Result<CertificatePage> ListCertificates(Tx& tx, std::string_view yacht_id,
                                         const StatusFilter& filter,
                                         const std::optional<std::string>& after_id,
                                         int64_t limit) {
  CertificatePage page;
  if (filter.empty) return page;
  limit = std::max<int64_t>(limit, 1);
  std::optional<std::string> mark;
  if (filter.superseded) mark = *filter.superseded ? "superseded" : "current";
  CELESTE_ASSIGN_OR_RETURN(
      auto rows, tx.Query(kListCertificates, {yacht_id, mark, DateOrNull(filter.from_day),
                                              DateOrNull(filter.to_day), after_id, limit + 1}));
  for (const Row& row : rows) {
    if (static_cast<int64_t>(page.certificates.size()) == limit) {
      page.next_cursor = page.certificates.back().id;
      break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto certificate, CertificateFromRow(row));
    page.certificates.push_back(std::move(certificate));
  }
  return page;
}

Result<bool> IsActiveMember(Tx& tx, std::string_view yacht_id, std::string_view user_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kIsActiveMember, {yacht_id, user_id}));
  return row.has_value();
}

Result<int64_t> WarningDays(Tx& tx, std::string_view yacht_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kWarningDays, {yacht_id}));
  if (!row) return kDefaultWarningDays;
  return row->Int(0);
}

Status SetWarningDays(Tx& tx, std::string_view yacht_id, int64_t days, std::string_view by,
                      std::string_view at) {
  return tx.Exec(kSetWarningDays, {yacht_id, days, by, at}).status();
}

}  // namespace celeste::certificates

// The certificate (pms_certificates) and the yacht's warning window (pms_yacht_settings):
// the record, its JSON and its queries. Every query is scoped by yacht_id: another yacht's
// certificate is indistinguishable from a missing one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "lenses/certificates/certificate_status.h"
#include "store/store.h"

namespace celeste::certificates {

inline constexpr std::string_view kCertificateEntityType = "certificate";
inline constexpr std::string_view kYachtSettingsEntityType = "yacht_settings";

enum class Scope { kVessel, kCrew };
std::string_view ScopeName(Scope scope);  // "vessel", "crew"
std::optional<Scope> ParseScope(std::string_view name);
inline constexpr std::string_view kScopeNames[] = {"vessel", "crew"};

struct Certificate {
  std::string id;
  Scope scope = Scope::kVessel;
  std::optional<std::string> holder_user_id;  // crew certificates
  std::optional<std::string> holder_name;     // read back only
  std::string certificate_type;
  std::string number;
  std::string issuing_authority;
  std::string issue_date;   // YYYY-MM-DD
  std::string expiry_date;  // YYYY-MM-DD, the last valid day
  std::optional<std::string> supersedes;
  std::optional<std::string> superseded_by;
  std::optional<std::string> superseded_at;
  std::string created_by;
  std::string created_at;
  std::string updated_at;

  int64_t ExpiryDay() const;
  // The status on `today` under the yacht's window.
  CertificateStatus StatusOn(int64_t today, int64_t warning_days) const;
  // Every column, plus status and days_to_expiry (negative once expired) on `today`.
  boost::json::object ToJson(int64_t today, int64_t warning_days) const;
};

Status InsertCertificate(Tx& tx, std::string_view yacht_id, const Certificate& certificate);

// The certificate, or not_found (details.certificate_id). LockCertificate keeps it locked
// until the transaction ends (PostgreSQL; write transactions only): renewals of one
// certificate queue up.
Result<Certificate> LoadCertificate(Tx& tx, std::string_view yacht_id,
                                    std::string_view certificate_id);
Result<Certificate> LockCertificate(Tx& tx, std::string_view yacht_id,
                                    std::string_view certificate_id);

// Marks a certificate that is not yet superseded as superseded by `by_id` at `at`.
Status MarkSuperseded(Tx& tx, std::string_view yacht_id, std::string_view certificate_id,
                      std::string_view by_id, std::string_view at);

struct CertificatePage {
  std::vector<Certificate> certificates;   // soonest expiry first, then by id
  std::optional<std::string> next_cursor;  // nullopt on the last page
};
// The certificates `filter` selects, after the certificate `after_id` (a cursor) in list
// order. The filter runs in SQL, so every page holds `limit` matches until the last.
Result<CertificatePage> ListCertificates(Tx& tx, std::string_view yacht_id,
                                         const StatusFilter& filter,
                                         const std::optional<std::string>& after_id, int64_t limit);

// Whether `user_id` is an active user with an active membership on the yacht.
Result<bool> IsActiveMember(Tx& tx, std::string_view yacht_id, std::string_view user_id);

// The yacht's warning window in days (kDefaultWarningDays until it sets one).
Result<int64_t> WarningDays(Tx& tx, std::string_view yacht_id);
Status SetWarningDays(Tx& tx, std::string_view yacht_id, int64_t days, std::string_view by,
                      std::string_view at);

}  // namespace celeste::certificates

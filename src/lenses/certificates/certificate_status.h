// A certificate's status: computed from its dates at read time, except `superseded`, which
// is stored (docs/lenses/certificates.md).
//
//   valid     -> expiring    when its expiry date comes within the yacht's warning window
//   expiring  -> expired     the day after its expiry date (the expiry date is its last day)
//   any of the three -> superseded   by a signed renewal (the only stored move)
//
// Time moves a certificate through the first three; only renewal moves it to superseded,
// which is terminal. Everything here is a pure function of its arguments (tests pass the
// day they want).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace celeste::certificates {

enum class CertificateStatus { kValid, kExpiring, kExpired, kSuperseded };

inline constexpr CertificateStatus kAllCertificateStatuses[] = {
    CertificateStatus::kValid, CertificateStatus::kExpiring, CertificateStatus::kExpired,
    CertificateStatus::kSuperseded};
inline constexpr std::string_view kCertificateStatusNames[] = {"valid", "expiring", "expired",
                                                               "superseded"};

// "expiring", as clients see it.
std::string_view CertificateStatusName(CertificateStatus status);
std::optional<CertificateStatus> ParseCertificateStatus(std::string_view name);

// The warning window a yacht has until it sets its own (pms_yacht_settings).
inline constexpr int64_t kDefaultWarningDays = 90;
// What set_certificate_warning_days accepts (the migration's CHECK agrees).
inline constexpr int64_t kMaxWarningDays = 730;

// The UTC day of `t`, in days since 1970-01-01, and that day as "YYYY-MM-DD".
int64_t DayOf(Micros t);
std::string DateText(int64_t day);

// The status on `today` of a certificate whose last valid day is `expiry_day` (days since
// the epoch): superseded when superseded; expired once today is past the expiry day;
// expiring while the expiry day is at most `warning_days` ahead (the day itself included);
// valid before that.
CertificateStatus ComputeCertificateStatus(int64_t expiry_day, bool superseded, int64_t today,
                                           int64_t warning_days);

// The stored state a renewal moves from and to: only a certificate that is not yet
// superseded can be renewed (valid, expiring and expired ones alike).
bool CanRenew(CertificateStatus status);
// OK when CanRenew; else invalid_state_transition naming the status.
Status CheckRenewable(CertificateStatus status);

// What list_certificates selects, as SQL can test it: the stored superseded mark and an
// inclusive range of expiry days. A status filter and expiring_within_days intersect.
struct StatusFilter {
  std::optional<bool> superseded;   // nullopt: either
  std::optional<int64_t> from_day;  // expiry day >= this
  std::optional<int64_t> to_day;    // expiry day <= this
  bool empty = false;               // nothing can match (e.g. superseded and expiring soon)

  bool Matches(int64_t expiry_day, bool is_superseded) const;
};
// `status`: certificates in that status on `today`; `within_days`: certificates not
// superseded, not yet expired, whose expiry day is at most that many days ahead.
StatusFilter MakeStatusFilter(std::optional<CertificateStatus> status,
                              std::optional<int64_t> within_days, int64_t today,
                              int64_t warning_days);

}  // namespace celeste::certificates

#include "lenses/certificates/certificate_status.h"

#include <algorithm>

namespace celeste::certificates {
namespace {

constexpr Micros kMicrosPerDay = int64_t{86400} * kMicrosPerSecond;

// Floor division: days before 1970 count down, not towards zero.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::optional<int64_t> Max(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

std::optional<int64_t> Min(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

std::string_view CertificateStatusName(CertificateStatus status) {
  return kCertificateStatusNames[static_cast<size_t>(status)];
}

std::optional<CertificateStatus> ParseCertificateStatus(std::string_view name) {
  for (CertificateStatus status : kAllCertificateStatuses) {
    if (CertificateStatusName(status) == name) return status;
  }
  return std::nullopt;
}

int64_t DayOf(Micros t) { return FloorDiv(t, kMicrosPerDay); }

std::string DateText(int64_t day) { return FormatRfc3339(day * kMicrosPerDay).substr(0, 10); }

CertificateStatus ComputeCertificateStatus(int64_t expiry_day, bool superseded, int64_t today,
                                           int64_t warning_days) {
  if (superseded) return CertificateStatus::kSuperseded;
  if (today > expiry_day) return CertificateStatus::kExpired;
  if (expiry_day - today <= warning_days) return CertificateStatus::kExpiring;
  return CertificateStatus::kValid;
}

bool CanRenew(CertificateStatus status) { return status != CertificateStatus::kSuperseded; }

Status CheckRenewable(CertificateStatus status) {
  if (CanRenew(status)) return Status::OK();
  return Status::InvalidTransition(CertificateStatusName(status), "renew the certificate");
}

bool StatusFilter::Matches(int64_t expiry_day, bool is_superseded) const {
  if (empty) return false;
  if (superseded && *superseded != is_superseded) return false;
  if (from_day && expiry_day < *from_day) return false;
  if (to_day && expiry_day > *to_day) return false;
  return true;
}

StatusFilter MakeStatusFilter(std::optional<CertificateStatus> status,
                              std::optional<int64_t> within_days, int64_t today,
                              int64_t warning_days) {
  StatusFilter filter;
  if (status) {
    // Each computed status is one range of expiry days (ComputeCertificateStatus).
    switch (*status) {
      case CertificateStatus::kSuperseded:
        filter.superseded = true;
        break;
      case CertificateStatus::kExpired:
        filter.superseded = false;
        filter.to_day = today - 1;
        break;
      case CertificateStatus::kExpiring:
        filter.superseded = false;
        filter.from_day = today;
        filter.to_day = today + warning_days;
        break;
      case CertificateStatus::kValid:
        filter.superseded = false;
        filter.from_day = today + warning_days + 1;
        break;
    }
  }
  if (within_days) {
    if (filter.superseded.value_or(false)) filter.empty = true;
    filter.superseded = false;
    filter.from_day = Max(filter.from_day, today);
    filter.to_day = Min(filter.to_day, today + *within_days);
  }
  if (filter.from_day && filter.to_day && *filter.from_day > *filter.to_day) filter.empty = true;
  return filter;
}

}  // namespace celeste::certificates

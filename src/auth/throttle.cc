#include "auth/throttle.h"

namespace celeste {
namespace {

const Sql kRecentFailures{
    "SELECT at FROM auth_failures WHERE kind = $1 AND subject = $2 AND at >= $3 "
    "ORDER BY at DESC LIMIT $4"};
const Sql kInsertFailure{"INSERT INTO auth_failures (kind, subject, at) VALUES ($1, $2, $3)"};
const Sql kPruneFailures{"DELETE FROM auth_failures WHERE at < $1"};
const Sql kClearFailures{"DELETE FROM auth_failures WHERE kind = $1 AND subject = $2"};
const Sql kAnyFailure{"SELECT 1 FROM auth_failures WHERE kind = $1 AND subject = $2 LIMIT 1"};

constexpr Micros kRetention = 24 * 3600 * kMicrosPerSecond;

std::string_view KindName(AttemptKind kind) {
  return kind == AttemptKind::kLogin ? "login" : "pin";
}

}  // namespace

Result<std::optional<int>> Throttle::LockedFor(AttemptKind kind, std::string_view subject) {
  const Micros now = clock_.Now();
  std::optional<int> locked;
  // The lock runs from the fifth failure of a 15-minute window, so look back two windows.
  const std::string since = FormatRfc3339(now - 2 * kWindow);
  Status s = store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(
        Rows rows, tx.Query(kRecentFailures, {KindName(kind), subject, since, kMaxFailures}));
    if (static_cast<int>(rows.size()) < kMaxFailures) return Status::OK();
    const Micros newest = ParseRfc3339(rows.front().Text(0)).value_or(0);
    const Micros fifth = ParseRfc3339(rows.back().Text(0)).value_or(0);
    const Micros until = newest + kWindow;
    if (newest - fifth <= kWindow && now < until) {
      locked = static_cast<int>((until - now + kMicrosPerSecond - 1) / kMicrosPerSecond);
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  return locked;
}

Status Throttle::RecordFailure(AttemptKind kind, std::string_view subject) {
  const Micros now = clock_.Now();
  return store_.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(
        int64_t n, tx.Exec(kInsertFailure, {KindName(kind), subject, FormatRfc3339(now)}));
    CELESTE_ASSIGN_OR_RETURN(n, tx.Exec(kPruneFailures, {FormatRfc3339(now - kRetention)}));
    (void)n;
    return Status::OK();
  });
}

Status Throttle::Clear(AttemptKind kind, std::string_view subject) {
  bool any = false;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kAnyFailure, {KindName(kind), subject}));
    any = row.has_value();
    return Status::OK();
  }));
  if (!any) return Status::OK();  // the common case costs no write
  return store_.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(int64_t n, tx.Exec(kClearFailures, {KindName(kind), subject}));
    (void)n;
    return Status::OK();
  });
}

}  // namespace celeste

// Attempt limits kept in the database (auth_failures), so they hold across restarts and
// across server processes: five failures of one subject within 15 minutes lock it for
// 15 minutes from the fifth failure.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace celeste {

enum class AttemptKind { kLogin, kPin };

class Throttle {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr Micros kWindow = 15 * 60 * kMicrosPerSecond;

  Throttle(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Seconds until `subject` may try again, or nullopt when it is not locked.
  Result<std::optional<int>> LockedFor(AttemptKind kind, std::string_view subject);
  // Records one failure in its own transaction (it must survive the failed request).
  Status RecordFailure(AttemptKind kind, std::string_view subject);
  // Forgets the subject's failures after a success.
  Status Clear(AttemptKind kind, std::string_view subject);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace celeste

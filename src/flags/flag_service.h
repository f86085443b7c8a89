// Feature flags (CONTRACT §6): fail closed, canary by sticky bucket, env override.
//
// The service keeps a snapshot of the feature_flags table and re-reads it at most once a
// second (on demand, by one caller while the others keep using the previous snapshot),
// so a change made by `celeste flags set` in another process is live within ~1 s.
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

struct FlagState {
  std::string name;
  bool enabled = false;
  int canary_percentage = 100;
  std::string updated_at;  // "" when the flag has no row (never set)
  std::string updated_by;
  std::optional<bool> env_override;  // from an environment variable of the same name

  // Whether the flag is on for a yacht (env override, else enabled && bucket in canary).
  bool IsOnFor(std::string_view yacht_id) const;
};

// Reads an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

class FlagService {
 public:
  // `known_flags` are the registry's flags: listed even before they have a row.
  FlagService(Store& store, std::vector<std::string> known_flags, const Clock& clock,
              EnvLookup env = ProcessEnv());

  // Fail closed: an unknown flag, or a flag without a row, is off (unless env says true).
  bool IsEnabled(std::string_view flag, std::string_view yacht_id);
  // Every known flag plus any other row in the table, sorted by name.
  std::vector<FlagState> List();
  std::optional<FlagState> Find(std::string_view flag);

  // Upserts the flag's row inside `tx` (the caller audits in the same transaction). Call
  // Invalidate() after the commit so this process sees the change at once.
  Status Set(Tx& tx, std::string_view flag, bool enabled, std::optional<int> canary_percentage,
             std::string_view actor, std::string_view now_text);
  void Invalidate();

 private:
  using Snapshot = std::map<std::string, FlagState, std::less<>>;
  std::shared_ptr<const Snapshot> Current();
  Result<std::shared_ptr<const Snapshot>> Load();
  std::shared_ptr<const Snapshot> OverridesOnly() const;

  // Constant after construction.
  Store& store_;
  const std::vector<std::string> known_flags_;
  const Clock& clock_;
  const std::map<std::string, bool, std::less<>> env_overrides_;

  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mu_
  Micros loaded_at_ = 0;                      // guarded by mu_
  std::mutex refresh_mu_;                     // one refresher at a time
};

// Parses "true"/"false" (also 1/0, on/off, yes/no; case-insensitive).
std::optional<bool> ParseBoolText(std::string_view text);

}  // namespace celeste

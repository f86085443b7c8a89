#include "flags/flag_service.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/log.h"
#include "flags/bucketing.h"

namespace celeste {
namespace {

constexpr Micros kRefreshInterval = 1 * kMicrosPerSecond;

const Sql kSelectFlags{
    "SELECT flag_name, enabled, canary_percentage, updated_at, updated_by FROM feature_flags"};
// $3 NULL keeps the flag's percentage (100 for a new flag). Decided inside the upsert, so
// two concurrent changes cannot both read the old percentage and write one back.
const Sql kUpsertFlag{
    "INSERT INTO feature_flags (flag_name, enabled, canary_percentage, updated_at, updated_by) "
    "VALUES ($1, $2, COALESCE($3, 100), $4, $5) "
    "ON CONFLICT (flag_name) DO UPDATE SET enabled = excluded.enabled, "
    "canary_percentage = COALESCE($3, feature_flags.canary_percentage), "
    "updated_at = excluded.updated_at, updated_by = excluded.updated_by"};

std::map<std::string, bool, std::less<>> ReadOverrides(const std::vector<std::string>& flags,
                                                       const EnvLookup& env) {
  std::map<std::string, bool, std::less<>> out;
  for (const auto& f : flags) {
    auto text = env(f);
    if (!text) continue;
    if (auto b = ParseBoolText(*text)) {
      out[f] = *b;
    } else {
      Log(LogLevel::kWarn, "ignoring flag environment variable: not true/false", {{"flag", f}});
    }
  }
  return out;
}

}  // namespace

std::optional<bool> ParseBoolText(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "1" || t == "on" || t == "yes") return true;
  if (t == "false" || t == "0" || t == "off" || t == "no") return false;
  return std::nullopt;
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

bool FlagState::IsOnFor(std::string_view yacht_id) const {
  if (env_override) return *env_override;
  if (!enabled || canary_percentage <= 0) return false;
  return canary_percentage >= 100 || FlagBucket(name, yacht_id) <= canary_percentage;
}

FlagService::FlagService(Store& store, std::vector<std::string> known_flags, const Clock& clock,
                         EnvLookup env)
    : store_(store),
      known_flags_(std::move(known_flags)),
      clock_(clock),
      env_overrides_(ReadOverrides(known_flags_, env)) {}

Result<std::shared_ptr<const FlagService::Snapshot>> FlagService::Load() {
  auto snapshot = std::make_shared<Snapshot>();
  for (const auto& name : known_flags_) (*snapshot)[name].name = name;
  Status s = store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectFlags));
    for (const Row& row : rows) {
      FlagState& f = (*snapshot)[row.Text(0)];
      f.name = row.Text(0);
      f.enabled = row.Bool(1);
      f.canary_percentage = static_cast<int>(row.Int(2));
      f.updated_at = row.Text(3);
      f.updated_by = row.Text(4);
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  for (auto& [name, state] : *snapshot) {
    auto it = env_overrides_.find(name);
    if (it != env_overrides_.end()) state.env_override = it->second;
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

std::shared_ptr<const FlagService::Snapshot> FlagService::OverridesOnly() const {
  auto snapshot = std::make_shared<Snapshot>();
  for (const auto& [name, value] : env_overrides_) {
    FlagState& f = (*snapshot)[name];
    f.name = name;
    f.env_override = value;
  }
  return snapshot;
}

std::shared_ptr<const FlagService::Snapshot> FlagService::Current() {
  {
    std::lock_guard lock(mu_);
    if (snapshot_ && clock_.Now() - loaded_at_ < kRefreshInterval) return snapshot_;
  }
  // One caller refreshes; the others use the previous snapshot while it does.
  std::unique_lock refresh(refresh_mu_, std::try_to_lock);
  if (!refresh.owns_lock()) {
    {
      std::lock_guard lock(mu_);
      if (snapshot_) return snapshot_;
    }
    refresh.lock();  // first load: everyone waits for it (never while holding mu_)
  }
  {
    std::lock_guard lock(mu_);
    if (snapshot_ && clock_.Now() - loaded_at_ < kRefreshInterval) return snapshot_;
  }
  auto loaded = Load();
  std::lock_guard lock(mu_);
  if (loaded.ok()) {
    snapshot_ = std::move(*loaded);
  } else {
    Log(LogLevel::kError, "cannot read feature flags", {{"error", loaded.status().ToString()}});
    if (!snapshot_) snapshot_ = OverridesOnly();  // fail closed, but env still rules
  }
  loaded_at_ = clock_.Now();
  return snapshot_;
}

bool FlagService::IsEnabled(std::string_view flag, std::string_view yacht_id) {
  auto snapshot = Current();
  auto it = snapshot->find(flag);
  if (it == snapshot->end()) return false;
  return it->second.IsOnFor(yacht_id);
}

std::vector<FlagState> FlagService::List() {
  auto snapshot = Current();
  std::vector<FlagState> out;
  out.reserve(snapshot->size());
  for (const auto& [name, state] : *snapshot) out.push_back(state);
  return out;
}

std::optional<FlagState> FlagService::Find(std::string_view flag) {
  auto snapshot = Current();
  auto it = snapshot->find(flag);
  if (it == snapshot->end()) return std::nullopt;
  return it->second;
}

Status FlagService::Set(Tx& tx, std::string_view flag, bool enabled,
                        std::optional<int> canary_percentage, std::string_view actor,
                        std::string_view now_text) {
  CELESTE_ASSIGN_OR_RETURN(
      int64_t changed, tx.Exec(kUpsertFlag, {flag, enabled, canary_percentage, now_text, actor}));
  (void)changed;
  return Status::OK();
}

void FlagService::Invalidate() {
  std::lock_guard lock(mu_);
  loaded_at_ = 0;
}

}  // namespace celeste

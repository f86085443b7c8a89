// The health monitor (issue 6, docs/lens-ops.md): drives a running server over HTTP as an
// outside client would, judges each lens (health::JudgeCheck) and writes the checks, their
// events and the hourly rollups to the database (health/health_record.h).
//
// It has no code for any particular lens: what it probes comes from each LensDef in the
// registry (its flags, action list, a keyword of its actions, its READ probe and its SLO).
// A round checks every lens (or the chosen ones) once; a failure to reach the server is an
// unhealthy check, never an exception, so the loop around it keeps going.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actions/registry.h"
#include "core/clock.h"
#include "health/alert_rules.h"
#include "health/check_status.h"
#include "health/health_record.h"
#include "http/request.h"
#include "ops/http_client.h"
#include "store/store.h"

namespace celeste::ops {

// One request the monitor makes for a lens, and what a healthy server answers.
struct Probe {
  std::string name;  // health, flags, list, suggestions, execute
  Method method = Method::kGet;
  std::string target;
  std::string body;
  int expected_status = 200;
};

// The probes of one lens on one yacht: /v1/actions/health, /v1/flags, the lens's action
// list, a suggestion with one of its keywords, and its READ probe action.
std::vector<Probe> LensProbes(const LensDef& lens, const Registry& registry,
                              const std::string& yacht_id);
// The first search keyword of the lens's actions, in registration order ("" when none).
std::string LensKeyword(const LensDef& lens, const Registry& registry);

struct MonitorOptions {
  std::string host;
  uint16_t port = 0;
  std::string token;  // a manager's (or HOD's) bearer token; never logged nor stored
  std::string yacht_id;
  std::vector<std::string> lenses;  // empty: every registered lens
  int samples_per_probe = 3;
  std::chrono::milliseconds probe_timeout{10'000};
  size_t min_samples = 5;
  int64_t max_events_per_check = 20;  // failed probes beyond this are counted, not listed
  Micros remind_every = 4 * 3600 * kMicrosPerSecond;  // a firing alert's reminders
};

// What one round found for one lens, as written.
struct LensCheck {
  health::HealthCheck check;
  std::vector<health::HealthEvent> events;
  health::CheckSamples samples;
  std::string reason;
  health::AlertChanges alerts;  // what the check did to the lens's alerts
};

class Monitor {
 public:
  Monitor(const Registry& registry, Store& store, MonitorOptions options, const Clock& clock);

  // Probes every chosen lens once and writes one check per lens (one transaction each).
  // Errors only when the database refuses a write; an unreachable server is a finding.
  Result<std::vector<LensCheck>> RunRound();

  // Deletes checks and events older than `keep_checks`, rollups older than `keep_rollups`.
  Result<health::RetentionResult> ApplyRetention(std::chrono::seconds keep_checks,
                                                 std::chrono::seconds keep_rollups);

 private:
  // The yacht's flags as GET /v1/flags answers them (name -> on for this yacht); nullopt
  // when the server did not answer 200.
  std::optional<std::map<std::string, bool>> FetchFlags();
  health::Sample Take(const LensDef& lens, const Probe& probe, LensCheck& out);
  LensCheck CheckLens(const LensDef& lens, const std::optional<std::map<std::string, bool>>& flags,
                      const std::optional<health::HealthCheck>& previous);

  const Registry& registry_;
  Store& store_;
  const MonitorOptions options_;
  const Clock& clock_;
  HttpClient client_;
};

}  // namespace celeste::ops

// AlertNotifier: delivers the alert outbox (pms_alert_notifications) to the webhook set for
// each severity, as Slack-compatible JSON {"text": ...}. Each attempt updates the row; a
// failure is retried with exponential backoff (1 s, 2 s, 4 s, ... capped at 5 min) until
// the attempts run out (then `failed`). A notifier delivers only the severities it has a
// webhook for; the others stay pending for one that has (a cron `celeste alerts check`).
// Each notice is claimed before it is posted, so two notifiers never post it twice.
// Runs on its own thread so a slow or dead webhook never holds up the monitor's rounds; the
// outbox is in the database, so notices queued before a restart are delivered after it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "health/alert_record.h"
#include "health/alert_rules.h"
#include "store/store.h"

namespace celeste::ops {

struct Webhook {
  bool tls = false;  // https
  std::string host;
  uint16_t port = 80;
  std::string target = "/";  // the path (and query): often the secret, never recorded
  std::string label;         // host:port, what the outbox records
};
// "https://HOST[:PORT][/PATH]" (verified TLS, ops/https_post.h) or "http://..."; the
// default ports are 443 and 80. invalid_request otherwise.
Result<Webhook> ParseWebhookUrl(std::string_view url);
// "SEVERITY=URL" as --alert-webhook takes it.
Result<std::pair<health::AlertSeverity, Webhook>> ParseWebhookOption(std::string_view option);

struct NotifierOptions {
  int max_attempts = 6;
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{300'000};
  std::chrono::milliseconds timeout{5000};
};

class AlertNotifier {
 public:
  AlertNotifier(Store& store, std::string yacht_id,
                std::map<health::AlertSeverity, Webhook> webhooks, const Clock& clock,
                NotifierOptions options = {});
  ~AlertNotifier();  // Stop()
  AlertNotifier(const AlertNotifier&) = delete;
  AlertNotifier& operator=(const AlertNotifier&) = delete;

  // Starts the delivery thread; Wake() makes it look at the outbox at once.
  void Start();
  void Wake();
  // Stops the thread: a delivery in flight finishes (at most the timeout), no other starts.
  // Call it before closing the store.
  void Stop();
  // Makes one attempt at each notice due now (until the deadline), on the calling thread.
  // Returns how many notices of its severities are still pending (waiting for a retry).
  Result<int64_t> DeliverDue(std::chrono::steady_clock::time_point deadline =
                                 std::chrono::steady_clock::time_point::max());
  // Delivers until nothing is pending or `timeout` passes (retries wait their backoff).
  // Returns the notices still pending.
  Result<int64_t> Drain(std::chrono::milliseconds timeout);

 private:
  void Loop();
  bool stopping();
  std::vector<health::AlertSeverity> Severities() const;
  // Posts one claimed notice and records the attempt.
  Status Deliver(health::AlertNotification& notice);

  Store& store_;
  const std::string yacht_id_;
  const std::map<health::AlertSeverity, Webhook> webhooks_;
  const Clock& clock_;
  const NotifierOptions options_;
  std::mutex deliver_mu_;  // one delivery pass at a time
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;   // guarded by mu_
  bool woken_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace celeste::ops

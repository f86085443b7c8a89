#include "ops/alert_notifier.h"

#include <algorithm>
#include <charconv>

#include "core/json.h"
#include "core/log.h"
#include "health/alert_record.h"
#include "ops/http_client.h"
#include "ops/redact.h"

namespace celeste::ops {

Result<Webhook> ParseWebhookUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t path = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  auto endpoint = ParseHttpUrl(url.substr(0, path));
  if (!endpoint.ok()) {
    // Only the scheme and host are echoed: a webhook's path is often its secret.
    return Status::InvalidRequest("webhook " + std::string(url.substr(0, path)) +
                                  "/...: expected http://HOST[:PORT][/PATH] (for an https webhook, "
                                  "relay it through a local proxy; see docs/lens-ops.md)");
  }
  Webhook w;
  w.host = endpoint->host;
  w.port = endpoint->port;
  if (path != std::string_view::npos) w.target = std::string(url.substr(path));
  w.label = w.host + ":" + std::to_string(w.port);
  return w;
}

Result<std::pair<health::AlertSeverity, Webhook>> ParseWebhookOption(std::string_view option) {
  const size_t eq = option.find('=');
  const auto severity = health::ParseAlertSeverity(option.substr(0, eq));
  if (eq == std::string_view::npos || !severity) {
    return Status::InvalidRequest(
        "--alert-webhook expects SEVERITY=URL with SEVERITY one of "
        "critical, warning, info");
  }
  CELESTE_ASSIGN_OR_RETURN(Webhook w, ParseWebhookUrl(option.substr(eq + 1)));
  return std::make_pair(*severity, std::move(w));
}

AlertNotifier::AlertNotifier(Store& store, std::string yacht_id,
                             std::map<health::AlertSeverity, Webhook> webhooks, const Clock& clock,
                             NotifierOptions options)
    : store_(store),
      yacht_id_(std::move(yacht_id)),
      webhooks_(std::move(webhooks)),
      clock_(clock),
      options_(options) {}

AlertNotifier::~AlertNotifier() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertNotifier::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void AlertNotifier::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void AlertNotifier::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    woken_ = false;
    lock.unlock();
    if (auto r = DeliverDue(); !r.ok()) {
      Log(LogLevel::kError, "alert delivery failed", {{"error", r.status().message()}});
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_ || woken_; });
  }
}

Result<int64_t> AlertNotifier::DeliverDue() {
  std::lock_guard deliver(deliver_mu_);
  std::vector<health::AlertNotification> due;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, yacht_id_, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(due, health::DueNotifications(tx, yacht_id_, clock_.Now(), 100));
    return Status::OK();
  }));
  for (health::AlertNotification& n : due) {
    auto hook = webhooks_.find(n.severity);
    if (hook == webhooks_.end()) {
      n.status = "no_webhook";
    } else {
      const Webhook& w = hook->second;
      ++n.attempts;
      n.webhook = w.label;
      HttpClient client(w.host, w.port, options_.timeout);
      auto r = client.Post(w.target, ToJson(boost::json::object{{"text", n.text}}));
      n.last_status_code = r.ok() ? std::optional<int64_t>(r->status) : std::nullopt;
      n.last_error.clear();
      if (r.ok() && r->status >= 200 && r->status < 300) {
        n.status = "delivered";
      } else {
        n.last_error = r.ok() ? "the webhook answered " + std::to_string(r->status)
                              : RedactSecrets(r.status().message());
        if (n.attempts >= options_.max_attempts) {
          n.status = "failed";
        } else {
          auto backoff =
              options_.first_backoff * (int64_t{1} << std::min<int64_t>(n.attempts - 1, 20));
          backoff = std::min(backoff, options_.max_backoff);
          n.next_attempt_at =
              FormatRfc3339(clock_.Now() +
                            std::chrono::duration_cast<std::chrono::microseconds>(backoff).count());
        }
      }
      Log(n.status == "delivered" ? LogLevel::kInfo : LogLevel::kWarn, "alert notice",
          {{"notification_id", n.id},
           {"alert_id", n.alert_id},
           {"kind", health::NoticeKindName(n.kind)},
           {"severity", health::AlertSeverityName(n.severity)},
           {"webhook", w.label},
           {"attempt", n.attempts},
           {"status", n.status},
           {"error", n.last_error}});
    }
    CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, yacht_id_, [&](Tx& tx) {
      return health::RecordNotificationAttempt(tx, yacht_id_, n, clock_.Now());
    }));
  }
  int64_t pending = 0;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, yacht_id_, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(pending, health::PendingNotificationCount(tx, yacht_id_));
    return Status::OK();
  }));
  return pending;
}

Result<int64_t> AlertNotifier::Drain(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    CELESTE_ASSIGN_OR_RETURN(int64_t pending, DeliverDue());
    if (pending == 0 || std::chrono::steady_clock::now() >= deadline) return pending;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace celeste::ops

#include "ops/alert_notifier.h"

#include <algorithm>
#include <charconv>

#include "core/json.h"
#include "core/log.h"
#include "health/alert_record.h"
#include "ops/http_client.h"
#include "ops/https_post.h"
#include "ops/redact.h"

namespace celeste::ops {

Result<Webhook> ParseWebhookUrl(std::string_view url) {
  constexpr std::string_view kHttps = "https://";
  const bool tls = url.substr(0, kHttps.size()) == kHttps;
  const size_t scheme_end = url.find("://");
  const size_t path = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  // ParseHttpUrl speaks http://; an https URL is parsed as one, with 443 as its default port.
  std::string base(url.substr(0, path));
  if (tls) base = "http://" + base.substr(kHttps.size());
  const bool port_given = base.find(':', std::string_view("http://").size()) != std::string::npos;
  auto endpoint = ParseHttpUrl(base);
  if (!endpoint.ok()) {
    // Only the scheme and host are echoed: a webhook's path is often its secret.
    return Status::InvalidRequest("webhook " + SafeUrlPrefix(url) +
                                  ": expected https://HOST[:PORT][/PATH] or http://...");
  }
  Webhook w;
  w.tls = tls;
  w.host = endpoint->host;
  w.port = tls && !port_given ? 443 : endpoint->port;
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

AlertNotifier::~AlertNotifier() { Stop(); }

void AlertNotifier::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void AlertNotifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AlertNotifier::stopping() {
  std::lock_guard lock(mu_);
  return stop_;
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

std::vector<health::AlertSeverity> AlertNotifier::Severities() const {
  std::vector<health::AlertSeverity> out;
  for (const auto& [severity, hook] : webhooks_) out.push_back(severity);
  return out;
}

Status AlertNotifier::Deliver(health::AlertNotification& n) {
  const Webhook& w = webhooks_.at(n.severity);
  const int64_t attempts_before = n.attempts;
  ++n.attempts;
  n.webhook = w.label;
  const std::string body = ToJson(boost::json::object{{"text", n.text}});
  Result<int> r = Status::Internal("not sent");
  if (w.tls) {
    r = HttpsPostJson(w.host, w.port, w.target, body, options_.timeout);
  } else {
    HttpClient client(w.host, w.port, options_.timeout);
    auto answer = client.Post(w.target, body);
    if (answer.ok()) {
      r = answer->status;
    } else {
      // HttpClient's message names the request's path: the webhook's secret. Keep the why.
      const std::string& message = answer.status().message();
      const size_t why = message.find(" failed: ");
      r = Status::Internal(
          "http://" + w.label + ": " +
          (why == std::string::npos ? "the request failed" : message.substr(why + 1)));
    }
  }
  n.last_status_code = r.ok() ? std::optional<int64_t>(*r) : std::nullopt;
  n.last_error.clear();
  if (r.ok() && *r >= 200 && *r < 300) {
    n.status = "delivered";
  } else {
    n.last_error =
        r.ok() ? "the webhook answered " + std::to_string(*r) : RedactSecrets(r.status().message());
    if (n.attempts >= options_.max_attempts) {
      n.status = "failed";
    } else {
      auto backoff = options_.first_backoff * (int64_t{1} << std::min<int64_t>(n.attempts - 1, 20));
      backoff = std::min(backoff, options_.max_backoff);
      n.next_attempt_at = FormatRfc3339(
          clock_.Now() + std::chrono::duration_cast<std::chrono::microseconds>(backoff).count());
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
  bool recorded = false;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, yacht_id_, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(recorded, health::RecordNotificationAttempt(
                                           tx, yacht_id_, n, attempts_before, clock_.Now()));
    return Status::OK();
  }));
  if (!recorded) {
    Log(LogLevel::kWarn, "alert notice attempt not recorded: the row moved on (its lease ran out)",
        {{"notification_id", n.id}});
  }
  return Status::OK();
}

Result<int64_t> AlertNotifier::DeliverDue(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard deliver(deliver_mu_);
  const std::vector<health::AlertSeverity> severities = Severities();
  // One notice at a time: claimed (leased), posted, recorded; a stop or the deadline is
  // honoured between notices.
  const auto lease = std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout * 4 +
                                                                           std::chrono::seconds(30))
                         .count();
  while (!severities.empty() && !stopping() && std::chrono::steady_clock::now() < deadline) {
    std::vector<health::AlertNotification> claimed;
    CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, yacht_id_, [&](Tx& tx) -> Status {
      CELESTE_ASSIGN_OR_RETURN(claimed, health::ClaimDueNotifications(tx, yacht_id_, severities,
                                                                      clock_.Now(), lease, 1));
      return Status::OK();
    }));
    if (claimed.empty()) break;
    CELESTE_RETURN_IF_ERROR(Deliver(claimed.front()));
  }
  int64_t pending = 0;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, yacht_id_, [&](Tx& tx) -> Status {
    CELESTE_ASSIGN_OR_RETURN(pending, health::PendingNotificationCount(tx, yacht_id_, severities));
    return Status::OK();
  }));
  return pending;
}

Result<int64_t> AlertNotifier::Drain(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    CELESTE_ASSIGN_OR_RETURN(int64_t pending, DeliverDue(deadline));
    if (pending == 0 || stopping() || std::chrono::steady_clock::now() >= deadline) {
      return pending;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace celeste::ops

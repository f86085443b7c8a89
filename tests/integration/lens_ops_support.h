// What the Lens Ops tests share (monitor, alerts, rollout, stress, accept): the server's URL,
// the monitor's command line, and a webhook receiver that is a real HTTP server.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "http/server.h"
#include "integration/harness.h"

namespace celeste::testing {

// The server's base URL, as the ops tools' --url takes it.
std::string UrlOf(const TestServer& server);

// `celeste monitor` against `server` for its yacht A as that yacht's manager, two samples
// per probe, then `extra` (no --db: server.Cli adds it).
std::vector<std::string> MonitorArgs(const TestServer& server,
                                     const std::vector<std::string>& extra);

// A webhook receiver: a real HTTP server on a free port that records the "text" of every
// POST to its URL and answers 500 to the first `fail_first` requests.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(int fail_first = 0);
  // Its URL, with a path that stands for a webhook's secret ("secret-path").
  std::string Url() const;
  std::string HostPort() const;
  std::vector<std::string> Texts() const;
  int requests() const;
  // Texts matching the regular expression `pattern`.
  int Count(const std::string& pattern) const;

 private:
  Response Receive(Request&& r);

  const int fail_first_;
  mutable std::mutex mu_;
  std::vector<std::string> texts_;  // guarded by mu_
  int requests_ = 0;                // guarded by mu_
  HttpServer server_;
};

}  // namespace celeste::testing

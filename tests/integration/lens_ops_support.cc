#include "integration/lens_ops_support.h"

#include <regex>
#include <stdexcept>

#include "core/json.h"

namespace celeste::testing {

std::string UrlOf(const TestServer& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

std::vector<std::string> MonitorArgs(const TestServer& server,
                                     const std::vector<std::string>& extra) {
  const DemoYacht& a = server.yacht_a();
  std::vector<std::string> args = {
      "monitor", "--url", UrlOf(server), "--token", server.TokenFor(a.users.at("manager")),
      "--yacht", a.id,    "--samples",   "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

WebhookReceiver::WebhookReceiver(int fail_first)
    : fail_first_(fail_first),
      server_(HttpServerOptions{.listen = "127.0.0.1:0", .threads = 1},
              [this](Request&& r) { return Receive(std::move(r)); }) {
  Status s = server_.Start();
  if (!s.ok()) throw std::runtime_error("webhook receiver: " + s.message());
}

std::string WebhookReceiver::Url() const {
  return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hooks/T000/secret-path";
}

std::string WebhookReceiver::HostPort() const {
  return "127.0.0.1:" + std::to_string(server_.port());
}

std::vector<std::string> WebhookReceiver::Texts() const {
  std::lock_guard lock(mu_);
  return texts_;
}

int WebhookReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int WebhookReceiver::Count(const std::string& pattern) const {
  int n = 0;
  for (const std::string& t : Texts()) n += std::regex_search(t, std::regex(pattern));
  return n;
}

Response WebhookReceiver::Receive(Request&& r) {
  std::lock_guard lock(mu_);
  ++requests_;
  if (requests_ <= fail_first_) return Response::Text(500, "try later", "text/plain");
  auto json = ParseJson(r.body);
  if (r.method == Method::kPost && r.target == "/hooks/T000/secret-path" && json &&
      json->is_object() && json->as_object().contains("text") && json->at("text").is_string()) {
    texts_.push_back(std::string(json->at("text").as_string()));
    return Response::Text(200, "ok", "text/plain");
  }
  return Response::Text(400, "not a Slack message", "text/plain");
}

}  // namespace celeste::testing

// --alert-webhook SEVERITY=URL (ops/alert_notifier.h): https and http webhooks, and the
// webhook's secret (its path, its user info) kept out of what is recorded and echoed.
#include <gtest/gtest.h>

#include "ops/alert_notifier.h"

namespace celeste::ops {
namespace {

TEST(WebhookUrlTest, HttpsAndHttpWithTheirDefaultPorts) {
  auto slack = ParseWebhookUrl("https://hooks.slack.com/services/T000/B000/S3CR3T");
  ASSERT_TRUE(slack.ok()) << slack.status().message();
  EXPECT_TRUE(slack->tls);
  EXPECT_EQ(slack->host, "hooks.slack.com");
  EXPECT_EQ(slack->port, 443);
  EXPECT_EQ(slack->target, "/services/T000/B000/S3CR3T");
  EXPECT_EQ(slack->label, "hooks.slack.com:443") << "what the outbox records: no path";
  auto local = ParseWebhookUrl("http://127.0.0.1:9000/hook?x=1");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->port, 9000);
  EXPECT_EQ(local->target, "/hook?x=1");
  auto bare = ParseWebhookUrl("https://relay.internal:8443");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 8443);
  EXPECT_EQ(bare->target, "/");
}

TEST(WebhookUrlTest, RefusedWithoutEchoingTheSecret) {
  for (const char* url : {"ftp://hooks.example.com/SECRET", "https://user:SECRET@host/x",
                          "hooks.example.com/SECRET", "https://:443/SECRET"}) {
    auto r = ParseWebhookUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos) << r.status().message();
  }
}

TEST(WebhookUrlTest, OptionNamesASeverity) {
  auto ok = ParseWebhookOption("critical=https://hooks.slack.com/services/T/B/X");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, health::AlertSeverity::kCritical);
  for (const char* bad : {"urgent=https://x/y", "https://x/y", "=https://x/y", "critical="}) {
    EXPECT_FALSE(ParseWebhookOption(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace celeste::ops

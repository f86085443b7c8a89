// ParseHttpUrl: the --url of the ops commands.
#include <gtest/gtest.h>

#include "ops/http_client.h"

namespace celeste {
namespace {

TEST(HttpUrlTest, AcceptsHostAndOptionalPort) {
  auto a = ParseHttpUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseHttpUrl("http://celeste.internal/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "celeste.internal");
  EXPECT_EQ(b->port, 80);
}

TEST(HttpUrlTest, RefusesWhatItCannotSpeak) {
  for (const char* url :
       {"https://x:443", "127.0.0.1:8080", "http://", "http://:80", "http://x:0", "http://x:65536",
        "http://x:80a", "http://x/v1", "http://user@x", "ftp://x"}) {
    auto r = ParseHttpUrl(url);
    EXPECT_FALSE(r.ok()) << url;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << url;
    }
  }
}

TEST(HttpUrlTest, MessagesShowOnlySchemeAndHost) {
  EXPECT_EQ(SafeUrlPrefix("https://hooks.slack.com/services/T/B/SECRET"),
            "https://hooks.slack.com/...");
  EXPECT_EQ(SafeUrlPrefix("https://user:pw@host:8443/x"), "https://...@host:8443/...");
  EXPECT_EQ(SafeUrlPrefix("http://host?token=SECRET"), "http://host/...");
  EXPECT_EQ(SafeUrlPrefix("http://host:80"), "http://host:80");
  auto refused = ParseHttpUrl("http://admin:SECRET@host:80");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().find("SECRET"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace celeste

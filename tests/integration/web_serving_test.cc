// `celeste serve --web-root DIR` (issue 8): the web app's build is served at / beside the API
// by the real server: pages, hashed assets with a year's cache, the app's own routes, and
// the API's JSON 404 for everything else; a root without a build refuses to start.
#include <filesystem>
#include <fstream>

#include "integration/harness.h"
#include "unit/store/temp_dir.h"

namespace celeste::testing {
namespace {

namespace fs = std::filesystem;

class WebServingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html><div id=root></div>";
    std::ofstream(root_ / "assets" / "index-9c1e.js") << "export const app = 1;";
    TestServerOptions options;
    options.extra_args = {"--web-root", root_.string()};
    server_ = std::make_unique<TestServer>(options);
  }
  void TearDown() override { server_.reset(); }
  ClientResponse Get(const std::string& path) {
    HttpClient client = server_->Client();
    auto r = client.Get(path);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : ClientResponse{};
  }

  TempDir tmp_;
  const fs::path root_ = tmp_.path();
  std::unique_ptr<TestServer> server_;
};

TEST_F(WebServingTest, PagesAssetsAndTheAppsRoutesBesideTheApi) {
  ClientResponse page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><div id=root></div>");
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.Header("cache-control"), "no-cache");
  EXPECT_TRUE(page.Header("content-security-policy").has_value());

  ClientResponse script = Get("/assets/index-9c1e.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "export const app = 1;");
  EXPECT_EQ(script.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.Header("cache-control"), "public, max-age=31536000, immutable");

  ClientResponse route = Get("/work-orders/overdue");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, page.body) << "the app's own route is its page";

  EXPECT_TRUE(IsError(Get("/assets/gone-1.js"), 404, "route_not_found"));
  EXPECT_TRUE(IsError(Get("/v1/nothing"), 404, "route_not_found"));
  EXPECT_TRUE(IsError(Get("/%2e%2e/etc/passwd"), 404, "route_not_found"));
  ClientResponse health = Get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Header("content-type"), "application/json");
  EXPECT_EQ(server_->ServerErrors(), 0);
}

TEST_F(WebServingTest, ARootWithoutABuildRefusesToStart) {
  const fs::path empty = root_ / "assets";
  RunResult r = RunCelesteCli({"serve", "--db", "sqlite:" + (root_ / "x.db").string(), "--listen",
                               "127.0.0.1:0", "--web-root", empty.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("index.html"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace celeste::testing

// The web app's files (api/web_files.h): index.html at /, each built file with its content
// type, a year's cache for hashed assets and revalidation for the rest, the single-page
// app's routes answered with index.html, and nothing outside the root or under the API.
#include "api/web_files.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../store/temp_dir.h"

namespace celeste {
namespace {

namespace fs = std::filesystem;

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// The bytes of a served file (reads its descriptor from the start).
std::string BodyOf(const Response& r) {
  if (!r.file) return "";
  const int fd = r.file->Release();
  std::string out(r.file->size(), '\0');
  const ssize_t n = ::pread(fd, out.data(), out.size(), 0);
  ::close(fd);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(dir_.path()) / "dist";
    fs::create_directories(root_ / "assets");
    Write("index.html", "<!doctype html><title>celeste</title>");
    Write("assets/index-3f9a1c.js", "console.log('app')");
    Write("assets/index-3f9a1c.css", "body{}");
    Write("favicon.svg", "<svg/>");
    Write("../secret.txt", "outside the root");
    fs::create_symlink(fs::path(dir_.path()) / "secret.txt", root_ / "leak.txt");
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
  std::optional<Response> Get(const std::string& path, Method method = Method::kGet) const {
    Request r;
    r.method = method;
    r.path = path;
    return WebFiles(root_).Serve(r);
  }

  celeste::testing::TempDir dir_;
  fs::path root_;
};

TEST_F(WebFilesTest, TheRootIsIndexHtmlWithItsPolicyAndRevalidated) {
  auto r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(*r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*r, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(HeaderOf(*r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(BodyOf(*r), "<!doctype html><title>celeste</title>");
}

TEST_F(WebFilesTest, HashedAssetsAreCachedForAYearWithTheirTypes) {
  auto js = Get("/assets/index-3f9a1c.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(*js, "Content-Security-Policy"), "") << "only pages carry the policy";
  EXPECT_EQ(BodyOf(*js), "console.log('app')");
  auto css = Get("/assets/index-3f9a1c.css", Method::kHead);
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  auto icon = Get("/favicon.svg");
  ASSERT_TRUE(icon);
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(*icon, "Cache-Control"), "no-cache") << "not hashed: revalidated";
}

TEST_F(WebFilesTest, TheAppsOwnRoutesGetIndexHtmlAndMissingFilesAreNotServed) {
  for (const char* route : {"/faults", "/faults/0192f000-0000-7000-8000-000000000001", "/ops/"}) {
    auto r = Get(route);
    ASSERT_TRUE(r) << route;
    EXPECT_EQ(BodyOf(*r), "<!doctype html><title>celeste</title>") << route;
  }
  EXPECT_FALSE(Get("/assets/missing-123.js"));
  EXPECT_FALSE(Get("/robots.txt"));
}

TEST_F(WebFilesTest, NothingOutsideTheRootAndNothingUnderTheApi) {
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/leak.txt",
        "/v1/actions/list", "/v1", "/health", "/metrics", "relative", "/a\\..\\secret.txt"}) {
    EXPECT_FALSE(Get(path)) << path;
  }
  EXPECT_FALSE(Get("/", Method::kPost));
  EXPECT_FALSE(Get("/index.html", Method::kDelete));
}

TEST_F(WebFilesTest, ARootMustHoldABuild) {
  EXPECT_TRUE(WebFiles::Check(root_).ok());
  const Status empty = WebFiles::Check(dir_.path());
  EXPECT_EQ(empty.code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(empty.message().find("index.html"), std::string::npos);
  EXPECT_EQ(WebFiles::Check(root_ / "nope").code(), ErrorCode::kInvalidRequest);
}

TEST(WebContentTypeTest, KnownExtensionsAndAFallback) {
  EXPECT_EQ(WebContentType("app.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(WebContentType("font.woff2"), "font/woff2");
  EXPECT_EQ(WebContentType("manifest.webmanifest"), "application/manifest+json");
  EXPECT_EQ(WebContentType("blob.bin"), "application/octet-stream");
  EXPECT_EQ(WebContentType(".js"), "application/octet-stream");
}

}  // namespace
}  // namespace celeste

// What the certificates and documents integration suites share: a server whose document
// storage is a folder of the test's own (CELESTE_DOCUMENTS_DIR), certificates added over
// HTTP, uploads and downloads as a client sends them, and raw connections for the uploads
// no well-behaved client would make (cut off, chunked, abandoned).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {

inline std::string Text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return v.is_null() ? "<null>" : "<not a string>";
}

// Polls `done` for up to 10 s.
inline bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// A plain TCP connection to the test server.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false when the server closed the connection first.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything the server sends until it closes the connection (or 10 s pass).
  std::string ReadUntilClosed() {
    std::string received;
    char chunk[4096];
    for (ssize_t n; (n = ::recv(fd_, chunk, sizeof chunk, 0)) > 0;) received.append(chunk, n);
    return received;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Files as each supported type begins, padded to `size` bytes with varied content.
inline std::string FileOf(std::string_view magic, size_t size) {
  std::string out(magic);
  for (size_t i = out.size(); i < size; ++i) out.push_back(static_cast<char>((i * 7919) % 256));
  return out;
}
inline std::string Pdf(size_t size = 50000) { return FileOf("%PDF-1.7\n", size); }
inline std::string Png(size_t size = 50000) {
  return FileOf(std::string_view("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", 16), size);
}
inline std::string Jpeg(size_t size = 50000) {
  return FileOf(std::string_view("\xFF\xD8\xFF\xE0\0\x10JFIF", 10), size);
}

class CertificatesFixture : public IntegrationTest {
 protected:
  void SetUp() override {
    InitCrypto();
    std::string templ =
        (std::filesystem::temp_directory_path() / "celeste-documents-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    documents_ = templ;
    ::setenv("CELESTE_DOCUMENTS_DIR", documents_.c_str(), 1);
    IntegrationTest::SetUp();
  }

  void TearDown() override {
    IntegrationTest::TearDown();
    ::unsetenv("CELESTE_DOCUMENTS_DIR");
    std::error_code ec;
    if (!std::getenv("CELESTE_KEEP_TEST_DIRS")) std::filesystem::remove_all(documents_, ec);
  }

  // The server's day (UTC), as list_certificates reports it: dates relative to it.
  std::string Today() {
    ClientResponse r = Execute(UserA("crew"), A().id, "list_certificates", {{"limit", 1}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? Text(r.Json().at("result").at("today")) : "";
  }
  // Today plus `days`, as YYYY-MM-DD.
  std::string InDays(int64_t days) {
    if (today_days_ == INT64_MIN) today_days_ = ParseDateDays(Today()).value_or(0);
    return FormatRfc3339((today_days_ + days) * 86400 * kMicrosPerSecond).substr(0, 10);
  }

  // A vessel certificate of yacht `yacht` expiring in `days`, added by its captain; its id.
  std::string AddCertificate(const DemoYacht& yacht, int64_t days, const std::string& number = "") {
    ClientResponse r =
        Execute(yacht.users.at("captain"), yacht.id, "add_certificate",
                {{"certificate_type", "Load Line"},
                 {"number", number.empty() ? "LL-" + std::to_string(++added_) : number},
                 {"issuing_authority", "Lloyd's Register"},
                 {"issue_date", InDays(std::min<int64_t>(days, 0) - 1000)},
                 {"expiry_date", InDays(days)}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? Text(r.Json().at("entity_id")) : "";
  }

  boost::json::object Certificate(const std::string& id, const DemoYacht* yacht = nullptr) {
    const DemoYacht& y = yacht ? *yacht : A();
    ClientResponse r =
        Execute(y.users.at("crew"), y.id, "view_certificate_detail", {{"certificate_id", id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").as_object() : boost::json::object{};
  }

  // POST /v1/documents with `query` (yacht_id=...&entity_type=...&entity_id=...).
  ClientResponse Upload(const DemoUser& user, const std::string& query, std::string_view body,
                        const std::string& content_type = "application/octet-stream") {
    auto r = client_->Post(
        "/v1/documents?" + query, body,
        {{"Authorization", "Bearer " + server_->TokenFor(user)}, {"Content-Type", content_type}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }
  ClientResponse UploadTo(const DemoUser& user, const DemoYacht& yacht,
                          const std::string& entity_type, const std::string& entity_id,
                          std::string_view body) {
    return Upload(
        user, "yacht_id=" + yacht.id + "&entity_type=" + entity_type + "&entity_id=" + entity_id,
        body);
  }
  ClientResponse Download(const DemoUser& user, const std::string& yacht_id,
                          const std::string& document_id) {
    return Get(user, "/v1/documents/" + document_id + "?yacht_id=" + yacht_id);
  }

  // Regular files under the documents root, relative to it, locks excluded.
  std::set<std::string> StoredFiles() const {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(documents_, ec)) {
      if (!e.is_regular_file() || e.path().extension() == ".lock") continue;
      out.insert(std::filesystem::relative(e.path(), documents_).string());
    }
    return out;
  }
  // Half-written uploads (.part files) under the root.
  size_t Parts() const {
    size_t n = 0;
    for (const std::string& f : StoredFiles()) n += f.ends_with(".part");
    return n;
  }

  std::string documents_;
  int64_t today_days_ = INT64_MIN;
  int added_ = 0;
};

}  // namespace celeste::testing

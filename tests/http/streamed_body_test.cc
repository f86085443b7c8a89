// HttpServer's streamed bodies and file responses (server.h, request.h BodySink): a route
// whose opener returns a sink gets its body piece by piece under the sink's limit, while
// every other route keeps the server's; a refused body is answered without being read; a
// body over the limit, or cut off by the client, never reaches the handler with its sink,
// which is dropped first. Responses can stream a file.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/server.h"
#include "ops/http_client.h"

namespace celeste {
namespace {

using std::chrono::milliseconds;
namespace json = boost::json;

constexpr uint64_t kServerLimit = 1024;
constexpr uint64_t kSinkLimit = uint64_t{8} * 1024 * 1024;

// What the test sinks saw, shared with the test (sinks live in the server).
struct SinkLog {
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> largest_piece{0};
  std::atomic<int> opened{0};
  std::atomic<int> destroyed{0};
  std::atomic<int> handled{0};
  std::atomic<bool> destroyed_before_handler{false};
};

class TestSink final : public BodySink {
 public:
  TestSink(SinkLog& log, bool accepting, uint64_t stop_after)
      : log_(log), accepting_(accepting), stop_after_(stop_after) {
    ++log_.opened;
  }
  ~TestSink() override { ++log_.destroyed; }
  bool accepting() const override { return accepting_; }
  uint64_t limit() const override { return kSinkLimit; }
  bool Append(std::string_view bytes) override {
    if (log_.received + bytes.size() > stop_after_) return false;
    log_.received += bytes.size();
    if (bytes.size() > log_.largest_piece) log_.largest_piece = bytes.size();
    return true;
  }

 private:
  SinkLog& log_;
  bool accepting_;
  uint64_t stop_after_;
};

class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
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

  void Send(const std::string& bytes) {
    EXPECT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
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

bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return done();
}

class StreamedBodyTest : public ::testing::Test {
 protected:
  // /stream streams into a TestSink (refusing when ?refuse, stopping after ?stop bytes);
  // every other route takes its body whole.
  void SetUp() override {
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.body_limit = kServerLimit;
    auto handler = [this](Request&& request) {
      ++log_.handled;
      log_.destroyed_before_handler = log_.opened > 0 && log_.destroyed == log_.opened;
      if (request.path == "/file") return FileResponse();
      Response response = Response::Json(request.body_too_large ? 413 : 200,
                                         json::object{{"body_size", request.body.size()},
                                                      {"has_sink", request.body_sink != nullptr},
                                                      {"received", log_.received.load()},
                                                      {"body_too_large", request.body_too_large}});
      return response;
    };
    auto opener = [this](Request& head) -> std::shared_ptr<BodySink> {
      if (head.path != "/stream") return nullptr;
      const bool refuse = head.QueryParam("refuse").has_value();
      const uint64_t stop =
          head.QueryParam("stop") ? std::stoull(std::string(*head.QueryParam("stop"))) : UINT64_MAX;
      return std::make_shared<TestSink>(log_, !refuse, stop);
    };
    server_ = std::make_unique<HttpServer>(options, handler, opener);
    ASSERT_TRUE(server_->Start().ok());
  }

  Response FileResponse() {
    char path[] = "/tmp/celeste-file-response-XXXXXX";
    const int fd = ::mkstemp(path);
    ::unlink(path);
    const std::string content = FileContent();
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::lseek(fd, 0, SEEK_SET);
    Response response;
    response.content_type = "application/pdf";
    response.file = std::make_shared<ResponseFile>(fd, content.size());
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"x.pdf\"");
    return response;
  }

  static std::string FileContent() {
    std::string content = "%PDF-";
    for (int i = 0; i < 3 * 1024 * 1024; ++i) content.push_back(static_cast<char>(i % 253));
    return content;
  }

  HttpClient Client() const {
    return HttpClient("127.0.0.1", server_->port(), milliseconds(10000));
  }

  SinkLog log_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(StreamedBodyTest, ALargeBodyReachesTheSinkInBoundedPieces) {
  HttpClient client = Client();
  const std::string body(5 * 1024 * 1024, 'z');
  auto r = client.Post("/stream", body, {{"Content-Type", "application/pdf"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 200) << r->body;
  const json::value answer = r->Json();
  EXPECT_EQ(answer.at("has_sink"), json::value(true));
  EXPECT_EQ(answer.at("body_size").as_int64(), 0) << "nothing held in Request::body";
  EXPECT_EQ(answer.at("received").as_int64(), static_cast<int64_t>(body.size()));
  EXPECT_LE(log_.largest_piece.load(), 1024u * 1024u) << "memory stays bounded";
  EXPECT_TRUE(WaitFor([&] { return log_.destroyed == 1; })) << "the sink goes with the request";

  // The connection stays usable, and other routes keep the server's own limit.
  auto small = client.Post("/other", std::string(kServerLimit, 'a'));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->status, 200);
  EXPECT_EQ(small->Json().at("body_size").as_int64(), static_cast<int64_t>(kServerLimit));
  auto large = client.Post("/other", std::string(kServerLimit + 1, 'a'));
  ASSERT_TRUE(large.ok());
  EXPECT_EQ(large->status, 413);
  EXPECT_EQ(log_.opened, 1) << "no sink for other routes";
}

TEST_F(StreamedBodyTest, AChunkedBodyIsStreamedToo) {
  RawConnection connection(server_->port());
  std::string request =
      "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  const std::string piece(100000, 'q');
  for (int i = 0; i < 30; ++i) request += "186a0\r\n" + piece + "\r\n";
  request += "0\r\n\r\n";
  connection.Send(request);
  const std::string answer = connection.ReadUntilClosed();
  EXPECT_EQ(answer.find("HTTP/1.1 200"), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("\"received\":3000000"), std::string::npos) << answer;
}

TEST_F(StreamedBodyTest, ARefusedBodyIsAnsweredWithoutBeingRead) {
  RawConnection connection(server_->port());
  // Announces 6 MiB and sends none of it, expecting 100 Continue: the answer comes at once,
  // without a 100.
  connection.Send(
      "POST /stream?refuse=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 6291456\r\n"
      "Expect: 100-continue\r\n\r\n");
  const std::string answer = connection.ReadUntilClosed();
  EXPECT_EQ(answer.find("HTTP/1.1 200"), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"has_sink\":true"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"received\":0"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
}

TEST_F(StreamedBodyTest, OverTheSinksLimitTheSinkIsDroppedBeforeThe413) {
  // Declared too long: refused from the head.
  RawConnection declared(server_->port());
  declared.Send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                std::to_string(kSinkLimit + 1) + "\r\n\r\n");
  std::string answer = declared.ReadUntilClosed();
  EXPECT_EQ(answer.find("HTTP/1.1 413"), 0u) << answer;
  EXPECT_NE(answer.find("\"has_sink\":false"), std::string::npos) << answer;
  EXPECT_TRUE(log_.destroyed_before_handler);

  // Chunked: refused when the chunk that crosses the limit arrives.
  log_.received = 0;
  RawConnection chunked(server_->port());
  std::string request = "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string mib(1024 * 1024, 'c');
  for (int i = 0; i < 9; ++i) request += "100000\r\n" + mib + "\r\n";
  request += "0\r\n\r\n";
  std::thread writer([&] { chunked.Send(request); });
  answer = chunked.ReadUntilClosed();
  writer.join();
  EXPECT_EQ(answer.find("HTTP/1.1 413"), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("\"has_sink\":false"), std::string::npos) << answer;
  EXPECT_TRUE(log_.destroyed_before_handler) << "the partial body was dropped first";
  EXPECT_EQ(log_.received.load(), kSinkLimit) << "up to the limit, then no more";
}

TEST_F(StreamedBodyTest, AClientLeavingMidBodyNeverReachesTheHandler) {
  {
    RawConnection connection(server_->port());
    connection.Send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" +
                    std::string(300000, 'h'));
    ASSERT_TRUE(WaitFor([&] { return log_.received >= 300000; }));
  }  // closed with 700,000 bytes missing
  EXPECT_TRUE(WaitFor([&] { return log_.destroyed == 1; })) << "the sink is dropped";
  EXPECT_EQ(log_.handled, 0);
}

TEST_F(StreamedBodyTest, ASinkThatStopsIsAnsweredAtOnce) {
  RawConnection connection(server_->port());
  connection.Send("POST /stream?stop=10 HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n" +
                  std::string(64 * 1024, 's'));
  const std::string answer = connection.ReadUntilClosed();
  EXPECT_EQ(answer.find("HTTP/1.1 200"), 0u) << answer;
  EXPECT_NE(answer.find("\"has_sink\":true"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_EQ(log_.handled, 1);
}

TEST_F(StreamedBodyTest, AResponseCanStreamAFile) {
  HttpClient client = Client();
  auto r = client.Get("/file");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "application/pdf");
  EXPECT_EQ(r->Header("content-length"), std::to_string(FileContent().size()));
  EXPECT_EQ(r->Header("content-disposition"), "attachment; filename=\"x.pdf\"");
  EXPECT_TRUE(r->body == FileContent()) << "the bytes of the file";

  auto head = client.Send(Method::kHead, "/file");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->Header("content-length"), std::to_string(FileContent().size()));
  EXPECT_TRUE(head->body.empty());

  auto again = client.Get("/file");  // the same kept-alive connection
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->body.size(), FileContent().size());
  EXPECT_EQ(client.connections_opened(), 1);
}

}  // namespace
}  // namespace celeste

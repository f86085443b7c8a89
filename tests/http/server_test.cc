#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "ops/http_client.h"

namespace celeste {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
namespace json = boost::json;

// Answers with what it received, as JSON.
Response Echo(Request&& request) {
  json::object query;
  for (const auto& [key, value] : request.query) query[key] = value;
  json::object headers;
  for (const auto& [name, value] : request.headers) headers[name] = value;
  Response response = Response::Json(200, json::object{
                                              {"method", MethodName(request.method)},
                                              {"target", request.target},
                                              {"path", request.path},
                                              {"query", std::move(query)},
                                              {"headers", std::move(headers)},
                                              {"body", request.body},
                                              {"body_too_large", request.body_too_large},
                                              {"remote_address", request.remote_address},
                                          });
  if (request.body_too_large) response.status = 413;
  response.headers.emplace_back("X-Echo", "yes");
  return response;
}

// A plain TCP connection to 127.0.0.1:port, for bytes HttpClient would not send.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    EXPECT_GE(fd_, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void Send(const std::string& bytes) {
    EXPECT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // Everything the server sends until it closes the connection (or 5 s pass).
  std::string ReadUntilClosed() {
    std::string received;
    char chunk[4096];
    for (ssize_t n; (n = ::recv(fd_, chunk, sizeof chunk, 0)) > 0;) received.append(chunk, n);
    return received;
  }

 private:
  int fd_;
};

// Sends `pieces` with a pause between them; returns all the server answered.
std::string ExchangeRaw(uint16_t port, const std::vector<std::string>& pieces) {
  RawConnection connection(port);
  for (const std::string& piece : pieces) {
    connection.Send(piece);
    std::this_thread::sleep_for(milliseconds(50));
  }
  return connection.ReadUntilClosed();
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(RequestHandler handler, HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    if (options.threads == 0) options.threads = 2;
    server_ = std::make_unique<HttpServer>(std::move(options), std::move(handler));
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  HttpClient Client() const { return HttpClient("127.0.0.1", server_->port(), milliseconds(5000)); }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, PassesMethodPathQueryHeadersAndBodyToTheHandler) {
  StartServer(Echo);
  struct Case {
    Method method;
    const char* target;
    const char* body;
    const char* want_path;
    json::object want_query;
  };
  const Case kCases[] = {
      {Method::kGet, "/health", "", "/health", {}},
      {Method::kGet,
       "/v1/audit?yacht_id=Y1&entity_id=a%20b",
       "",
       "/v1/audit",
       {{"yacht_id", "Y1"}, {"entity_id", "a b"}}},
      {Method::kPost, "/v1/actions/execute", R"({"action":"x"})", "/v1/actions/execute", {}},
      {Method::kPut, "/v1/flags/PARTS?x=1", R"({"enabled":true})", "/v1/flags/PARTS", {{"x", "1"}}},
      {Method::kDelete, "/v1/things/1", "", "/v1/things/1", {}},
      {Method::kPatch, "/v1/things/1", "{}", "/v1/things/1", {}},
      {Method::kOptions, "/v1/things", "", "/v1/things", {}},
  };
  HttpClient client = Client();
  for (const Case& c : kCases) {
    const std::string name = std::string(MethodName(c.method)) + " " + c.target;
    auto response = client.Send(c.method, c.target, c.body, {{"X-Trace-Id", "T-1"}});
    ASSERT_TRUE(response.ok()) << name << ": " << response.status().ToString();
    EXPECT_EQ(response->status, 200) << name;
    EXPECT_EQ(response->Header("content-type"), "application/json") << name;
    EXPECT_EQ(response->Header("x-echo"), "yes") << name;
    const json::value echoed = response->Json();
    EXPECT_EQ(echoed.at("method"), json::value(MethodName(c.method))) << name;
    EXPECT_EQ(echoed.at("target"), json::value(c.target)) << name;
    EXPECT_EQ(echoed.at("path"), json::value(c.want_path)) << name;
    EXPECT_EQ(echoed.at("query"), json::value(c.want_query)) << name;
    EXPECT_EQ(echoed.at("body"), json::value(c.body)) << name;
    EXPECT_EQ(echoed.at("body_too_large"), json::value(false)) << name;
    EXPECT_EQ(echoed.at("remote_address"), json::value("127.0.0.1")) << name;
    // Header names reach the handler lower-cased.
    EXPECT_EQ(echoed.at("headers").at("x-trace-id"), json::value("T-1")) << name;
  }
}

TEST_F(HttpServerTest, WritesStatusContentTypeAndExtraHeadersOfTheResponse) {
  StartServer([](Request&& request) {
    if (request.path == "/empty") return Response{204, "", "", {}};
    Response response = Response::Text(418, "short and stout", "text/plain; charset=utf-8");
    response.headers = {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Retry-After", "7"}};
    return response;
  });
  HttpClient client = Client();
  auto teapot = client.Get("/teapot");
  ASSERT_TRUE(teapot.ok()) << teapot.status().ToString();
  EXPECT_EQ(teapot->status, 418);
  EXPECT_EQ(teapot->body, "short and stout");
  EXPECT_EQ(teapot->Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(teapot->Header("content-length"), "15");
  EXPECT_EQ(teapot->Header("retry-after"), "7");
  int cookies = 0;
  for (const auto& [name, value] : teapot->headers) cookies += name == "set-cookie";
  EXPECT_EQ(cookies, 2);

  auto empty = client.Get("/empty");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->status, 204);
  EXPECT_EQ(empty->Header("content-length"), std::nullopt);
  EXPECT_EQ(client.connections_opened(), 1) << "a 204 keeps the connection usable";
}

TEST_F(HttpServerTest, HeadAnnouncesTheLengthWithoutTheBody) {
  StartServer([](Request&&) { return Response::Text(200, "hello", "text/plain"); });
  HttpClient client = Client();
  auto head = client.Send(Method::kHead, "/health");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "5");
  EXPECT_EQ(head->body, "");
  auto get = client.Get("/health");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->body, "hello");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, KeepAliveReusesOneConnection) {
  StartServer(Echo);
  HttpClient client = Client();
  for (int i = 0; i < 100; ++i) {
    auto response = client.Get("/health?i=" + std::to_string(i));
    ASSERT_TRUE(response.ok()) << "request " << i << ": " << response.status().ToString();
    ASSERT_EQ(response->Json().at("query").at("i"), json::value(std::to_string(i)));
  }
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_EQ(server_->connections_accepted(), 1u);
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer(Echo);
  const std::string received =
      ExchangeRaw(server_->port(), {"GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /second HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"});
  EXPECT_EQ(CountOccurrences(received, "HTTP/1.1 200 OK"), 3u) << received;
  const size_t first = received.find(R"("path":"/first")");
  const size_t second = received.find(R"("path":"/second")");
  const size_t third = received.find(R"("path":"/third")");
  ASSERT_NE(third, std::string::npos) << received;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(HttpServerTest, ClosesTheConnectionWhenTheClientAsks) {
  StartServer(Echo);
  HttpClient client = Client();
  auto response = client.Get("/health", {{"Connection", "close"}});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->Header("connection"), "close");
  ASSERT_TRUE(client.Get("/health").ok());
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(HttpServerTest, BodyOverTheLimitReachesTheHandlerFlaggedAndEmpty) {
  HttpServerOptions options;
  options.body_limit = 1024;
  StartServer(Echo, options);
  HttpClient client = Client();

  auto at_limit = client.Post("/upload", std::string(1024, 'a'));
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(at_limit->Json().at("body").as_string().size(), 1024u);

  // Several MiB: more than the socket buffers hold, so the server must keep reading (and
  // discarding) until the client has written it all and reads the answer.
  for (size_t size : {size_t{1025}, size_t{4} * 1024 * 1024}) {
    auto over = client.Post("/upload?n=1", std::string(size, 'b'));
    ASSERT_TRUE(over.ok()) << size << ": " << over.status().ToString();
    EXPECT_EQ(over->status, 413) << size;
    EXPECT_EQ(over->Header("connection"), "close") << size;
    const json::value echoed = over->Json();
    EXPECT_EQ(echoed.at("body_too_large"), json::value(true)) << size;
    EXPECT_EQ(echoed.at("body"), json::value("")) << size;
    EXPECT_EQ(echoed.at("path"), json::value("/upload")) << size;
    EXPECT_EQ(echoed.at("query").at("n"), json::value("1")) << size;
  }

  auto after = client.Get("/health");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(client.connections_opened(), 3) << "each 413 closed its connection";
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitReachesTheHandlerFlagged) {
  HttpServerOptions options;
  options.body_limit = 16;
  StartServer(Echo, options);
  const std::string received = ExchangeRaw(
      server_->port(), {"POST /chunked HTTP/1.1\r\nHost: x\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"
                        "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"});
  EXPECT_EQ(received.find("HTTP/1.1 413"), 0u) << received;
  EXPECT_NE(received.find(R"("body_too_large":true)"), std::string::npos) << received;
}

TEST_F(HttpServerTest, MalformedRequestGets400JsonAndTheConnectionCloses) {
  std::atomic<int> handled{0};
  HttpServerOptions options;
  options.header_limit = 1024;
  StartServer(
      [&handled](Request&& request) {
        ++handled;
        return Echo(std::move(request));
      },
      options);
  struct Case {
    const char* name;
    std::string raw;
    const char* want_message;
  };
  const Case kCases[] = {
      {"garbage", "NOT AN HTTP REQUEST\r\n\r\n", "malformed HTTP request"},
      {"bad version", "GET / HTTP/9\r\n\r\n", "malformed HTTP request"},
      {"bad header", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "malformed HTTP request"},
      {"bad content-length", "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
       "malformed HTTP request"},
      {"header too large", "GET / HTTP/1.1\r\nX-Big: " + std::string(2048, 'x') + "\r\n\r\n",
       "HTTP request header too large"},
  };
  for (const Case& c : kCases) {
    HttpClient client = Client();
    auto response = client.SendRaw(c.raw);
    ASSERT_TRUE(response.ok()) << c.name << ": " << response.status().ToString();
    EXPECT_EQ(response->status, 400) << c.name;
    EXPECT_EQ(response->Header("connection"), "close") << c.name;
    const json::value body = response->Json();
    ASSERT_TRUE(body.is_object()) << c.name << ": " << response->body;
    EXPECT_EQ(body.at("success"), json::value(false)) << c.name;
    EXPECT_EQ(body.at("error_code"), json::value("invalid_request")) << c.name;
    EXPECT_EQ(body.at("message"), json::value(c.want_message)) << c.name;
    EXPECT_EQ(body.at("status"), json::value(400)) << c.name;
    EXPECT_EQ(response->Header("x-request-id"), body.at("request_id").as_string().c_str())
        << c.name;
  }
  EXPECT_EQ(handled, 0);
}

TEST_F(HttpServerTest, AnswersExpect100ContinueBeforeTheBody) {
  StartServer(Echo);
  const std::string received =
      ExchangeRaw(server_->port(), {"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                    "Expect: 100-continue\r\nConnection: close\r\n\r\n",
                                    "hello"});
  EXPECT_EQ(received.find("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), 0u) << received;
  EXPECT_NE(received.find(R"("body":"hello")"), std::string::npos) << received;
}

TEST_F(HttpServerTest, HandlerExceptionGives500AndTheServerKeepsServing) {
  StartServer([](Request&& request) -> Response {
    if (request.path == "/throw") throw std::runtime_error("boom");
    return Response::Text(200, "fine", "text/plain");
  });
  HttpClient client = Client();
  auto thrown = client.Get("/throw");
  ASSERT_TRUE(thrown.ok()) << thrown.status().ToString();
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(thrown->Json().at("error_code"), json::value("internal_error"));
  auto fine = client.Get("/fine");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->body, "fine");
}

TEST_F(HttpServerTest, ConcurrentRequestsFromManyThreadsAllSucceed) {
  StartServer(Echo);
  constexpr int kThreads = 20;
  constexpr int kRequestsPerThread = 10;
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client = Client();
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const std::string body = std::to_string(t) + "/" + std::to_string(i);
        auto response = client.Post("/echo", body);
        if (response.ok() && response->status == 200 &&
            response->Json().at("body") == json::value(body)) {
          ++succeeded;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded, kThreads * kRequestsPerThread);
  EXPECT_EQ(server_->connections_accepted(), static_cast<uint64_t>(kThreads));
}

TEST_F(HttpServerTest, IdleConnectionTimesOutAndTheClientReconnects) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(200);
  StartServer(Echo, options);
  HttpClient client = Client();
  ASSERT_TRUE(client.Get("/health").ok());
  std::this_thread::sleep_for(milliseconds(500));
  auto response = client.Get("/health");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(HttpServerTest, StopLetsARequestInFlightFinish) {
  std::promise<void> entered;
  StartServer([&entered](Request&&) {
    entered.set_value();
    std::this_thread::sleep_for(milliseconds(500));
    return Response::Text(200, "slow but done", "text/plain");
  });
  auto slow = std::async(std::launch::async, [this] { return Client().Get("/slow"); });
  entered.get_future().wait();

  const auto start = steady_clock::now();
  server_->Stop();
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));

  auto response = slow.get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slow but done");
  EXPECT_EQ(response->Header("connection"), "close");

  EXPECT_FALSE(Client().Get("/health").ok()) << "a stopped server accepts nothing";
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnectionsAtOnce) {
  StartServer(Echo);
  std::vector<HttpClient> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(Client());
    ASSERT_TRUE(clients.back().Get("/health").ok());
  }
  const auto start = steady_clock::now();
  server_->Stop();
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, StopCutsOffRequestsStillArrivingAfterTheShutdownTimeout) {
  HttpServerOptions options;
  options.shutdown_timeout = milliseconds(300);
  StartServer(Echo, options);
  RawConnection stalled(server_->port());
  stalled.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
  std::this_thread::sleep_for(milliseconds(100));

  const auto start = steady_clock::now();
  server_->Stop();
  const auto waited = steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(300)) << "a request already arriving gets its chance";
  EXPECT_LT(waited, milliseconds(2000));
  EXPECT_EQ(stalled.ReadUntilClosed(), "");
}

TEST(HttpServerStartTest, FailsClearlyWhenTheAddressIsInUse) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  HttpServer first(options, Echo);
  ASSERT_TRUE(first.Start().ok());

  options.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(options, Echo);
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInternal);
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(options.listen), std::string::npos) << status.message();
  EXPECT_EQ(second.port(), 0);
}

TEST(HttpServerStartTest, RejectsMalformedListenAddresses) {
  for (const char* listen : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http",
                             "127.0.0.1:65536", "127.0.0.1:-1", "[::1", "[::1]8080"}) {
    HttpServerOptions options;
    options.listen = listen;
    HttpServer server(options, Echo);
    Status status = server.Start();
    ASSERT_FALSE(status.ok()) << listen;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidField) << listen;
    EXPECT_NE(status.message().find("listen"), std::string::npos) << listen;
  }
}

TEST(HttpServerStartTest, ListensOnLocalhostAndIpv6Loopback) {
  for (const char* listen : {"localhost:0", "[::1]:0"}) {
    HttpServerOptions options;
    options.listen = listen;
    options.threads = 1;
    HttpServer server(options, Echo);
    Status status = server.Start();
    ASSERT_TRUE(status.ok()) << listen << ": " << status.ToString();
    ASSERT_NE(server.port(), 0);
    EXPECT_FALSE(server.Start().ok()) << "a server starts at most once";
  }
}

TEST(HttpClientTest, ReportsConnectionFailureAsAnError) {
  // Bind a port, then free it, so that nothing listens there.
  uint16_t port = 0;
  {
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    HttpServer server(options, Echo);
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
  }
  HttpClient client("127.0.0.1", port, milliseconds(1000));
  auto response = client.Get("/health");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kInternal);
  EXPECT_NE(response.status().message().find("GET /health"), std::string::npos)
      << response.status().message();
  EXPECT_EQ(client.Send(Method::kOther, "/health").status().code(), ErrorCode::kInternal);
}

TEST(HttpClientTest, TimesOutOnASilentServer) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  HttpServer server(options, [](Request&&) {
    std::this_thread::sleep_for(milliseconds(600));
    return Response::Text(200, "late", "text/plain");
  });
  ASSERT_TRUE(server.Start().ok());
  HttpClient client("127.0.0.1", server.port(), milliseconds(100));
  auto response = client.Get("/slow");
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("timed out after 100 ms"), std::string::npos)
      << response.status().message();
}

TEST(ClientResponseTest, ParsesJsonAndFindsHeaders) {
  ClientResponse response;
  response.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  response.body = R"({"status":"ok"})";
  EXPECT_EQ(response.Json().at("status"), json::value("ok"));
  EXPECT_EQ(response.Header("x-a"), "1");
  EXPECT_EQ(response.Header("x-b"), std::nullopt);
  response.body = "<html>";
  EXPECT_TRUE(response.Json().is_null());
  response.body = "";
  EXPECT_TRUE(response.Json().is_null());
}

}  // namespace
}  // namespace celeste

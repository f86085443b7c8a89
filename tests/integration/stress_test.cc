// `celeste stress` against a real server (issue 7): PASS with an explicit "5xx: 0" on a
// healthy server, FAIL (exit 1) when the lens answers 500s, thresholds applied, a thousand
// connections held from one process, and usage errors exit 2.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"

namespace celeste::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

boost::json::object JsonFile(const std::string& path) {
  auto json = ParseJson(ReadAll(path));
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

class StressTest : public IntegrationTest {
 protected:
  // `celeste stress` on the server's yacht A with its manager's token in CELESTE_TOKEN.
  static RunResult Stress(const TestServer& server, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"stress", "--url", UrlOf(server), "--yacht",
                                     server.yacht_a().id};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCelesteCli(
        args, {"CELESTE_TOKEN=" + server.TokenFor(server.yacht_a().users.at("manager"))});
  }
  std::string Path(const std::string& name) const { return server_->dir() + "/" + name; }
  int64_t Items() {
    const boost::json::object result =
        ResultOf(Execute(UserA("manager"), A().id, "list_shopping_list_items", {{"limit", 200}}));
    return result.contains("items") ? static_cast<int64_t>(result.at("items").as_array().size())
                                    : -1;
  }
};

TEST_F(StressTest, AHealthyServerPassesWithAnExplicitZero5xxLine) {
  const int64_t items_before = Items();
  RunResult r =
      Stress(*server_, {"--lens", "shopping_list", "--scenario", "mixed", "--concurrency", "8",
                        "--requests", "100", "--threshold", "p99<10s", "--threshold", "rps>0",
                        "--json", Path("run.json"), "--markdown", Path("run.md")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("5xx: 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verdict    PASS"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress bar when stderr is not a TTY";

  const boost::json::object json = JsonFile(Path("run.json"));
  ASSERT_FALSE(json.empty()) << ReadAll(Path("run.json"));
  EXPECT_EQ(json.at("verdict"), "PASS");
  EXPECT_EQ(json.at("requests").at("answered"), 100);
  EXPECT_EQ(json.at("status").at("5xx"), 0);
  EXPECT_EQ(json.at("status").at("by_code").at("201"), 20) << "two create in every ten";
  EXPECT_EQ(json.at("status").at("by_code").at("200"), 80);
  EXPECT_EQ(json.at("thresholds").as_array().size(), 2u);
  EXPECT_EQ(json.at("plan").at("scenario"), "mixed");
  // The generated items are real rows.
  EXPECT_EQ(Items(), items_before + 20);

  const std::string markdown = ReadAll(Path("run.md"));
  EXPECT_NE(markdown.find("**Verdict: PASS**"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| 5xx | 0 |"), std::string::npos) << markdown;
  // The token never reaches the reports.
  EXPECT_EQ(r.out.find("eyJ"), std::string::npos);
  EXPECT_EQ(ReadAll(Path("run.json")).find("eyJ"), std::string::npos);
}

TEST_F(StressTest, InjectedServerErrorsFailTheRun) {
  TestServerOptions faulty;
  faulty.extra_args = {"--allow-fault-injection"};
  faulty.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:0.5"};
  TestServer server(faulty);
  RunResult r = Stress(server, {"--lens", "shopping_list", "--scenario", "read", "--concurrency",
                                "4", "--requests", "60", "--json", server.dir() + "/run.json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict    FAIL"), std::string::npos) << r.out;
  const boost::json::object json = JsonFile(server.dir() + "/run.json");
  ASSERT_FALSE(json.empty());
  const int64_t server_errors = json.at("status").at("5xx").to_number<int64_t>();
  EXPECT_GT(server_errors, 0);
  EXPECT_NE(r.out.find("5xx: " + std::to_string(server_errors) + "\n"), std::string::npos);
  EXPECT_EQ(json.at("verdict"), "FAIL");
}

TEST_F(StressTest, AThresholdThatIsMissedFailsTheRunAndSaysWhich) {
  RunResult r = Stress(*server_, {"--lens", "faults", "--concurrency", "2", "--requests", "20",
                                  "--threshold", "p50<0.001ms", "--threshold", "error_rate<1%"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("threshold  p50<0.001ms    FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("threshold  error_rate<1%  PASS (0.00%)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5xx: 0\n"), std::string::npos);
}

TEST_F(StressTest, HoldsAThousandConnectionsFromOneProcess) {
  RunResult r =
      Stress(*server_, {"--lens", "equipment", "--scenario", "list", "--concurrency", "1000",
                        "--requests", "3000", "--duration", "2m", "--json", Path("run.json")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const boost::json::object json = JsonFile(Path("run.json"));
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.at("connections").at("peak_open"), 1000) << r.out;
  EXPECT_EQ(json.at("connections").at("opened"), 1000) << "each connection kept alive";
  EXPECT_EQ(json.at("status").at("transport_errors"), 0) << r.out;
  EXPECT_EQ(json.at("requests").at("answered"), 3000);
}

TEST_F(StressTest, UsageErrorsExitTwo) {
  const std::string yacht = A().id;
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--lens", "no_such_lens"},
           {"--lens", "parts", "--threshold", "p95<<2"},
           {"--lens", "parts", "--threshold", "latency<2"},
           {"--lens", "parts", "--scenario", "burst"},
           {"--lens", "parts", "--concurrency", "0"},
           {"--lens", "parts", "--duration", "soon"},
           {"--lens", "parts", "--json", "/no/such/dir/run.json"},  // refused before the run
       }) {
    RunResult r = Stress(*server_, extra);
    EXPECT_EQ(r.exit_code, 2) << extra.back() << ": " << r.out << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  RunResult no_token =
      RunCelesteCli({"stress", "--url", UrlOf(*server_), "--yacht", yacht, "--lens", "parts"});
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_NE(no_token.err.find("CELESTE_TOKEN"), std::string::npos) << no_token.err;
}

}  // namespace
}  // namespace celeste::testing

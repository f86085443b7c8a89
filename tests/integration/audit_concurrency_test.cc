// The audit hash chain under concurrent writers (issue 3): writers on their own client
// connections create shopping list items on two yachts at once, against a server with
// several I/O threads and several database connections, so that on PostgreSQL appends
// to one chain really race on different connections. Every request must land, each
// yacht's log must be numbered 1..n with no gap or repeat, every row must link to the one
// before it, the chain head must name the last row, and `celeste audit verify` must pass.
#include <atomic>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr int kWritersA = 8;  // on yacht A
constexpr int kWritersB = 2;  // on yacht B at the same time
constexpr int kCreatesPerWriter = 25;
constexpr int kWriters = kWritersA + kWritersB;
const std::string kGenesisHash(64, '0');

// One writer: a yacht, a user and the outcome of each of its creates.
struct Writer {
  std::string yacht_id;
  std::string token;
  struct Outcome {
    int status = 0;  // 0: no HTTP response
    std::string audit_id;
    std::string error;
  };
  std::vector<Outcome> outcomes = std::vector<Outcome>(kCreatesPerWriter);
};

class AuditConcurrencyTest : public IntegrationTest {
 protected:
  void SetUp() override {
    // An I/O thread and a database connection per writer: no request waits for either, so
    // the appends overlap in the database (on SQLite they meet at its one writer).
    server_ =
        std::make_unique<TestServer>(TestServerOptions{.threads = kWriters, .pool = kWriters});
    client_ = std::make_unique<HttpClient>(server_->Client());
  }

  // GET /v1/audit: the yacht's whole log (at most 1000 rows), oldest first.
  boost::json::array AuditLog(const DemoYacht& yacht) {
    ClientResponse r =
        Get(yacht.users.at("captain"), "/v1/audit?yacht_id=" + yacht.id + "&limit=1000");
    EXPECT_EQ(r.status, 200) << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("entries")) return {};
    return json.at("entries").as_array();
  }

  // Checks `yacht`'s log against the audit ids its writers were given: rows numbered
  // 1..n, `before` old rows then one row per new id, each once.
  void ExpectLogHolds(const DemoYacht& yacht, size_t before,
                      const std::set<std::string>& new_audit_ids) {
    const boost::json::array log = AuditLog(yacht);
    ASSERT_EQ(log.size(), before + new_audit_ids.size()) << "yacht " << yacht.name;
    std::set<std::string> logged;
    for (size_t j = 0; j < log.size(); ++j) {
      const auto& row = log[j].as_object();
      EXPECT_EQ(row.at("seq").as_int64(), static_cast<int64_t>(j) + 1)
          << "yacht " << yacht.name << ": the log is not numbered 1..n at row " << j;
      if (j < before) continue;
      EXPECT_EQ(row.at("action").as_string(), "create_shopping_list_item")
          << "yacht " << yacht.name << " row " << j;
      EXPECT_TRUE(logged.emplace(row.at("id").as_string()).second)
          << "yacht " << yacht.name << ": audit id logged twice at row " << j;
    }
    EXPECT_EQ(logged, new_audit_ids) << "yacht " << yacht.name;
  }

  // Reads `yacht`'s chain from the database itself: every row's prev_hash is the hash of
  // the row before (the genesis hash for seq 1), and the chain head is the last row.
  void ExpectChainLinked(const DemoYacht& yacht, size_t rows) {
    const std::string where = "yacht_id = '" + yacht.id + "'";
    RunResult r = RunSql(*server_, "SELECT seq, prev_hash, hash FROM pms_audit_log WHERE " + where +
                                       " ORDER BY seq;");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line, previous = kGenesisHash;
    int64_t expected_seq = 1;
    std::set<std::string> hashes;
    for (; std::getline(lines, line); ++expected_seq) {
      const size_t bar1 = line.find('|'), bar2 = line.find('|', bar1 + 1);
      ASSERT_NE(bar2, std::string::npos) << "not seq|prev_hash|hash: " << line;
      const int64_t seq = std::stoll(line.substr(0, bar1));
      const std::string prev_hash = line.substr(bar1 + 1, bar2 - bar1 - 1);
      const std::string hash = line.substr(bar2 + 1);
      ASSERT_EQ(seq, expected_seq) << "yacht " << yacht.name;
      EXPECT_EQ(prev_hash, previous)
          << "yacht " << yacht.name << ": seq " << seq << " does not link to the row before";
      EXPECT_TRUE(hashes.insert(hash).second)
          << "yacht " << yacht.name << ": seq " << seq << " repeats a hash";
      previous = hash;
    }
    EXPECT_EQ(expected_seq - 1, static_cast<int64_t>(rows)) << "yacht " << yacht.name;

    RunResult head =
        RunSql(*server_, "SELECT seq, hash FROM pms_audit_chain_heads WHERE " + where + ";");
    ASSERT_EQ(head.exit_code, 0) << head.err;
    EXPECT_EQ(head.out, std::to_string(rows) + "|" + previous + "\n")
        << "yacht " << yacht.name << ": the chain head is not the last row";
  }
};

TEST_F(AuditConcurrencyTest, ParallelWritersKeepEveryChainIntact) {
  const size_t before_a = AuditLog(A()).size();
  const size_t before_b = AuditLog(B()).size();
  ASSERT_GT(before_a, 0u) << "the demo fleet writes audit rows on yacht A";

  const std::vector<std::string> roles = {"crew", "chief_engineer", "captain", "purser"};
  std::vector<Writer> writers(kWriters);
  std::vector<HttpClient> clients;
  for (int w = 0; w < kWriters; ++w) {
    const DemoYacht& yacht = w < kWritersA ? A() : B();
    writers[w].yacht_id = yacht.id;
    writers[w].token = server_->TokenFor(yacht.users.at(roles[w % roles.size()]));
    clients.push_back(server_->Client());
  }

  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      ++ready;
      while (ready.load() < kWriters) std::this_thread::yield();  // start together
      Writer& writer = writers[w];
      for (int i = 0; i < kCreatesPerWriter; ++i) {
        boost::json::object body{
            {"action", "create_shopping_list_item"},
            {"context", {{"yacht_id", writer.yacht_id}}},
            {"payload",
             {{"part_name", "Chain test part " + std::to_string(w) + "-" + std::to_string(i)},
              {"quantity_requested", 1 + i},
              {"source_type", "manual_add"}}}};
        auto r = clients[w].Post("/v1/actions/execute", ToJson(body),
                                 {{"Authorization", "Bearer " + writer.token}});
        Writer::Outcome& o = writer.outcomes[i];
        if (!r.ok()) {
          o.error = r.status().ToString();
          continue;
        }
        o.status = r->status;
        auto json = r->Json();
        if (r->status == 201 && json.is_object() && json.as_object().contains("audit_id")) {
          o.audit_id = std::string(json.at("audit_id").as_string());
        } else {
          o.error = r->body.substr(0, 600);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  // Every request succeeded and was given its own audit row.
  std::set<std::string> audit_ids_a, audit_ids_b;
  int succeeded = 0;
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kCreatesPerWriter; ++i) {
      const Writer::Outcome& o = writers[w].outcomes[i];
      if (o.status != 201 || o.audit_id.empty()) {
        ADD_FAILURE() << "writer " << w << " create " << i << ": HTTP " << o.status << " "
                      << o.error;
        continue;
      }
      ++succeeded;
      EXPECT_TRUE((w < kWritersA ? audit_ids_a : audit_ids_b).insert(o.audit_id).second)
          << "writer " << w << " create " << i << ": audit id " << o.audit_id << " given twice";
    }
  }
  ASSERT_EQ(succeeded, kWriters * kCreatesPerWriter);

  ExpectLogHolds(A(), before_a, audit_ids_a);
  ExpectLogHolds(B(), before_b, audit_ids_b);
  ExpectChainLinked(A(), before_a + audit_ids_a.size());
  ExpectChainLinked(B(), before_b + audit_ids_b.size());

  // `celeste audit verify` recomputes every hash: every chain is intact.
  RunResult verify = server_->Cli({"audit", "verify", "--json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto json = ParseJson(verify.out);
  ASSERT_TRUE(json && json->is_object() && json->as_object().contains("chains"))
      << verify.out << verify.err;
  EXPECT_EQ(json->at("success"), boost::json::value(true)) << verify.out;
  std::map<std::string, int64_t> rows_by_yacht;
  for (const auto& c : json->at("chains").as_array()) {
    EXPECT_TRUE(c.at("ok").as_bool()) << "chain broken: " << c;
    rows_by_yacht[std::string(c.at("yacht_id").as_string())] = c.at("rows").to_number<int64_t>();
  }
  EXPECT_EQ(rows_by_yacht[A().id], static_cast<int64_t>(before_a + audit_ids_a.size()))
      << verify.out;
  EXPECT_EQ(rows_by_yacht[B().id], static_cast<int64_t>(before_b + audit_ids_b.size()))
      << verify.out;
}

}  // namespace
}  // namespace celeste::testing

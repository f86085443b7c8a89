// The parts ledger against a model (issue 4), on both backends: a seeded random mix of
// receive_part, consume_part and the signed adjust_stock over HTTP on yacht A, with
// refusals among them (reused idempotency keys, consuming more than is on hand). The test
// keeps each part's balance itself and checks every answer against it; at the end the
// server's balances, `celeste parts verify-stock` and the ledger's row count must agree
// with the model. A failure names the seed and the operation, so it replays exactly.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

// The workload's seed; CELESTE_PARITY_SEED (a number) tries another one by hand.
constexpr uint32_t kDefaultSeed = 20261122;
uint32_t Seed() {
  const char* env = std::getenv("CELESTE_PARITY_SEED");
  return env != nullptr && *env != '\0' ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10))
                                        : kDefaultSeed;
}
constexpr int kParts = 4;
constexpr int kOperations = 150;

// A JSON number (integer or not) as a double; NaN for anything else.
double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

// result.<key> of a success envelope, or details.<key> of an error (null when absent).
boost::json::value Member(const ClientResponse& r, std::string_view envelope_key,
                          std::string_view key) {
  const boost::json::value json = r.Json();
  if (!json.is_object()) return nullptr;
  const auto* outer = json.as_object().if_contains(envelope_key);
  if (outer == nullptr || !outer->is_object()) return nullptr;
  const auto* inner = outer->as_object().if_contains(key);
  return inner != nullptr ? *inner : boost::json::value(nullptr);
}
double ResultNumber(const ClientResponse& r, std::string_view key) {
  return Number(Member(r, "result", key));
}
double DetailNumber(const ClientResponse& r, std::string_view key) {
  return Number(Member(r, "details", key));
}
// A whole quantity as the workload writes it ("7", not "7.000000").
std::string Text(double quantity) { return std::to_string(static_cast<int64_t>(quantity)); }

class PartsParityTest : public IntegrationTest {
 protected:
  // mt19937's sequence is fixed by the standard (the distributions are not), so the
  // workload is the same with any standard library.
  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Chance(int percent) { return Below(100) < percent; }

  std::string AddPart(int n) {
    ClientResponse r = Execute(UserA("chief_engineer"), A().id, "add_part",
                               {{"name", "Parity part " + std::to_string(n)},
                                {"part_number", "PAR-" + std::to_string(n)},
                                {"min_level", 2}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? std::string(r.Json().at("entity_id").as_string()) : "";
  }

  double OnHand(const std::string& part_id) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part_id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? ResultNumber(r, "on_hand") : std::nan("");
  }

  // The captain's signature with the demo PIN, signed now.
  static boost::json::object CaptainSignature(const DemoUser& captain) {
    return {{"signer_id", captain.user_id},
            {"method", "pin"},
            {"pin", kDemoPin},
            {"signed_at", FormatRfc3339(SystemClock::Instance().Now())},
            {"reason", "stock-take"}};
  }

  // Ledger rows of yacht A, read past the server.
  int64_t LedgerRowsOfYachtA() {
    RunResult r = RunSql(*server_,
                         "SELECT count(*) FROM pms_inventory_transactions "
                         "WHERE yacht_id = '" +
                             A().id + "';");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
  }

  const uint32_t seed_ = Seed();
  std::mt19937 rng_{seed_};
};

TEST_F(PartsParityTest, ARandomMixOfMovementsKeepsEveryBalanceEqualToTheModel) {
  std::vector<std::string> parts;
  for (int n = 1; n <= kParts; ++n) parts.push_back(AddPart(n));
  for (const std::string& id : parts) ASSERT_FALSE(id.empty());
  const int64_t rows_before = LedgerRowsOfYachtA();

  std::map<std::string, double> model;  // part id -> what the books must say
  for (const std::string& id : parts) model[id] = 0;
  std::vector<std::pair<std::string, std::string>> used_keys;  // key, its movement's id
  int next_key = 0;
  int movements = 0;
  std::map<std::string, int> tally;  // what the workload did, for the failure message

  const DemoUser& crew = UserA("crew");
  const DemoUser& purser = UserA("purser");
  const DemoUser& captain = UserA("captain");

  for (int op = 0; op < kOperations; ++op) {
    const std::string& part = parts[Below(kParts)];
    const double before = model[part];
    const int kind = Below(100);
    std::string what = "seed " + std::to_string(seed_) + ", operation " + std::to_string(op) +
                       ", part " + part + " (model " + Text(before) + "): ";
    bool refused = false;

    if (kind < 35) {  // receive under a fresh key
      const int quantity = Between(1, 10);
      const std::string key = "parity-" + std::to_string(++next_key);
      what += "receive " + std::to_string(quantity) + " key " + key;
      ClientResponse r =
          Execute(crew, A().id, "receive_part",
                  {{"part_id", part}, {"quantity", quantity}, {"idempotency_key", key}});
      ASSERT_EQ(r.status, 201) << what << ": " << Describe(r);
      EXPECT_EQ(ResultNumber(r, "on_hand"), before + quantity) << what;
      used_keys.emplace_back(key, r.Json().at("result").at("transaction_id").as_string());
      model[part] = before + quantity;
      ++movements;
      ++tally["receive"];
    } else if (kind < 45 && !used_keys.empty()) {  // a key used before: nothing moves
      const auto& [key, first_id] = used_keys[Below(static_cast<int>(used_keys.size()))];
      // A repeated consume may ask for more than is on hand: the retry of a movement that
      // emptied the shelf must still be recognised as the retry it is.
      const bool as_consume = Chance(40);
      const int quantity = Between(1, 25);
      const std::string action = as_consume ? "consume_part" : "receive_part";
      what += action + " " + std::to_string(quantity) + " reusing key " + key;
      ClientResponse r =
          Execute(crew, A().id, action,
                  {{"part_id", part}, {"quantity", quantity}, {"idempotency_key", key}});
      EXPECT_TRUE(IsError(r, 409, "duplicate")) << what << ": " << Describe(r);
      EXPECT_EQ(DetailOf(r, "existing_id"), first_id) << what;
      refused = true;
      ++tally["reused key"];
    } else if (kind < 75) {  // consume: within the balance, or beyond it
      const bool too_much = before < 1 || Chance(30);
      const int quantity = too_much ? static_cast<int>(before) + Between(1, 5)
                                    : Between(1, static_cast<int>(before));
      boost::json::object payload{{"part_id", part}, {"quantity", quantity}};
      std::string key;
      if (Chance(50)) {
        key = "parity-" + std::to_string(++next_key);
        payload["idempotency_key"] = key;
      }
      what += "consume " + std::to_string(quantity) + (key.empty() ? "" : " key " + key);
      ClientResponse r = Execute(crew, A().id, "consume_part", payload);
      if (too_much) {
        EXPECT_TRUE(IsError(r, 400, "business_rule_violation")) << what << ": " << Describe(r);
        EXPECT_EQ(DetailOf(r, "rule"), "insufficient_stock") << what;
        EXPECT_EQ(DetailNumber(r, "on_hand"), before) << what;
        EXPECT_EQ(DetailNumber(r, "requested"), quantity) << what;
        refused = true;  // and the key stays unused
        ++tally["insufficient stock"];
      } else {
        ASSERT_EQ(r.status, 201) << what << ": " << Describe(r);
        EXPECT_EQ(ResultNumber(r, "on_hand"), before - quantity) << what;
        if (!key.empty()) {
          used_keys.emplace_back(key, r.Json().at("result").at("transaction_id").as_string());
        }
        model[part] = before - quantity;
        ++movements;
        ++tally["consume"];
      }
    } else {  // the signed stock-take: the purser counts, the captain signs
      const int counted = Chance(25) ? static_cast<int>(before) : Between(0, 20);
      what += "adjust_stock to " + std::to_string(counted);
      ClientResponse r = Execute(
          purser, A().id, "adjust_stock",
          {{"part_id", part}, {"new_quantity", counted}, {"reason", "count " + std::to_string(op)}},
          CaptainSignature(captain));
      EXPECT_EQ(ResultNumber(r, "previous_on_hand"), before) << what << ": " << Describe(r);
      EXPECT_EQ(ResultNumber(r, "difference"), counted - before) << what;
      EXPECT_EQ(ResultNumber(r, "on_hand"), counted) << what;
      if (counted == before) {  // the count confirms the books: no movement
        ASSERT_EQ(r.status, 200) << what << ": " << Describe(r);
        EXPECT_TRUE(r.Json().at("result").as_object().contains("transaction_id")) << what;
        EXPECT_TRUE(Member(r, "result", "transaction_id").is_null()) << what;
        ++tally["adjust, no change"];
      } else {
        ASSERT_EQ(r.status, 201) << what << ": " << Describe(r);
        EXPECT_TRUE(Member(r, "result", "transaction_id").is_string()) << what;
        EXPECT_EQ(Member(r, "result", "type"), boost::json::value("adjust")) << what;
        model[part] = counted;
        ++movements;
        ++tally["adjust"];
      }
    }
    if (refused) {
      EXPECT_EQ(OnHand(part), before) << what << ": a refusal moved stock";
    }
  }

  std::string summary = "seed " + std::to_string(seed_) + ";";
  for (const auto& [name, count] : tally) summary += " " + name + " " + std::to_string(count);
  RecordProperty("workload", summary);
  // The mix reached every path.
  for (const char* path :
       {"receive", "consume", "adjust", "adjust, no change", "reused key", "insufficient stock"}) {
    EXPECT_GT(tally[path], 0) << "the workload never took the path '" << path << "': " << summary;
  }

  for (const std::string& part : parts) {
    EXPECT_EQ(OnHand(part), model[part]) << "part " << part << ": " << summary;
  }

  RunResult verified = server_->Cli({"parts", "verify-stock", "--yacht", A().id, "--json"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  auto json = ParseJson(verified.out);
  ASSERT_TRUE(json && json->is_object()) << "not a JSON object: " << verified.out;
  const boost::json::object& report = json->as_object();
  EXPECT_EQ(report.at("success"), boost::json::value(true)) << verified.out;
  EXPECT_GE(Number(report.at("parts")), kParts) << verified.out;
  EXPECT_TRUE(report.at("mismatches").as_array().empty()) << verified.out;

  EXPECT_EQ(LedgerRowsOfYachtA() - rows_before, movements)
      << "one ledger row per successful movement, none for a refusal or a confirming count; "
      << summary;
}

}  // namespace
}  // namespace celeste::testing

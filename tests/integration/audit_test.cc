// The audit log (DESIGN §1 rule 4, CONTRACT §4 GET /v1/audit, §8 `celeste audit verify`):
// one row per mutation, none for reads, `{}` signatures for MUTATE actions, and a hash
// chain that `audit verify` proves intact and catches every kind of tampering.
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

struct Mutation {
  std::string action;
  std::string entity_id;
  const DemoUser* actor;
  boost::json::object payload;
  std::string audit_id;  // from the execute response
};

struct VerifyOutput {
  int exit_code = -1;
  boost::json::object json;
  std::string raw;
};

class AuditTest : public IntegrationTest {
 protected:
  // Executes and records one mutation; asserts the expected status and an audit_id.
  void Mutate(std::vector<Mutation>& log, const DemoUser& actor, const std::string& action,
              boost::json::object payload, int status = 200) {
    ClientResponse r = Execute(actor, A().id, action, payload);
    ASSERT_EQ(r.status, status) << action << " as " << actor.role << ": " << Describe(r);
    auto body = r.Json().as_object();
    ASSERT_TRUE(body.contains("audit_id")) << action << ": " << Describe(r);
    log.push_back({action, std::string(body.at("entity_id").as_string()), &actor, payload,
                   std::string(body.at("audit_id").as_string())});
  }

  // GET /v1/audit for yacht A (whole log as the captain, or one entity's trail).
  boost::json::array Audit(const std::string& entity_id = "") {
    std::string target = "/v1/audit?yacht_id=" + A().id + "&limit=1000";
    if (!entity_id.empty()) target += "&entity_id=" + entity_id;
    ClientResponse r = Get(UserA("captain"), target);
    EXPECT_EQ(r.status, 200) << target << ": " << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("entries")) return {};
    return json.at("entries").as_array();
  }

  VerifyOutput Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit", "verify", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = server_->Cli(args);
    VerifyOutput out{r.exit_code, {}, r.out + r.err};
    auto json = ParseJson(r.out);
    if (json && json->is_object()) out.json = json->as_object();
    return out;
  }

  // The chain report for `yacht_id` in a verify output (empty when absent).
  static boost::json::object ChainOf(const VerifyOutput& v, const std::string& yacht_id) {
    if (!v.json.contains("chains")) return {};
    for (const auto& c : v.json.at("chains").as_array()) {
      if (c.at("yacht_id").as_string() == yacht_id) return c.as_object();
    }
    return {};
  }

  int64_t LastSeqOfA() {
    RunResult r =
        Sqlite3(*server_, "SELECT max(seq) FROM pms_audit_log WHERE yacht_id = '" + A().id + "';");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
  }

  // Drops the append-only triggers (as an attacker with the file would) and runs `sql`.
  void Tamper(const std::string& sql) {
    RunResult r = Sqlite3(*server_,
                          "DROP TRIGGER pms_audit_log_no_update; "
                          "DROP TRIGGER pms_audit_log_no_delete; " +
                              sql);
    ASSERT_EQ(r.exit_code, 0) << "tampering failed: " << r.err;
  }

  // Asserts the chain verified before tampering, then after `tamper` that verify exits 1
  // naming yacht A's chain as broken at `bad_seq` with a problem mentioning `problem_word`,
  // while the other chains still verify.
  void ExpectTamperingCaught(const std::string& what, const std::function<void()>& tamper,
                             int64_t bad_seq, const std::string& problem_word) {
    VerifyOutput before = Verify();
    ASSERT_EQ(before.exit_code, 0) << "intact chain fails to verify: " << before.raw;
    ASSERT_TRUE(ChainOf(before, A().id).at("ok").as_bool()) << before.raw;

    tamper();
    if (::testing::Test::HasFatalFailure()) return;

    VerifyOutput after = Verify();
    EXPECT_EQ(after.exit_code, 1) << what << ": " << after.raw;
    ASSERT_TRUE(after.json.contains("success")) << what << ": " << after.raw;
    EXPECT_EQ(after.json.at("success").as_bool(), false) << what;
    boost::json::object chain = ChainOf(after, A().id);
    ASSERT_FALSE(chain.empty()) << what << ": yacht A's chain is not reported: " << after.raw;
    EXPECT_EQ(chain.at("ok").as_bool(), false) << what << ": " << after.raw;
    ASSERT_TRUE(chain.at("bad_seq").is_int64()) << what << ": " << after.raw;
    EXPECT_EQ(chain.at("bad_seq").as_int64(), bad_seq) << what << ": " << after.raw;
    const std::string problem(chain.at("problem").as_string());
    EXPECT_NE(problem.find(problem_word), std::string::npos)
        << what << ": problem '" << problem << "' should mention '" << problem_word << "'";
    for (const auto& c : after.json.at("chains").as_array()) {
      if (c.at("yacht_id").as_string() == A().id) continue;
      EXPECT_TRUE(c.at("ok").as_bool()) << what << ": an untouched chain fails: " << c;
    }
    // Verifying only an untouched yacht still passes.
    VerifyOutput only_b = Verify({"--yacht", B().id});
    EXPECT_EQ(only_b.exit_code, 0) << what << ": " << only_b.raw;
  }

  std::string A_sql() const { return "yacht_id = '" + A().id + "'"; }
};

TEST_F(AuditTest, EveryMutationWritesExactlyOneRowInOrder) {
  const size_t rows_before = Audit().size();
  std::vector<Mutation> log;
  const DemoUser& crew = UserA("crew");
  const DemoUser& captain = UserA("captain");
  const DemoUser& chief = UserA("chief_engineer");
  Mutate(log, crew, "create_shopping_list_item",
         {{"part_name", "Sea strainer basket"},
          {"quantity_requested", 1},
          {"source_type", "manual_add"}},
         201);
  const std::string x = log.back().entity_id;
  Mutate(log, crew, "create_shopping_list_item",
         {{"part_name", "Gold-plated winch handle"},
          {"quantity_requested", 1},
          {"source_type", "manual_add"}},
         201);
  const std::string y = log.back().entity_id;
  Mutate(log, crew, "update_shopping_list_item", {{"item_id", x}, {"quantity_requested", 2}});
  Mutate(log, captain, "review_shopping_list_item", {{"item_id", x}, {"notes", "checking"}});
  Mutate(log, captain, "reject_shopping_list_item",
         {{"item_id", y}, {"rejection_reason", "Not a real part"}});
  Mutate(log, captain, "approve_shopping_list_item", {{"item_id", x}, {"quantity_approved", 2}});
  Mutate(log, chief, "update_shopping_list_item", {{"item_id", x}, {"urgency", "high"}});
  Mutate(log, chief, "promote_candidate_to_part", {{"item_id", x}, {"part_number", "SS-100"}}, 201);
  ASSERT_EQ(log.size(), 8u);

  // The whole log grew by exactly one row per mutation, in execution order.
  boost::json::array all = Audit();
  ASSERT_EQ(all.size(), rows_before + log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    const auto& row = all[rows_before + i].as_object();
    const Mutation& m = log[i];
    const std::string what = "mutation " + std::to_string(i) + " (" + m.action + ")";
    EXPECT_EQ(row.at("id").as_string(), m.audit_id) << what;
    EXPECT_EQ(row.at("action").as_string(), m.action) << what;
    EXPECT_EQ(row.at("entity_id").as_string(), m.entity_id) << what;
    EXPECT_EQ(row.at("actor_id").as_string(), m.actor->user_id) << what;
    EXPECT_EQ(row.at("actor_role").as_string(), m.actor->role) << what;
    EXPECT_EQ(row.at("yacht_id").as_string(), A().id) << what;
    ASSERT_TRUE(row.at("signature").is_object()) << what << ": " << row;
    EXPECT_TRUE(row.at("signature").as_object().empty()) << what << ": " << row;
    EXPECT_EQ(row.at("payload"), boost::json::value(m.payload)) << what;
  }
  for (size_t j = 0; j < all.size(); ++j) {
    EXPECT_EQ(all[j].at("seq").as_int64(), static_cast<int64_t>(j) + 1)
        << "the yacht's log is not numbered 1..n at row " << j;
  }

  // Each entity's trail holds exactly its own mutations, in order.
  for (const std::string& entity : {x, y}) {
    std::vector<const Mutation*> expected;
    for (const Mutation& m : log) {
      if (m.entity_id == entity) expected.push_back(&m);
    }
    boost::json::array trail = Audit(entity);
    ASSERT_EQ(trail.size(), expected.size()) << "trail of " << entity;
    for (size_t i = 0; i < trail.size(); ++i) {
      const auto& row = trail[i].as_object();
      const std::string what = "trail of " + entity + " row " + std::to_string(i);
      EXPECT_EQ(row.at("id").as_string(), expected[i]->audit_id) << what;
      EXPECT_EQ(row.at("action").as_string(), expected[i]->action) << what;
      EXPECT_EQ(row.at("actor_id").as_string(), expected[i]->actor->user_id) << what;
      EXPECT_EQ(row.at("actor_role").as_string(), expected[i]->actor->role) << what;
      EXPECT_TRUE(row.at("signature").is_object() && row.at("signature").as_object().empty())
          << what;
    }
  }
  // Any member may read one entity's trail.
  ClientResponse crew_trail = Get(crew, "/v1/audit?yacht_id=" + A().id + "&entity_id=" + x);
  ASSERT_EQ(crew_trail.status, 200) << Describe(crew_trail);
  EXPECT_EQ(crew_trail.Json().at("entries").as_array().size(), 6u);

  VerifyOutput v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.raw;
}

TEST_F(AuditTest, ReadsAndRefusedMutationsWriteNoRow) {
  const std::string item = CreateItem(UserA("crew"), A().id);
  const size_t before = Audit().size();
  const size_t trail_before = Audit(item).size();
  ASSERT_EQ(trail_before, 1u);

  struct Call {
    const char* name;
    const char* role;
    const char* action;
    boost::json::object payload;
    int status;
  };
  const Call kCalls[] = {
      {"view", "crew", "view_shopping_list_item", {{"item_id", item}}, 200},
      {"history", "crew", "view_shopping_list_history", {{"item_id", item}}, 200},
      {"list", "captain", "list_shopping_list_items", {}, 200},
      {"crew may not approve",
       "crew",
       "approve_shopping_list_item",
       {{"item_id", item}, {"quantity_approved", 1}},
       403},
      {"missing field", "captain", "approve_shopping_list_item", {{"item_id", item}}, 400},
      {"blank rejection reason",
       "captain",
       "reject_shopping_list_item",
       {{"item_id", item}, {"rejection_reason", "   "}},
       400},
      {"promote to the catalog is not for a captain",
       "captain",
       "promote_candidate_to_part",
       {{"item_id", item}},
       403},
  };
  for (const Call& c : kCalls) {
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << Describe(r);
    EXPECT_EQ(Audit().size(), before) << c.name << " wrote an audit row";
    EXPECT_EQ(Audit(item).size(), trail_before) << c.name << " wrote an audit row for the item";
  }
  // The convenience GET reads, too.
  ClientResponse history =
      Get(UserA("crew"), "/v1/shopping-list/history?yacht_id=" + A().id + "&item_id=" + item);
  EXPECT_EQ(history.status, 200) << Describe(history);
  EXPECT_EQ(Audit().size(), before) << "GET /v1/shopping-list/history wrote an audit row";
}

TEST_F(AuditTest, CrewMayNotReadTheWholeLog) {
  ClientResponse r = Get(UserA("crew"), "/v1/audit?yacht_id=" + A().id);
  EXPECT_EQ(r.status, 403) << Describe(r);
  EXPECT_EQ(ErrorCodeOf(r), "forbidden_role");
  EXPECT_EQ(DetailOf(r, "role"), "crew");
}

TEST_F(AuditTest, TriggersRefuseUpdateAndDelete) {
  struct Case {
    const char* name;
    std::string sql;
  };
  const Case kCases[] = {
      {"update", "UPDATE pms_audit_log SET payload = '{}' WHERE " + A_sql() + " AND seq = 1;"},
      {"delete", "DELETE FROM pms_audit_log WHERE " + A_sql() + " AND seq = 1;"},
  };
  for (const Case& c : kCases) {
    RunResult r = Sqlite3(*server_, c.sql);
    EXPECT_NE(r.exit_code, 0) << c.name << " was not refused: " << r.out << r.err;
    EXPECT_NE(r.err.find("append-only"), std::string::npos) << c.name << ": " << r.err;
  }
  VerifyOutput v = Verify();
  EXPECT_EQ(v.exit_code, 0) << "the refused writes changed something: " << v.raw;
}

TEST_F(AuditTest, VerifyCatchesAnEditedPayload) {
  CreateItem(UserA("crew"), A().id);
  const int64_t last = LastSeqOfA();
  ASSERT_GE(last, 3);
  const int64_t middle = last / 2;
  ExpectTamperingCaught(
      "edited payload",
      [&] {
        Tamper(
            "UPDATE pms_audit_log SET payload = '{\"part_name\":\"Gold-plated impeller\"}' "
            "WHERE " +
            A_sql() + " AND seq = " + std::to_string(middle) + ";");
      },
      middle, "edited");
}

TEST_F(AuditTest, VerifyCatchesADeletedMiddleRow) {
  CreateItem(UserA("crew"), A().id);
  const int64_t last = LastSeqOfA();
  ASSERT_GE(last, 3);
  const int64_t middle = last / 2;
  ExpectTamperingCaught(
      "deleted middle row",
      [&] {
        Tamper("DELETE FROM pms_audit_log WHERE " + A_sql() +
               " AND seq = " + std::to_string(middle) + ";");
      },
      middle, "missing");
}

TEST_F(AuditTest, VerifyCatchesReorderedRows) {
  CreateItem(UserA("crew"), A().id);
  const int64_t last = LastSeqOfA();
  ASSERT_GE(last, 3);
  const std::string m = std::to_string(last / 2), n = std::to_string(last / 2 + 1);
  ExpectTamperingCaught(
      "swapped seq of two rows",
      [&] {
        // UNIQUE (yacht_id, seq): go through a temporary seq (positive: PostgreSQL's
        // CHECK (seq > 0) holds even for the superuser).
        Tamper("UPDATE pms_audit_log SET seq = 1000000000 WHERE " + A_sql() + " AND seq = " + m +
               "; " + "UPDATE pms_audit_log SET seq = " + m + " WHERE " + A_sql() +
               " AND seq = " + n + "; " + "UPDATE pms_audit_log SET seq = " + n + " WHERE " +
               A_sql() + " AND seq = 1000000000;");
      },
      last / 2, "reordered");
}

TEST_F(AuditTest, VerifyCatchesADeletedLastRow) {
  CreateItem(UserA("crew"), A().id);
  const int64_t last = LastSeqOfA();
  ASSERT_GE(last, 2);
  ExpectTamperingCaught(
      "deleted last row",
      [&] {
        Tamper("DELETE FROM pms_audit_log WHERE " + A_sql() + " AND seq = " + std::to_string(last) +
               ";");
      },
      last, "head");
}

}  // namespace
}  // namespace celeste::testing

// What the web app reads beside the actions (issue 8, docs/api.md): the lenses that are on
// and the entity each id field names, in /v1/actions/list; the yacht's members for the
// signature step; the demo accounts for the sign-in page; the open alerts and the flags'
// rollouts for the ops dashboard.
#include <chrono>
#include <thread>

#include "core/json.h"
#include "integration/harness.h"
#include "integration/lens_ops_support.h"

namespace celeste::testing {
namespace {

class WebApiTest : public IntegrationTest {
 protected:
  boost::json::object GetJson(const DemoUser& user, const std::string& target) {
    ClientResponse r = Get(user, target);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    return json.is_object() ? json.as_object() : boost::json::object{};
  }
  std::vector<std::string> LensIds(const DemoUser& user) {
    boost::json::object list = GetJson(user, "/v1/actions/list?yacht_id=" + A().id);
    std::vector<std::string> ids;
    for (const auto& l : list["lenses"].as_array()) ids.push_back(TextOf(l.at("id")));
    return ids;
  }
};

const boost::json::object* FindByKey(const boost::json::array& items, std::string_view key,
                                     std::string_view value) {
  for (const auto& item : items) {
    if (item.is_object() && TextOf(item.at(key)) == value) return &item.as_object();
  }
  return nullptr;
}

TEST_F(WebApiTest, TheActionListNamesTheLensesThatAreOnAndWhatEachIdFieldNames) {
  const boost::json::object list = GetJson(UserA("captain"), "/v1/actions/list?yacht_id=" + A().id);
  const boost::json::array lenses = list.at("lenses").as_array();
  ASSERT_EQ(lenses.size(), 7u) << boost::json::serialize(lenses);
  const boost::json::object* shopping = FindByKey(lenses, "id", "shopping_list");
  ASSERT_NE(shopping, nullptr);
  EXPECT_EQ(TextOf(shopping->at("label")), "Shopping list");
  EXPECT_EQ(TextOf(shopping->at("entity_type")), "shopping_list_item");

  const boost::json::array actions = list.at("actions").as_array();
  const boost::json::object* approve =
      FindByKey(actions, "action_id", "approve_shopping_list_item");
  ASSERT_NE(approve, nullptr);
  const boost::json::array fields = approve->at("fields").as_array();
  EXPECT_EQ(TextOf(FindByKey(fields, "name", "item_id")->at("references")), "shopping_list_item");
  EXPECT_EQ(FindByKey(fields, "name", "approval_notes")->at("max_length"), 10000)
      << "a text field says how long it may be";
  const boost::json::object* create = FindByKey(actions, "action_id", "create_shopping_list_item");
  ASSERT_NE(create, nullptr);
  const boost::json::array create_fields = create->at("fields").as_array();
  EXPECT_EQ(TextOf(FindByKey(create_fields, "name", "part_id")->at("references")), "part");
  EXPECT_EQ(FindByKey(create_fields, "name", "part_name")->at("max_length"), 200);
  EXPECT_FALSE(FindByKey(create_fields, "name", "quantity_requested")->contains("references"));

  RunResult off = server_->Cli({"flags", "set", "PART_LENS_V2_ENABLED", "--enabled", "false"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {  // flags are live within about a second
    ids = LensIds(UserA("crew"));
    if (std::find(ids.begin(), ids.end(), "parts") == ids.end()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "parts"), ids.end()) << "a lens that is off is gone";
  EXPECT_EQ(ids.size(), 6u);
}

TEST_F(WebApiTest, MembersAreTheYachtsCrewByNameAndRoleWithoutEmails) {
  const boost::json::object answer = GetJson(UserA("crew"), "/v1/members?yacht_id=" + A().id);
  EXPECT_EQ(TextOf(answer.at("yacht_id")), A().id);
  const boost::json::array members = answer.at("members").as_array();
  EXPECT_EQ(members.size(), A().users.size());
  const boost::json::object* captain = FindByKey(members, "user_id", UserA("captain").user_id);
  ASSERT_NE(captain, nullptr) << boost::json::serialize(members);
  EXPECT_EQ(TextOf(captain->at("role")), "captain");
  EXPECT_FALSE(TextOf(captain->at("name")).empty());
  for (const auto& m : members) EXPECT_FALSE(m.as_object().contains("email"));
  EXPECT_EQ(FindByKey(members, "user_id", UserB("captain").user_id), nullptr)
      << "another yacht's people are not listed";

  EXPECT_TRUE(
      IsError(Get(UserA("crew"), "/v1/members?yacht_id=" + B().id), 403, "yacht_access_denied"));
  ClientResponse anonymous = client_->Get("/v1/members?yacht_id=" + A().id).value();
  EXPECT_TRUE(IsError(anonymous, 401, "missing_token"));
}

TEST_F(WebApiTest, DemoAccountsAreListedOnlyWhenTheServerRunsTheDemoFleet) {
  ClientResponse none = client_->Get("/v1/auth/demo-accounts").value();
  ASSERT_EQ(none.status, 200) << Describe(none);
  EXPECT_EQ(none.Json().at("demo"), false);
  EXPECT_TRUE(none.Json().at("accounts").as_array().empty());

  TestServerOptions demo;
  demo.extra_args = {"--demo"};
  server_->RestartWith(demo);
  ASSERT_TRUE(WaitUntilServing(*server_, std::chrono::seconds(10)));
  ClientResponse listed = server_->Client().Get("/v1/auth/demo-accounts").value();
  ASSERT_EQ(listed.status, 200) << Describe(listed);
  const boost::json::object body = listed.Json().as_object();
  EXPECT_EQ(body.at("demo"), true);
  EXPECT_EQ(TextOf(body.at("password")), kDemoPassword);
  EXPECT_EQ(TextOf(body.at("pin")), kDemoPin);
  const boost::json::object* crew =
      FindByKey(body.at("accounts").as_array(), "email", UserA("crew").email);
  ASSERT_NE(crew, nullptr) << boost::json::serialize(body);
  EXPECT_EQ(TextOf(crew->at("role")), "crew");
  EXPECT_EQ(TextOf(crew->at("yacht_name")), A().name);
}

// The server answers injected 500s here, so it is the test's own, not the fixture's (whose
// tear-down fails on any 5xx).
TEST_F(WebApiTest, OpenAlertsAreForHeadsOfDepartmentOfTheirYacht) {
  TestServerOptions faulty;
  faulty.extra_args = {"--allow-fault-injection"};
  faulty.extra_env = {"CELESTE_FAULT_INJECTION=shopping_list:500:1"};
  TestServer server(faulty);
  HttpClient client = server.Client();
  auto get = [&](const DemoUser& user, const std::string& target) {
    return client.Get(target, {{"Authorization", "Bearer " + server.TokenFor(user)}}).value();
  };
  RunResult monitor = server.Cli(MonitorArgs(server, {"--once", "--lens", "shopping_list"}));
  EXPECT_EQ(monitor.exit_code, 1) << monitor.out << monitor.err;

  const DemoYacht& a = server.yacht_a();
  ClientResponse answer = get(a.users.at("captain"), "/v1/ops/alerts?yacht_id=" + a.id);
  ASSERT_EQ(answer.status, 200) << Describe(answer);
  const boost::json::object alerts = answer.Json().as_object();
  const boost::json::object* any_5xx = FindByKey(alerts.at("alerts").as_array(), "rule", "any_5xx");
  ASSERT_NE(any_5xx, nullptr) << boost::json::serialize(alerts);
  EXPECT_EQ(TextOf(any_5xx->at("state")), "firing");
  EXPECT_EQ(TextOf(any_5xx->at("lens_id")), "shopping_list");

  const DemoYacht& b = server.yacht_b();
  ClientResponse other = get(b.users.at("captain"), "/v1/ops/alerts?yacht_id=" + b.id);
  ASSERT_EQ(other.status, 200) << Describe(other);
  EXPECT_TRUE(other.Json().at("alerts").as_array().empty()) << "another yacht's alerts are its own";
  EXPECT_TRUE(
      IsError(get(a.users.at("crew"), "/v1/ops/alerts?yacht_id=" + a.id), 403, "forbidden_role"));
}

TEST_F(WebApiTest, EachFlagsLatestRolloutIsForHeadsOfDepartment) {
  boost::json::object rollouts = GetJson(UserA("manager"), "/v1/ops/rollouts?yacht_id=" + A().id);
  EXPECT_TRUE(rollouts.at("rollouts").as_array().empty());
  RunResult start = server_->Cli(
      {"rollout", "start", "WORK_ORDER_LENS_V2_ENABLED", "--stages", "5,100", "--hold", "1h"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  rollouts = GetJson(UserA("chief_engineer"), "/v1/ops/rollouts?yacht_id=" + A().id);
  ASSERT_EQ(rollouts.at("rollouts").as_array().size(), 1u) << boost::json::serialize(rollouts);
  const boost::json::object rollout = rollouts.at("rollouts").as_array()[0].as_object();
  EXPECT_EQ(TextOf(rollout.at("flag_name")), "WORK_ORDER_LENS_V2_ENABLED");
  EXPECT_EQ(rollout.at("stage"), 1);
  EXPECT_EQ(rollout.at("canary_percentage"), 5);
  EXPECT_EQ(TextOf(rollout.at("state")), "running");
  EXPECT_TRUE(
      IsError(Get(UserA("crew"), "/v1/ops/rollouts?yacht_id=" + A().id), 403, "forbidden_role"));
}

}  // namespace
}  // namespace celeste::testing

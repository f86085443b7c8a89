// Tenant isolation (CONTRACT §2 steps 2, 4 and 9, §3): a caller sees and changes only the
// yachts they belong to, and another yacht's ids look exactly like ids that do not exist.
#include <set>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

// The error body without its request id, with `id` replaced by a placeholder.
std::string Anonymised(const ClientResponse& r, const std::string& id) {
  boost::json::value json = r.Json();
  if (json.is_object()) json.as_object().erase("request_id");
  std::string text = ToJson(json);
  for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at)) {
    text.replace(at, id.size(), "<id>");
  }
  return text;
}

class IsolationTest : public IntegrationTest {
 protected:
  // The items `list_shopping_list_items` shows `user` on `yacht_id` (one page of 200).
  boost::json::array ListItems(const DemoUser& user, const std::string& yacht_id) {
    ClientResponse r = Execute(user, yacht_id, "list_shopping_list_items", {{"limit", 200}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("result")) return {};
    EXPECT_TRUE(json.at("result").at("next_cursor").is_null()) << "the list should fit a page";
    return json.at("result").at("items").as_array();
  }

  std::string StatusOf(const DemoUser& user, const std::string& yacht_id, const std::string& id) {
    ClientResponse r = Execute(user, yacht_id, "view_shopping_list_item", {{"item_id", id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return "";
    return std::string(r.Json().at("result").at("status").as_string());
  }

  size_t HistoryLength(const DemoUser& user, const std::string& yacht_id, const std::string& id) {
    ClientResponse r = Execute(user, yacht_id, "view_shopping_list_history", {{"item_id", id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return 0;
    return r.Json().at("result").at("history").as_array().size();
  }
};

TEST_F(IsolationTest, EveryProtectedRouteWantsAToken) {
  const std::string execute_body =
      ToJson(boost::json::object{{"action", "list_shopping_list_items"},
                                 {"context", {{"yacht_id", A().id}}},
                                 {"payload", boost::json::object{}}});
  struct Case {
    const char* name;
    Method method;
    std::string target;
    std::string body;
    KeyValues headers;
  };
  const Case cases[] = {
      {"execute without Authorization", Method::kPost, "/v1/actions/execute", execute_body, {}},
      {"execute with a Basic scheme",
       Method::kPost,
       "/v1/actions/execute",
       execute_body,
       {{"Authorization", "Basic Y3JldzpjZWxlc3RlLWRlbW8="}}},
      {"execute with an empty Bearer",
       Method::kPost,
       "/v1/actions/execute",
       execute_body,
       {{"Authorization", "Bearer "}}},
      {"me", Method::kGet, "/v1/me", "", {}},
      {"actions list", Method::kGet, "/v1/actions/list?yacht_id=" + A().id, "", {}},
      {"history",
       Method::kGet,
       "/v1/shopping-list/history?yacht_id=" + A().id + "&item_id=" + RandomUuidV4(),
       "",
       {}},
      {"audit", Method::kGet, "/v1/audit?yacht_id=" + A().id, "", {}},
      {"flags", Method::kGet, "/v1/flags?yacht_id=" + A().id, "", {}},
  };
  for (const Case& c : cases) {
    auto r = client_->Send(c.method, c.target, c.body, c.headers);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_TRUE(IsError(*r, 401, "missing_token")) << c.name;
  }
}

TEST_F(IsolationTest, MemberOfAMayNotNameYachtB) {
  const std::string b_item = CreateItem(UserB("crew"), B().id);
  struct Case {
    const char* role;
    const char* action;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"crew",
       "create_shopping_list_item",
       {{"part_name", "Impeller"}, {"quantity_requested", 1}, {"source_type", "manual_add"}}},
      {"crew", "list_shopping_list_items", {}},
      {"crew", "view_shopping_list_item", {{"item_id", b_item}}},
      {"captain", "approve_shopping_list_item", {{"item_id", b_item}, {"quantity_approved", 1}}},
      {"manager", "reject_shopping_list_item", {{"item_id", b_item}, {"rejection_reason", "no"}}},
      {"chief_engineer", "promote_candidate_to_part", {{"item_id", b_item}}},
      // Membership is checked before the payload: a bad payload still answers 403.
      {"captain", "approve_shopping_list_item", {{"item_id", "not-a-uuid"}}},
  };
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), B().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, 403, "yacht_access_denied")) << c.role << " " << c.action;
  }
  EXPECT_EQ(StatusOf(UserB("crew"), B().id, b_item), "requested");
  EXPECT_EQ(HistoryLength(UserB("crew"), B().id, b_item), 1u);
}

TEST_F(IsolationTest, AnotherYachtsItemIsNotFoundOnYours) {
  const std::string b_item = CreateItem(UserB("crew"), B().id);
  struct Case {
    const char* action;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"view_shopping_list_item", {{"item_id", b_item}}},
      {"view_shopping_list_history", {{"item_id", b_item}}},
      {"review_shopping_list_item", {{"item_id", b_item}}},
      {"approve_shopping_list_item", {{"item_id", b_item}, {"quantity_approved", 2}}},
      {"reject_shopping_list_item", {{"item_id", b_item}, {"rejection_reason", "Not ours"}}},
      {"update_shopping_list_item", {{"item_id", b_item}, {"urgency", "critical"}}},
      {"promote_candidate_to_part", {{"item_id", b_item}}},
  };
  for (const Case& c : cases) {
    // The chief engineer of A may initiate every one of these on A.
    ClientResponse r = Execute(UserA("chief_engineer"), A().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.action;
    // Looks exactly like an id nobody ever made.
    auto missing = c.payload;
    const std::string random_id = RandomUuidV4();
    missing["item_id"] = random_id;
    ClientResponse control = Execute(UserA("chief_engineer"), A().id, c.action, missing);
    EXPECT_TRUE(IsError(control, 404, "not_found")) << c.action << " (random id)";
    EXPECT_EQ(Anonymised(r, b_item), Anonymised(control, random_id))
        << c.action << ": a foreign id must answer exactly like a missing one";
  }
  // The upper-case spelling of the same id is the same id: still not found on A.
  std::string upper = b_item;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ClientResponse r = Execute(UserA("captain"), A().id, "approve_shopping_list_item",
                             {{"item_id", upper}, {"quantity_approved", 2}});
  EXPECT_TRUE(IsError(r, 404, "not_found")) << "upper-case id";

  // Nothing happened to B's item: still requested, one history row, one audit row.
  EXPECT_EQ(StatusOf(UserB("crew"), B().id, b_item), "requested");
  EXPECT_EQ(HistoryLength(UserB("crew"), B().id, b_item), 1u);
  ClientResponse view =
      Execute(UserB("crew"), B().id, "view_shopping_list_item", {{"item_id", b_item}});
  ASSERT_EQ(view.status, 200) << Describe(view);
  EXPECT_EQ(view.Json().at("result").at("urgency").as_string(), "normal");
  EXPECT_TRUE(view.Json().at("result").at("part_id").is_null()) << "promote must not have run";
  ClientResponse audit =
      Get(UserB("captain"), "/v1/audit?yacht_id=" + B().id + "&entity_id=" + b_item);
  ASSERT_EQ(audit.status, 200) << Describe(audit);
  EXPECT_EQ(audit.Json().at("entries").as_array().size(), 1u) << Describe(audit);
}

TEST_F(IsolationTest, ListShowsOnlyTheNamedYachtsRows) {
  std::set<std::string> a_ids, b_ids;
  for (int i = 0; i < 2; ++i) {
    a_ids.insert(CreateItem(UserA("crew"), A().id, {{"part_name", "A-part"}}));
    b_ids.insert(CreateItem(UserB("crew"), B().id, {{"part_name", "B-part"}}));
  }
  struct Case {
    const char* name;
    const DemoUser& user;
    const std::string& yacht;
    const std::set<std::string>& own;
    const std::set<std::string>& foreign;
  };
  const Case cases[] = {{"A crew lists A", UserA("crew"), A().id, a_ids, b_ids},
                        {"A captain lists A", UserA("captain"), A().id, a_ids, b_ids},
                        {"B crew lists B", UserB("crew"), B().id, b_ids, a_ids}};
  for (const Case& c : cases) {
    boost::json::array items = ListItems(c.user, c.yacht);
    std::set<std::string> seen;
    for (const auto& item : items) {
      std::string id(item.at("id").as_string());
      seen.insert(id);
      EXPECT_EQ(item.at("yacht_id").as_string(), c.yacht) << c.name << ": row " << id;
      EXPECT_EQ(c.foreign.count(id), 0u) << c.name << ": shows the other yacht's " << id;
    }
    for (const auto& id : c.own) EXPECT_EQ(seen.count(id), 1u) << c.name << ": misses " << id;
  }
  // A cursor taken from the other yacht's list only pages through A's rows.
  const std::string b_newest = *b_ids.rbegin();
  ClientResponse paged = Execute(UserA("crew"), A().id, "list_shopping_list_items",
                                 {{"cursor", b_newest}, {"limit", 200}});
  ASSERT_EQ(paged.status, 200) << Describe(paged);
  const boost::json::value page = paged.Json();
  for (const auto& item : page.at("result").at("items").as_array()) {
    EXPECT_EQ(item.at("yacht_id").as_string(), A().id) << "cursor from B: " << item.at("id");
  }
}

TEST_F(IsolationTest, ARoleHoldsOnlyOnItsYacht) {
  // A's crew member also becomes captain of B.
  const DemoUser& dual = UserA("crew");
  RunResult granted = server_->Cli(
      {"user", "grant", "--email", dual.email, "--yacht", B().id, "--role", "captain"});
  ASSERT_EQ(granted.exit_code, 0) << granted.out << granted.err;

  ClientResponse me = Get(dual, "/v1/me");
  ASSERT_EQ(me.status, 200) << Describe(me);
  EXPECT_EQ(me.Json().at("memberships").as_array().size(), 2u) << Describe(me);

  const std::string a_item = CreateItem(UserA("purser"), A().id);
  const std::string b_item = CreateItem(UserB("crew"), B().id);
  // Captain on B: approves B's item there.
  ClientResponse on_b = Execute(dual, B().id, "approve_shopping_list_item",
                                {{"item_id", b_item}, {"quantity_approved", 1}});
  EXPECT_EQ(on_b.status, 200) << "captain on B: " << Describe(on_b);
  // Crew on A: may not approve there, whatever they are elsewhere.
  ClientResponse on_a = Execute(dual, A().id, "approve_shopping_list_item",
                                {{"item_id", a_item}, {"quantity_approved", 1}});
  EXPECT_TRUE(IsError(on_a, 403, "forbidden_role")) << "crew on A";
  EXPECT_EQ(StatusOf(UserA("crew"), A().id, a_item), "requested");
  // Naming A while pointing at B's item still finds nothing.
  ClientResponse crossed = Execute(dual, A().id, "view_shopping_list_item", {{"item_id", b_item}});
  EXPECT_TRUE(IsError(crossed, 404, "not_found")) << "B's item named on A";
  // With two yachts, the yacht must be named.
  ClientResponse unnamed = Get(dual, "/v1/actions/list");
  EXPECT_TRUE(IsError(unnamed, 400, "invalid_request")) << "list without yacht_id";
  ClientResponse single = Get(UserA("purser"), "/v1/actions/list");
  EXPECT_EQ(single.status, 200) << "one membership, yacht_id omitted: " << Describe(single);
}

TEST_F(IsolationTest, ConvenienceReadsOnAnotherYachtAreDenied) {
  const std::string b_item = CreateItem(UserB("crew"), B().id);
  struct Case {
    const char* name;
    const char* role;
    std::string target;
  };
  const Case cases[] = {
      {"whole audit log (HOD)", "captain", "/v1/audit?yacht_id=" + B().id},
      {"entity audit trail", "crew", "/v1/audit?yacht_id=" + B().id + "&entity_id=" + b_item},
      {"item history", "crew",
       "/v1/shopping-list/history?yacht_id=" + B().id + "&item_id=" + b_item},
      {"actions list", "crew", "/v1/actions/list?yacht_id=" + B().id},
      {"actions list (manager)", "manager", "/v1/actions/list?yacht_id=" + B().id},
      {"flags (HOD)", "captain", "/v1/flags?yacht_id=" + B().id},
  };
  for (const Case& c : cases) {
    ClientResponse r = Get(UserA(c.role), c.target);
    EXPECT_TRUE(IsError(r, 403, "yacht_access_denied")) << c.name;
    EXPECT_EQ(r.body.find(b_item), std::string::npos) << c.name << " leaks B's item";
  }
  // Naming your own yacht with B's entity shows nothing of B.
  ClientResponse own =
      Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + b_item);
  ASSERT_EQ(own.status, 200) << Describe(own);
  EXPECT_TRUE(own.Json().at("entries").as_array().empty()) << Describe(own);
  // Control: B's own members read the same things.
  EXPECT_EQ(Get(UserB("captain"), "/v1/audit?yacht_id=" + B().id).status, 200);
  EXPECT_EQ(
      Get(UserB("crew"), "/v1/shopping-list/history?yacht_id=" + B().id + "&item_id=" + b_item)
          .status,
      200);
  // The suggestions route names the yacht in its body; the same rule holds there.
  ClientResponse s = Post(UserA("crew"), "/v1/actions/suggestions",
                          boost::json::object{{"query", "approve"}, {"yacht_id", B().id}});
  EXPECT_TRUE(IsError(s, 403, "yacht_access_denied")) << "suggestions";
}

}  // namespace
}  // namespace celeste::testing

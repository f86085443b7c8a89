// Suggestions and the action list (CONTRACT §4): ranking, role filtering, ambiguity, and
// the list's field descriptions, over HTTP against the real server.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "integration/harness.h"

namespace celeste::testing {
namespace {

const std::set<std::string> kAllShoppingListActions = {
    "create_shopping_list_item", "review_shopping_list_item",  "approve_shopping_list_item",
    "reject_shopping_list_item", "update_shopping_list_item",  "promote_candidate_to_part",
    "view_shopping_list_item",   "view_shopping_list_history", "list_shopping_list_items"};

// Actions a crew member must never be offered.
const std::set<std::string> kHodOnlyActions = {
    "review_shopping_list_item", "approve_shopping_list_item", "reject_shopping_list_item",
    "promote_candidate_to_part"};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class SuggestionsTest : public IntegrationTest {
 protected:
  // POST /v1/actions/suggestions as `user` on yacht A; asserts 200 and returns the body.
  boost::json::object Suggest(const DemoUser& user, const std::string& query) {
    ClientResponse r = Post(user, "/v1/actions/suggestions",
                            boost::json::object{{"query", query}, {"yacht_id", A().id}});
    EXPECT_EQ(r.status, 200) << "query '" << query << "' as " << user.role << ": " << Describe(r);
    auto json = r.Json();
    return json.is_object() ? json.as_object() : boost::json::object{};
  }

  static std::vector<std::string> ActionIds(const boost::json::object& body, const char* key) {
    std::vector<std::string> ids;
    auto it = body.find(key);
    if (it == body.end() || !it->value().is_array()) return ids;
    for (const auto& s : it->value().as_array()) {
      ids.emplace_back(s.at("action_id").as_string());
    }
    return ids;
  }

  // GET /v1/actions/list as `user` on yacht A; asserts 200 and returns the actions by id.
  // The shopping list lens's entries of /v1/actions/list (other lenses list theirs too).
  std::map<std::string, boost::json::object> ListActions(const DemoUser& user) {
    ClientResponse r = Get(user, "/v1/actions/list?yacht_id=" + A().id);
    EXPECT_EQ(r.status, 200) << user.role << ": " << Describe(r);
    std::map<std::string, boost::json::object> out;
    auto json = r.Json();
    if (!json.is_object() || !json.as_object().contains("actions")) return out;
    for (const auto& a : json.at("actions").as_array()) {
      if (a.at("domain") != "shopping_list") continue;
      out[std::string(a.at("action_id").as_string())] = a.as_object();
    }
    return out;
  }
};

TEST_F(SuggestionsTest, CrewAddingToTheShoppingListGetsCreateFirst) {
  boost::json::object body = Suggest(UserA("crew"), "add to shopping list");
  std::vector<std::string> ids = ActionIds(body, "suggestions");
  ASSERT_FALSE(ids.empty()) << "no suggestions for 'add to shopping list'";
  EXPECT_EQ(ids.front(), "create_shopping_list_item") << "ranked: " << Join(ids);
  EXPECT_EQ(body.at("ambiguous").as_bool(), false) << "a unique best match is not ambiguous";
}

TEST_F(SuggestionsTest, CrewAreNeverOfferedHeadOfDepartmentActions) {
  for (const char* query : {"approve", "reject request", "promote to catalog", "review",
                            "approve request", "authorise purchase", "add to catalog"}) {
    boost::json::object body = Suggest(UserA("crew"), query);
    for (const char* key : {"suggestions", "candidates"}) {
      for (const std::string& id : ActionIds(body, key)) {
        EXPECT_FALSE(kHodOnlyActions.contains(id))
            << "crew were offered " << id << " in " << key << " for query '" << query << "'";
      }
    }
  }
}

TEST_F(SuggestionsTest, CaptainAskingToApproveGetsApprove) {
  boost::json::object body = Suggest(UserA("captain"), "approve");
  std::vector<std::string> ids = ActionIds(body, "suggestions");
  ASSERT_FALSE(ids.empty()) << "captain got no suggestion for 'approve'";
  EXPECT_EQ(ids.front(), "approve_shopping_list_item") << "ranked: " << Join(ids);
}

// Each action is the single best match of one query, so a HOD who may initiate all nine
// (chief engineer: HOD and catalog editor) reaches every one of them.
TEST_F(SuggestionsTest, HodReachesAllNineActions) {
  struct Case {
    const char* query;
    const char* best;
  };
  static const Case kCases[] = {
      {"add to shopping list", "create_shopping_list_item"},
      {"review", "review_shopping_list_item"},
      {"approve", "approve_shopping_list_item"},
      {"reject", "reject_shopping_list_item"},
      {"change request", "update_shopping_list_item"},
      {"promote to catalog", "promote_candidate_to_part"},
      {"view request", "view_shopping_list_item"},
      {"history", "view_shopping_list_history"},
      {"show shopping list", "list_shopping_list_items"},
      {"shopping list", "list_shopping_list_items"},  // not create: that is "add to ..."
  };
  std::set<std::string> reached;
  for (const Case& c : kCases) {
    boost::json::object body = Suggest(UserA("chief_engineer"), c.query);
    std::vector<std::string> ids = ActionIds(body, "suggestions");
    for (const std::string& id : ids) {
      if (kAllShoppingListActions.contains(id)) reached.insert(id);
    }
    ASSERT_FALSE(ids.empty()) << "no suggestion for '" << c.query << "'";
    EXPECT_EQ(ids.front(), c.best) << "query '" << c.query << "' ranked: " << Join(ids);
    EXPECT_FALSE(body.at("ambiguous").as_bool()) << "query '" << c.query << "'";
  }
  EXPECT_EQ(reached, kAllShoppingListActions);
}

// Ties come from src/actions/suggestions.cc's scoring (0.7 x share of the query matched +
// 0.3 x share of the phrase covered): a one-word query that is one word of a two-word
// keyword scores 0.85. "order" is in the shopping list's "order part", "approve order" and
// "what to order", and in two-word keywords of the parts, receiving and work order lenses;
// "request" is in a two-word keyword of every shopping list action crew may initiate. Role
// filtering applies to the tie too: crew never see approve, nor a purchase order's create
// or cancel, nor create_work_order.
TEST_F(SuggestionsTest, TiedBestMatchesAreAmbiguousWithTheirCandidates) {
  struct Case {
    const char* role;
    const char* query;
    std::set<std::string> tied;
  };
  const Case kCases[] = {
      // "order" names requests, the parts lens's signed order, purchase orders and work
      // orders.
      {"captain",
       "order",
       {"create_shopping_list_item", "approve_shopping_list_item", "list_shopping_list_items",
        "order_part_with_approval", "create_purchase_order", "view_purchase_order",
        "list_purchase_orders", "cancel_purchase_order", "create_work_order", "list_work_orders"}},
      {"crew",
       "order",
       {"create_shopping_list_item", "list_shopping_list_items", "order_part_with_approval",
        "view_purchase_order", "list_purchase_orders", "list_work_orders"}},
      {"crew",
       "request",
       {"create_shopping_list_item", "update_shopping_list_item", "view_shopping_list_item",
        "view_shopping_list_history", "list_shopping_list_items"}},
  };
  for (const Case& c : kCases) {
    boost::json::object body = Suggest(UserA(c.role), c.query);
    ASSERT_TRUE(body.contains("ambiguous")) << c.query;
    EXPECT_TRUE(body.at("ambiguous").as_bool())
        << c.role << " '" << c.query << "': " << boost::json::serialize(body);
    std::vector<std::string> candidates = ActionIds(body, "candidates");
    EXPECT_EQ(std::set<std::string>(candidates.begin(), candidates.end()), c.tied)
        << c.role << " '" << c.query << "' candidates: " << Join(candidates);
    EXPECT_EQ(candidates.size(), c.tied.size())
        << "candidates repeat an action: " << Join(candidates);
    // The tied candidates all share the best score, and lead the suggestions.
    const auto& suggestions = body.at("suggestions").as_array();
    ASSERT_GE(suggestions.size(), c.tied.size()) << c.query;
    const double best = suggestions[0].at("score").to_number<double>();
    for (const auto& cand : body.at("candidates").as_array()) {
      EXPECT_DOUBLE_EQ(cand.at("score").to_number<double>(), best)
          << c.query << ": " << cand.at("action_id").as_string();
    }
    for (size_t i = 0; i < c.tied.size(); ++i) {
      EXPECT_TRUE(c.tied.contains(std::string(suggestions[i].at("action_id").as_string())))
          << c.query << ": suggestion " << i << " is "
          << suggestions[i].at("action_id").as_string();
    }
  }
}

// Every suggestion names a listed action, with the list's label, domain and variant.
TEST_F(SuggestionsTest, EverySuggestionIsFullyDescribed) {
  ClientResponse list = Get(UserA("manager"), "/v1/actions/list?yacht_id=" + A().id);
  ASSERT_EQ(list.status, 200) << Describe(list);
  const boost::json::value list_json = list.Json();
  std::map<std::string, boost::json::object> listed;
  for (const auto& a : list_json.at("actions").as_array()) {
    listed[std::string(a.at("action_id").as_string())] = a.as_object();
  }
  for (const char* query : {"request", "add to shopping list", "approve", "history", "fault",
                            "work order", "certificate", "equipment"}) {
    boost::json::object body = Suggest(UserA("manager"), query);
    ASSERT_TRUE(body.contains("suggestions") && body.at("suggestions").is_array()) << query;
    ASSERT_TRUE(body.contains("candidates") && body.at("candidates").is_array()) << query;
    ASSERT_TRUE(body.contains("ambiguous") && body.at("ambiguous").is_bool()) << query;
    const auto& suggestions = body.at("suggestions").as_array();
    ASSERT_FALSE(suggestions.empty()) << query;
    double previous = 2.0;
    for (const auto& v : suggestions) {
      const auto& s = v.as_object();
      const std::string where = std::string(query) + " / " + boost::json::serialize(s);
      ASSERT_TRUE(s.contains("action_id") && s.at("action_id").is_string()) << where;
      const std::string id(s.at("action_id").as_string());
      ASSERT_TRUE(listed.contains(id)) << "not in the manager's action list: " << where;
      ASSERT_TRUE(s.contains("label") && s.at("label").is_string()) << where;
      EXPECT_FALSE(s.at("label").as_string().empty()) << where;
      ASSERT_TRUE(s.contains("domain") && s.at("domain").is_string()) << where;
      ASSERT_TRUE(s.contains("variant") && s.at("variant").is_string()) << where;
      for (const char* key : {"label", "domain", "variant"}) {
        EXPECT_EQ(s.at(key), listed[id].at(key)) << key << ": " << where;
      }
      const std::string variant(s.at("variant").as_string());
      EXPECT_TRUE(variant == "READ" || variant == "MUTATE" || variant == "SIGNED") << where;
      ASSERT_TRUE(s.contains("score") && s.at("score").is_number()) << where;
      const double score = s.at("score").to_number<double>();
      EXPECT_GT(score, 0.0) << where;
      EXPECT_LE(score, 1.0) << where;
      EXPECT_LE(score, previous) << "suggestions are not ranked best first: " << where;
      previous = score;
    }
  }
}

TEST_F(SuggestionsTest, CrewListHoldsExactlyTheActionsCrewMayInitiate) {
  auto manager = ListActions(UserA("manager"));
  // A manager is HOD and catalog editor: every shopping list action.
  std::set<std::string> manager_ids;
  for (const auto& [id, a] : manager) manager_ids.insert(id);
  ASSERT_EQ(manager_ids, kAllShoppingListActions);

  std::set<std::string> expected_for_crew;
  for (const auto& [id, a] : manager) {
    const auto& roles = a.at("allowed_roles").as_array();
    if (std::find(roles.begin(), roles.end(), boost::json::value("crew")) != roles.end()) {
      expected_for_crew.insert(id);
    }
  }
  auto crew = ListActions(UserA("crew"));
  std::set<std::string> crew_ids;
  for (const auto& [id, a] : crew) crew_ids.insert(id);
  EXPECT_EQ(crew_ids, expected_for_crew);
  EXPECT_EQ(crew_ids.size(), 5u);  // create, update, and the three READs
  for (const auto& id : kHodOnlyActions) EXPECT_FALSE(crew_ids.contains(id)) << id;
  // Each crew entry is the same description the manager sees.
  for (const auto& [id, a] : crew) {
    EXPECT_EQ(boost::json::value(a), boost::json::value(manager.at(id))) << id;
  }
}

TEST_F(SuggestionsTest, ListedFieldsAreFullyDescribed) {
  static const std::set<std::string> kTypes = {"string", "text",     "integer", "number", "boolean",
                                               "date",   "datetime", "uuid",    "enum",   "array"};
  auto actions = ListActions(UserA("manager"));
  ASSERT_FALSE(actions.empty());
  for (const auto& [id, a] : actions) {
    for (const char* key : {"label", "domain", "variant"}) {
      EXPECT_TRUE(a.contains(key) && a.at(key).is_string()) << id << " lacks " << key;
    }
    for (const char* key : {"allowed_roles", "signer_roles", "fields", "search_keywords"}) {
      EXPECT_TRUE(a.contains(key) && a.at(key).is_array()) << id << " lacks " << key;
    }
    if (!a.contains("fields") || !a.at("fields").is_array()) continue;
    for (const auto& fv : a.at("fields").as_array()) {
      const auto& f = fv.as_object();
      const std::string where = id + " / " + boost::json::serialize(f);
      ASSERT_TRUE(f.contains("name") && f.at("name").is_string()) << where;
      ASSERT_TRUE(f.contains("type") && f.at("type").is_string()) << where;
      ASSERT_TRUE(f.contains("required") && f.at("required").is_bool()) << where;
      ASSERT_TRUE(f.contains("label") && f.at("label").is_string()) << where;
      const std::string type(f.at("type").as_string());
      EXPECT_TRUE(kTypes.contains(type)) << where;
      if (type == "enum") {
        ASSERT_TRUE(f.contains("enum") && f.at("enum").is_array()) << where;
        EXPECT_FALSE(f.at("enum").as_array().empty()) << where;
        for (const auto& e : f.at("enum").as_array()) EXPECT_TRUE(e.is_string()) << where;
      }
    }
  }
  // Spot checks against CONTRACT §7.
  auto field = [&](const std::string& action, const std::string& name) -> boost::json::object {
    for (const auto& f : actions.at(action).at("fields").as_array()) {
      if (f.at("name").as_string() == name) return f.as_object();
    }
    ADD_FAILURE() << action << " has no field " << name;
    return {};
  };
  auto source = field("create_shopping_list_item", "source_type");
  EXPECT_EQ(source.at("required").as_bool(), true);
  EXPECT_EQ(source.at("type").as_string(), "enum");
  EXPECT_EQ(
      boost::json::value(source.at("enum")),
      boost::json::value(boost::json::array{"manual_add", "low_stock", "work_order", "fault"}));
  auto urgency = field("create_shopping_list_item", "urgency");
  EXPECT_EQ(urgency.at("required").as_bool(), false);
  EXPECT_EQ(boost::json::value(urgency.at("enum")),
            boost::json::value(boost::json::array{"low", "normal", "high", "critical"}));
  EXPECT_EQ(field("approve_shopping_list_item", "quantity_approved").at("required").as_bool(),
            true);
  EXPECT_EQ(field("approve_shopping_list_item", "item_id").at("type").as_string(), "uuid");
}

}  // namespace
}  // namespace celeste::testing

namespace celeste::testing {
namespace {

// The parts lens by role (issue 4): each query's best match, and what a role may never be
// offered.
TEST_F(SuggestionsTest, PartsSuggestionsFollowTheRole) {
  struct Case {
    const char* role;
    const char* query;
    const char* best;
  };
  const Case kCases[] = {
      {"crew", "receive stock", "receive_part"},
      {"crew", "use part", "consume_part"},
      {"crew", "low stock", "view_low_stock"},
      {"crew", "order with approval", "order_part_with_approval"},
      {"chief_engineer", "add part", "add_part"},
      {"chief_engineer", "stock take", "adjust_stock"},
      {"captain", "stock take", "adjust_stock"},
      {"captain", "low stock", "view_low_stock"},
  };
  for (const Case& c : kCases) {
    boost::json::object body = Suggest(UserA(c.role), c.query);
    std::vector<std::string> ids = ActionIds(body, "suggestions");
    ASSERT_FALSE(ids.empty()) << c.role << " '" << c.query << "'";
    EXPECT_EQ(ids.front(), c.best) << c.role << " '" << c.query << "' ranked: " << Join(ids);
  }
  // Crew may not add parts or adjust stock (heads of department and the purser may).
  for (const char* query : {"add part", "stock take", "adjust stock", "new part"}) {
    boost::json::object body = Suggest(UserA("crew"), query);
    for (const char* key : {"suggestions", "candidates"}) {
      for (const std::string& id : ActionIds(body, key)) {
        EXPECT_NE(id, "add_part") << "crew '" << query << "'";
        EXPECT_NE(id, "adjust_stock") << "crew '" << query << "'";
      }
    }
  }
}

}  // namespace
}  // namespace celeste::testing

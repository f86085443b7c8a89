// Edge cases of the shopping list lens over HTTP (CONTRACT §2 steps 7, 9-11 and §7):
// missing entities, illegal state moves, business rules, duplicates, payload validation and
// who may update which item.
#include <utility>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class EdgeCasesTest : public IntegrationTest {
 protected:
  ClientResponse View(const std::string& item) {
    return Execute(UserA("crew"), A().id, "view_shopping_list_item", {{"item_id", item}});
  }
  std::string StatusOf(const std::string& item) {
    ClientResponse r = View(item);
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? std::string(r.Json().at("result").at("status").as_string()) : "";
  }
  size_t HistoryLength(const std::string& item) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "view_shopping_list_history", {{"item_id", item}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").at("history").as_array().size() : 0;
  }
  size_t ItemCount() {
    ClientResponse r = Execute(UserA("crew"), A().id, "list_shopping_list_items", {{"limit", 200}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").at("items").as_array().size() : 0;
  }
  void Approve(const std::string& item) {
    ClientResponse r = Execute(UserA("captain"), A().id, "approve_shopping_list_item",
                               {{"item_id", item}, {"quantity_approved", 2}});
    ASSERT_EQ(r.status, 200) << Describe(r);
  }
  void Reject(const std::string& item) {
    ClientResponse r = Execute(UserA("captain"), A().id, "reject_shopping_list_item",
                               {{"item_id", item}, {"rejection_reason", "Not needed"}});
    ASSERT_EQ(r.status, 200) << Describe(r);
  }
  // Promotes a fresh candidate item to a catalog part; returns {item id, part id}.
  std::pair<std::string, std::string> PromotedCandidate(const std::string& name) {
    std::string item = CreateItem(UserA("crew"), A().id, {{"part_name", name}});
    ClientResponse r =
        Execute(UserA("chief_engineer"), A().id, "promote_candidate_to_part", {{"item_id", item}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    if (r.status != 201) return {item, ""};
    auto result = r.Json().at("result").as_object();
    std::string part_id(result.at("part_id").as_string());
    EXPECT_EQ(result.at("part").at("id").as_string(), part_id);
    return {item, part_id};
  }
};

TEST_F(EdgeCasesTest, AMissingItemIsNotFound) {
  const std::string missing = RandomUuidV4();
  struct Case {
    const char* role;
    const char* action;
    boost::json::object payload;
  };
  const Case cases[] = {
      {"captain", "approve_shopping_list_item", {{"item_id", missing}, {"quantity_approved", 1}}},
      {"captain", "reject_shopping_list_item", {{"item_id", missing}, {"rejection_reason", "x"}}},
      {"captain", "review_shopping_list_item", {{"item_id", missing}}},
      {"captain", "update_shopping_list_item", {{"item_id", missing}, {"urgency", "high"}}},
      {"crew", "update_shopping_list_item", {{"item_id", missing}, {"urgency", "high"}}},
      {"manager", "promote_candidate_to_part", {{"item_id", missing}}},
      {"crew", "view_shopping_list_item", {{"item_id", missing}}},
      {"crew", "view_shopping_list_history", {{"item_id", missing}}},
  };
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, 404, "not_found")) << c.role << " " << c.action;
  }
  ClientResponse get =
      Get(UserA("crew"), "/v1/shopping-list/history?yacht_id=" + A().id + "&item_id=" + missing);
  EXPECT_TRUE(IsError(get, 404, "not_found")) << "GET history";
}

TEST_F(EdgeCasesTest, IllegalStateMovesAreRefusedAndChangeNothing) {
  struct Case {
    const char* name;
    bool reject_first;  // else approve first
    const char* action;
    boost::json::object payload;
    const char* state_after;
  };
  const Case cases[] = {
      {"approve a rejected item",
       true,
       "approve_shopping_list_item",
       {{"quantity_approved", 2}},
       "rejected"},
      {"reject a rejected item",
       true,
       "reject_shopping_list_item",
       {{"rejection_reason", "Again"}},
       "rejected"},
      {"review a rejected item", true, "review_shopping_list_item", {}, "rejected"},
      {"reject an approved item",
       false,
       "reject_shopping_list_item",
       {{"rejection_reason", "Changed my mind"}},
       "approved"},
      {"approve an approved item",
       false,
       "approve_shopping_list_item",
       {{"quantity_approved", 3}},
       "approved"},
      {"review an approved item", false, "review_shopping_list_item", {}, "approved"},
  };
  for (const Case& c : cases) {
    std::string item = CreateItem(UserA("crew"), A().id);
    if (c.reject_first) {
      Reject(item);
    } else {
      Approve(item);
    }
    boost::json::object payload = c.payload;
    payload["item_id"] = item;
    ClientResponse r = Execute(UserA("chief_officer"), A().id, c.action, payload);
    EXPECT_TRUE(IsError(r, 400, "invalid_state_transition")) << c.name;
    EXPECT_EQ(StatusOf(item), c.state_after) << c.name;
    EXPECT_EQ(HistoryLength(item), 2u) << c.name << ": only create and the first move";
  }
}

TEST_F(EdgeCasesTest, PromotingANonCandidateIsABusinessRuleViolation) {
  auto [promoted_item, part_id] = PromotedCandidate("Sea strainer basket");
  ASSERT_FALSE(part_id.empty());
  // The promoted item is still open for that part; another work order keeps this one apart.
  std::string catalog_item = CreateItem(UserA("crew"), A().id,
                                        {{"part_name", "Sea strainer basket"},
                                         {"part_id", part_id},
                                         {"source_work_order_id", RandomUuidV4()}});
  ASSERT_FALSE(catalog_item.empty());
  ClientResponse view = View(catalog_item);
  ASSERT_EQ(view.status, 200) << Describe(view);
  EXPECT_EQ(view.Json().at("result").at("is_candidate_part").as_bool(), false);

  struct Case {
    const char* name;
    const char* role;
    std::string item;
  };
  const Case cases[] = {{"item created for a catalog part", "chief_engineer", catalog_item},
                        {"item created for a catalog part (manager)", "manager", catalog_item},
                        {"the item already promoted", "chief_engineer", promoted_item}};
  for (const Case& c : cases) {
    ClientResponse r =
        Execute(UserA(c.role), A().id, "promote_candidate_to_part", {{"item_id", c.item}});
    EXPECT_TRUE(IsError(r, 400, "business_rule_violation")) << c.name;
    EXPECT_FALSE(DetailOf(r, "rule").empty())
        << c.name << ": details.rule names the rule; " << Describe(r);
  }
  // Neither item changed its link.
  ClientResponse after = View(catalog_item);
  ASSERT_EQ(after.status, 200) << Describe(after);
  EXPECT_EQ(after.Json().at("result").at("part_id").as_string(), part_id);
  EXPECT_TRUE(after.Json().at("result").at("promoted_by").is_null());
}

TEST_F(EdgeCasesTest, ASecondOpenItemForTheSamePartIsADuplicate) {
  auto [candidate, part_id] = PromotedCandidate("Raw water pump seal");
  ASSERT_FALSE(part_id.empty());
  Reject(candidate);  // closed: it no longer blocks new requests for the part
  const std::string work_order = RandomUuidV4();

  std::string with_wo = CreateItem(UserA("crew"), A().id,
                                   {{"part_id", part_id}, {"source_work_order_id", work_order}});
  std::string without_wo = CreateItem(UserA("crew"), A().id, {{"part_id", part_id}});
  ASSERT_FALSE(with_wo.empty());
  ASSERT_FALSE(without_wo.empty());
  const size_t items_before = ItemCount();

  struct Case {
    const char* name;
    const char* role;
    boost::json::object extra;
    std::string existing;
  };
  const Case cases[] = {
      {"same part, same work order",
       "crew",
       {{"part_id", part_id}, {"source_work_order_id", work_order}},
       with_wo},
      {"same part, same work order (upper-case ids)",
       "captain",
       {{"part_id",
         [&] {
           std::string u = part_id;
           for (char& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
           return u;
         }()},
        {"source_work_order_id", work_order}},
       with_wo},
      {"same part, no work order", "purser", {{"part_id", part_id}}, without_wo},
      {"same part, work order null",
       "crew",
       {{"part_id", part_id}, {"source_work_order_id", nullptr}},
       without_wo},
  };
  for (const Case& c : cases) {
    boost::json::object payload{{"part_name", "Raw water pump seal"},
                                {"quantity_requested", 1},
                                {"source_type", "work_order"}};
    for (const auto& kv : c.extra) payload[kv.key()] = kv.value();
    ClientResponse r = Execute(UserA(c.role), A().id, "create_shopping_list_item", payload);
    EXPECT_TRUE(IsError(r, 409, "duplicate")) << c.name;
    EXPECT_EQ(DetailOf(r, "existing_id"), c.existing) << c.name;
  }
  EXPECT_EQ(ItemCount(), items_before) << "a duplicate must not create a row";

  // Controls: another work order is another request; a rejected item no longer blocks.
  EXPECT_FALSE(CreateItem(UserA("crew"), A().id,
                          {{"part_id", part_id}, {"source_work_order_id", RandomUuidV4()}})
                   .empty());
  Reject(with_wo);
  EXPECT_FALSE(CreateItem(UserA("crew"), A().id,
                          {{"part_id", part_id}, {"source_work_order_id", work_order}})
                   .empty());
}

TEST_F(EdgeCasesTest, QuantityRequestedMustBeAPositiveNumber) {
  const size_t items_before = ItemCount();
  struct Case {
    const char* name;
    std::optional<boost::json::value> quantity;  // nullopt: absent
    const char* code;
  };
  const Case cases[] = {
      {"zero", boost::json::value(0), "invalid_field"},
      {"negative", boost::json::value(-1), "invalid_field"},
      {"tiny negative", boost::json::value(-0.001), "invalid_field"},
      {"a word", boost::json::value("five"), "invalid_field"},
      {"a numeric string", boost::json::value("5"), "invalid_field"},
      {"a boolean", boost::json::value(true), "invalid_field"},
      {"an object", boost::json::value(boost::json::object{{"n", 5}}), "invalid_field"},
      {"null", boost::json::value(nullptr), "missing_field"},
      {"absent", std::nullopt, "missing_field"},
  };
  for (const Case& c : cases) {
    boost::json::object payload{{"part_name", "Impeller"}, {"source_type", "manual_add"}};
    if (c.quantity) payload["quantity_requested"] = *c.quantity;
    ClientResponse r = Execute(UserA("crew"), A().id, "create_shopping_list_item", payload);
    EXPECT_TRUE(IsError(r, 400, c.code)) << c.name;
    EXPECT_EQ(DetailOf(r, "field"), "quantity_requested") << c.name;
  }
  EXPECT_EQ(ItemCount(), items_before) << "a refused create must not create a row";

  // The same rule on update, where the field is optional.
  std::string item = CreateItem(UserA("crew"), A().id);
  const std::pair<const char*, boost::json::value> update_cases[] = {
      {"update zero", 0}, {"update negative", -3}, {"update word", "five"}};
  for (const auto& [name, quantity] : update_cases) {
    ClientResponse r = Execute(UserA("captain"), A().id, "update_shopping_list_item",
                               {{"item_id", item}, {"quantity_requested", quantity}});
    EXPECT_TRUE(IsError(r, 400, "invalid_field")) << name;
    EXPECT_EQ(DetailOf(r, "field"), "quantity_requested") << name;
  }
  ClientResponse view = View(item);
  ASSERT_EQ(view.status, 200) << Describe(view);
  EXPECT_EQ(view.Json().at("result").at("quantity_requested").to_number<double>(), 2.0);
}

TEST_F(EdgeCasesTest, PayloadFieldsAreValidated) {
  const std::string item = CreateItem(UserA("crew"), A().id);
  const size_t items_before = ItemCount();
  const boost::json::object create{
      {"part_name", "Impeller"}, {"quantity_requested", 2}, {"source_type", "manual_add"}};
  struct Case {
    const char* name;
    const char* role;
    const char* action;
    boost::json::object base;
    boost::json::object changes;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {"undeclared field on create",
       "crew",
       "create_shopping_list_item",
       create,
       {{"colour", "red"}},
       "unknown_field",
       "colour"},
      {"undeclared field on approve",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", item}, {"quantity_approved", 1}},
       {{"qty", 1}},
       "unknown_field",
       "qty"},
      {"undeclared field on view",
       "crew",
       "view_shopping_list_item",
       {{"item_id", item}},
       {{"yacht_id", A().id}},
       "unknown_field",
       "yacht_id"},
      {"urgency not in the enum",
       "crew",
       "create_shopping_list_item",
       create,
       {{"urgency", "urgent"}},
       "invalid_field",
       "urgency"},
      {"urgency in the wrong case",
       "crew",
       "create_shopping_list_item",
       create,
       {{"urgency", "HIGH"}},
       "invalid_field",
       "urgency"},
      {"source_type not in the enum",
       "crew",
       "create_shopping_list_item",
       create,
       {{"source_type", "gift"}},
       "invalid_field",
       "source_type"},
      {"30 February",
       "crew",
       "create_shopping_list_item",
       create,
       {{"required_by_date", "2026-02-30"}},
       "invalid_field",
       "required_by_date"},
      {"month 13",
       "crew",
       "create_shopping_list_item",
       create,
       {{"required_by_date", "2026-13-01"}},
       "invalid_field",
       "required_by_date"},
      {"a date-time for a date",
       "crew",
       "create_shopping_list_item",
       create,
       {{"required_by_date", "2026-03-01T00:00:00Z"}},
       "invalid_field",
       "required_by_date"},
      {"part_id not a uuid",
       "crew",
       "create_shopping_list_item",
       create,
       {{"part_id", "1234"}},
       "invalid_field",
       "part_id"},
      {"blank part_name",
       "crew",
       "create_shopping_list_item",
       create,
       {{"part_name", "  "}},
       "invalid_field",
       "part_name"},
      {"item_id not a uuid (view)",
       "crew",
       "view_shopping_list_item",
       {},
       {{"item_id", "not-a-uuid"}},
       "invalid_field",
       "item_id"},
      {"item_id not a uuid (approve)",
       "captain",
       "approve_shopping_list_item",
       {{"quantity_approved", 1}},
       {{"item_id", "0192f3a4-7b1c-7def-8a12"}},
       "invalid_field",
       "item_id"},
      {"item_id a number",
       "crew",
       "view_shopping_list_history",
       {},
       {{"item_id", 42}},
       "invalid_field",
       "item_id"},
      {"item_id absent", "crew", "view_shopping_list_item", {}, {}, "missing_field", "item_id"},
      {"quantity_approved absent",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", item}},
       {},
       "missing_field",
       "quantity_approved"},
      {"quantity_approved zero",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", item}},
       {{"quantity_approved", 0}},
       "invalid_field",
       "quantity_approved"},
      {"blank rejection_reason",
       "captain",
       "reject_shopping_list_item",
       {{"item_id", item}},
       {{"rejection_reason", "   "}},
       "invalid_field",
       "rejection_reason"},
      {"empty rejection_reason",
       "captain",
       "reject_shopping_list_item",
       {{"item_id", item}},
       {{"rejection_reason", ""}},
       "invalid_field",
       "rejection_reason"},
      {"rejection_reason absent",
       "captain",
       "reject_shopping_list_item",
       {{"item_id", item}},
       {},
       "missing_field",
       "rejection_reason"},
      {"list status not in the enum",
       "crew",
       "list_shopping_list_items",
       {},
       {{"status", "lost"}},
       "invalid_field",
       "status"},
      {"list limit over 200",
       "crew",
       "list_shopping_list_items",
       {},
       {{"limit", 201}},
       "invalid_field",
       "limit"},
  };
  for (const Case& c : cases) {
    boost::json::object payload = c.base;
    for (const auto& kv : c.changes) payload[kv.key()] = kv.value();
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, payload);
    EXPECT_TRUE(IsError(r, 400, c.code)) << c.name;
    EXPECT_EQ(DetailOf(r, "field"), c.field) << c.name;
  }
  EXPECT_EQ(ItemCount(), items_before) << "a refused create must not create a row";
  EXPECT_EQ(StatusOf(item), "requested") << "refused approve/reject must not move the item";
  EXPECT_EQ(HistoryLength(item), 1u);
}

// CONTRACT §2: role (6) before payload (7) before lookup (9) before state (10) before
// duplicates (11); the first failure answers.
TEST_F(EdgeCasesTest, ChecksRunInContractOrder) {
  auto [promoted, part_id] = PromotedCandidate("Bilge pump switch");
  ASSERT_FALSE(part_id.empty());
  const std::string rejected = CreateItem(UserA("crew"), A().id);
  Reject(rejected);
  const std::string missing = RandomUuidV4();
  struct Case {
    const char* name;
    const char* role;
    const char* action;
    boost::json::object payload;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"role before payload",
       "crew",
       "approve_shopping_list_item",
       {{"item_id", "nope"}, {"bogus", 1}},
       403,
       "forbidden_role"},
      {"payload before lookup",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", missing}, {"quantity_approved", 0}},
       400,
       "invalid_field"},
      {"blank reason before lookup",
       "captain",
       "reject_shopping_list_item",
       {{"item_id", missing}, {"rejection_reason", " "}},
       400,
       "invalid_field"},
      {"payload before state",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", rejected}, {"quantity_approved", -2}},
       400,
       "invalid_field"},
      {"lookup before state",
       "captain",
       "approve_shopping_list_item",
       {{"item_id", missing}, {"quantity_approved", 2}},
       404,
       "not_found"},
      {"payload before duplicate",
       "crew",
       "create_shopping_list_item",
       {{"part_name", "Bilge pump switch"},
        {"quantity_requested", 1},
        {"source_type", "manual_add"},
        {"part_id", part_id},
        {"urgency", "urgent"}},
       400,
       "invalid_field"},
      {"unknown part before duplicate",
       "crew",
       "create_shopping_list_item",
       {{"part_name", "Bilge pump switch"},
        {"quantity_requested", 1},
        {"source_type", "manual_add"},
        {"part_id", RandomUuidV4()}},
       404,
       "not_found"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Execute(UserA(c.role), A().id, c.action, c.payload);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
  }
  EXPECT_EQ(StatusOf(rejected), "rejected");
}

TEST_F(EdgeCasesTest, WhoMayUpdateWhichItem) {
  // A second crew member on yacht A.
  DemoUser other_crew{"crew2@celeste.test", RandomUuidV4(), "crew"};
  RunResult added =
      server_->Cli({"user", "add", "--email", other_crew.email, "--password", kDemoPassword,
                    "--yacht", A().id, "--role", "crew", "--id", other_crew.user_id});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  auto update = [&](const DemoUser& user, const std::string& item, int quantity) {
    return Execute(user, A().id, "update_shopping_list_item",
                   {{"item_id", item}, {"quantity_requested", quantity}});
  };
  auto quantity_of = [&](const std::string& item) {
    ClientResponse r = View(item);
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").at("quantity_requested").to_number<double>()
                           : -1.0;
  };

  // The creator changes their own request while it is still `requested`.
  std::string item = CreateItem(UserA("crew"), A().id);
  ClientResponse own = update(UserA("crew"), item, 5);
  ASSERT_EQ(own.status, 200) << Describe(own);
  EXPECT_EQ(own.Json().at("result").at("quantity_requested").to_number<double>(), 5.0);
  EXPECT_EQ(quantity_of(item), 5.0);

  // Nobody else below head of department may.
  for (const DemoUser* user : {&std::as_const(other_crew), &UserA("purser")}) {
    ClientResponse r = update(*user, item, 9);
    EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << user->email << " on another's item";
  }
  EXPECT_EQ(quantity_of(item), 5.0);

  // Once a head of department has looked at it, the creator may not either.
  std::string reviewed = CreateItem(UserA("crew"), A().id);
  ASSERT_EQ(
      Execute(UserA("chief_officer"), A().id, "review_shopping_list_item", {{"item_id", reviewed}})
          .status,
      200);
  std::string approved = CreateItem(UserA("crew"), A().id);
  Approve(approved);
  const std::pair<const char*, std::string> closed_to_creator[] = {{"under_review", reviewed},
                                                                   {"approved", approved}};
  for (const auto& [name, id] : closed_to_creator) {
    ClientResponse r = update(UserA("crew"), id, 7);
    EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << "creator on a " << name << " item";
    EXPECT_EQ(quantity_of(id), 2.0) << name;
  }

  // A head of department may change an open item, but not a closed one.
  ClientResponse hod = update(UserA("chief_engineer"), reviewed, 4);
  EXPECT_EQ(hod.status, 200) << Describe(hod);
  std::string rejected = CreateItem(UserA("crew"), A().id);
  Reject(rejected);
  for (const char* role : {"chief_engineer", "captain", "manager"}) {
    ClientResponse r = update(UserA(role), rejected, 3);
    EXPECT_TRUE(IsError(r, 400, "invalid_state_transition")) << role << " on a rejected item";
  }
  // The creator on a rejected item: closed is closed, whoever asks.
  EXPECT_EQ(update(UserA("crew"), rejected, 3).status / 100, 4);
  EXPECT_EQ(quantity_of(rejected), 2.0);
}

}  // namespace
}  // namespace celeste::testing

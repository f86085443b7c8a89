// Role gating for the shopping list lens (CONTRACT §7), over HTTP against the real server.
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class RolesTest : public IntegrationTest {};

TEST_F(RolesTest, CrewCreatesAnItem) {
  ClientResponse r = Execute(
      UserA("crew"), A().id, "create_shopping_list_item",
      {{"part_name", "Impeller"}, {"quantity_requested", 2}, {"source_type", "manual_add"}});
  ASSERT_EQ(r.status, 201) << Describe(r);
  auto body = r.Json().as_object();
  EXPECT_EQ(body.at("success").as_bool(), true);
  EXPECT_EQ(body.at("action").as_string(), "create_shopping_list_item");
  EXPECT_FALSE(body.at("audit_id").as_string().empty());
  EXPECT_EQ(body.at("result").at("status").as_string(), "requested");
}

TEST_F(RolesTest, CrewMayNotApprove) {
  std::string item = CreateItem(UserA("crew"), A().id);
  ClientResponse r = Execute(UserA("crew"), A().id, "approve_shopping_list_item",
                             {{"item_id", item}, {"quantity_approved", 2}});
  EXPECT_EQ(r.status, 403) << Describe(r);
  EXPECT_EQ(ErrorCodeOf(r), "forbidden_role");
}

TEST_F(RolesTest, EveryHeadOfDepartmentApproves) {
  for (const char* role : {"chief_engineer", "chief_officer", "captain", "manager"}) {
    std::string item = CreateItem(UserA("crew"), A().id);
    ClientResponse r = Execute(UserA(role), A().id, "approve_shopping_list_item",
                               {{"item_id", item}, {"quantity_approved", 2}});
    ASSERT_EQ(r.status, 200) << role << ": " << Describe(r);
    ClientResponse view =
        Execute(UserA("crew"), A().id, "view_shopping_list_item", {{"item_id", item}});
    ASSERT_EQ(view.status, 200) << Describe(view);
    EXPECT_EQ(view.Json().at("result").at("status").as_string(), "approved") << role;
  }
}

TEST_F(RolesTest, HodRejects) {
  std::string item = CreateItem(UserA("crew"), A().id);
  ClientResponse r = Execute(UserA("captain"), A().id, "reject_shopping_list_item",
                             {{"item_id", item}, {"rejection_reason", "Duplicate request"}});
  ASSERT_EQ(r.status, 200) << Describe(r);
  EXPECT_EQ(r.Json().at("result").at("status").as_string(), "rejected");
}

TEST_F(RolesTest, OnlyChiefEngineerAndManagerPromote) {
  for (const char* role : {"crew", "captain", "chief_officer", "purser"}) {
    std::string item = CreateItem(UserA("crew"), A().id);
    ClientResponse r =
        Execute(UserA(role), A().id, "promote_candidate_to_part", {{"item_id", item}});
    EXPECT_EQ(r.status, 403) << role << ": " << Describe(r);
    EXPECT_EQ(ErrorCodeOf(r), "forbidden_role") << role;
  }
  for (const char* role : {"chief_engineer", "manager"}) {
    std::string item = CreateItem(UserA("crew"), A().id);
    ClientResponse r =
        Execute(UserA(role), A().id, "promote_candidate_to_part", {{"item_id", item}});
    EXPECT_EQ(r.status, 201) << role << ": " << Describe(r);
  }
}

TEST_F(RolesTest, HodUpdatesAnApprovedItem) {
  std::string item = CreateItem(UserA("crew"), A().id);
  ASSERT_EQ(Execute(UserA("captain"), A().id, "approve_shopping_list_item",
                    {{"item_id", item}, {"quantity_approved", 2}})
                .status,
            200);
  ClientResponse r = Execute(UserA("chief_engineer"), A().id, "update_shopping_list_item",
                             {{"item_id", item}, {"urgency", "critical"}});
  ASSERT_EQ(r.status, 200) << Describe(r);
  EXPECT_EQ(r.Json().at("result").at("urgency").as_string(), "critical");
}

TEST_F(RolesTest, CrewReadsHistory) {
  std::string item = CreateItem(UserA("crew"), A().id);
  ClientResponse r =
      Execute(UserA("crew"), A().id, "view_shopping_list_history", {{"item_id", item}});
  ASSERT_EQ(r.status, 200) << Describe(r);
  auto history = r.Json().at("result").at("history").as_array();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].at("to_status").as_string(), "requested");

  ClientResponse get =
      Get(UserA("crew"), "/v1/shopping-list/history?yacht_id=" + A().id + "&item_id=" + item);
  ASSERT_EQ(get.status, 200) << Describe(get);
  EXPECT_EQ(get.Json().at("history").as_array().size(), 1u);
}

}  // namespace
}  // namespace celeste::testing

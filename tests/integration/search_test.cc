// GET /v1/search (issue 8) against a real server on both backends: one query finds a yacht's
// parts, equipment, faults, work orders, certificates and shopping list items, ranked
// together, as soon as the action that wrote them answered; another yacht's records are never
// found; a lens turned off drops out; a change of state shows in the result; bad input is a
// 4xx with the contract's error_code.
#include <set>
#include <thread>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class SearchTest : public IntegrationTest {
 protected:
  // One record per searchable lens on `yacht`, each named with `word`; ids by entity type.
  std::map<std::string, std::string> MakeRecords(const DemoYacht& yacht, const std::string& word) {
    const DemoUser& captain = yacht.users.at("captain");
    const std::vector<std::pair<std::string, boost::json::object>> actions = {
        {"add_part", {{"name", word + " fuel filter"}, {"part_number", word + "-2040"}}},
        {"add_equipment", {{"name", word + " watermaker"}, {"system", "Fresh water"}}},
        {"report_fault", {{"title", word + " pump leaking"}, {"severity", "high"}}},
        {"create_work_order", {{"title", "Service the " + word + " pump"}}},
        {"add_certificate",
         {{"certificate_type", word + " load line"},
          {"number", "LL-1"},
          {"issuing_authority", "Lloyd's"},
          {"issue_date", "2026-01-01"},
          {"expiry_date", "2031-01-01"}}},
        {"create_shopping_list_item",
         {{"part_name", word + " impeller"},
          {"quantity_requested", 2},
          {"source_type", "manual_add"}}},
    };
    std::map<std::string, std::string> ids;
    for (const auto& [action, payload] : actions) {
      ClientResponse r = Execute(captain, yacht.id, action, payload);
      EXPECT_EQ(r.status, 201) << action << ": " << Describe(r);
      const boost::json::value json = r.Json();
      ids[action] = json.is_object() ? TextOf(json.at("entity_id")) : "";
    }
    return ids;
  }
  ClientResponse Search(const DemoUser& user, const std::string& yacht_id, const std::string& q,
                        const std::string& extra = "") {
    return Get(user, "/v1/search?yacht_id=" + yacht_id + "&q=" + q + extra);
  }
  // entity_type -> entity_id of a search answer.
  static std::map<std::string, std::string> Found(const ClientResponse& r) {
    std::map<std::string, std::string> found;
    const boost::json::value json = r.Json();
    if (!json.is_object() || !json.as_object().contains("results")) return found;
    for (const auto& hit : json.at("results").as_array()) {
      found[TextOf(hit.at("entity_type"))] = TextOf(hit.at("entity_id"));
    }
    return found;
  }
};

TEST_F(SearchTest, OneQueryFindsEveryLensOfTheYachtAndNothingOfAnother) {
  const auto a = MakeRecords(A(), "zircon");
  const auto b = MakeRecords(B(), "zircon");
  ClientResponse r = Search(UserA("crew"), A().id, "Zircon");
  ASSERT_EQ(r.status, 200) << Describe(r);
  const std::map<std::string, std::string> expected = {
      {"part", a.at("add_part")},
      {"equipment", a.at("add_equipment")},
      {"fault", a.at("report_fault")},
      {"work_order", a.at("create_work_order")},
      {"certificate", a.at("add_certificate")},
      {"shopping_list_item", a.at("create_shopping_list_item")}};
  EXPECT_EQ(Found(r), expected) << r.body;
  const boost::json::value json = r.Json();
  EXPECT_EQ(json.at("count"), 6);
  EXPECT_EQ(json.at("terms"), boost::json::value(boost::json::array{"zircon"}));
  // Ranked: scores never increase down the list.
  double previous = 1e300;
  for (const auto& hit : json.at("results").as_array()) {
    const double score = hit.at("score").to_number<double>();
    EXPECT_LE(score, previous);
    previous = score;
  }
  for (const auto& [action, id] : b) EXPECT_EQ(r.body.find(id), std::string::npos) << action;

  // B finds its own, by a prefix of the part number.
  ClientResponse by_number = Search(UserB("crew"), B().id, "zirc-204");
  EXPECT_EQ(Found(by_number), (std::map<std::string, std::string>{{"part", b.at("add_part")}}))
      << by_number.body;
  // A's crew asking about B: not a member.
  EXPECT_TRUE(IsError(Search(UserA("crew"), B().id, "zircon"), 403, "yacht_access_denied"));
}

TEST_F(SearchTest, AChangeOfStateShowsAndALensTurnedOffDropsOut) {
  const auto a = MakeRecords(A(), "quartz");
  ClientResponse ack =
      Execute(UserA("captain"), A().id, "acknowledge_fault", {{"fault_id", a.at("report_fault")}});
  ASSERT_EQ(ack.status, 200) << Describe(ack);
  ClientResponse r = Search(UserA("crew"), A().id, "quartz%20pump%20leak");
  ASSERT_EQ(r.status, 200) << Describe(r);
  const boost::json::value json = r.Json();
  ASSERT_EQ(json.at("count"), 1) << r.body;
  EXPECT_EQ(json.at("results").at(0).at("subtitle"), "acknowledged · high");

  RunResult off = server_->Cli({"flags", "set", "PART_LENS_V2_ENABLED", "--enabled", "false"});
  ASSERT_EQ(off.exit_code, 0) << off.out << off.err;
  bool gone = false;
  for (int i = 0; i < 40 && !gone; ++i) {  // flags are live within about a second
    gone = !Found(Search(UserA("crew"), A().id, "quartz")).count("part");
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone) << "the parts lens is off: its records are not searched";
  EXPECT_EQ(Found(Search(UserA("crew"), A().id, "quartz")).size(), 5u);
}

TEST_F(SearchTest, BadInputIsAClearFourHundred) {
  EXPECT_TRUE(IsError(Get(UserA("crew"), "/v1/search?yacht_id=" + A().id), 400, "missing_field"));
  ClientResponse limit = Search(UserA("crew"), A().id, "x", "&limit=0");
  EXPECT_TRUE(IsError(limit, 400, "invalid_field"));
  EXPECT_EQ(DetailOf(limit, "field"), "limit");
  EXPECT_TRUE(IsError(Search(UserA("crew"), A().id, "x", "&limit=51"), 400, "invalid_field"));
  EXPECT_TRUE(IsError(Search(UserA("crew"), A().id, std::string(501, 'x')), 400, "invalid_field"));
  ClientResponse anonymous = client_->Get("/v1/search?yacht_id=" + A().id + "&q=x").value();
  EXPECT_TRUE(IsError(anonymous, 401, "missing_token"));
  // Nothing to search for is no result, not an error (a search box being cleared).
  ClientResponse blank = Search(UserA("crew"), A().id, "%20%2D%2D");
  ASSERT_EQ(blank.status, 200) << Describe(blank);
  EXPECT_EQ(blank.Json().at("count"), 0);
  // Query syntax is never interpreted.
  for (const char* q : {"%22zircon", "zircon*", "zircon%20OR%20x", "NEAR(a%20b)", "a:*%20%7C%20b",
                        "%27;%20DROP%20TABLE%20pms_parts;%20--"}) {
    ClientResponse odd = Search(UserA("crew"), A().id, q);
    EXPECT_EQ(odd.status, 200) << q << ": " << Describe(odd);
  }
}

}  // namespace
}  // namespace celeste::testing

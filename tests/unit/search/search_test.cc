// Search (search/search.h) on a real, migrated SQLite store: the triggers of migration 0012
// index each lens's records as they are written, changed and deleted; a query is words as
// prefixes, all required, ranked with titles above bodies; other yachts and lenses that are
// off are never returned; and what a person types can never become query syntax. The same
// queries on PostgreSQL are exercised by the integration tests (SearchTest).
#include "search/search.h"

#include <gtest/gtest.h>

#include <memory>

#include "../store/temp_dir.h"

namespace celeste::search {
namespace {

const std::string kYacht = "0190a000-0000-7000-8000-00000000000a";
const std::string kOtherYacht = "0190a000-0000-7000-8000-00000000000b";
const std::vector<std::string> kAllLenses = {"parts",       "equipment",    "faults",
                                             "work_orders", "certificates", "shopping_list"};

TEST(SearchQueryTest, TermsAreLowerCasedRunsOfLettersAndDigits) {
  EXPECT_EQ(QueryTerms("RAC-2040 Fuel  filter"),
            (std::vector<std::string>{"rac", "2040", "fuel", "filter"}));
  EXPECT_EQ(QueryTerms("  \"*\" OR NEAR(x) -- ; ' "),
            (std::vector<std::string>{"or", "near", "x"}));
  EXPECT_EQ(QueryTerms("Ölfilter"), std::vector<std::string>{"Ölfilter"}) << "kept whole";
  EXPECT_TRUE(QueryTerms("").empty());
  EXPECT_TRUE(QueryTerms("-- !!").empty());
  EXPECT_EQ(QueryTerms("a b c d e f g h i j").size(), kMaxTerms);
  EXPECT_EQ(QueryTerms(std::string(100, 'x')).at(0).size(), kMaxTermBytes);
}

TEST(SearchQueryTest, EachBackendGetsPrefixTermsAllRequired) {
  const std::vector<std::string> terms = {"rac", "2040"};
  EXPECT_EQ(Fts5Match(terms), "\"rac\"* \"2040\"*");
  EXPECT_EQ(TsQuery(terms), "rac:* & 2040:*");
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore("sqlite:" + dir_.File("celeste.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    Script("INSERT INTO yachts (id, name, code, created_at) VALUES ('" + kYacht +
           "', 'A', 'A', 'x'), ('" + kOtherYacht + "', 'B', 'B', 'x')");
  }
  void TearDown() override { store_->Close(); }

  void Script(const std::string& sql) {
    const Status s = store_->Run(TxMode::kWrite, "", [&](Tx& tx) { return tx.ExecScript(sql); });
    ASSERT_TRUE(s.ok()) << s.message() << "\n" << sql;
  }
  void AddPart(const std::string& id, const std::string& yacht, const std::string& name,
               const std::string& number) {
    Script(
        "INSERT INTO pms_parts (id, yacht_id, name, part_number, manufacturer, created_at, "
        "created_by) VALUES ('" +
        id + "', '" + yacht + "', '" + name + "', '" + number + "', 'Racor', 'x', 'u')");
  }
  std::vector<SearchHit> Find(const std::string& q, const std::string& yacht = kYacht,
                              const std::vector<std::string>& lenses = kAllLenses) {
    std::vector<SearchHit> hits;
    const Status s = store_->Run(TxMode::kRead, yacht, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(hits, Search(tx, "sqlite", yacht, QueryTerms(q), lenses, 20));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return hits;
  }
  static std::vector<std::string> Ids(const std::vector<SearchHit>& hits) {
    std::vector<std::string> ids;
    for (const auto& h : hits) ids.push_back(h.entity_id);
    return ids;
  }

  celeste::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SearchIndexTest, RecordsAreFoundByPrefixesOfTheirWordsAndNumbers) {
  AddPart("p1", kYacht, "Fuel filter element", "RAC-2040");
  AddPart("p2", kYacht, "Impeller", "JAB-17937");
  auto hits = Find("fil");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].entity_type, "part");
  EXPECT_EQ(hits[0].entity_id, "p1");
  EXPECT_EQ(hits[0].lens_id, "parts");
  EXPECT_EQ(hits[0].title, "Fuel filter element");
  EXPECT_EQ(hits[0].subtitle, "RAC-2040");
  EXPECT_GT(hits[0].score, 0);
  EXPECT_EQ(Ids(Find("rac 2040")), std::vector<std::string>{"p1"}) << "by part number";
  EXPECT_EQ(Ids(Find("jab-179")), std::vector<std::string>{"p2"});
  EXPECT_TRUE(Find("fuel impeller").empty()) << "every word is required";
  EXPECT_TRUE(Find("").empty());
}

TEST_F(SearchIndexTest, ChangesAndDeletesReachTheIndexInTheirTransaction) {
  AddPart("p1", kYacht, "Fuel filter", "RAC-1");
  Script("UPDATE pms_parts SET name = 'Oil filter' WHERE id = 'p1'");
  EXPECT_TRUE(Find("fuel").empty());
  EXPECT_EQ(Ids(Find("oil")), std::vector<std::string>{"p1"});
  Script("DELETE FROM pms_parts WHERE id = 'p1'");
  EXPECT_TRUE(Find("oil").empty());
}

TEST_F(SearchIndexTest, EveryLensIsIndexedAndRankedTogetherTitlesFirst) {
  AddPart("p1", kYacht, "Watermaker membrane", "WM-1");
  Script(
      "INSERT INTO pms_equipment (id, yacht_id, name, system, criticality, running_hours, "
      "created_by, created_at, updated_at) VALUES ('e1', '" +
      kYacht + "', 'Watermaker', 'Fresh water', 'high', 0, 'u', 'x', 'x')");
  Script(
      "INSERT INTO pms_faults (id, yacht_id, title, description, severity, status, "
      "reported_by, reported_at, updated_at, status_changed_by, status_changed_role) "
      "VALUES ('f1', '" +
      kYacht +
      "', 'High pressure alarm', 'watermaker trips on high pressure', 'high', 'open', 'u', "
      "'x', 'x', 'u', 'crew')");
  const auto hits = Find("watermaker");
  ASSERT_EQ(hits.size(), 3u);
  // The two titles rank above the description.
  EXPECT_EQ(hits[2].entity_id, "f1");
  EXPECT_EQ(hits[2].entity_type, "fault");
  EXPECT_EQ(hits[2].subtitle, "open · high");
  EXPECT_EQ(Ids(Find("watermaker", kYacht, {"parts", "faults"})),
            (std::vector<std::string>{"p1", "f1"}))
      << "a lens that is off is left out";
}

TEST_F(SearchIndexTest, AnotherYachtsRecordsAreNeverFound) {
  AddPart("p1", kYacht, "Fuel filter", "RAC-1");
  AddPart("p2", kOtherYacht, "Fuel filter", "RAC-1");
  EXPECT_EQ(Ids(Find("fuel")), std::vector<std::string>{"p1"});
  EXPECT_EQ(Ids(Find("fuel", kOtherYacht)), std::vector<std::string>{"p2"});
}

TEST_F(SearchIndexTest, QuerySyntaxIsNeverInterpreted) {
  AddPart("p1", kYacht, "Fuel filter", "RAC-1");
  for (const char* q : {"\"fuel", "fuel*", "fuel OR x", "NEAR(fuel filter)", "title:fuel",
                        "fuel AND", "^fuel", "(fuel", "fuel'; DROP TABLE pms_parts; --"}) {
    SCOPED_TRACE(q);
    std::vector<SearchHit> hits;
    const Status s = store_->Run(TxMode::kRead, kYacht, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(hits, Search(tx, "sqlite", kYacht, QueryTerms(q), kAllLenses, 20));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.message();
  }
  EXPECT_EQ(Ids(Find("fuel")), std::vector<std::string>{"p1"});
}

}  // namespace
}  // namespace celeste::search

// RankSuggestions: free-text queries against small hand-made actions.
#include "actions/suggestions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actions/action.h"

namespace celeste {
namespace {

ActionDef Action(std::string id, std::string label, std::vector<std::string> keywords) {
  ActionDef a;
  a.id = std::move(id);
  a.label = std::move(label);
  a.lens = "test";
  a.search_keywords = std::move(keywords);
  return a;
}

// The catalogue every case ranks against.
const std::vector<ActionDef>& Catalogue() {
  static const std::vector<ActionDef> kActions = {
      Action("approve_item", "Approve item", {"approve item", "sign off item"}),
      Action("approve", "Approve", {"approve"}),
      Action("reject_item", "Reject item", {"reject item", "decline item"}),
      Action("create_item", "Add to shopping list", {"add item", "request part", "order spares"}),
      Action("view_item", "View item", {"view item", "show item"}),
      Action("view_history", "View history", {"view history", "item history"}),
      Action("log_hours", "Log engine hours", {"log hours", "engine hours"}),
      Action("log_fuel", "Log fuel", {"log fuel"}),
  };
  return kActions;
}

std::vector<const ActionDef*> Pointers(const std::vector<ActionDef>& actions) {
  std::vector<const ActionDef*> out;
  for (const auto& a : actions) out.push_back(&a);
  return out;
}

std::vector<std::string> Ids(const std::vector<Suggestion>& suggestions) {
  std::vector<std::string> out;
  for (const auto& s : suggestions) out.push_back(s.action->id);
  return out;
}

TEST(SuggestionsTest, RankSuggestions) {
  struct Case {
    const char* name;
    const char* query;
    size_t limit;
    std::string top;                      // "" when nothing may be suggested
    std::vector<std::string> candidates;  // non-empty exactly when ambiguous
  };
  const Case kCases[] = {
      {"exact keyword beats a partial one", "approve item", 10, "approve_item", {}},
      {"exact keyword beats a partial one (other way)", "approve", 10, "approve", {}},
      {"prefix of 3+ letters while typing", "appr", 10, "approve", {}},
      {"prefixes of several words", "appr ite", 10, "approve_item", {}},
      {"plural query word", "engine hour logs", 10, "log_hours", {}},
      {"plural keyword matched by a singular query", "spare order", 10, "create_item", {}},
      {"stop words are ignored", "please add the item to my list", 10, "create_item", {}},
      {"case and punctuation are ignored", "REJECT, item!", 10, "reject_item", {}},
      {"label words count", "shopping list", 10, "create_item", {}},
      {"id words count", "history", 10, "view_history", {}},
      {"empty query", "", 10, "", {}},
      {"only stop words", "the a to of", 10, "", {}},
      {"only punctuation", " ,.;!? ", 10, "", {}},
      {"no match", "anchor windlass", 10, "", {}},
      {"two letters are no prefix", "ap", 10, "", {}},
      {"tie between two actions", "log", 10, "log_fuel", {"log_fuel", "log_hours"}},
      {"tie survives a small limit", "log", 1, "log_fuel", {"log_fuel", "log_hours"}},
  };
  const auto actions = Pointers(Catalogue());
  for (const auto& c : kCases) {
    const SuggestionResult r = RankSuggestions(c.query, actions, c.limit);
    if (c.top.empty()) {
      EXPECT_TRUE(r.suggestions.empty()) << "case " << c.name << ": got " << r.suggestions.size();
      EXPECT_FALSE(r.ambiguous) << "case " << c.name;
      continue;
    }
    ASSERT_FALSE(r.suggestions.empty()) << "case " << c.name;
    EXPECT_LE(r.suggestions.size(), c.limit) << "case " << c.name;
    EXPECT_EQ(r.suggestions.front().action->id, c.top) << "case " << c.name;
    EXPECT_EQ(r.ambiguous, !c.candidates.empty()) << "case " << c.name;
    EXPECT_EQ(Ids(r.candidates), c.candidates) << "case " << c.name;
    for (size_t i = 0; i < r.suggestions.size(); ++i) {
      EXPECT_GT(r.suggestions[i].score, 0) << "case " << c.name;
      EXPECT_LE(r.suggestions[i].score, 1) << "case " << c.name;
      if (i > 0) {
        EXPECT_GE(r.suggestions[i - 1].score, r.suggestions[i].score)
            << "case " << c.name << ": not best first at " << i;
      }
    }
    if (!c.candidates.empty()) {
      for (const auto& cand : r.candidates) {
        EXPECT_EQ(cand.score, r.suggestions.front().score) << "case " << c.name;
      }
      // Exactly the tied ones: the next suggestion (if any) scores lower.
      if (r.suggestions.size() > r.candidates.size()) {
        EXPECT_LT(r.suggestions[r.candidates.size()].score, r.suggestions.front().score)
            << "case " << c.name;
      }
    }
  }
}

TEST(SuggestionsTest, ExactKeywordScoresHigherThanPartial) {
  const auto actions = Pointers(Catalogue());
  const SuggestionResult r = RankSuggestions("approve item", actions);
  ASSERT_GE(r.suggestions.size(), 2u);
  EXPECT_EQ(r.suggestions[0].action->id, "approve_item");
  EXPECT_DOUBLE_EQ(r.suggestions[0].score, 1.0);
  EXPECT_LT(r.suggestions[1].score, r.suggestions[0].score);
  EXPECT_FALSE(r.ambiguous);
}

TEST(SuggestionsTest, LimitIsRespected) {
  struct Case {
    const char* name;
    size_t limit;
  };
  const Case kCases[] = {
      {"limit 0", 0}, {"limit 1", 1}, {"limit 2", 2}, {"limit 3", 3}, {"limit 100", 100}};
  // "item" matches several actions.
  const auto actions = Pointers(Catalogue());
  const size_t all = RankSuggestions("item", actions, 100).suggestions.size();
  ASSERT_GE(all, 4u);
  for (const auto& c : kCases) {
    const SuggestionResult r = RankSuggestions("item", actions, c.limit);
    EXPECT_EQ(r.suggestions.size(), std::min(all, c.limit)) << "case " << c.name;
  }
}

TEST(SuggestionsTest, OrderIsDeterministic) {
  struct Case {
    const char* name;
    const char* query;
  };
  const Case kCases[] = {{"tie", "log"}, {"many matches", "item"}, {"prefix", "vie"}};
  const auto forward = Pointers(Catalogue());
  const std::vector<const ActionDef*> backward(forward.rbegin(), forward.rend());
  for (const auto& c : kCases) {
    const auto a = RankSuggestions(c.query, forward);
    const auto b = RankSuggestions(c.query, backward);
    const auto again = RankSuggestions(c.query, forward);
    EXPECT_FALSE(a.suggestions.empty()) << "case " << c.name;
    EXPECT_EQ(Ids(a.suggestions), Ids(b.suggestions)) << "case " << c.name;
    EXPECT_EQ(Ids(a.candidates), Ids(b.candidates)) << "case " << c.name;
    EXPECT_EQ(Ids(a.suggestions), Ids(again.suggestions)) << "case " << c.name;
  }
}

TEST(SuggestionsTest, NoActionsNoSuggestions) {
  const SuggestionResult r = RankSuggestions("approve", {});
  EXPECT_TRUE(r.suggestions.empty());
  EXPECT_FALSE(r.ambiguous);
  EXPECT_TRUE(r.candidates.empty());
}

}  // namespace
}  // namespace celeste

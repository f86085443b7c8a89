// Suggestions: rank actions for a free-text query ("add to shopping list").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actions/action.h"

namespace celeste {

struct Suggestion {
  const ActionDef* action;
  double score;  // 0..1
};

struct SuggestionResult {
  std::vector<Suggestion> suggestions;  // best first, at most `limit`
  bool ambiguous = false;               // several actions tie for the best score
  std::vector<Suggestion> candidates;   // the tied actions when ambiguous
};

// Scores each action by how well the query's words match its keywords, label and id
// (whole words, or a prefix of 3+ letters, so typing "appr" already finds approve).
// Stop words ("a", "the", "to", ...) are ignored. Actions scoring below a floor are
// dropped. `actions` is already filtered by role and flags.
SuggestionResult RankSuggestions(std::string_view query,
                                 const std::vector<const ActionDef*>& actions, size_t limit = 10);

}  // namespace celeste

#include "actions/suggestions.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace celeste {
namespace {

constexpr double kMinScore = 0.34;
constexpr double kTieEpsilon = 1e-9;
constexpr std::array<std::string_view, 12> kStopWords = {
    "a", "an", "the", "to", "for", "of", "on", "in", "my", "this", "and", "please"};

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() &&
        std::find(kStopWords.begin(), kStopWords.end(), word) == kStopWords.end()) {
      out.push_back(word);
    }
    word.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// A query word matches a phrase word when equal, when one is the other plus a plural
// "s", or when it is a prefix of 3+ letters (typing in progress).
bool WordMatches(const std::string& q, const std::string& p) {
  if (q == p) return true;
  if (q.size() + 1 == p.size() && p.back() == 's' && p.compare(0, q.size(), q) == 0) return true;
  if (p.size() + 1 == q.size() && q.back() == 's' && q.compare(0, p.size(), p) == 0) return true;
  return q.size() >= 3 && p.size() > q.size() && p.compare(0, q.size(), q) == 0;
}

// Share of the query explained by the phrase (weighted most), plus share of the phrase
// covered by the query.
double PhraseScore(const std::vector<std::string>& query, const std::vector<std::string>& phrase) {
  if (query.empty() || phrase.empty()) return 0;
  size_t matched_query = 0;
  for (const auto& q : query) {
    if (std::any_of(phrase.begin(), phrase.end(),
                    [&](const auto& p) { return WordMatches(q, p); })) {
      ++matched_query;
    }
  }
  size_t covered_phrase = 0;
  for (const auto& p : phrase) {
    if (std::any_of(query.begin(), query.end(), [&](const auto& q) { return WordMatches(q, p); })) {
      ++covered_phrase;
    }
  }
  const double precision = static_cast<double>(matched_query) / query.size();
  const double coverage = static_cast<double>(covered_phrase) / phrase.size();
  return 0.7 * precision + 0.3 * coverage;
}

double ActionScore(const std::vector<std::string>& query, const ActionDef& action) {
  double best = PhraseScore(query, Words(action.label));
  best = std::max(best, PhraseScore(query, Words(action.id)));
  for (const auto& k : action.search_keywords) best = std::max(best, PhraseScore(query, Words(k)));
  return std::round(best * 1000) / 1000;  // ties are ties, not float noise
}

}  // namespace

SuggestionResult RankSuggestions(std::string_view query,
                                 const std::vector<const ActionDef*>& actions, size_t limit) {
  SuggestionResult result;
  const auto words = Words(query);
  if (words.empty()) return result;
  std::vector<Suggestion> scored;
  for (const ActionDef* a : actions) {
    double s = ActionScore(words, *a);
    if (s >= kMinScore) scored.push_back({a, s});
  }
  std::sort(scored.begin(), scored.end(), [](const Suggestion& x, const Suggestion& y) {
    if (x.score != y.score) return x.score > y.score;
    return x.action->id < y.action->id;
  });
  if (scored.size() >= 2 && std::abs(scored[0].score - scored[1].score) < kTieEpsilon) {
    result.ambiguous = true;
    for (const auto& s : scored) {
      if (std::abs(s.score - scored[0].score) >= kTieEpsilon) break;
      result.candidates.push_back(s);
    }
  }
  if (scored.size() > limit) scored.resize(limit);
  result.suggestions = std::move(scored);
  return result;
}

}  // namespace celeste

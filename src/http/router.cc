#include "http/router.h"

#include <algorithm>

namespace celeste {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler, BodyOpener opener) {
  auto segments = SplitPath(pattern);
  routes_.push_back(
      {method, std::move(pattern), std::move(segments), std::move(handler), std::move(opener)});
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match result;
  const auto parts = SplitPath(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    KeyValues params;
    bool matched = true;
    for (size_t i = 0; i < parts.size() && matched; ++i) {
      if (IsCapture(route.segments[i])) {
        params.emplace_back(route.segments[i].substr(1, route.segments[i].size() - 2), parts[i]);
      } else {
        matched = route.segments[i] == parts[i];
      }
    }
    if (!matched) continue;
    // HEAD is served by the GET handler.
    if (route.method == method || (method == Method::kHead && route.method == Method::kGet)) {
      result.kind = Match::Kind::kFound;
      result.allowed.clear();  // filled by earlier routes with the same path
      result.handler = &route.handler;
      result.pattern = &route.pattern;
      result.opener = route.opener ? &route.opener : nullptr;
      result.params = std::move(params);
      return result;
    }
    result.kind = Match::Kind::kWrongMethod;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  }
  return result;
}

}  // namespace celeste

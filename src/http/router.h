// Router: an explicit table of (method, path pattern) → handler.
//
// Patterns are literal segments and "{name}" captures: "/v1/flags/{name}". A path that
// matches no pattern is route_not_found; one that matches with another method is
// method_not_allowed (with the allowed methods listed). A route may stream its request body
// into a sink instead of receiving it whole (its BodyOpener; see BodySink).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.h"

namespace celeste {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // `pattern` also labels metrics and logs ("/v1/flags/{name}").
  void Add(Method method, std::string pattern, Handler handler, BodyOpener opener = {});

  struct Match {
    enum class Kind { kFound, kNoRoute, kWrongMethod } kind = Kind::kNoRoute;
    const Handler* handler = nullptr;
    const std::string* pattern = nullptr;  // the matched pattern, for metrics
    const BodyOpener* opener = nullptr;    // set when the route streams its body
    KeyValues params;
    std::vector<Method> allowed;  // for kWrongMethod
  };
  Match Find(Method method, std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    BodyOpener opener;
  };
  std::vector<Route> routes_;
};

}  // namespace celeste

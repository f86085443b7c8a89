// The Beast verb of a request method, for the ops tools' two Beast clients (http_client.cc,
// load_client.cc). Only .cc files that already include Boost.Beast include this.
#pragma once

#include <optional>

#include <boost/beast/http/verb.hpp>

#include "http/request.h"

namespace celeste::ops {

// nullopt for Method::kOther, which has no verb to send.
inline std::optional<boost::beast::http::verb> ToBeastVerb(Method method) {
  using boost::beast::http::verb;
  switch (method) {
    case Method::kGet:
      return verb::get;
    case Method::kHead:
      return verb::head;
    case Method::kPost:
      return verb::post;
    case Method::kPut:
      return verb::put;
    case Method::kPatch:
      return verb::patch;
    case Method::kDelete:
      return verb::delete_;
    case Method::kOptions:
      return verb::options;
    case Method::kOther:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace celeste::ops

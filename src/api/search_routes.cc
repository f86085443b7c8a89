// GET /v1/search?yacht_id&q[&limit]: one search box over every lens (issue 8, search/search.h).
// Any member of the yacht may search; records of a lens that is off for the yacht are left
// out, as its actions are.
#include <charconv>

#include <boost/json/array.hpp>

#include "api/request_helpers.h"
#include "api/routes.h"
#include "search/search.h"

namespace celeste {
namespace {

constexpr size_t kMaxQueryBytes = 500;

Result<int> LimitParam(const Request& request) {
  auto text = request.QueryParam("limit");
  if (!text) return search::kDefaultLimit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 ||
      limit > search::kMaxLimit) {
    return Status::InvalidField("limit", "limit must be a whole number from 1 to 50");
  }
  return limit;
}

Result<Response> SearchRecords(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  const auto q = request.QueryParam("q");
  if (!q) return Status::MissingField("q");
  if (q->size() > kMaxQueryBytes) {
    return Status::InvalidField("q", "a search is at most 500 bytes");
  }
  CELESTE_ASSIGN_OR_RETURN(int limit, LimitParam(request));
  std::vector<std::string> lenses;
  for (const LensDef& lens : services.registry.lenses()) {
    if (services.dispatcher.IsLensOn(lens, m.yacht_id)) lenses.push_back(lens.id);
  }
  const std::vector<std::string> terms = search::QueryTerms(*q);
  std::vector<search::SearchHit> hits;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(
        hits, search::Search(tx, services.store.backend(), m.yacht_id, terms, lenses, limit));
    return Status::OK();
  }));
  boost::json::array results;
  for (const auto& hit : hits) results.push_back(hit.ToJson());
  boost::json::array term_list;
  for (const auto& t : terms) term_list.emplace_back(t);
  return JsonOk({{"yacht_id", m.yacht_id},
                 {"query", std::string(*q)},
                 {"terms", std::move(term_list)},
                 {"count", results.size()},
                 {"results", std::move(results)}});
}

}  // namespace

void RegisterSearchRoutes(Services& services, const AddRoute& add) {
  add(Method::kGet, "/v1/search", [&services](Request& r) { return SearchRecords(services, r); });
}

}  // namespace celeste

#include "api/fault_injection.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace celeste {
namespace {

// The error_code the contract answers `status` with, if any.
std::optional<ErrorCode> CodeForStatus(int status) {
  for (int c = static_cast<int>(ErrorCode::kInvalidRequest);
       c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    if (HttpStatusOf(static_cast<ErrorCode>(c)) == status) return static_cast<ErrorCode>(c);
  }
  return std::nullopt;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

Result<std::vector<FaultRule>> ParseFaultSpec(std::string_view spec, const Registry& registry) {
  std::vector<FaultRule> rules;
  for (std::string_view item : Split(spec, ',')) {
    const auto bad = [&](std::string_view why) {
      return Status::InvalidRequest(
          fmt::format("{} rule '{}': {} (expected lens:status:rate, e.g. "
                      "shopping_list:500:0.2)",
                      kFaultInjectionEnv, item, why));
    };
    const std::vector<std::string_view> parts = Split(item, ':');
    if (parts.size() != 3) return bad("not three parts");
    FaultRule rule;
    rule.lens = std::string(parts[0]);
    if (!registry.FindLens(rule.lens)) return bad("no such lens");
    auto [s_end, s_ec] =
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), rule.status);
    if (s_ec != std::errc() || s_end != parts[1].data() + parts[1].size() ||
        !CodeForStatus(rule.status)) {
      return bad(
          "the status must be one the contract answers with (400, 401, 403, 404, 405, "
          "409, 413, 415, 429, 500, 503)");
    }
    const std::string rate_text(parts[2]);
    char* end = nullptr;
    rule.rate = std::strtod(rate_text.c_str(), &end);
    if (rate_text.empty() || *end != '\0' || !(rule.rate > 0 && rule.rate <= 1)) {
      return bad("the rate must be a number above 0 and at most 1");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules)
    : rules_(std::move(rules)), random_(std::random_device{}()) {}

Status FaultInjector::Decide(std::string_view lens) {
  for (const FaultRule& rule : rules_) {
    if (rule.lens != lens) continue;
    double draw = 0;
    {
      std::lock_guard lock(mu_);
      draw = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    }
    if (draw >= rule.rate) continue;
    return Status::Error(*CodeForStatus(rule.status),
                         fmt::format("fault injected by {} ({}:{}:{})", kFaultInjectionEnv,
                                     rule.lens, rule.status, rule.rate),
                         {{"injected_fault", true}, {"lens", rule.lens}});
  }
  return Status::OK();
}

boost::json::array FaultInjector::Json() const {
  boost::json::array out;
  for (const FaultRule& r : rules_) {
    out.push_back({{"lens", r.lens}, {"status", r.status}, {"rate", r.rate}});
  }
  return out;
}

}  // namespace celeste

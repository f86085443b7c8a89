#include "ops/payload_generator.h"

#include <charconv>
#include <map>

#include <fmt/format.h>

#include "core/json.h"

namespace celeste::ops {
namespace {

constexpr Micros kYear = 365LL * 86400 * kMicrosPerSecond;

double SmallestValid(const FieldDef& field, bool integer) {
  double value = 1;
  if (field.min) {
    const double above = integer ? *field.min + 1 : *field.min + 0.5;
    value = std::max(value, field.min_exclusive ? above : *field.min);
  }
  if (field.max) value = std::min(value, *field.max);
  return value;
}

// "@today", "@today+1095d": that day (UTC) as YYYY-MM-DD; nullopt for any other text.
std::optional<std::string> RelativeDate(std::string_view text, Micros now) {
  constexpr std::string_view kToday = "@today";
  if (!text.starts_with(kToday)) return std::nullopt;
  text.remove_prefix(kToday.size());
  int64_t days = 0;
  if (!text.empty()) {
    if (text.front() != '+' || !text.ends_with('d')) return std::nullopt;
    text = text.substr(1, text.size() - 2);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  }
  return FormatRfc3339(now + days * 86400 * kMicrosPerSecond).substr(0, 10);
}

// Replaces every "@..." string inside `value`: "@today[+Nd]" by that date, "@ACTION" by the
// id ACTION lists.
Status ResolveReferences(boost::json::value& value, const IdResolver& resolve_id, Micros now,
                         std::map<std::string, std::string>& resolved) {
  if (value.is_string()) {
    const std::string_view text = value.as_string();
    if (!text.starts_with('@')) return Status::OK();
    if (auto date = RelativeDate(text, now)) {
      value = *date;
      return Status::OK();
    }
    const std::string action(text.substr(1));
    auto known = resolved.find(action);
    if (known == resolved.end()) {
      CELESTE_ASSIGN_OR_RETURN(std::string id, resolve_id(action));
      known = resolved.emplace(action, std::move(id)).first;
    }
    value = known->second;
  } else if (value.is_array()) {
    for (auto& element : value.as_array()) {
      CELESTE_RETURN_IF_ERROR(ResolveReferences(element, resolve_id, now, resolved));
    }
  } else if (value.is_object()) {
    for (auto& member : value.as_object()) {
      CELESTE_RETURN_IF_ERROR(ResolveReferences(member.value(), resolve_id, now, resolved));
    }
  }
  return Status::OK();
}

}  // namespace

Result<boost::json::object> GeneratePayload(const ActionDef& action, const PayloadSeed& seed,
                                            const IdResolver& resolve_id,
                                            const boost::json::object& overrides) {
  boost::json::object payload;
  std::map<std::string, std::string> resolved;
  int dates = 0;
  for (const FieldDef& field : action.fields) {
    if (!field.required || overrides.contains(field.name)) continue;
    if (!field.example.empty()) {
      auto example = ParseJson(field.example);
      if (!example) {
        return Status::Internal(
            fmt::format("{}.{}: its example is not JSON", action.id, field.name));
      }
      CELESTE_RETURN_IF_ERROR(ResolveReferences(*example, resolve_id, seed.now, resolved));
      payload[field.name] = std::move(*example);
      continue;
    }
    switch (field.type) {
      case FieldType::kString:
      case FieldType::kText: {
        std::string text = fmt::format("{} #{}", seed.tag, seed.sequence);
        const size_t limit = field.max_length ? field.max_length : 200;
        if (text.size() > limit) text.resize(limit);
        payload[field.name] = text;
        break;
      }
      case FieldType::kInteger:
        payload[field.name] = static_cast<int64_t>(SmallestValid(field, true));
        break;
      case FieldType::kNumber:
        payload[field.name] = SmallestValid(field, false);
        break;
      case FieldType::kBoolean:
        payload[field.name] = false;
        break;
      case FieldType::kDate:
        payload[field.name] = FormatRfc3339(seed.now + kYear * dates++).substr(0, 10);
        break;
      case FieldType::kDateTime:
        payload[field.name] = FormatRfc3339(seed.now);
        break;
      case FieldType::kEnum:
        if (field.enum_values.empty()) {
          return Status::Internal(
              fmt::format("{}.{}: an enum without values", action.id, field.name));
        }
        payload[field.name] = field.enum_values.front();
        break;
      case FieldType::kUuid:
      case FieldType::kArray:
        return Status::InvalidRequest(fmt::format(
            "{} needs {} ({}), which cannot be generated: give it, or declare an example",
            action.id, field.name, FieldTypeName(field.type)));
    }
  }
  for (const auto& [key, value] : overrides) payload[key] = value;
  return payload;
}

std::optional<std::string> FirstListedId(const boost::json::value& result) {
  if (result.is_array()) {
    for (const auto& element : result.as_array()) {
      if (element.is_object()) {
        if (auto id = GetString(element.as_object(), "id")) return id;
      }
      if (auto id = FirstListedId(element)) return id;
    }
  } else if (result.is_object()) {
    for (const auto& member : result.as_object()) {
      if (member.value().is_structured()) {
        if (auto id = FirstListedId(member.value())) return id;
      }
    }
  }
  return std::nullopt;
}

std::string FirstRequiredIdField(const ActionDef& action) {
  for (const FieldDef& field : action.fields) {
    if (field.required && field.type == FieldType::kUuid) return field.name;
  }
  return "";
}

}  // namespace celeste::ops

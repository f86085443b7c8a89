#include "actions/fields.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/uuid.h"

namespace celeste {
namespace {

constexpr size_t kDefaultStringLimit = 200;
constexpr size_t kDefaultTextLimit = 10000;
constexpr size_t kArrayLimit = 500;

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

Status Invalid(const FieldDef& f, std::string_view what) {
  return Status::InvalidField(f.name, fmt::format("'{}' {}", f.name, what));
}

Status CheckRange(const FieldDef& f, double v) {
  if (f.min) {
    bool below = f.min_exclusive ? v <= *f.min : v < *f.min;
    if (below) {
      return Invalid(f, fmt::format("must be {} {}", f.min_exclusive ? ">" : ">=", *f.min));
    }
  }
  if (f.max && v > *f.max) return Invalid(f, fmt::format("must be <= {}", *f.max));
  return Status::OK();
}

Status CheckString(const FieldDef& f, const boost::json::value& v) {
  if (!v.is_string()) return Invalid(f, "must be a string");
  std::string_view s = v.get_string();
  size_t limit = MaxLength(f);
  if (s.size() > limit) return Invalid(f, fmt::format("must be at most {} bytes", limit));
  if (f.required && IsBlank(s)) return Invalid(f, "must not be empty");
  // PostgreSQL text cannot hold U+0000, and no crew member types one.
  if (s.find('\0') != std::string_view::npos) return Invalid(f, "must not contain NUL (\\u0000)");
  return Status::OK();
}

Status CheckValue(const FieldDef& f, const boost::json::value& v) {
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
      return CheckString(f, v);
    case FieldType::kInteger: {
      // The same reading handlers get through ActionContext::Int (3.0 is the integer 3).
      boost::json::object probe{{"v", v}};
      std::optional<int64_t> n = GetInt(probe, "v");
      if (!n) return Invalid(f, "must be an integer");
      return CheckRange(f, static_cast<double>(*n));
    }
    case FieldType::kNumber:
      if (!v.is_number()) return Invalid(f, "must be a number");
      if (!std::isfinite(v.to_number<double>())) return Invalid(f, "must be finite");
      return CheckRange(f, v.to_number<double>());
    case FieldType::kBoolean:
      if (!v.is_bool()) return Invalid(f, "must be true or false");
      return Status::OK();
    case FieldType::kDate:
      if (!v.is_string() || !IsDate(v.get_string())) return Invalid(f, "must be a date YYYY-MM-DD");
      return Status::OK();
    case FieldType::kDateTime:
      if (!v.is_string() || !ParseRfc3339(v.get_string())) {
        return Invalid(f, "must be an RFC 3339 date-time");
      }
      return Status::OK();
    case FieldType::kUuid:
      if (!v.is_string() || !IsUuid(v.get_string())) return Invalid(f, "must be a UUID");
      return Status::OK();
    case FieldType::kEnum: {
      if (!v.is_string()) return Invalid(f, "must be one of the listed values");
      std::string_view s = v.get_string();
      if (std::find(f.enum_values.begin(), f.enum_values.end(), s) == f.enum_values.end()) {
        return Invalid(f, fmt::format("must be one of: {}", fmt::join(f.enum_values, ", ")));
      }
      return Status::OK();
    }
    case FieldType::kArray:
      if (!v.is_array()) return Invalid(f, "must be an array");
      if (v.get_array().size() > kArrayLimit) {
        return Invalid(f, fmt::format("must have at most {} items", kArrayLimit));
      }
      if (f.required && v.get_array().empty()) return Invalid(f, "must not be empty");
      return Status::OK();
  }
  return Invalid(f, "has an unsupported type");
}

}  // namespace

size_t MaxLength(const FieldDef& f) {
  if (f.max_length) return f.max_length;
  return f.type == FieldType::kText ? kDefaultTextLimit : kDefaultStringLimit;
}

Status ValidatePayload(const ActionDef& action, const boost::json::object& payload) {
  for (const auto& kv : payload) {
    if (!action.FindField(kv.key())) {
      return Status::Error(
          ErrorCode::kUnknownField,
          fmt::format("'{}' is not a field of {}", std::string_view(kv.key()), action.id),
          {{"field", kv.key()}});
    }
  }
  for (const FieldDef& f : action.fields) {
    auto it = payload.find(f.name);
    bool absent = it == payload.end() || it->value().is_null();
    if (absent) {
      if (f.required) return Status::MissingField(f.name);
      continue;
    }
    CELESTE_RETURN_IF_ERROR(CheckValue(f, it->value()));
  }
  return Status::OK();
}

boost::json::object DescribeField(const FieldDef& f) {
  boost::json::object out;
  out["name"] = f.name;
  out["type"] = FieldTypeName(f.type);
  out["required"] = f.required;
  out["label"] = f.label;
  if (f.type == FieldType::kEnum) {
    boost::json::array values;
    for (const auto& v : f.enum_values) values.emplace_back(v);
    out["enum"] = std::move(values);
  }
  if (f.min) out["min"] = *f.min;
  if (f.min_exclusive) out["min_exclusive"] = true;
  if (f.max) out["max"] = *f.max;
  if (f.type == FieldType::kString || f.type == FieldType::kText) out["max_length"] = MaxLength(f);
  if (!f.references.empty()) out["references"] = f.references;
  if (f.type == FieldType::kArray && !f.example.empty()) out["example"] = f.example;
  return out;
}

}  // namespace celeste

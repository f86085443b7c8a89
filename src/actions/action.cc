#include "actions/action.h"

#include "core/uuid.h"

#include "core/json.h"

namespace celeste {

std::string_view VariantName(Variant variant) {
  switch (variant) {
    case Variant::kRead:
      return "READ";
    case Variant::kMutate:
      return "MUTATE";
    case Variant::kSigned:
      return "SIGNED";
  }
  return "READ";
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kText:
      return "text";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kDate:
      return "date";
    case FieldType::kDateTime:
      return "datetime";
    case FieldType::kUuid:
      return "uuid";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kArray:
      return "array";
  }
  return "string";
}

boost::json::object SignatureRecord::ToJson() const {
  boost::json::object out;
  out["signer_id"] = signer_id;
  out["role_at_signing"] = RoleName(role_at_signing);
  out["method"] = method;
  out["signed_at"] = signed_at;
  out["payload_sha256"] = payload_sha256;
  out["reason"] = reason ? boost::json::value(*reason) : boost::json::value(nullptr);
  return out;
}

std::string ActionContext::Str(std::string_view key) const {
  return GetString(payload, key).value_or("");
}
Result<std::optional<std::string>> ActionContext::Cursor() const {
  auto cursor = OptStr("cursor");
  if (!cursor) return std::optional<std::string>();
  if (!IsUuid(*cursor)) {
    return Status::InvalidField("cursor", "'cursor' must be a next_cursor this list returned");
  }
  return std::optional<std::string>(NormalizeUuid(*cursor));
}

std::optional<std::string> ActionContext::OptStr(std::string_view key) const {
  return GetString(payload, key);
}

namespace {
std::string Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kSpace);
  return std::string(text.substr(first, last - first + 1));
}
}  // namespace

std::optional<std::string> ActionContext::OptText(std::string_view key) const {
  auto text = OptStr(key);
  if (!text) return std::nullopt;
  std::string trimmed = Trim(*text);
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}
Result<std::string> ActionContext::NonBlankText(std::string_view key) const {
  auto text = OptText(key);
  if (!text) return Status::InvalidField(key, "'" + std::string(key) + "' must not be blank");
  return *std::move(text);
}
std::string ActionContext::Id(std::string_view key) const { return NormalizeUuid(Str(key)); }
std::optional<std::string> ActionContext::OptId(std::string_view key) const {
  auto id = OptStr(key);
  if (!id) return std::nullopt;
  return NormalizeUuid(*id);
}
double ActionContext::Num(std::string_view key) const {
  return GetNumber(payload, key).value_or(0);
}
std::optional<double> ActionContext::OptNum(std::string_view key) const {
  return GetNumber(payload, key);
}
int64_t ActionContext::Int(std::string_view key) const { return GetInt(payload, key).value_or(0); }
std::optional<int64_t> ActionContext::OptInt(std::string_view key) const {
  return GetInt(payload, key);
}
std::optional<bool> ActionContext::OptBool(std::string_view key) const {
  return GetBool(payload, key);
}
bool ActionContext::Has(std::string_view key) const {
  auto it = payload.find(key);
  return it != payload.end() && !it->value().is_null();
}

const FieldDef* ActionDef::FindField(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace celeste

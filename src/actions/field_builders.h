// Small builders for the ActionDefs and FieldDefs lenses declare (actions/action.h), so
// that an action's definition reads as a few lines.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actions/action.h"

namespace celeste::fields {

// An action of `lens` with its id, label, variant, initiators and handler; the caller adds
// fields, keywords and signers.
inline ActionDef Action(std::string_view lens, std::string id, std::string label, Variant variant,
                        RoleSet allowed_roles, ActionHandler handler) {
  ActionDef action;
  action.id = std::move(id);
  action.label = std::move(label);
  action.lens = std::string(lens);
  action.variant = variant;
  action.allowed_roles = allowed_roles;
  action.handler = std::move(handler);
  return action;
}

inline FieldDef Field(std::string name, FieldType type, std::string label) {
  FieldDef field;
  field.name = std::move(name);
  field.type = type;
  field.label = std::move(label);
  return field;
}

// An id naming an entity of `entity_type` ("part", "user", ...): clients offer a picker.
inline FieldDef IdField(std::string name, std::string entity_type, std::string label) {
  FieldDef field = Field(std::move(name), FieldType::kUuid, std::move(label));
  field.references = std::move(entity_type);
  return field;
}

inline FieldDef Required(FieldDef field) {
  field.required = true;
  return field;
}

// A string of at most `max_length` bytes.
inline FieldDef Text(std::string name, std::string label, size_t max_length) {
  FieldDef field = Field(std::move(name), FieldType::kString, std::move(label));
  field.max_length = max_length;
  return field;
}

inline FieldDef Enum(std::string name, std::string label, std::vector<std::string> values) {
  FieldDef field = Field(std::move(name), FieldType::kEnum, std::move(label));
  field.enum_values = std::move(values);
  return field;
}

// A quantity strictly above zero.
inline FieldDef PositiveQuantity(std::string name, std::string label) {
  FieldDef field = Field(std::move(name), FieldType::kNumber, std::move(label));
  field.min = 0.0;
  field.min_exclusive = true;
  return field;
}

// A number of at least zero.
inline FieldDef NonNegative(std::string name, std::string label) {
  FieldDef field = Field(std::move(name), FieldType::kNumber, std::move(label));
  field.min = 0.0;
  return field;
}

// A list's page size: 1..200.
inline FieldDef PageSize() {
  FieldDef field = Field("limit", FieldType::kInteger, "Page size");
  field.min = 1.0;
  field.max = 200.0;
  return field;
}

}  // namespace celeste::fields

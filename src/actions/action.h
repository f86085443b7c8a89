// Action definitions: the one registry every state change goes through.
//
// An action has an id, a label, a lens, a variant, the roles that may initiate it (and
// for SIGNED, the roles that may sign it), typed fields, search keywords and a handler.
// The UI and the ops tools render what the registry says; they invent nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/principal.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

enum class Variant { kRead, kMutate, kSigned };
std::string_view VariantName(Variant variant);  // "READ", "MUTATE", "SIGNED"

enum class FieldType {
  kString,
  kText,
  kInteger,
  kNumber,
  kBoolean,
  kDate,
  kDateTime,
  kUuid,
  kEnum,
  kArray
};
std::string_view FieldTypeName(FieldType type);  // "string", ..., "array"

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  std::string label;
  std::vector<std::string> enum_values;  // kEnum
  std::optional<double> min;             // kInteger, kNumber
  std::optional<double> max;
  bool min_exclusive = false;  // "> min" rather than ">= min"
  size_t max_length = 0;       // kString/kText; 0 = default (200 / 10000 bytes)
  // JSON text of a valid value, for fields whose type alone does not say how to make one
  // (an array of lines). Used by the ops tools' generated payloads (ops/payload_generator.h);
  // "@ACTION" in it: the first id that READ action lists; "@today", "@today+Nd": that date.
  std::string example;
  // kUuid: the entity type the id names ("part", "equipment", "user", ...), so that clients
  // can offer a picker; "" when it names nothing a client can list.
  std::string references;
};

// The signature record of CONTRACT §5, as stored in the audit row (never the PIN).
struct SignatureRecord {
  std::string signer_id;
  Role role_at_signing = Role::kCrew;
  std::string method;  // "pin"
  std::string signed_at;
  std::string payload_sha256;
  std::optional<std::string> reason;

  boost::json::object ToJson() const;
};

struct ActionDef;

// Everything a handler may know about the call. The payload has been validated against
// the action's fields: required fields are present and every present field has its
// declared type and range.
struct ActionContext {
  const ActionDef& action;
  const Principal& principal;
  std::string yacht_id;
  Role role;
  std::string entity_id;  // context.entity_id, may be empty
  const boost::json::object& payload;
  const SignatureRecord* signature = nullptr;  // SIGNED actions only
  std::string request_id;
  Micros now = 0;
  std::string now_text;  // now as RFC 3339

  const std::string& user_id() const { return principal.user_id; }
  // Typed payload reads. The non-optional forms are for required fields only.
  std::string Str(std::string_view key) const;
  std::optional<std::string> OptStr(std::string_view key) const;
  double Num(std::string_view key) const;
  std::optional<double> OptNum(std::string_view key) const;
  int64_t Int(std::string_view key) const;
  std::optional<int64_t> OptInt(std::string_view key) const;
  std::optional<bool> OptBool(std::string_view key) const;
  bool Has(std::string_view key) const;
  // Free text with surrounding blanks removed; blank counts as absent (forms send "").
  std::optional<std::string> OptText(std::string_view key) const;
  // A required text field, trimmed; invalid_field when it is blank.
  Result<std::string> NonBlankText(std::string_view key) const;
  // An id field (validated as a UUID) in canonical lower-case form; Id for required ones.
  std::string Id(std::string_view key) const;
  std::optional<std::string> OptId(std::string_view key) const;
  // The "cursor" of an id-ordered list: nullopt when absent; invalid_field unless it is an
  // id (a next_cursor the list returned), normalised.
  Result<std::optional<std::string>> Cursor() const;
};

struct ActionOutcome {
  std::string entity_type;  // "shopping_list_item": names the audit row's entity
  std::string entity_id;
  boost::json::object result;
  bool created = false;  // answer 201 instead of 200
};

// Runs inside the action's transaction (read-only for READ actions). Returns the outcome,
// or an error Status (not_found, invalid_state_transition, business_rule_violation,
// duplicate, forbidden_role for row-level ownership rules) — the transaction is then
// rolled back.
using ActionHandler = std::function<Result<ActionOutcome>(const ActionContext&, Tx&)>;

struct ActionDef {
  std::string id;
  std::string label;
  std::string lens;
  Variant variant = Variant::kRead;
  RoleSet allowed_roles;
  RoleSet signer_roles;  // SIGNED only
  std::vector<FieldDef> fields;
  std::vector<std::string> search_keywords;
  // Flags needed beyond the lens's own (e.g. a lens's SIGNED_ACTIONS sub-flag).
  std::vector<std::string> extra_flags;
  ActionHandler handler;

  const FieldDef* FindField(std::string_view name) const;
};

// A lens: one feature area behind its flag(s).
struct LensDef {
  std::string id;                  // "shopping_list"
  std::string label;               // "Shopping list"
  std::vector<std::string> flags;  // every one must be on for the lens to be on
  std::string suggestions_flag;    // optional sub-flag gating suggestions
  std::string probe_action;        // the READ action the monitor executes
  int slo_p95_ms = 500;
  // The MUTATE action that makes a new entity of `entity_type` from a generated payload
  // (stress's create scenario, acceptance's fresh entities); "" when the lens has none.
  std::string create_action;
  std::string entity_type;  // "shopping_list_item"
};

}  // namespace celeste

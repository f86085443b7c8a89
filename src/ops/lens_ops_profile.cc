#include "ops/lens_ops_profile.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json.h"
#include "ops/payload_generator.h"

namespace celeste::ops {
namespace {

bool Requires(const ActionDef& action, const std::string& field) {
  const FieldDef* f = action.FindField(field);
  return f && f->required;
}

void AddOnce(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

std::string Join(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

// The action `name` of this lens with this variant, or invalid_request saying why not.
Result<const ActionDef*> LensAction(const Registry& registry, const LensDef& lens,
                                    const std::string& option, const std::string& name,
                                    Variant variant) {
  const ActionDef* action = registry.FindAction(name);
  if (!action) return Status::InvalidRequest(fmt::format("{}: no action named '{}'", option, name));
  if (action->lens != lens.id) {
    return Status::InvalidRequest(
        fmt::format("{}: {} belongs to the {} lens, not {}", option, name, action->lens, lens.id));
  }
  if (action->variant != variant) {
    return Status::InvalidRequest(fmt::format("{}: {} is {}, not {}", option, name,
                                              VariantName(action->variant), VariantName(variant)));
  }
  return action;
}

}  // namespace

std::vector<const ActionDef*> LensActions(const Registry& registry, std::string_view lens_id) {
  std::vector<const ActionDef*> actions;
  for (const auto& a : registry.actions()) {
    if (a->lens == lens_id) actions.push_back(a.get());
  }
  return actions;
}

Result<ProfileFile> ParseProfileFile(const boost::json::value& json, std::string_view option) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidRequest(fmt::format("{}: {}", option, why));
  };
  if (!json.is_object()) return bad("not a lens ops profile (a JSON object)");
  const boost::json::object& o = json.as_object();
  ProfileFile file;
  auto lens = GetString(o, "lens_id");
  if (!lens) return bad("no lens_id");
  file.lens_id = *lens;
  // A text member: absent or null keeps the default.
  auto text = [&](std::string_view key, std::optional<std::string>& out) -> Status {
    const boost::json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return Status::OK();
    if (!v->is_string()) return bad(fmt::format("{} must be a string or null", key));
    out = std::string(v->as_string());
    return Status::OK();
  };
  auto texts = [&](std::string_view key, std::optional<std::vector<std::string>>& out) -> Status {
    const boost::json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return Status::OK();
    if (!v->is_array()) return bad(fmt::format("{} must be a list of strings", key));
    std::vector<std::string> items;
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) return bad(fmt::format("{} must be a list of strings", key));
      items.emplace_back(item.as_string());
    }
    out = std::move(items);
    return Status::OK();
  };
  ProfileChoices& c = file.choices;
  CELESTE_RETURN_IF_ERROR(text("domain", c.domain));
  CELESTE_RETURN_IF_ERROR(texts("feature_flags", c.feature_flags));
  CELESTE_RETURN_IF_ERROR(texts("roles", c.roles));
  CELESTE_RETURN_IF_ERROR(text("signed_action", c.signed_action));
  CELESTE_RETURN_IF_ERROR(text("entity_type", c.entity_type));
  CELESTE_RETURN_IF_ERROR(text("entity_id_key", c.entity_id_key));
  CELESTE_RETURN_IF_ERROR(text("read_action", c.read_action));
  return file;
}

Result<LensOpsProfile> ResolveLensOpsProfile(const Registry& registry, const std::string& lens_id,
                                             const ProfileChoices& choices,
                                             std::string_view lens_option) {
  const LensDef* lens = registry.FindLens(lens_id);
  if (!lens) {
    std::vector<std::string> known;
    for (const LensDef& l : registry.lenses()) known.push_back(l.id);
    return Status::InvalidRequest(
        fmt::format("{}: no lens named '{}' (known: {})", lens_option, lens_id, Join(known)));
  }
  const std::vector<const ActionDef*> actions = LensActions(registry, lens->id);

  LensOpsProfile p;
  p.lens_id = lens->id;
  p.label = lens->label;
  p.probe_action = lens->probe_action;
  p.create_action = lens->create_action;
  p.entity_type = lens->entity_type;
  p.slo_p95_ms = lens->slo_p95_ms;

  p.domain = choices.domain.value_or(lens->id);
  if (p.domain != lens->id) {
    return Status::InvalidRequest(
        fmt::format("--domain: the {} lens's actions are listed under domain '{}', not '{}'",
                    lens->id, lens->id, p.domain));
  }

  std::vector<std::string> lens_flags = lens->flags;
  for (const ActionDef* a : actions) {
    for (const auto& f : a->extra_flags) AddOnce(lens_flags, f);
  }
  AddOnce(lens_flags, lens->suggestions_flag);
  if (choices.feature_flags) {
    for (const auto& f : *choices.feature_flags) {
      if (std::find(lens_flags.begin(), lens_flags.end(), f) == lens_flags.end()) {
        return Status::InvalidRequest(
            fmt::format("--feature-flags: '{}' is not a flag of the {} "
                        "lens (its flags: {})",
                        f, lens->id, Join(lens_flags)));
      }
    }
    p.feature_flags = *choices.feature_flags;
  } else {
    p.feature_flags = lens_flags;
  }

  for (Role role : kAllRoles) {
    if (std::any_of(actions.begin(), actions.end(),
                    [&](const ActionDef* a) { return a->allowed_roles.Contains(role); })) {
      p.roles.emplace_back(RoleName(role));
    }
  }
  if (choices.roles) {
    for (const auto& r : *choices.roles) {
      auto role = ParseRole(r);
      if (!role) return Status::InvalidRequest(fmt::format("--roles: no role named '{}'", r));
      if (std::find(p.roles.begin(), p.roles.end(), r) == p.roles.end()) {
        return Status::InvalidRequest(
            fmt::format("--roles: {} may not initiate any action of the {} lens", r, lens->id));
      }
    }
    p.roles = *choices.roles;
  }

  if (choices.signed_action) {
    CELESTE_ASSIGN_OR_RETURN(
        const ActionDef* a,
        LensAction(registry, *lens, "--signed-action", *choices.signed_action, Variant::kSigned));
    p.signed_action = a->id;
  } else {
    for (const ActionDef* a : actions) {
      if (a->variant == Variant::kSigned) {
        p.signed_action = a->id;
        break;
      }
    }
  }

  if (choices.entity_id_key) {
    p.entity_id_key = *choices.entity_id_key;
    const bool used = std::any_of(actions.begin(), actions.end(), [&](const ActionDef* a) {
      const FieldDef* f = a->FindField(p.entity_id_key);
      return f && f->type == FieldType::kUuid;
    });
    if (!used) {
      return Status::InvalidRequest(
          fmt::format("--entity-id-key: no action of the {} lens has a uuid field '{}'", lens->id,
                      p.entity_id_key));
    }
  } else if (!p.signed_action.empty()) {
    p.entity_id_key = FirstRequiredIdField(*registry.FindAction(p.signed_action));
  }
  if (p.entity_id_key.empty()) {
    for (const ActionDef* a : actions) {
      if (a->variant == Variant::kRead && !FirstRequiredIdField(*a).empty()) {
        p.entity_id_key = FirstRequiredIdField(*a);
        break;
      }
    }
  }

  if (choices.entity_type) {
    if (choices.entity_type->empty() ||
        !std::all_of(choices.entity_type->begin(), choices.entity_type->end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
      return Status::InvalidRequest("--entity-type: lower-case letters and '_' only");
    }
    p.entity_type = *choices.entity_type;
  }

  if (choices.read_action) {
    CELESTE_ASSIGN_OR_RETURN(const ActionDef* a, LensAction(registry, *lens, "--read-action",
                                                            *choices.read_action, Variant::kRead));
    p.read_action = a->id;
  } else {
    p.read_action = p.probe_action;
    for (const ActionDef* a : actions) {
      if (a->variant == Variant::kRead && !p.entity_id_key.empty() &&
          Requires(*a, p.entity_id_key)) {
        p.read_action = a->id;
        break;
      }
    }
  }

  for (const ActionDef* a : actions) {
    if (a->variant == Variant::kMutate && a->FindField("idempotency_key")) {
      p.idempotent_action = a->id;
      break;
    }
  }
  return p;
}

}  // namespace celeste::ops

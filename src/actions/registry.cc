#include "actions/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace celeste {
namespace {

[[noreturn]] void RegistrationError(const std::string& message) {
  std::fprintf(stderr, "celeste: action registry: %s\n", message.c_str());
  std::abort();
}

}  // namespace

void Registry::AddLens(LensDef lens) {
  if (FindLens(lens.id)) RegistrationError("duplicate lens '" + lens.id + "'");
  if (lens.flags.empty()) RegistrationError("lens '" + lens.id + "' has no flag");
  lenses_.push_back(std::move(lens));
}

void Registry::AddAction(ActionDef action) {
  if (FindAction(action.id)) RegistrationError("duplicate action '" + action.id + "'");
  if (!FindLens(action.lens)) {
    RegistrationError("action '" + action.id + "' names unknown lens '" + action.lens + "'");
  }
  if (!action.handler) RegistrationError("action '" + action.id + "' has no handler");
  if (action.allowed_roles.empty()) RegistrationError("action '" + action.id + "' has no roles");
  if ((action.variant == Variant::kSigned) == action.signer_roles.empty()) {
    RegistrationError("action '" + action.id + "': signer roles are for SIGNED actions only");
  }
  actions_.push_back(std::make_unique<ActionDef>(std::move(action)));
}

const ActionDef* Registry::FindAction(std::string_view id) const {
  for (const auto& a : actions_) {
    if (a->id == id) return a.get();
  }
  return nullptr;
}

const LensDef* Registry::FindLens(std::string_view id) const {
  for (const auto& l : lenses_) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

std::vector<std::string> Registry::AllFlags() const {
  std::set<std::string> flags;
  for (const auto& l : lenses_) {
    flags.insert(l.flags.begin(), l.flags.end());
    if (!l.suggestions_flag.empty()) flags.insert(l.suggestions_flag);
  }
  for (const auto& a : actions_) flags.insert(a->extra_flags.begin(), a->extra_flags.end());
  return {flags.begin(), flags.end()};
}

}  // namespace celeste

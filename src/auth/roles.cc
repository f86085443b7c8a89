#include "auth/roles.h"

namespace celeste {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCrew:
      return "crew";
    case Role::kChiefEngineer:
      return "chief_engineer";
    case Role::kChiefOfficer:
      return "chief_officer";
    case Role::kCaptain:
      return "captain";
    case Role::kPurser:
      return "purser";
    case Role::kManager:
      return "manager";
  }
  return "crew";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool IsHod(Role role) {
  return role == Role::kChiefEngineer || role == Role::kChiefOfficer || role == Role::kCaptain ||
         role == Role::kManager;
}

RoleSet RoleSet::All() {
  return {Role::kCrew,    Role::kChiefEngineer, Role::kChiefOfficer,
          Role::kCaptain, Role::kPurser,        Role::kManager};
}

RoleSet RoleSet::Hod() {
  return {Role::kChiefEngineer, Role::kChiefOfficer, Role::kCaptain, Role::kManager};
}

std::vector<Role> RoleSet::ToVector() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (Contains(r)) out.push_back(r);
  }
  return out;
}

}  // namespace celeste

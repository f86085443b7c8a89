// Roles on a yacht. A user's role comes from their membership, never from a token.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

namespace celeste {

enum class Role : uint8_t { kCrew, kChiefEngineer, kChiefOfficer, kCaptain, kPurser, kManager };

inline constexpr Role kAllRoles[] = {Role::kCrew,    Role::kChiefEngineer, Role::kChiefOfficer,
                                     Role::kCaptain, Role::kPurser,        Role::kManager};

std::string_view RoleName(Role role);  // "chief_engineer"
std::optional<Role> ParseRole(std::string_view name);
// Heads of department: chief_engineer, chief_officer, captain, manager.
bool IsHod(Role role);

// A small set of roles (bit set).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static RoleSet All();
  static RoleSet Hod();

  constexpr bool Contains(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  RoleSet With(Role r) const {
    RoleSet s = *this;
    s.bits_ |= Bit(r);
    return s;
  }
  // In kAllRoles order.
  std::vector<Role> ToVector() const;

 private:
  static constexpr uint8_t Bit(Role r) { return static_cast<uint8_t>(1u << static_cast<int>(r)); }
  uint8_t bits_ = 0;
};

}  // namespace celeste

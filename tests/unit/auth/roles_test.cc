#include "auth/roles.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace celeste {
namespace {

TEST(RolesTest, NameAndParseRoundTrip) {
  struct Case {
    Role role;
    const char* name;
    bool hod;
  };
  static constexpr Case kCases[] = {
      {Role::kCrew, "crew", false},
      {Role::kChiefEngineer, "chief_engineer", true},
      {Role::kChiefOfficer, "chief_officer", true},
      {Role::kCaptain, "captain", true},
      {Role::kPurser, "purser", false},
      {Role::kManager, "manager", true},
  };
  static_assert(std::size(kCases) == std::size(kAllRoles), "every role has a case");
  std::set<std::string_view> names;
  for (const auto& c : kCases) {
    EXPECT_EQ(RoleName(c.role), c.name) << "role " << c.name;
    EXPECT_EQ(ParseRole(c.name), c.role) << "role " << c.name;
    EXPECT_EQ(ParseRole(RoleName(c.role)), c.role) << "role " << c.name;
    EXPECT_EQ(IsHod(c.role), c.hod) << "role " << c.name;
    names.insert(RoleName(c.role));
  }
  EXPECT_EQ(names.size(), std::size(kAllRoles));
}

TEST(RolesTest, ParseRejectsUnknownNames) {
  static constexpr const char* kCases[] = {
      "",    "Crew",  "CAPTAIN",       " captain",     "captain ",         "chief-engineer",
      "hod", "admin", "authenticated", "service_role", "chief_engineer\n",
  };
  for (const char* name : kCases) {
    EXPECT_EQ(ParseRole(name), std::nullopt) << "name '" << name << "'";
  }
}

TEST(RoleSetTest, Membership) {
  const RoleSet empty;
  EXPECT_TRUE(empty.empty());
  for (Role r : kAllRoles) EXPECT_FALSE(empty.Contains(r)) << RoleName(r);

  const RoleSet all = RoleSet::All();
  EXPECT_FALSE(all.empty());
  EXPECT_EQ(all.ToVector(), std::vector<Role>(std::begin(kAllRoles), std::end(kAllRoles)));

  const RoleSet hod = RoleSet::Hod();
  for (Role r : kAllRoles) EXPECT_EQ(hod.Contains(r), IsHod(r)) << RoleName(r);
  EXPECT_EQ(hod.ToVector(), (std::vector<Role>{Role::kChiefEngineer, Role::kChiefOfficer,
                                               Role::kCaptain, Role::kManager}));

  const RoleSet some{Role::kManager, Role::kCrew};
  // ToVector is in kAllRoles order, not insertion order.
  EXPECT_EQ(some.ToVector(), (std::vector<Role>{Role::kCrew, Role::kManager}));
  const RoleSet more = some.With(Role::kPurser);
  EXPECT_TRUE(more.Contains(Role::kPurser));
  EXPECT_FALSE(some.Contains(Role::kPurser)) << "With must not modify the original";
  EXPECT_EQ(more.ToVector(), (std::vector<Role>{Role::kCrew, Role::kPurser, Role::kManager}));
  EXPECT_EQ(more.With(Role::kPurser).ToVector(), more.ToVector()) << "With is idempotent";
}

}  // namespace
}  // namespace celeste

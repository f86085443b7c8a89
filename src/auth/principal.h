// Principal: who is calling, and their memberships (loaded from the store per request).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/roles.h"

namespace celeste {

struct Membership {
  std::string yacht_id;
  std::string yacht_name;
  Role role;
};

struct Principal {
  std::string user_id;
  std::string email;
  std::string name;
  std::vector<Membership> memberships;  // active memberships only

  // The caller's membership on a yacht, or nullptr (→ yacht_access_denied).
  const Membership* MembershipOn(std::string_view yacht_id) const {
    for (const auto& m : memberships) {
      if (m.yacht_id == yacht_id) return &m;
    }
    return nullptr;
  }
};

}  // namespace celeste

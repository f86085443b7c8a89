// The demo fleet: two yachts, one user per role on each, every lens flag on, and a few
// shopping list items in different states. Idempotent: a second run changes nothing
// but resetting the demo passwords and PINs.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "api/app.h"
#include "core/result.h"

namespace celeste {

inline constexpr const char* kDemoPassword = "celeste-demo";
inline constexpr const char* kDemoPin = "1234";

struct DemoLogin {
  std::string yacht_name;
  std::string yacht_id;
  std::string role;
  std::string email;
  std::string user_id;
};

struct DemoFleet {
  std::vector<DemoLogin> logins;
  bool created = false;  // false when the fleet was already there
};

Result<DemoFleet> LoadDemoFleet(App& app, Store& store, const Clock& clock);

// A table of the demo logins for people (email, role, yacht), with the password and PIN.
std::string FormatDemoLogins(const DemoFleet& fleet);

// The same for GET /v1/auth/demo-accounts: {"demo": true, "password", "pin", "accounts":
// [{"email", "role", "yacht_name"}]}.
boost::json::object DemoAccountsJson(const DemoFleet& fleet);

}  // namespace celeste

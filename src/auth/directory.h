// Directory: yachts, users and memberships (global tables). Used by the CLI, the demo
// fleet and authentication.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace celeste {

struct NewUser {
  std::string email;
  std::string password;
  std::string name;  // defaults to the email's local part
  std::optional<std::string> pin;
  std::optional<std::string> id;  // keep an id from an identity provider (e.g. Supabase)
  // A first membership, written in the same transaction as the user (so a wrong yacht id
  // leaves nothing behind).
  std::optional<std::string> yacht_id;
  std::optional<Role> role;
};

struct UserRecord {
  std::string id;
  std::string email;
  std::string name;
  std::string password_hash;
  std::optional<std::string> pin_hash;
  bool active = true;
};

// A member of a yacht as other members see them: no email, no hashes.
struct YachtMember {
  std::string user_id;
  std::string name;
  Role role = Role::kCrew;
};

class Directory {
 public:
  Directory(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Creates a yacht; `code` is optional and unique. Returns its id.
  Result<std::string> AddYacht(std::string_view name, std::optional<std::string> code);
  // Creates a user (email lower-cased, unique → duplicate) or, with the same email and
  // `update_existing`, updates password/PIN/name; with user.yacht_id and user.role also
  // the membership (not_found for an unknown yacht), all in one transaction. Returns the
  // user id.
  Result<std::string> AddUser(const NewUser& user, bool update_existing = false);
  // Adds or updates (role, active) a membership.
  Status SetMembership(std::string_view user_id, std::string_view yacht_id, Role role,
                       bool active = true);

  Result<std::optional<UserRecord>> FindUserByEmail(std::string_view email);
  Result<std::optional<UserRecord>> FindUserById(std::string_view user_id);
  // The user as a Principal with active memberships (yacht name, role); nullopt when the
  // user is unknown or inactive.
  Result<std::optional<Principal>> LoadPrincipal(std::string_view user_id);
  Result<std::optional<std::string>> FindYachtByCode(std::string_view code);
  // The yacht's active members with active accounts, by name: who may be chosen to sign.
  Result<std::vector<YachtMember>> ListMembers(std::string_view yacht_id);

 private:
  Store& store_;
  const Clock& clock_;
};

// Lower-cases and trims an email address.
std::string NormalizeEmail(std::string_view email);

}  // namespace celeste

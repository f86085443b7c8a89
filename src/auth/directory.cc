#include "auth/directory.h"

#include <algorithm>
#include <cctype>

#include "auth/password.h"
#include "core/uuid.h"

namespace celeste {
namespace {

const Sql kInsertYacht{"INSERT INTO yachts (id, name, code, created_at) VALUES ($1, $2, $3, $4)"};
const Sql kYachtByCode{"SELECT id FROM yachts WHERE code = $1"};
const Sql kYachtExists{"SELECT 1 FROM yachts WHERE id = $1"};
const Sql kInsertUser{
    "INSERT INTO users (id, email, name, password_hash, pin_hash, active, created_at) "
    "VALUES ($1, $2, $3, $4, $5, TRUE, $6)"};
const Sql kUpdateUser{
    "UPDATE users SET name = $2, password_hash = $3, pin_hash = COALESCE($4, pin_hash) "
    "WHERE id = $1"};
const Sql kUserByEmail{
    "SELECT id, email, name, password_hash, pin_hash, active FROM users WHERE email = $1"};
const Sql kUserById{
    "SELECT id, email, name, password_hash, pin_hash, active FROM users WHERE id = $1"};
const Sql kUpsertMembership{
    "INSERT INTO memberships (yacht_id, user_id, role, active, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (yacht_id, user_id) DO UPDATE SET "
    "role = excluded.role, active = excluded.active"};
const Sql kMemberships{
    "SELECT m.yacht_id, y.name, m.role FROM memberships m JOIN yachts y ON y.id = m.yacht_id "
    "WHERE m.user_id = $1 AND m.active = TRUE ORDER BY y.name, m.yacht_id"};
const Sql kYachtMembers{
    "SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id "
    "WHERE m.yacht_id = $1 AND m.active = TRUE AND u.active = TRUE ORDER BY u.name, u.id"};

// Adds or updates a membership inside `tx`; not_found for an unknown yacht.
Status InsertMembership(Tx& tx, std::string_view user_id, std::string_view yacht_id, Role role,
                        bool active, std::string_view now) {
  CELESTE_ASSIGN_OR_RETURN(auto yacht, tx.QueryOne(kYachtExists, {yacht_id}));
  if (!yacht) return Status::NotFound("no such yacht");
  CELESTE_ASSIGN_OR_RETURN(
      int64_t n, tx.Exec(kUpsertMembership, {yacht_id, user_id, RoleName(role), active, now}));
  (void)n;
  return Status::OK();
}

UserRecord ToUser(const Row& r) {
  return UserRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.OptText(4), r.Bool(5)};
}

}  // namespace

std::string NormalizeEmail(std::string_view email) {
  size_t b = 0, e = email.size();
  while (b < e && std::isspace(static_cast<unsigned char>(email[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(email[e - 1]))) --e;
  std::string out(email.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<std::string> Directory::AddYacht(std::string_view name, std::optional<std::string> code) {
  if (name.empty()) return Status::InvalidField("name", "yacht name must not be empty");
  std::string id = NewUuidV7();
  std::string now = FormatRfc3339(clock_.Now());
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(int64_t n, tx.Exec(kInsertYacht, {id, name, code, now}));
    (void)n;
    return Status::OK();
  }));
  return id;
}

Result<std::string> Directory::AddUser(const NewUser& user, bool update_existing) {
  const std::string email = NormalizeEmail(user.email);
  if (email.find('@') == std::string::npos || email.size() > 254) {
    return Status::InvalidField("email", "not an email address");
  }
  if (!IsValidPassword(user.password)) {
    return Status::InvalidField("password", "password must be 8 to 256 characters");
  }
  if (user.pin && !IsValidPin(*user.pin)) {
    return Status::InvalidField("pin", "PIN must be 4 to 8 digits");
  }
  if (user.id && !IsUuid(*user.id)) return Status::InvalidField("id", "user id must be a UUID");
  const std::string name = user.name.empty() ? email.substr(0, email.find('@')) : user.name;
  // Hash outside the transaction: Argon2id takes tens of milliseconds.
  const std::string password_hash = HashSecret(user.password, SecretKind::kPassword);
  std::optional<std::string> pin_hash;
  if (user.pin) pin_hash = HashSecret(*user.pin, SecretKind::kPin);

  std::string id = user.id ? NormalizeUuid(*user.id) : NewUuidV7();
  const std::string now = FormatRfc3339(clock_.Now());
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto existing, tx.QueryOne(kUserByEmail, {email}));
    int64_t n = 0;
    if (existing) {
      if (!update_existing) {
        return Status::Error(ErrorCode::kDuplicate, "a user with this email exists",
                             {{"existing_id", existing->Text(0)}});
      }
      id = existing->Text(0);
      CELESTE_ASSIGN_OR_RETURN(n, tx.Exec(kUpdateUser, {id, name, password_hash, pin_hash}));
    } else {
      CELESTE_ASSIGN_OR_RETURN(
          n, tx.Exec(kInsertUser, {id, email, name, password_hash, pin_hash, now}));
    }
    (void)n;
    if (user.yacht_id && user.role) {
      return InsertMembership(tx, id, NormalizeUuid(*user.yacht_id), *user.role, true, now);
    }
    return Status::OK();
  }));
  return id;
}

Status Directory::SetMembership(std::string_view user_id, std::string_view yacht_id, Role role,
                                bool active) {
  const std::string now = FormatRfc3339(clock_.Now());
  return store_.Run(TxMode::kWrite, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto user, tx.QueryOne(kUserById, {user_id}));
    if (!user) return Status::NotFound("no such user");
    return InsertMembership(tx, user_id, yacht_id, role, active, now);
  });
}

Result<std::optional<UserRecord>> Directory::FindUserByEmail(std::string_view email) {
  std::optional<UserRecord> out;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kUserByEmail, {NormalizeEmail(email)}));
    if (row) out = ToUser(*row);
    return Status::OK();
  }));
  return out;
}

Result<std::optional<UserRecord>> Directory::FindUserById(std::string_view user_id) {
  std::optional<UserRecord> out;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kUserById, {user_id}));
    if (row) out = ToUser(*row);
    return Status::OK();
  }));
  return out;
}

Result<std::optional<Principal>> Directory::LoadPrincipal(std::string_view user_id) {
  std::optional<Principal> out;
  // A token's subject is untrusted text until it names a user; user ids are UUIDs.
  if (!IsUuid(user_id)) return out;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kUserById, {NormalizeUuid(user_id)}));
    if (!row || !row->Bool(5)) return Status::OK();
    Principal p;
    p.user_id = row->Text(0);
    p.email = row->Text(1);
    p.name = row->Text(2);
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kMemberships, {p.user_id}));
    for (const Row& m : rows) {
      auto role = ParseRole(m.Text(2));
      if (role) p.memberships.push_back({m.Text(0), m.Text(1), *role});
    }
    out = std::move(p);
    return Status::OK();
  }));
  return out;
}

Result<std::optional<std::string>> Directory::FindYachtByCode(std::string_view code) {
  std::optional<std::string> out;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kYachtByCode, {code}));
    if (row) out = row->Text(0);
    return Status::OK();
  }));
  return out;
}

Result<std::vector<YachtMember>> Directory::ListMembers(std::string_view yacht_id) {
  std::vector<YachtMember> out;
  CELESTE_RETURN_IF_ERROR(store_.Run(TxMode::kRead, "", [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kYachtMembers, {NormalizeUuid(yacht_id)}));
    for (const Row& row : rows) {
      auto role = ParseRole(row.Text(2));
      if (role) out.push_back({row.Text(0), row.Text(1), *role});
    }
    return Status::OK();
  }));
  return out;
}

}  // namespace celeste

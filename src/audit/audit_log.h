// The audit log: one row per MUTATE/SIGNED action, written in the action's transaction,
// append-only and hash-chained per yacht.
//
// Each row's hash = SHA-256(prev_hash || canonical content of the row), where the
// content covers every column except the hash itself. The chain's head (last seq and
// hash) lives in pms_audit_chain_heads and is updated in the same transaction, so a
// deleted last row is detected too. Fleet-wide changes (feature flags) use kFleetId.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"
#include "store/store.h"

namespace celeste {

struct AuditEntry {
  std::string action;
  std::string entity_type;
  std::string entity_id;
  std::string actor_id;
  std::string actor_role;
  std::string payload;    // canonical JSON (CanonicalJson) of the action's payload
  std::string signature;  // canonical JSON of the signature record; "{}" when unsigned
  std::string request_id;
  std::string created_at;  // RFC 3339
};

// Appends `entry` to `yacht_id`'s chain inside `tx` (a write transaction scoped to that
// yacht). Returns the new row's id. On PostgreSQL the chain head row is locked
// (SELECT ... FOR UPDATE) so concurrent writers on other connections queue up.
Result<std::string> AppendAudit(Tx& tx, std::string_view yacht_id, const AuditEntry& entry);

// Audit rows of a yacht, oldest first, optionally for one entity, as JSON objects.
Result<boost::json::array> ListAudit(Tx& tx, std::string_view yacht_id,
                                     std::optional<std::string> entity_id, int limit);

struct ChainReport {
  std::string yacht_id;
  int64_t rows = 0;
  bool ok = true;
  int64_t bad_seq = 0;  // first sequence number where the chain breaks
  std::string problem;  // human-readable, e.g. "row 7 was edited (hash mismatch)"
};

// Verifies every chain (or one yacht's). A chain breaks on an edited row (hash mismatch),
// a deleted row (gap in seq, or head ahead of the rows) and reordered rows (prev_hash
// link broken).
Result<std::vector<ChainReport>> VerifyAuditChains(Store& store,
                                                   std::optional<std::string> yacht_id);

}  // namespace celeste

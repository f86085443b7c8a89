#include "audit/audit_log.h"

#include <set>

#include <fmt/format.h>
#include <boost/json/array.hpp>

#include "core/hash.h"
#include "core/json.h"
#include "core/uuid.h"

namespace celeste {
namespace {

const std::string kGenesisHash(64, '0');
constexpr int kVerifyPageSize = 2000;

// Appends lock the head (PostgreSQL: concurrent writers queue on it; SQLite has one writer).
const Sql kLockHead{"SELECT seq, hash FROM pms_audit_chain_heads WHERE yacht_id = $1",
                    "SELECT seq, hash FROM pms_audit_chain_heads WHERE yacht_id = $1 FOR UPDATE"};
const Sql kReadHead{"SELECT seq, hash FROM pms_audit_chain_heads WHERE yacht_id = $1"};
// A chain's first append creates its head at seq 0 (the genesis hash) and then locks it
// like any other: two first appends on two connections must not both write seq 1.
const Sql kCreateHead{
    "INSERT INTO pms_audit_chain_heads (yacht_id, seq, hash) VALUES ($1, 0, $2) "
    "ON CONFLICT (yacht_id) DO NOTHING"};
const Sql kUpdateHead{"UPDATE pms_audit_chain_heads SET seq = $2, hash = $3 WHERE yacht_id = $1"};
const Sql kInsertRow{
    "INSERT INTO pms_audit_log (id, yacht_id, seq, action, entity_type, entity_id, actor_id, "
    "actor_role, payload, signature, request_id, created_at, prev_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"};

const Sql kSelectPage{
    "SELECT id, yacht_id, seq, action, entity_type, entity_id, actor_id, actor_role, payload, "
    "signature, request_id, created_at, prev_hash, hash FROM pms_audit_log "
    "WHERE yacht_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"};
const Sql kSelectByEntity{
    "SELECT id, yacht_id, seq, action, entity_type, entity_id, actor_id, actor_role, payload, "
    "signature, request_id, created_at, prev_hash, hash FROM pms_audit_log "
    "WHERE yacht_id = $1 AND entity_id = $2 ORDER BY seq LIMIT $3"};
const Sql kSelectAll{
    "SELECT id, yacht_id, seq, action, entity_type, entity_id, actor_id, actor_role, payload, "
    "signature, request_id, created_at, prev_hash, hash FROM pms_audit_log "
    "WHERE yacht_id = $1 ORDER BY seq LIMIT $2"};
// Every chain there is: the yachts' and the fleet's ($1). SQLite also finds chains of ids
// that are not (or no longer) yachts; on PostgreSQL a global-scope transaction cannot read
// tenant tables (row-level security), so the yachts table names the chains.
const Sql kSelectChains{
    "SELECT id FROM yachts UNION SELECT $1 UNION SELECT yacht_id FROM pms_audit_chain_heads "
    "UNION SELECT yacht_id FROM pms_audit_log",
    "SELECT id::text FROM yachts UNION SELECT $1::text"};

// The hashed content: every column but `hash`, as a canonical JSON array of strings, so
// no two different rows can produce the same input.
std::string RowHash(const std::string& prev_hash, const std::vector<std::string>& columns) {
  boost::json::array content;
  for (const auto& c : columns) content.emplace_back(c);
  return Sha256Hex(prev_hash + "\n" + CanonicalJson(content));
}

// Columns 0..12 of a selected row (all but `hash`), as text.
std::vector<std::string> HashedColumns(const Row& row) {
  std::vector<std::string> out;
  out.reserve(13);
  for (size_t i = 0; i < 13; ++i) out.push_back(row.Text(i));
  return out;
}

boost::json::object RowToJson(const Row& row) {
  boost::json::object o;
  o["id"] = row.Text(0);
  o["yacht_id"] = row.Text(1);
  o["seq"] = row.Int(2);
  o["action"] = row.Text(3);
  o["entity_type"] = row.Text(4);
  o["entity_id"] = row.IsNull(5) ? boost::json::value(nullptr) : boost::json::value(row.Text(5));
  o["actor_id"] = row.Text(6);
  o["actor_role"] = row.Text(7);
  o["payload"] = ParseJson(row.Text(8)).value_or(boost::json::value(nullptr));
  o["signature"] = ParseJson(row.Text(9)).value_or(boost::json::object());
  o["request_id"] = row.Text(10);
  o["created_at"] = row.Text(11);
  o["hash"] = row.Text(13);
  return o;
}

}  // namespace

Result<std::string> AppendAudit(Tx& tx, std::string_view yacht_id, const AuditEntry& entry) {
  CELESTE_ASSIGN_OR_RETURN(auto head, tx.QueryOne(kLockHead, {yacht_id}));
  if (!head) {
    CELESTE_ASSIGN_OR_RETURN(int64_t created, tx.Exec(kCreateHead, {yacht_id, kGenesisHash}));
    (void)created;  // 0 when a concurrent first append created it: then we wait for its lock
    CELESTE_ASSIGN_OR_RETURN(head, tx.QueryOne(kLockHead, {yacht_id}));
    if (!head) return Status::Internal("the audit chain head is missing after its insert");
  }
  const int64_t seq = head->Int(0) + 1;
  const std::string prev_hash = head->Text(1);
  const std::string id = NewUuidV7();
  std::vector<std::string> columns = {
      id,
      std::string(yacht_id),
      std::to_string(seq),
      entry.action,
      entry.entity_type,
      entry.entity_id,
      entry.actor_id,
      entry.actor_role,
      entry.payload,
      entry.signature.empty() ? std::string("{}") : entry.signature,
      entry.request_id,
      entry.created_at,
      prev_hash,
  };
  const std::string hash = RowHash(prev_hash, columns);
  Params params(columns.begin(), columns.end());
  params[2] = seq;
  if (entry.entity_id.empty()) params[5] = nullptr;
  params.emplace_back(hash);
  // Deferred: on PostgreSQL both go out with the COMMIT, so the head stays locked for
  // two round trips (the lock, then row + head + COMMIT) rather than four.
  CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kInsertRow, params, 1));
  CELESTE_RETURN_IF_ERROR(tx.ExecDeferred(kUpdateHead, {yacht_id, seq, hash}, 1));
  return id;
}

Result<boost::json::array> ListAudit(Tx& tx, std::string_view yacht_id,
                                     std::optional<std::string> entity_id, int limit) {
  Rows rows;
  if (entity_id) {
    CELESTE_ASSIGN_OR_RETURN(rows, tx.Query(kSelectByEntity, {yacht_id, *entity_id, limit}));
  } else {
    CELESTE_ASSIGN_OR_RETURN(rows, tx.Query(kSelectAll, {yacht_id, limit}));
  }
  boost::json::array out;
  for (const Row& row : rows) out.push_back(RowToJson(row));
  return out;
}

namespace {

Result<ChainReport> VerifyChain(Store& store, const std::string& yacht_id) {
  ChainReport report;
  report.yacht_id = yacht_id;
  Status s = store.Run(TxMode::kRead, yacht_id, [&](Tx& tx) {
    std::string prev_hash = kGenesisHash;
    int64_t last_seq = 0;
    auto fail = [&](int64_t seq, std::string problem) {
      report.ok = false;
      report.bad_seq = seq;
      report.problem = std::move(problem);
      return Status::OK();
    };
    while (true) {
      CELESTE_ASSIGN_OR_RETURN(Rows page,
                               tx.Query(kSelectPage, {yacht_id, last_seq, kVerifyPageSize}));
      for (const Row& row : page) {
        const int64_t seq = row.Int(2);
        ++report.rows;
        if (seq != last_seq + 1) {
          return fail(last_seq + 1, fmt::format("row {} is missing (deleted?)", last_seq + 1));
        }
        if (row.Text(12) != prev_hash) {
          return fail(seq, fmt::format("row {} does not link to row {} (reordered or replaced)",
                                       seq, last_seq));
        }
        if (RowHash(prev_hash, HashedColumns(row)) != row.Text(13)) {
          return fail(seq, fmt::format("row {} was edited (hash mismatch)", seq));
        }
        prev_hash = row.Text(13);
        last_seq = seq;
      }
      if (static_cast<int>(page.size()) < kVerifyPageSize) break;
    }
    CELESTE_ASSIGN_OR_RETURN(auto head, tx.QueryOne(kReadHead, {yacht_id}));
    if (!head) {
      if (last_seq > 0) return fail(last_seq, "the chain head is missing");
      return Status::OK();
    }
    if (head->Int(0) != last_seq || head->Text(1) != prev_hash) {
      return fail(last_seq + 1, fmt::format("the head is at row {} but the log ends at row {} "
                                            "(rows deleted at the end?)",
                                            head->Int(0), last_seq));
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace

Result<std::vector<ChainReport>> VerifyAuditChains(Store& store,
                                                   std::optional<std::string> yacht_id) {
  std::vector<std::string> chains;
  if (yacht_id) {
    chains.push_back(*yacht_id);
  } else {
    Status s = store.Run(TxMode::kRead, "", [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectChains, {kFleetId}));
      std::set<std::string> unique;
      for (const Row& r : rows) unique.insert(r.Text(0));
      chains.assign(unique.begin(), unique.end());
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  std::vector<ChainReport> reports;
  for (const auto& chain : chains) {
    CELESTE_ASSIGN_OR_RETURN(ChainReport r, VerifyChain(store, chain));
    reports.push_back(std::move(r));
  }
  return reports;
}

}  // namespace celeste

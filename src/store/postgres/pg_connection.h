// PgConnection: one libpq connection with its prepared-statement cache.
//
// Sessions start with TimeZone = UTC, DateStyle = ISO, a statement timeout and an
// idle-in-transaction timeout (see Open). Statements are prepared on first use (named
// "s1", "s2", ... per connection) and run with text parameters whose types PostgreSQL
// infers from the SQL; cells come back as text, timestamptz converted to RFC 3339
// (store/postgres/pg_text.h).
//
// Errors map SQLSTATEs to Status values:
//   23505 unique_violation                      -> kDuplicate (PostgreSQL's message)
//   22P02 invalid_text_representation           -> kInvalidRequest (a request's bad value;
//                                                  the message never quotes it)
//   08xxx / 57P0x, or the connection went away   -> kInternal "database connection lost"
//   any other                                    -> kInternal
// Messages carry PostgreSQL's primary message (never its DETAIL, which can quote row
// values), the SQLSTATE and the first 60 characters of the SQL, never a parameter value.
//
// Thread-safety: none. PostgresStore hands a connection to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/store.h"
#include "store/value.h"

struct pg_conn;
struct pg_result;

namespace celeste {

class PgConnection {
 public:
  // Connects to `url` (postgres://... or postgresql://...). Errors: kInternal with libpq's
  // message, which names host and user but never the password.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    int statement_timeout_ms);
  ~PgConnection();

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Opens a transaction scoped to `scope` (a yacht id or kFleetId; "" for none): BEGIN
  // (READ COMMITTED for writes; REPEATABLE READ, READ ONLY for reads, so a read sees one
  // snapshot) and SET LOCAL app.yacht_id. Nothing is sent yet: both are queued and travel
  // with the first round trip. When that trip finds the connection dropped while it was
  // idle, nothing has run, so it reconnects and sends it all once more.
  // Fails only for a scope that is neither "" nor a UUID.
  Status Begin(TxMode mode, std::string_view scope);
  // Commits, sending any queued writes with the COMMIT (nothing at all when no statement
  // was queued). A failed queued write, or a transaction PostgreSQL had already aborted
  // (COMMIT answered ROLLBACK), is kInternal; the transaction is then rolled back.
  Status Commit();
  // Rolls back when a transaction is open (also one BEGIN left half-open) and drops the
  // queue; never fails.
  void Rollback();

  // Runs one statement ($N placeholders) and returns its rows, every cell as text.
  Result<Rows> Query(const Sql& sql, const Params& params);
  // Runs one statement and returns the number of rows it inserted, updated or deleted.
  Result<int64_t> Exec(const Sql& sql, const Params& params);
  // Queues a write for the next round trip (see Tx::ExecDeferred).
  Status ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows);
  // Runs ;-separated statements without parameters (simple query protocol).
  Status ExecScript(std::string_view script);

  // True once the server or the network dropped the connection, or a round trip ended in
  // a state the session cannot be trusted in (see SendPipeline).
  bool Broken() const;
  // True when the session can start a transaction: not broken, no transaction or
  // pipeline open, nothing queued.
  bool Idle() const;
  // Reconnects with the same settings; prepared statements are forgotten (they were the
  // old session's). Queued statements stay queued.
  Status Reconnect();

  // Number of statements in the cache (for tests).
  size_t cached_statements() const { return cache_.size(); }

 private:
  // An owned PGresult.
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  using PgResult = std::unique_ptr<pg_result, ResultDeleter>;

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };

  explicit PgConnection(pg_conn* conn) : conn_(conn) {}

  // A statement waiting for the next round trip: BEGIN and SET LOCAL (no parameters;
  // expected_rows -1), or a deferred write, wrapped so that the server fails it unless it
  // changed `expected_rows` rows.
  struct Queued {
    std::string text;
    std::vector<std::optional<std::string>> params;
    int64_t expected_rows = -1;  // -1: not checked
  };

  // Sends the queue and `text` (when not null) in one round trip (libpq pipeline mode),
  // then empties the queue. Returns the result of `text`, or null when there is none.
  // Reconnects and resends once when the trip finds a connection that dropped while idle
  // before this transaction reached the server.
  // `commit`: `text` is COMMIT (never prepared, never resent).
  Result<PgResult> RoundTrip(const char* text, const Params& params, bool commit);
  Result<PgResult> SendPipeline(const char* text,
                                const std::vector<std::optional<std::string>>& params, bool commit);
  // Prepared-statement name for `text`, or null to run it unnamed (the cache is full).
  // Sets `prepare` when the statement still has to be prepared on this session (it then
  // waits in preparing_ until PostgreSQL accepts it).
  const char* StatementName(std::string_view text, bool& prepare);
  // Runs a command through the simple query protocol.
  Result<PgResult> RunSimple(const std::string& command);
  // The Status for a failed result (or a null one: out of memory or connection lost).
  Status Error(const pg_result* result, std::string_view sql) const;

  // Beyond this many cached statements, new ones run unnamed (prepared for one use): SQL
  // built at run time must not grow the cache without bound.
  static constexpr size_t kMaxCachedStatements = 512;
  // Deferred writes queued beyond this many are sent at once.
  static constexpr size_t kMaxQueued = 64;

  pg_conn* conn_;
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> cache_;  // SQL -> name
  // Statements being prepared by the pipeline in flight (SQL -> name).
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> preparing_;
  int next_statement_ = 1;
  // Statements for the next round trip (see Queued).
  std::vector<Queued> queue_;
  // True once this transaction's BEGIN has reached the server.
  bool begun_ = false;
  // Set when a round trip ended uncleanly; cleared by Reconnect.
  bool poisoned_ = false;
};

}  // namespace celeste

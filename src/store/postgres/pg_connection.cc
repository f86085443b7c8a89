#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "core/log.h"
#include "core/uuid.h"
#include "store/postgres/pg_text.h"
#include "store/sql_preview.h"

namespace celeste {
namespace {

constexpr Oid kTimestamptzOid = 1184;

// SQLSTATE classes and codes the store treats specially.
bool IsConnectionLoss(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

std::string_view Field(const PGresult* result, int field) {
  const char* value = result == nullptr ? nullptr : PQresultErrorField(result, field);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

// The parameters as text; a NUL is refused (PostgreSQL text cannot hold one).
Result<std::vector<std::optional<std::string>>> ParamTexts(const Params& params,
                                                           std::string_view sql) {
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  for (const Value& param : params) {
    texts.push_back(ParamText(param));
    if (texts.back() && texts.back()->find('\0') != std::string::npos) {
      return Status::Internal("a parameter holds a NUL character, which PostgreSQL cannot store: " +
                              SqlPreview(sql));
    }
  }
  return texts;
}

int64_t RowsChanged(const PGresult* result) {
  const std::string_view changed = PQcmdTuples(const_cast<PGresult*>(result));
  int64_t n = 0;
  std::from_chars(changed.data(), changed.data() + changed.size(), n);
  return n;
}

// libpq's messages end in a newline.
std::string Trimmed(std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  return std::string(message);
}

}  // namespace

void PgConnection::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         int statement_timeout_ms) {
  // The URL is expanded as dbname; the keywords after it override what it says.
  const std::string options =
      "-c TimeZone=UTC -c DateStyle=ISO,YMD -c statement_timeout=" +
      std::to_string(statement_timeout_ms) +
      " -c idle_in_transaction_session_timeout=" + std::to_string(statement_timeout_ms * 2);
  // libpq's own parse errors quote the URL, password and all: check it first.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    PQfreemem(parse_error);
    return Status::InvalidRequest(
        "invalid PostgreSQL URL (not shown: it may hold a password); expected "
        "postgres://USER:PASSWORD@HOST:PORT/DATABASE");
  }
  PQconninfoFree(parsed);
  // Keepalives and a TCP user timeout: a network cut without a reset must not hold a
  // pooled connection (and its locks) for minutes.
  const char* keywords[] = {"dbname",
                            "application_name",
                            "connect_timeout",
                            "options",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "tcp_user_timeout",
                            nullptr};
  const char* values[] = {url.c_str(), "celeste", "10", options.c_str(), "1",
                          "30",        "10",      "3",  "30000",         nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Internal("cannot connect to PostgreSQL: " + message);
  }
  // Notices ("relation ... already exists, skipping") are not errors; libpq would print
  // them on stderr. Warnings (e.g. "there is already a transaction in progress") point at
  // a bug: they are logged.
  PQsetNoticeReceiver(
      conn,
      [](void*, const PGresult* notice) {
        const std::string_view severity = Field(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity != "WARNING") return;
        Log(LogLevel::kWarn, "PostgreSQL warning",
            {{"message", std::string(Field(notice, PG_DIAG_MESSAGE_PRIMARY))},
             {"sqlstate", std::string(Field(notice, PG_DIAG_SQLSTATE))}});
      },
      nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Broken() const { return poisoned_ || PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::Idle() const {
  return !Broken() && PQpipelineStatus(conn_) == PQ_PIPELINE_OFF &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE && queue_.empty();
}

Status PgConnection::Reconnect() {
  // The queue stays: RoundTrip resends it on the new session.
  cache_.clear();
  begun_ = false;
  poisoned_ = false;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::Internal("database connection lost and reconnecting failed: " +
                            Trimmed(PQerrorMessage(conn_)));
  }
  return Status::OK();
}

Status PgConnection::Begin(TxMode mode, std::string_view scope) {
  if (!scope.empty() && !IsUuid(scope)) {
    return Status::Internal("transaction scope must be a yacht id (a UUID) or empty");
  }
  queue_.clear();
  begun_ = false;
  queue_.push_back({mode == TxMode::kWrite ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                           : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    {},
                    -1});
  if (!scope.empty()) {
    // SET takes no parameters; a UUID (checked above) is hex digits and dashes, safe to
    // quote as a literal.
    queue_.push_back({"SET LOCAL app.yacht_id = '" + std::string(scope) + "'", {}, -1});
  }
  return Status::OK();
}

Status PgConnection::Commit() {
  const bool writes_queued = std::any_of(queue_.begin(), queue_.end(),
                                         [](const Queued& q) { return q.expected_rows >= 0; });
  if (!begun_ && !writes_queued) {  // nothing reached the server: nothing to commit
    queue_.clear();
    return Status::OK();
  }
  auto done = RoundTrip("COMMIT", {}, /*commit=*/true);
  if (!done.ok()) {
    Rollback();
    return done.status();
  }
  if (std::string_view(PQcmdStatus(done->get())) != "COMMIT") {
    return Status::Internal(
        "transaction was rolled back by PostgreSQL after an earlier error in it");
  }
  return Status::OK();
}

void PgConnection::Rollback() {
  queue_.clear();
  begun_ = false;
  // Idle: nothing open. Unknown: the connection is gone, and the server rolled back.
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) (void)RunSimple("ROLLBACK");
}

Result<Rows> PgConnection::Query(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(PgResult result,
                           RoundTrip(sql.postgres ? sql.postgres : sql.text, params, false));
  const int rows = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  std::vector<bool> timestamptz(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) timestamptz[c] = PQftype(result.get(), c) == kTimestamptzOid;
  Rows out;
  out.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<std::optional<std::string>> cells(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c)) continue;
      std::string_view text(PQgetvalue(result.get(), r, c),
                            static_cast<size_t>(PQgetlength(result.get(), r, c)));
      cells[c] = timestamptz[c] ? TimestamptzToRfc3339(text) : std::string(text);
    }
    out.emplace_back(std::move(cells));
  }
  return out;
}

Result<int64_t> PgConnection::Exec(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(PgResult result,
                           RoundTrip(sql.postgres ? sql.postgres : sql.text, params, false));
  return RowsChanged(result.get());
}

Status PgConnection::ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows) {
  const char* text = sql.postgres ? sql.postgres : sql.text;
  if (text == nullptr) return Status::Internal("SQL statement without text");
  if (expected_rows < 0) return Status::Internal("ExecDeferred: expected_rows must be >= 0");
  CELESTE_ASSIGN_OR_RETURN(auto texts, ParamTexts(params, text));
  // The server checks the count (see celeste_expect_rows in the migrations): a COMMIT
  // queued behind this write must not run when it changed another number of rows.
  queue_.push_back({"WITH changed AS (" + std::string(text) +
                        " RETURNING 1) SELECT public.celeste_expect_rows(count(*), " +
                        std::to_string(expected_rows) + ") FROM changed",
                    std::move(texts), expected_rows});
  // A blocking client must not queue without bound (libpq: both sides could block on full
  // socket buffers); a long run of writes goes out in batches.
  if (queue_.size() >= kMaxQueued) return RoundTrip(nullptr, {}, false).status();
  return Status::OK();
}

Status PgConnection::ExecScript(std::string_view script) {
  // The simple query protocol cannot join a pipeline: the queue goes first.
  if (!queue_.empty()) CELESTE_RETURN_IF_ERROR(RoundTrip(nullptr, {}, false).status());
  return RunSimple(std::string(script)).status();
}

Result<PgConnection::PgResult> PgConnection::RoundTrip(const char* text, const Params& params,
                                                       bool commit) {
  std::vector<std::optional<std::string>> texts;
  if (text != nullptr) {
    CELESTE_ASSIGN_OR_RETURN(texts, ParamTexts(params, text));
  }
  auto result = SendPipeline(text, texts, commit);
  if (!result.ok() && !begun_ && !commit && Broken()) {
    // The connection went away while idle in the pool (a server restart, a network cut),
    // found by this transaction's first trip: whatever of it ran on the old session
    // cannot have committed, so a new session can send it all. (Never for a trip carrying
    // COMMIT: it may have committed before the line dropped.)
    Log(LogLevel::kWarn, "PostgreSQL connection lost while idle; reconnecting",
        {{"error", result.status().message()}});
    if (Status s = Reconnect(); !s.ok()) {
      queue_.clear();
      return s;
    }
    result = SendPipeline(text, texts, commit);
  }
  queue_.clear();
  begun_ = true;
  return result;
}

const char* PgConnection::StatementName(std::string_view text, bool& prepare) {
  prepare = false;
  if (auto it = cache_.find(text); it != cache_.end()) return it->second.c_str();
  if (cache_.size() >= kMaxCachedStatements) return nullptr;
  // Named now; remembered as prepared once PostgreSQL has accepted it (SendPipeline).
  auto [it, inserted] =
      preparing_.try_emplace(std::string(text), "s" + std::to_string(next_statement_));
  if (inserted) {
    ++next_statement_;
    prepare = true;
  }
  return it->second.c_str();
}

Result<PgConnection::PgResult> PgConnection::SendPipeline(
    const char* text, const std::vector<std::optional<std::string>>& params, bool commit) {
  // What was sent, in order: each command answers with one result.
  enum class Kind { kControl, kPrepare, kWrite, kFinal };
  struct Sent {
    Kind kind;
    const char* sql;
  };
  std::vector<Sent> sent;
  sent.reserve(2 * queue_.size() + 2);
  preparing_.clear();
  bool ok = PQenterPipelineMode(conn_) == 1;
  auto send = [&](const char* sql, const std::vector<std::optional<std::string>>& values,
                  Kind kind) {
    if (!ok) return;
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const auto& v : values) pointers.push_back(v ? v->c_str() : nullptr);
    const int count = static_cast<int>(values.size());
    if (kind == Kind::kControl) {  // BEGIN, SET LOCAL, COMMIT: never prepared
      ok = PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
      sent.push_back({kind, sql});
      return;
    }
    bool prepare = false;
    const char* name = StatementName(sql, prepare);
    if (prepare) {
      ok = PQsendPrepare(conn_, name, sql, 0, nullptr) == 1;
      sent.push_back({Kind::kPrepare, sql});
    }
    ok = ok && (name != nullptr
                    ? PQsendQueryPrepared(conn_, name, count, pointers.data(), nullptr, nullptr, 0)
                    : PQsendQueryParams(conn_, sql, count, nullptr, pointers.data(), nullptr,
                                        nullptr, 0)) == 1;
    sent.push_back({kind, sql});
  };
  for (const Queued& q : queue_) {
    send(q.text.c_str(), q.params, q.expected_rows < 0 ? Kind::kControl : Kind::kWrite);
  }
  if (text != nullptr) send(text, params, commit ? Kind::kControl : Kind::kFinal);
  ok = ok && PQpipelineSync(conn_) == 1;

  // One result per command, each followed by a null, then the sync point. After an error
  // the rest answer PGRES_PIPELINE_ABORTED.
  PgResult failed(nullptr), last(nullptr);
  const char* failed_sql = text;
  for (size_t i = 0; ok && i < sent.size(); ++i) {
    PgResult result(PQgetResult(conn_));
    if (!result) {
      ok = false;
      failed_sql = sent[i].sql;
      break;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    const bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!good && status != PGRES_PIPELINE_ABORTED && !failed) {
      failed = std::move(result);
      failed_sql = sent[i].sql;
    } else if (good && sent[i].kind == Kind::kPrepare) {
      auto it = preparing_.find(std::string_view(sent[i].sql));
      if (it != preparing_.end()) cache_.insert(preparing_.extract(it));
    } else if (i + 1 == sent.size() && text != nullptr) {
      last = std::move(result);
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  if (ok) {
    PgResult sync(PQgetResult(conn_));
    ok = sync && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
  }
  // Anything short of a clean end (a send refused, a result missing, no sync point, or
  // results left uncollected) leaves the session in an unknown state: it must not serve
  // another transaction. Broken() now says so, and the pool reconnects it.
  if (PQexitPipelineMode(conn_) != 1 || !ok) poisoned_ = true;
  preparing_.clear();
  if (failed) return Error(failed.get(), failed_sql != nullptr ? failed_sql : "");
  if (!ok) return Error(nullptr, failed_sql != nullptr ? failed_sql : "");
  if (text != nullptr && !last) return Error(nullptr, text);
  return last;
}

Result<PgConnection::PgResult> PgConnection::RunSimple(const std::string& command) {
  PgResult result(PQexec(conn_, command.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(result.get(), command);
  return result;
}

Status PgConnection::Error(const pg_result* result, std::string_view sql) const {
  const std::string_view sqlstate = Field(result, PG_DIAG_SQLSTATE);
  std::string message(Field(result, PG_DIAG_MESSAGE_PRIMARY));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  if (sqlstate == "23505") return Status::Error(ErrorCode::kDuplicate, std::move(message));
  // Text a typed column cannot read ("invalid input syntax for type uuid: ..."): only a
  // request's values reach a statement unchecked, so the request was bad. (The API
  // validates ids first; this keeps a gap in that validation a 400, not a 500.)
  if (sqlstate == "22P02") {
    return Status::InvalidRequest(
        "a value has the wrong format for its column [postgres 22P02] in: " + SqlPreview(sql));
  }

  std::string text;
  if (Broken() || IsConnectionLoss(sqlstate)) {
    text = "database connection lost (" + message + ")";
  } else {
    text = std::move(message);
    if (sqlstate == "25006") text += " (a read transaction cannot write)";
    if (sqlstate == "42501") {
      text +=
          " (the role lacks this privilege: migrations run as the owner role, the server "
          "as the application role; see docs/postgres.md)";
    }
  }
  text += " [postgres ";
  text += sqlstate.empty() ? std::string_view("no SQLSTATE") : sqlstate;
  text += "] in: ";
  text += SqlPreview(sql);
  return Status::Internal(std::move(text));
}

}  // namespace celeste

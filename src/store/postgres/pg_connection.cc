#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

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
  const std::string options = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c statement_timeout=" +
                              std::to_string(statement_timeout_ms) +
                              " -c idle_in_transaction_session_timeout=" +
                              std::to_string(statement_timeout_ms * 2);
  const char* keywords[] = {"dbname", "application_name", "connect_timeout", "options", nullptr};
  const char* values[] = {url.c_str(), "celeste", "10", options.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Internal("cannot connect to PostgreSQL: " + message);
  }
  // Notices ("relation ... already exists, skipping") are not errors; libpq would print
  // them on stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

Status PgConnection::Reconnect() {
  cache_.clear();
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
  pending_begin_.clear();
  pending_begin_.emplace_back(mode == TxMode::kWrite
                                  ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                  : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  if (!scope.empty()) {
    // SET takes no parameters; a UUID (checked above) is hex digits and dashes, safe to
    // quote as a literal.
    pending_begin_.push_back("SET LOCAL app.yacht_id = '" + std::string(scope) + "'");
  }
  return Status::OK();
}

Status PgConnection::Commit() {
  if (!pending_begin_.empty()) {  // no statement ran: there is nothing to commit
    pending_begin_.clear();
    return Status::OK();
  }
  CELESTE_ASSIGN_OR_RETURN(PgResult done, RunSimple("COMMIT"));
  if (std::string_view(PQcmdStatus(done.get())) != "COMMIT") {
    return Status::Internal(
        "transaction was rolled back by PostgreSQL after an earlier error in it");
  }
  return Status::OK();
}

void PgConnection::Rollback() {
  pending_begin_.clear();
  // Idle: nothing open. Unknown: the connection is gone, and the server rolled back.
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) (void)RunSimple("ROLLBACK");
}

Result<Rows> PgConnection::Query(const Sql& sql, const Params& params) {
  CELESTE_ASSIGN_OR_RETURN(PgResult result, Run(sql.postgres ? sql.postgres : sql.text, params));
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
  CELESTE_ASSIGN_OR_RETURN(PgResult result, Run(sql.postgres ? sql.postgres : sql.text, params));
  const std::string_view changed = PQcmdTuples(result.get());
  int64_t n = 0;
  std::from_chars(changed.data(), changed.data() + changed.size(), n);
  return n;
}

Status PgConnection::ExecScript(std::string_view script) {
  // The simple query protocol cannot join a pipeline: the pending BEGIN goes first.
  std::string command;
  for (const std::string& begin : pending_begin_) command += begin + "; ";
  pending_begin_.clear();
  return RunSimple(command + std::string(script)).status();
}

Result<PgConnection::PgResult> PgConnection::Run(const char* text, const Params& params) {
  if (text == nullptr) return Status::Internal("SQL statement without text");
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Value& param : params) {
    texts.push_back(ParamText(param));
    if (texts.back() && texts.back()->find('\0') != std::string::npos) {
      return Status::Internal("a parameter holds a NUL character, which PostgreSQL cannot store: " +
                              SqlPreview(text));
    }
    values.push_back(texts.back() ? texts.back()->c_str() : nullptr);
  }
  if (pending_begin_.empty()) return RunStatement(text, values);

  // The transaction's first statement: BEGIN, SET LOCAL and the statement in one round trip.
  auto result = RunPipelined(text, values);
  if (!result.ok() && Broken()) {
    // The connection went away while idle in the pool (a server restart, a network cut):
    // nothing has run yet, so a new session can run it all.
    Log(LogLevel::kWarn, "PostgreSQL connection lost while idle; reconnecting",
        {{"error", result.status().message()}});
    if (Status s = Reconnect(); !s.ok()) {
      pending_begin_.clear();
      return s;
    }
    result = RunPipelined(text, values);
  }
  pending_begin_.clear();
  return result;
}

Result<PgConnection::PgResult> PgConnection::RunStatement(const char* text,
                                                          const std::vector<const char*>& values) {
  const std::string_view key(text);
  const int count = static_cast<int>(values.size());
  auto it = cache_.find(key);
  if (it == cache_.end() && cache_.size() < kMaxCachedStatements) {
    std::string name = NextStatementName();
    PgResult prepared(PQprepare(conn_, name.c_str(), text, 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return Error(prepared.get(), key);
    it = cache_.emplace(std::string(key), std::move(name)).first;
  }
  PgResult result(it != cache_.end()
                      ? PQexecPrepared(conn_, it->second.c_str(), count, values.data(), nullptr,
                                       nullptr, 0)
                      : PQexecParams(conn_, text, count, nullptr, values.data(), nullptr,
                                     nullptr, 0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(result.get(), key);
  return result;
}

Result<PgConnection::PgResult> PgConnection::RunPipelined(const char* text,
                                                          const std::vector<const char*>& values) {
  const std::string_view key(text);
  const int count = static_cast<int>(values.size());
  auto it = cache_.find(key);
  std::string new_name;  // set when the statement is prepared in this pipeline
  if (it == cache_.end() && cache_.size() < kMaxCachedStatements) new_name = NextStatementName();
  const char* name = it != cache_.end() ? it->second.c_str()
                     : new_name.empty() ? nullptr
                                        : new_name.c_str();

  if (PQenterPipelineMode(conn_) != 1) return Error(nullptr, key);
  int sent = 0;
  bool ok = true;
  for (const std::string& command : pending_begin_) {
    ok = ok && PQsendQueryParams(conn_, command.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    ++sent;
  }
  if (!new_name.empty()) {
    ok = ok && PQsendPrepare(conn_, name, text, 0, nullptr);
    ++sent;
  }
  ok = ok && (name != nullptr ? PQsendQueryPrepared(conn_, name, count, values.data(), nullptr,
                                                    nullptr, 0)
                              : PQsendQueryParams(conn_, text, count, nullptr, values.data(),
                                                  nullptr, nullptr, 0));
  ++sent;
  ok = ok && PQpipelineSync(conn_);

  // One result per command, each followed by a null; then the sync point. After an error
  // the rest answer PGRES_PIPELINE_ABORTED.
  PgResult failed(nullptr), last(nullptr);
  for (int i = 0; ok && i < sent; ++i) {
    PgResult result(PQgetResult(conn_));
    if (!result) {
      ok = false;
      break;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) {
      if (!failed) failed = std::move(result);
    } else if (i == sent - 1) {
      last = std::move(result);
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  if (ok) PgResult sync(PQgetResult(conn_));  // PGRES_PIPELINE_SYNC
  PQexitPipelineMode(conn_);
  if (failed) return Error(failed.get(), key);
  if (!ok || !last) return Error(nullptr, key);
  const ExecStatusType status = PQresultStatus(last.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(last.get(), key);
  if (!new_name.empty()) cache_.emplace(std::string(key), std::move(new_name));
  return last;
}

std::string PgConnection::NextStatementName() const {
  return "s" + std::to_string(cache_.size() + 1);
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
  if (sqlstate == "22P02") return Status::InvalidRequest(std::move(message));

  std::string text;
  if (Broken() || IsConnectionLoss(sqlstate)) {
    text = "database connection lost (" + message + ")";
  } else {
    text = std::move(message);
    if (sqlstate == "25006") text += " (a read transaction cannot write)";
    if (sqlstate == "42501") {
      text += " (the role lacks this privilege: migrations run as the owner role, the server "
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

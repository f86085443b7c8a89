#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <optional>
#include <vector>

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
  std::string command = mode == TxMode::kWrite
                            ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                            : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  if (!scope.empty()) {
    // A UUID (checked above) is hex digits and dashes: safe to quote as a literal, which
    // keeps BEGIN and the scope in one round trip.
    command += "; SET LOCAL app.yacht_id = '";
    command += scope;
    command += "'";
  }
  return RunSimple(command).status();
}

Status PgConnection::Commit() {
  CELESTE_ASSIGN_OR_RETURN(PgResult done, RunSimple("COMMIT"));
  if (std::string_view(PQcmdStatus(done.get())) != "COMMIT") {
    return Status::Internal(
        "transaction was rolled back by PostgreSQL after an earlier error in it");
  }
  return Status::OK();
}

void PgConnection::Rollback() {
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
  return RunSimple(std::string(script)).status();
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
  const int count = static_cast<int>(params.size());

  const std::string_view key(text);
  auto it = cache_.find(key);
  if (it == cache_.end() && cache_.size() < kMaxCachedStatements) {
    std::string name = "s" + std::to_string(cache_.size() + 1);
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

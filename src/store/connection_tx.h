// ConnectionTx: the Tx handed to Store::Run's callback, for any backend's connection.
//
// One ConnectionTx belongs to each connection and is reused for every transaction on it,
// so a transaction allocates nothing of its own. It is usable only between Start and
// Finish (inside Run); after that every call fails with kInternal, so a Tx& kept past its
// transaction cannot write into the next one on the same connection.
//
// `Connection` provides Commit() -> Status, Rollback(),
// Query(const Sql&, const Params&) -> Result<Rows>,
// Exec(const Sql&, const Params&) -> Result<int64_t>, ExecDeferred(const Sql&, const
// Params&, int64_t) -> Status and ExecScript(std::string_view) -> Status.
//
// Thread-safety: none; used by the thread that holds its connection.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace celeste {

template <typename Connection>
class ConnectionTx final : public Tx {
 public:
  // `conn` must outlive this object.
  explicit ConnectionTx(Connection* conn) : conn_(conn) {}

  Result<Rows> Query(const Sql& sql, const Params& params) override {
    if (!active_) return Inactive();
    return conn_->Query(sql, params);
  }
  Result<int64_t> Exec(const Sql& sql, const Params& params) override {
    if (!active_) return Inactive();
    return conn_->Exec(sql, params);
  }
  Status ExecDeferred(const Sql& sql, const Params& params, int64_t expected_rows) override {
    if (!active_) return Inactive();
    return conn_->ExecDeferred(sql, params, expected_rows);
  }
  Status ExecScript(std::string_view script) override {
    if (!active_) return Inactive();
    return conn_->ExecScript(script);
  }
  // On SQLite the scope is informational (the application filters by yacht_id itself); on
  // PostgreSQL the transaction began with SET LOCAL app.yacht_id to it.
  const std::string& scope() const override { return scope_; }

  // Runs `fn` in the transaction just begun on the connection: commits when it returns
  // OK, rolls back on an error Status (returned) or an exception (rethrown). The
  // connection's Commit() reports its own failures (and rolls back); Rollback() never fails.
  Status RunThenCommit(std::string_view scope, const std::function<Status(Tx&)>& fn) {
    Start(scope);
    Status status;
    try {
      status = fn(*this);
    } catch (...) {
      Finish();
      conn_->Rollback();
      throw;
    }
    Finish();
    if (!status.ok()) {
      conn_->Rollback();
      return status;
    }
    return conn_->Commit();
  }

  // Marks the transaction open on the connection (after BEGIN) with its tenant scope.
  void Start(std::string_view scope) {
    scope_.assign(scope);
    active_ = true;
  }
  // Marks it finished (before COMMIT/ROLLBACK): later calls through a kept Tx& fail.
  void Finish() { active_ = false; }

 private:
  static Status Inactive() {
    return Status::Internal("transaction used outside Store::Run (it has already ended)");
  }

  Connection* const conn_;
  std::string scope_;
  bool active_ = false;
};

}  // namespace celeste

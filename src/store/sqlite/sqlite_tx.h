// SqliteTx: the Tx handed to Store::Run's callback on the SQLite backend.
//
// One SqliteTx belongs to each connection and is reused for every transaction on it, so a
// transaction allocates nothing of its own. It is usable only between Start and Finish
// (inside Run); after that every call fails with kInternal. SQLite has no row-level
// security: scope() is informational and the application filters by yacht_id itself.
//
// Thread-safety: none; used by the thread that holds its connection.
#pragma once

#include <string>
#include <string_view>

#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace celeste {

class SqliteTx final : public Tx {
 public:
  // `conn` must outlive this object.
  explicit SqliteTx(SqliteConnection* conn) : conn_(conn) {}

  Result<Rows> Query(const Sql& sql, const Params& params) override;
  Result<int64_t> Exec(const Sql& sql, const Params& params) override;
  Status ExecScript(std::string_view script) override;
  const std::string& scope() const override { return scope_; }

  // Marks the transaction open on the connection (after BEGIN) with its tenant scope.
  void Start(std::string_view scope) {
    scope_.assign(scope);
    active_ = true;
  }
  // Marks it finished (before COMMIT/ROLLBACK): later calls through a kept Tx& fail.
  void Finish() { active_ = false; }

 private:
  Status Inactive() const;

  SqliteConnection* const conn_;
  std::string scope_;
  bool active_ = false;
};

}  // namespace celeste

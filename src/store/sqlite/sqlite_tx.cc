#include "store/sqlite/sqlite_tx.h"

namespace celeste {

Status SqliteTx::Inactive() const {
  return Status::Internal("transaction used outside Store::Run (it has already ended)");
}

Result<Rows> SqliteTx::Query(const Sql& sql, const Params& params) {
  if (!active_) return Inactive();
  return conn_->Query(sql, params);
}

Result<int64_t> SqliteTx::Exec(const Sql& sql, const Params& params) {
  if (!active_) return Inactive();
  return conn_->Exec(sql, params);
}

Status SqliteTx::ExecScript(std::string_view script) {
  if (!active_) return Inactive();
  return conn_->ExecScript(script);
}

}  // namespace celeste

#include "store/postgres/postgres_store.h"

#include "core/log.h"
#include "store/migrations.h"
#include "store/migrator.h"

namespace celeste {
namespace {

// The longest a single statement may run; also bounds a request stuck on a lock.
constexpr int kStatementTimeoutMs = 30'000;

Status Closed() { return Status::Internal("the store is closed"); }

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           const StoreOptions& options) {
  const int size = options.pool_size == 0 ? kDefaultPoolSize : options.pool_size;
  if (size < 1 || size > kMaxPoolSize) {
    return Status::InvalidRequest("PostgreSQL pool size must be 1.." +
                                  std::to_string(kMaxPoolSize) + ", got " + std::to_string(size));
  }
  std::vector<std::unique_ptr<Pooled>> connections;
  connections.reserve(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) {
    CELESTE_ASSIGN_OR_RETURN(auto conn, PgConnection::Open(url, kStatementTimeoutMs));
    connections.push_back(std::make_unique<Pooled>(std::move(conn)));
  }
  const auto timeout = std::chrono::milliseconds(std::max(0, options.busy_timeout_ms));
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(connections), timeout));
}

PostgresStore::PostgresStore(std::vector<std::unique_ptr<Pooled>> connections,
                             std::chrono::milliseconds acquire_timeout)
    : connections_(std::move(connections)), acquire_timeout_(acquire_timeout) {
  idle_.reserve(connections_.size());
  for (const auto& pooled : connections_) idle_.push_back(pooled.get());
}

PostgresStore::~PostgresStore() { Close(); }

Result<PostgresStore::Pooled*> PostgresStore::Acquire() {
  std::unique_lock lock(mu_);
  const bool ready =
      free_.wait_for(lock, acquire_timeout_, [this] { return closed_ || !idle_.empty(); });
  if (closed_) return Closed();
  if (!ready) {
    return Status::Internal("no database connection became free within " +
                            std::to_string(acquire_timeout_.count()) + " ms (all " +
                            std::to_string(connections_.size()) + " are busy)");
  }
  Pooled* pooled = idle_.back();
  idle_.pop_back();
  return pooled;
}

void PostgresStore::Release(Pooled* pooled) {
  std::lock_guard lock(mu_);
  idle_.push_back(pooled);
  if (closed_) {
    drained_.notify_all();
  } else {
    free_.notify_one();
  }
}

Status PostgresStore::BeginOn(Pooled& pooled, TxMode mode, std::string_view scope) {
  PgConnection& conn = *pooled.conn;
  // Known to be gone, or left unclean by an earlier request: reconnect before anything
  // runs (a fresh session carries nothing of the last transaction, its scope included).
  if (!conn.Idle()) CELESTE_RETURN_IF_ERROR(conn.Reconnect());
  return conn.Begin(mode, scope);
}

Status PostgresStore::Run(TxMode mode, std::string_view scope,
                          const std::function<Status(Tx&)>& fn) {
  CELESTE_ASSIGN_OR_RETURN(Pooled * pooled, Acquire());
  // Returns the connection to the pool however fn ends (also by exception).
  struct ReleaseOnExit {
    PostgresStore* store;
    Pooled* pooled;
    ~ReleaseOnExit() { store->Release(pooled); }
  } release{this, pooled};

  PgConnection& conn = *pooled->conn;
  if (Status begun = BeginOn(*pooled, mode, scope); !begun.ok()) {
    conn.Rollback();
    return begun;
  }
  return pooled->tx.RunThenCommit(scope, fn);
}

Status PostgresStore::Migrate() { return ApplyMigrations(*this, PostgresMigrations()).status(); }

void PostgresStore::Close() {
  std::unique_lock lock(mu_);
  closed_ = true;
  free_.notify_all();
  drained_.wait(lock, [this] { return idle_.size() == connections_.size(); });
  if (finished_) return;
  finished_ = true;
  // Connections close with their PgConnection (PQfinish) when the store is destroyed;
  // closing them now frees the server's backends at once.
  for (const auto& pooled : connections_) pooled->conn.reset();
}

}  // namespace celeste

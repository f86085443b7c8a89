// bench/seed_parts: fills one yacht's parts catalog and stock ledger for the low-stock
// benchmark (bench/low_stock_scale).
//
//   seed_parts --db URL --yacht ID --actor USER_ID [--parts 1000] [--ledger-rows 1000000]
//              [--batch 5000] [--mode record|bulk] [--role chief_engineer] [--seed 42]
//
// Creates P catalog parts (parts::InsertPart) and N ledger rows spread round-robin over
// them: mostly receives of 1-5 units, about one in five a consume of 1-3 units that never
// takes a balance below zero. About 10 % of the parts end with min_level above their
// balance (low stock); the others have a min_level well below it. The whole plan is
// simulated first, so the min_levels are known before the parts are inserted.
//
// --mode record (the default) books every row through parts::RecordMovement, exactly as an
// action does (balance locked, ledger row appended, balance moved). --mode bulk inserts
// the ledger with multi-row INSERTs and then sets pms_part_stock from the ledger's sums
// (one statement), so `celeste parts verify-stock` still finds the books in agreement.
// Either way: one write transaction, scoped to the yacht, per --batch rows. The URL must
// be one that may write the yacht's rows (on PostgreSQL the owner or the app role: every
// transaction sets app.yacht_id, so row-level security lets it through).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/uuid.h"
#include "lenses/parts/catalog_part.h"
#include "lenses/parts/stock_ledger.h"
#include "store/store.h"

namespace {

using celeste::Params;
using celeste::Result;
using celeste::Sql;
using celeste::Status;
using celeste::Tx;
using celeste::TxMode;

struct Options {
  std::string db;
  std::string yacht;
  std::string actor;
  std::string role = "chief_engineer";
  std::string mode = "record";
  int64_t parts = 1000;
  int64_t rows = 1000000;
  int64_t batch = 5000;
  uint32_t seed = 42;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "seed_parts: %s\nusage: seed_parts --db URL --yacht ID --actor USER_ID "
               "[--parts 1000] [--ledger-rows 1000000] [--batch 5000] [--mode record|bulk] "
               "[--role chief_engineer] [--seed 42]\n",
               why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") Usage("help");
    if (i + 1 >= argc) Usage(("missing value for " + arg).c_str());
    std::string value = argv[++i];
    auto number = [&](int64_t min) {
      char* end = nullptr;
      long long n = std::strtoll(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || n < min) Usage(("bad number for " + arg).c_str());
      return static_cast<int64_t>(n);
    };
    if (arg == "--db")
      o.db = value;
    else if (arg == "--yacht")
      o.yacht = value;
    else if (arg == "--actor")
      o.actor = value;
    else if (arg == "--role")
      o.role = value;
    else if (arg == "--mode")
      o.mode = value;
    else if (arg == "--parts")
      o.parts = number(1);
    else if (arg == "--ledger-rows")
      o.rows = number(0);
    else if (arg == "--batch")
      o.batch = number(1);
    else if (arg == "--seed")
      o.seed = static_cast<uint32_t>(number(0));
    else
      Usage(("unknown option " + arg).c_str());
  }
  if (o.db.empty() || o.yacht.empty() || o.actor.empty())
    Usage("--db, --yacht and --actor are required");
  if (o.mode != "record" && o.mode != "bulk") Usage("--mode is record or bulk");
  return o;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// One planned ledger row: the part's index and the signed quantity.
struct Planned {
  int32_t part;
  int32_t quantity;
};

constexpr int64_t kBulkRowsPerStatement = 500;  // 11 parameters each: 5,500 per statement

// "INSERT ... VALUES ($1..$11), ($12..$22), ..." for `rows` rows.
std::string BulkInsertText(int64_t rows) {
  std::string text =
      "INSERT INTO pms_inventory_transactions (id, yacht_id, part_id, quantity, type, "
      "reference, idempotency_key, work_order_id, actor_id, actor_role, created_at) VALUES ";
  int n = 1;
  for (int64_t r = 0; r < rows; ++r) {
    text += r ? ", (" : "(";
    for (int c = 0; c < 11; ++c) text += fmt::format("{}${}", c ? ", " : "", n++);
    text += ")";
  }
  return text;
}

const Sql kStockFromLedger{
    "INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at) "
    "SELECT yacht_id, part_id, SUM(quantity), $2 FROM pms_inventory_transactions "
    "WHERE yacht_id = $1 GROUP BY yacht_id, part_id "
    "ON CONFLICT (yacht_id, part_id) DO UPDATE SET on_hand = excluded.on_hand, "
    "updated_at = excluded.updated_at"};

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const auto started = std::chrono::steady_clock::now();

  // The plan: row j goes to part j % P; a consume only when the balance covers it.
  std::mt19937 rng(o.seed);
  std::vector<Planned> plan;
  plan.reserve(static_cast<size_t>(o.rows));
  std::vector<int64_t> balance(static_cast<size_t>(o.parts), 0);
  int64_t receives = 0, consumes = 0;
  for (int64_t j = 0; j < o.rows; ++j) {
    const auto p = static_cast<int32_t>(j % o.parts);
    int32_t q = 0;
    if (rng() % 5 == 0) {
      const auto take = static_cast<int32_t>(1 + rng() % 3);
      if (balance[p] >= take) q = -take;
    }
    if (q == 0) q = static_cast<int32_t>(1 + rng() % 5);
    balance[p] += q;
    (q > 0 ? receives : consumes)++;
    plan.push_back({p, q});
  }
  // Every tenth part is low stock: its min_level is above where it ends.
  std::vector<double> min_level(static_cast<size_t>(o.parts));
  int64_t low = 0;
  for (int64_t p = 0; p < o.parts; ++p) {
    if (p % 10 == 0) {
      min_level[p] = static_cast<double>(balance[p] + 1 + p % 7);
      ++low;
    } else {
      min_level[p] = static_cast<double>(balance[p] / 4);  // 0 (never low) for an empty part
    }
  }

  auto opened = celeste::OpenStore(o.db, {.pool_size = 1, .busy_timeout_ms = 30000});
  if (!opened.ok()) {
    std::fprintf(stderr, "seed_parts: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  celeste::Store& store = **opened;
  const auto& clock = celeste::SystemClock::Instance();

  // The parts, in one transaction.
  std::vector<std::string> part_ids;
  part_ids.reserve(static_cast<size_t>(o.parts));
  Status s = store.Run(TxMode::kWrite, o.yacht, [&](Tx& tx) -> Status {
    part_ids.clear();
    const std::string now = celeste::FormatRfc3339(clock.Now());
    for (int64_t p = 0; p < o.parts; ++p) {
      celeste::parts::CatalogPart part;
      part.id = celeste::NewUuidV7();
      part.name = fmt::format("Bench part {:05}", p);
      part.part_number = fmt::format("BENCH-{:05}", p);
      part.manufacturer = p % 3 == 0 ? "Volvo Penta" : (p % 3 == 1 ? "Jabsco" : "MTU");
      part.unit = "pcs";
      part.min_level = min_level[p];
      part.location = fmt::format("Store {}, bin {}", p % 12, p);
      part.created_at = now;
      part.created_by = o.actor;
      CELESTE_RETURN_IF_ERROR(celeste::parts::InsertPart(tx, o.yacht, part));
      part_ids.push_back(part.id);
    }
    return Status::OK();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "seed_parts: inserting parts: %s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "seed_parts: %lld parts (%lld to end low stock) in %.1f s; ledger: %lld rows "
               "(%lld receives, %lld consumes), mode %s, %lld rows per transaction\n",
               static_cast<long long>(o.parts), static_cast<long long>(low), Seconds(started),
               static_cast<long long>(o.rows), static_cast<long long>(receives),
               static_cast<long long>(consumes), o.mode.c_str(), static_cast<long long>(o.batch));

  const auto ledger_started = std::chrono::steady_clock::now();
  const bool bulk = o.mode == "bulk";
  const std::string full_text = BulkInsertText(kBulkRowsPerStatement);
  std::string tail_text;  // for a last statement of fewer rows; kept alive (statement cache)
  const Sql full_sql{full_text.c_str()};
  int64_t done = 0;
  int64_t next_report = 0;
  while (done < o.rows) {
    const int64_t end = std::min(o.rows, done + o.batch);
    s = store.Run(TxMode::kWrite, o.yacht, [&](Tx& tx) -> Status {
      const std::string at = celeste::FormatRfc3339(clock.Now());
      if (!bulk) {
        for (int64_t j = done; j < end; ++j) {
          celeste::parts::StockMovement m;
          m.part_id = part_ids[plan[j].part];
          m.quantity = plan[j].quantity;
          m.type = plan[j].quantity > 0 ? celeste::parts::MovementType::kReceive
                                        : celeste::parts::MovementType::kConsume;
          m.reference = "bench seed";
          m.actor_id = o.actor;
          m.actor_role = o.role;
          m.at = at;
          auto recorded = celeste::parts::RecordMovement(tx, o.yacht, m);
          if (!recorded.ok()) return std::move(recorded).TakeStatus();
        }
        return Status::OK();
      }
      for (int64_t j = done; j < end; j += kBulkRowsPerStatement) {
        const int64_t n = std::min(kBulkRowsPerStatement, end - j);
        Params params;
        params.reserve(static_cast<size_t>(n * 11));
        for (int64_t k = j; k < j + n; ++k) {
          const bool in = plan[k].quantity > 0;
          params.emplace_back(celeste::NewUuidV7());
          params.emplace_back(o.yacht);
          params.emplace_back(part_ids[plan[k].part]);
          params.emplace_back(static_cast<double>(plan[k].quantity));
          params.emplace_back(in ? "receive" : "consume");
          params.emplace_back("bench seed");
          params.emplace_back(nullptr);
          params.emplace_back(nullptr);
          params.emplace_back(o.actor);
          params.emplace_back(o.role);
          params.emplace_back(at);
        }
        Sql sql = full_sql;
        if (n != kBulkRowsPerStatement) {
          tail_text = BulkInsertText(n);
          sql = Sql{tail_text.c_str()};
        }
        CELESTE_ASSIGN_OR_RETURN(int64_t inserted, tx.Exec(sql, params));
        if (inserted != n) return celeste::UnexpectedRowCount(inserted, n, sql);
      }
      return Status::OK();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "seed_parts: ledger rows %lld-%lld: %s\n", static_cast<long long>(done),
                   static_cast<long long>(end), s.ToString().c_str());
      return 1;
    }
    done = end;
    if (done >= next_report || done == o.rows) {
      const double t = Seconds(ledger_started);
      std::fprintf(stderr, "seed_parts: %lld / %lld ledger rows, %.1f s, %.0f rows/s\n",
                   static_cast<long long>(done), static_cast<long long>(o.rows), t,
                   t > 0 ? static_cast<double>(done) / t : 0.0);
      next_report = done + std::max<int64_t>(o.rows / 10, 1);
    }
  }
  if (bulk && o.rows > 0) {
    const auto stock_started = std::chrono::steady_clock::now();
    s = store.Run(TxMode::kWrite, o.yacht, [&](Tx& tx) -> Status {
      return tx.Exec(kStockFromLedger, {o.yacht, celeste::FormatRfc3339(clock.Now())}).status();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "seed_parts: balances from the ledger: %s\n", s.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "seed_parts: balances set from the ledger sums in %.1f s\n",
                 Seconds(stock_started));
  }
  store.Close();
  std::fprintf(stderr, "seed_parts: done in %.1f s (ledger %.1f s)\n", Seconds(started),
               Seconds(ledger_started));
  std::printf(
      "{\"parts\":%lld,\"low_stock_parts\":%lld,\"ledger_rows\":%lld,\"mode\":\"%s\","
      "\"seconds\":%.1f}\n",
      static_cast<long long>(o.parts), static_cast<long long>(low), static_cast<long long>(o.rows),
      o.mode.c_str(), Seconds(started));
  return 0;
}

// The audit log: hash chain per yacht, its verification, and tampering done behind the
// application's back (a raw sqlite3 connection that drops the append-only triggers).
#include "audit/audit_log.h"
#include "core/json.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "../store/temp_dir.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "store/store.h"

namespace celeste {
namespace {

namespace json = boost::json;

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;
const std::string kGenesis(64, '0');

// A raw connection to the database file, as an intruder with file access would have.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Runs one statement with ?1 bound to `yacht_id`; returns an error text or "".
  std::string Exec(const std::string& sql, const std::string& yacht_id = "") {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db_);
    }
    if (sqlite3_bind_parameter_count(stmt) > 0) {
      sqlite3_bind_text(stmt, 1, yacht_id.c_str(), -1, SQLITE_TRANSIENT);
    }
    const int rc = sqlite3_step(stmt);
    std::string error = rc == SQLITE_DONE || rc == SQLITE_ROW ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return error;
  }

  void DropAppendOnlyTriggers() {
    EXPECT_EQ(Exec("DROP TRIGGER pms_audit_log_no_update"), "");
    EXPECT_EQ(Exec("DROP TRIGGER pms_audit_log_no_delete"), "");
  }

 private:
  sqlite3* db_ = nullptr;
};

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    Open();
  }
  void TearDown() override {
    if (store_) store_->Close();
  }

  void Open() {
    auto store = OpenStore("sqlite:" + path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }

  AuditEntry Entry(int n, const std::string& entity_id) {
    clock_.Advance(kMicrosPerSecond);
    return AuditEntry{
        .action = "update_item",
        .entity_type = "shopping_list_item",
        .entity_id = entity_id,
        .actor_id = "0192f3a4-7b1c-7def-8a12-3456789abcde",
        .actor_role = "captain",
        .payload = CanonicalJson(json::object{{"n", n}, {"note", "entry " + std::to_string(n)}}),
        .signature = "{}",
        .request_id = "req-" + std::to_string(n),
        .created_at = FormatRfc3339(clock_.Now())};
  }

  std::string Append(const std::string& yacht_id, const AuditEntry& entry) {
    std::string id;
    Status s = store_->Run(TxMode::kWrite, yacht_id, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(id, AppendAudit(tx, yacht_id, entry));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  // Appends n rows to the yacht's chain, entities cycling through `entities`.
  std::vector<std::string> AppendN(const std::string& yacht_id, int n,
                                   const std::vector<std::string>& entities = {"e"}) {
    std::vector<std::string> ids;
    for (int i = 1; i <= n; ++i) {
      ids.push_back(Append(yacht_id, Entry(i, entities[(i - 1) % entities.size()])));
    }
    return ids;
  }

  struct StoredRow {
    std::string id;
    int64_t seq;
    std::string prev_hash;
    std::string hash;
  };
  std::vector<StoredRow> Rows(const std::string& yacht_id) {
    std::vector<StoredRow> out;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_id,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(
                                auto rows,
                                tx.Query(Sql{"SELECT id, seq, prev_hash, hash FROM pms_audit_log "
                                             "WHERE yacht_id = $1 ORDER BY seq"},
                                         {yacht_id}));
                            for (const Row& r : rows)
                              out.push_back({r.Text(0), r.Int(1), r.Text(2), r.Text(3)});
                            return Status::OK();
                          })
                    .ok());
    return out;
  }
  std::optional<std::pair<int64_t, std::string>> Head(const std::string& yacht_id) {
    std::optional<std::pair<int64_t, std::string>> out;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_id,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(
                                auto row,
                                tx.QueryOne(Sql{"SELECT seq, hash FROM pms_audit_chain_heads "
                                                "WHERE yacht_id = $1"},
                                            {yacht_id}));
                            if (row) out = std::make_pair(row->Int(0), row->Text(1));
                            return Status::OK();
                          })
                    .ok());
    return out;
  }
  ChainReport Verify(const std::string& yacht_id) {
    auto reports = VerifyAuditChains(*store_, yacht_id);
    EXPECT_TRUE(reports.ok()) << reports.status().ToString();
    if (!reports.ok() || reports->size() != 1) {
      ADD_FAILURE() << "expected one report for " << yacht_id;
      return {};
    }
    return reports->front();
  }

  celeste::testing::TempDir dir_;
  std::string path_ = dir_.File("celeste.db");
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
};

TEST_F(AuditLogTest, AppendBuildsAChain) {
  const std::string yacht = NewUuidV7();
  const auto ids = AppendN(yacht, 5);
  const auto rows = Rows(yacht);
  ASSERT_EQ(rows.size(), 5u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, ids[i]) << "row " << i + 1;
    EXPECT_TRUE(IsUuid(rows[i].id)) << "row " << i + 1;
    EXPECT_EQ(rows[i].seq, static_cast<int64_t>(i + 1)) << "row " << i + 1;
    EXPECT_EQ(rows[i].prev_hash, i == 0 ? kGenesis : rows[i - 1].hash) << "row " << i + 1;
    EXPECT_EQ(rows[i].hash.size(), 64u) << "row " << i + 1;
    EXPECT_NE(rows[i].hash, rows[i].prev_hash) << "row " << i + 1;
  }
  const auto head = Head(yacht);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->first, 5);
  EXPECT_EQ(head->second, rows.back().hash);

  const ChainReport report = Verify(yacht);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.rows, 5);
  EXPECT_EQ(report.bad_seq, 0);
  EXPECT_TRUE(report.problem.empty());
}

TEST_F(AuditLogTest, ChainsOfTwoYachtsAreIndependent) {
  const std::string a = NewUuidV7();
  const std::string b = NewUuidV7();
  // Interleaved appends.
  for (int i = 1; i <= 3; ++i) {
    Append(a, Entry(i, "ea"));
    Append(b, Entry(i, "eb"));
  }
  Append(a, Entry(4, "ea"));
  const auto rows_a = Rows(a);
  const auto rows_b = Rows(b);
  ASSERT_EQ(rows_a.size(), 4u);
  ASSERT_EQ(rows_b.size(), 3u);
  EXPECT_EQ(rows_a.front().prev_hash, kGenesis);
  EXPECT_EQ(rows_b.front().prev_hash, kGenesis);
  EXPECT_EQ(rows_b.back().seq, 3);
  EXPECT_EQ(Head(a)->first, 4);
  EXPECT_EQ(Head(b)->first, 3);

  // Every chain: the two yachts' and the fleet's (empty here, and listed all the same).
  auto all = VerifyAuditChains(*store_, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  for (const auto& r : *all) {
    EXPECT_TRUE(r.ok) << r.yacht_id << ": " << r.problem;
    EXPECT_EQ(r.rows, r.yacht_id == a ? 4 : r.yacht_id == b ? 3 : 0) << r.yacht_id;
  }

  // Breaking one chain leaves the other intact.
  RawDb raw(path_);
  raw.DropAppendOnlyTriggers();
  ASSERT_EQ(raw.Exec("DELETE FROM pms_audit_log WHERE yacht_id = ?1 AND seq = 2", a), "");
  all = VerifyAuditChains(*store_, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  for (const auto& r : *all) EXPECT_EQ(r.ok, r.yacht_id != a) << r.yacht_id << ": " << r.problem;
}

TEST_F(AuditLogTest, VerifyEmptyAndUnknownChains) {
  // Nothing written: only the fleet chain is listed, empty and intact.
  auto all = VerifyAuditChains(*store_, std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().yacht_id, kFleetId);
  EXPECT_TRUE(all->front().ok);
  EXPECT_EQ(all->front().rows, 0);
  const ChainReport unknown = Verify(NewUuidV7());
  EXPECT_TRUE(unknown.ok);
  EXPECT_EQ(unknown.rows, 0);
}

TEST_F(AuditLogTest, AppendOnlyTriggersRefuseChanges) {
  const std::string yacht = NewUuidV7();
  AppendN(yacht, 2);
  RawDb raw(path_);
  EXPECT_NE(raw.Exec("UPDATE pms_audit_log SET actor_role = 'crew' WHERE yacht_id = ?1", yacht),
            "");
  EXPECT_NE(raw.Exec("DELETE FROM pms_audit_log WHERE yacht_id = ?1", yacht), "");
  EXPECT_TRUE(Verify(yacht).ok);
}

TEST_F(AuditLogTest, TamperingIsDetected) {
  struct Case {
    const char* name;
    std::vector<std::string> sql;  // run with ?1 = the yacht id, after dropping the triggers
    int64_t bad_seq;
    const char* problem;  // a fragment of the report's problem text
  };
  const Case kCases[] = {
      {"edited middle row (payload)",
       {R"(UPDATE pms_audit_log SET payload = '{"n":99}' WHERE yacht_id = ?1 AND seq = 3)"},
       3,
       "edited"},
      {"edited middle row (actor role)",
       {"UPDATE pms_audit_log SET actor_role = 'manager' WHERE yacht_id = ?1 AND seq = 3"},
       3,
       "edited"},
      {"edited first row (created_at)",
       {"UPDATE pms_audit_log SET created_at = '2020-01-01T00:00:00.000000Z' "
        "WHERE yacht_id = ?1 AND seq = 1"},
       1,
       "edited"},
      {"edited last row (entity)",
       {"UPDATE pms_audit_log SET entity_id = 'other' WHERE yacht_id = ?1 AND seq = 5"},
       5,
       "edited"},
      {"deleted middle row",
       {"DELETE FROM pms_audit_log WHERE yacht_id = ?1 AND seq = 3"},
       3,
       "missing"},
      {"deleted first row",
       {"DELETE FROM pms_audit_log WHERE yacht_id = ?1 AND seq = 1"},
       1,
       "missing"},
      {"reordered rows 2 and 3",
       {"UPDATE pms_audit_log SET seq = -1 WHERE yacht_id = ?1 AND seq = 2",
        "UPDATE pms_audit_log SET seq = 2 WHERE yacht_id = ?1 AND seq = 3",
        "UPDATE pms_audit_log SET seq = 3 WHERE yacht_id = ?1 AND seq = -1"},
       2,
       "does not link"},
      {"reordered rows 4 and 5",
       {"UPDATE pms_audit_log SET seq = -1 WHERE yacht_id = ?1 AND seq = 4",
        "UPDATE pms_audit_log SET seq = 4 WHERE yacht_id = ?1 AND seq = 5",
        "UPDATE pms_audit_log SET seq = 5 WHERE yacht_id = ?1 AND seq = -1"},
       4,
       "does not link"},
      {"deleted last row",
       {"DELETE FROM pms_audit_log WHERE yacht_id = ?1 AND seq = 5"},
       5,
       "head"},
      {"deleted last two rows",
       {"DELETE FROM pms_audit_log WHERE yacht_id = ?1 AND seq >= 4"},
       4,
       "head"},
      {"deleted every row", {"DELETE FROM pms_audit_log WHERE yacht_id = ?1"}, 1, "head"},
      {"deleted chain head", {"DELETE FROM pms_audit_chain_heads WHERE yacht_id = ?1"}, 5, "head"},
  };
  int n = 0;
  for (const auto& c : kCases) {
    // Each case on its own yacht with five rows, next to an untouched one.
    const std::string yacht = NewUuidV7();
    const std::string bystander = NewUuidV7();
    AppendN(yacht, 5);
    AppendN(bystander, 3);
    ASSERT_TRUE(Verify(yacht).ok) << "case " << c.name << ": broken before tampering";
    {
      RawDb raw(path_);
      if (n++ == 0) raw.DropAppendOnlyTriggers();
      for (const auto& sql : c.sql) ASSERT_EQ(raw.Exec(sql, yacht), "") << "case " << c.name;
    }
    const ChainReport report = Verify(yacht);
    EXPECT_FALSE(report.ok) << "case " << c.name << ": not detected";
    EXPECT_EQ(report.bad_seq, c.bad_seq) << "case " << c.name << ": " << report.problem;
    EXPECT_NE(report.problem.find(c.problem), std::string::npos)
        << "case " << c.name << ": problem '" << report.problem << "'";
    EXPECT_EQ(report.yacht_id, yacht) << "case " << c.name;
    EXPECT_TRUE(Verify(bystander).ok) << "case " << c.name << ": bystander chain";
  }
}

TEST_F(AuditLogTest, ListAuditFiltersByEntity) {
  const std::string yacht = NewUuidV7();
  const std::string other_yacht = NewUuidV7();
  AppendN(yacht, 6, {"item-a", "item-b", "item-c"});  // a b c a b c
  Append(yacht, Entry(7, ""));                        // no entity
  AppendN(other_yacht, 2, {"item-a"});

  struct Case {
    const char* name;
    std::string yacht;
    std::optional<std::string> entity;
    int limit;
    std::vector<int64_t> want_n;  // payload "n" of each row, in order
  };
  const Case kCases[] = {
      {"one entity", yacht, "item-a", 100, {1, 4}},
      {"another entity", yacht, "item-c", 100, {3, 6}},
      {"unknown entity", yacht, "item-z", 100, {}},
      {"every row, oldest first", yacht, std::nullopt, 100, {1, 2, 3, 4, 5, 6, 7}},
      {"limit", yacht, std::nullopt, 3, {1, 2, 3}},
      {"limit with an entity", yacht, "item-b", 1, {2}},
      {"same entity id on another yacht", other_yacht, "item-a", 100, {1, 2}},
  };
  for (const auto& c : kCases) {
    json::array rows;
    Status s = store_->Run(TxMode::kRead, c.yacht, [&](Tx& tx) {
      CELESTE_ASSIGN_OR_RETURN(rows, ListAudit(tx, c.yacht, c.entity, c.limit));
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << "case " << c.name << ": " << s.ToString();
    std::vector<int64_t> got;
    for (const auto& r : rows) {
      const auto& o = r.as_object();
      got.push_back(o.at("payload").as_object().at("n").as_int64());
      EXPECT_EQ(o.at("yacht_id").as_string(), c.yacht) << "case " << c.name;
      if (c.entity) {
        EXPECT_EQ(o.at("entity_id").as_string(), *c.entity) << "case " << c.name;
      }
      EXPECT_EQ(o.at("action").as_string(), "update_item") << "case " << c.name;
      EXPECT_TRUE(o.at("signature").is_object()) << "case " << c.name;
    }
    EXPECT_EQ(got, c.want_n) << "case " << c.name;
  }

  // The row without an entity lists entity_id as null.
  json::array all;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kRead, yacht,
                        [&](Tx& tx) {
                          CELESTE_ASSIGN_OR_RETURN(all, ListAudit(tx, yacht, std::nullopt, 100));
                          return Status::OK();
                        })
                  .ok());
  ASSERT_EQ(all.size(), 7u);
  EXPECT_TRUE(all.back().as_object().at("entity_id").is_null());
  EXPECT_EQ(all.back().as_object().at("seq").as_int64(), 7);
}

}  // namespace
}  // namespace celeste

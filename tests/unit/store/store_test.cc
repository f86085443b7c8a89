#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/log.h"
#include "temp_dir.h"

namespace celeste {
namespace {

TEST(OpenStoreTest, SqliteUrlsOpenAndCreateDirectories) {
  SetLogLevel(LogLevel::kWarn);
  celeste::testing::TempDir dir;
  const struct {
    const char* name;
    std::string url;
    std::string file;
  } kCases[] = {
      {"relative-style", "sqlite:" + dir.File("a/b/celeste.db"), dir.File("a/b/celeste.db")},
      {"triple slash", "sqlite://" + dir.File("c/celeste.db"), dir.File("c/celeste.db")},
  };
  for (const auto& c : kCases) {
    auto store = OpenStore(c.url);
    ASSERT_TRUE(store.ok()) << c.name << ": " << store.status().ToString();
    EXPECT_EQ((*store)->backend(), "sqlite") << c.name;
    EXPECT_TRUE(std::filesystem::exists(c.file)) << c.name;
    EXPECT_TRUE((*store)
                    ->Run(TxMode::kRead, "", [](Tx& tx) { return tx.Query({"SELECT 1"}).status(); })
                    .ok())
        << c.name;
  }
}

TEST(OpenStoreTest, OtherUrlsAreClearErrorsThatNeverEchoSecrets) {
  const struct {
    const char* url;
    const char* want;
  } kCases[] = {
      {"mysql://root:hunter2@db/celeste", "unsupported database URL scheme 'mysql'"},
      {"root:hunter2@db/celeste", "unsupported database URL scheme 'root'"},
      {"celeste.db", "unsupported database URL"},
      {"", "unsupported database URL"},
      {"sqlite:", "empty SQLite path"},
      {"sqlite::memory:", "in-memory databases"},
  };
  for (const auto& c : kCases) {
    auto store = OpenStore(c.url);
    ASSERT_FALSE(store.ok()) << c.url;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidRequest) << c.url;
    EXPECT_NE(store.status().message().find(c.want), std::string::npos)
        << c.url << " -> " << store.status().message();
    EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos) << c.url;
  }
}

TEST(OpenStoreTest, UnreachablePostgresIsAClearErrorThatNeverEchoesThePassword) {
  // Port 1 on the loopback refuses at once: no DNS, no waiting.
  for (const char* url : {"postgres://celeste:hunter2@127.0.0.1:1/celeste",
                          "postgresql://celeste:hunter2@127.0.0.1:1/celeste?sslmode=disable"}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), ErrorCode::kInternal) << url;
    EXPECT_NE(store.status().message().find("cannot connect to PostgreSQL"), std::string::npos)
        << store.status().message();
    EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos) << url;
  }
}

TEST(OpenStoreTest, MalformedPostgresUrlsAreRefusedWithoutQuotingThem) {
  // libpq's own parse errors would quote the whole URL, password included.
  for (const char* url : {"postgresql://app:s3cr%zzet@db/x", "postgresql://app:s3cret@[::1/x",
                          "postgres://app:s3cret@db/x?nosuchoption=1"}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidRequest) << url;
    EXPECT_NE(store.status().message().find("invalid PostgreSQL URL"), std::string::npos)
        << store.status().message();
    EXPECT_EQ(store.status().message().find("s3cr"), std::string::npos) << url;
  }
}

TEST(OpenStoreTest, PostgresPoolSizeIsChecked) {
  StoreOptions options;
  options.pool_size = 10'000;
  auto store = OpenStore("postgres://celeste:hunter2@127.0.0.1:1/celeste", options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(store.status().message().find("pool size"), std::string::npos);
}

TEST(OpenStoreTest, DefaultUrlIsSqlite) {
  EXPECT_EQ(std::string(kDefaultDbUrl).rfind("sqlite:", 0), 0u);
}

}  // namespace
}  // namespace celeste

// TempDir: a fresh directory per test for database files, removed afterwards.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "store/store.h"

namespace celeste::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "celeste-";
    if (info != nullptr) name += std::string(info->test_suite_name()) + "." + info->name() + "-";
    name += std::to_string(::getpid()) + "-" + std::to_string(counter++);
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A fresh SQLite store in `dir`, migrated; nullptr after recording a test failure.
inline std::unique_ptr<Store> NewMigratedStore(const TempDir& dir) {
  auto store = OpenStore("sqlite:" + dir.File("celeste.db"));
  if (!store.ok()) {
    ADD_FAILURE() << "open: " << store.status().ToString();
    return nullptr;
  }
  if (Status s = (*store)->Migrate(); !s.ok()) {
    ADD_FAILURE() << "migrate: " << s.ToString();
    return nullptr;
  }
  return std::move(store).value();
}

}  // namespace celeste::testing

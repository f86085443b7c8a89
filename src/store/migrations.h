// Migrations: numbered SQL files compiled into the binary (see cmake/embed_migrations.cmake).
#pragma once

#include <string>
#include <vector>

namespace celeste {

struct Migration {
  std::string name;  // file name without extension, e.g. "0001_foundation"
  std::string sql;
};

// Sorted by name. Never edit an applied migration; add a new file.
const std::vector<Migration>& SqliteMigrations();
const std::vector<Migration>& PostgresMigrations();

}  // namespace celeste

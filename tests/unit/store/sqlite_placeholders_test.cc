#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/placeholders.h"

namespace celeste {
namespace {

TEST(RewritePlaceholdersTest, RewritesOnlyRealPlaceholders) {
  struct Case {
    const char* name;
    const char* sql;
    const char* want;
  };
  const Case kCases[] = {
      {"none", "SELECT 1", "SELECT 1"},
      {"one", "SELECT $1", "SELECT ?1"},
      {"order kept", "UPDATE t SET a = $2 WHERE id = $1", "UPDATE t SET a = ?2 WHERE id = ?1"},
      {"two digits", "VALUES ($10, $1, $11)", "VALUES (?10, ?1, ?11)"},
      {"no spaces", "a=$1,b=$2", "a=?1,b=?2"},
      {"in parens", "IN ($1,$2)", "IN (?1,?2)"},
      {"string literal", "SELECT '$1', $1", "SELECT '$1', ?1"},
      {"escaped quote", "SELECT 'it''s $1' || $2", "SELECT 'it''s $1' || ?2"},
      {"quoted identifier", "SELECT \"col$1\" FROM t WHERE x = $1",
       "SELECT \"col$1\" FROM t WHERE x = ?1"},
      {"escaped identifier quote", "SELECT \"a\"\"$1\" , $1", "SELECT \"a\"\"$1\" , ?1"},
      {"backtick identifier", "SELECT `$1`, $1", "SELECT `$1`, ?1"},
      {"bracket identifier", "SELECT [$1], $1", "SELECT [$1], ?1"},
      {"line comment", "SELECT $1 -- not $2\n, $3", "SELECT ?1 -- not $2\n, ?3"},
      {"block comment", "SELECT /* $1 */ $2", "SELECT /* $1 */ ?2"},
      {"identifier with dollar", "SELECT a$1 FROM t", "SELECT a$1 FROM t"},
      {"bare dollar", "SELECT '$' || $1 || $", "SELECT '$' || ?1 || $"},
      {"dollar name", "SELECT $abc", "SELECT $abc"},
      {"unterminated string", "SELECT '$1", "SELECT '$1"},
      {"minus not comment", "SELECT 5-$1", "SELECT 5-?1"},
      {"utf8 literal", "SELECT 'ancre ⚓ $1', $1", "SELECT 'ancre ⚓ $1', ?1"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(RewritePlaceholders(c.sql), c.want) << c.name;
  }
}

}  // namespace
}  // namespace celeste

#include "core/uuid.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/hash.h"

namespace celeste {
namespace {

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Checks the RFC 9562 v7 layout of a canonical lower-case id.
void ExpectV7(const std::string& id, const std::string& context) {
  ASSERT_EQ(id.size(), 36u) << context;
  EXPECT_TRUE(IsUuid(id)) << context << ": " << id;
  EXPECT_EQ(NormalizeUuid(id), id) << context << ": must already be lower-case";
  EXPECT_EQ(id[14], '7') << context << ": version nibble of " << id;
  EXPECT_GE(HexValue(id[19]), 8) << context << ": variant bits of " << id;
  EXPECT_LE(HexValue(id[19]), 0xb) << context << ": variant bits of " << id;
}

class UuidTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(UuidTest, NewIdsAreV7StrictlyIncreasingAndUnique) {
  constexpr int kCount = 10'000;
  std::vector<std::string> ids;
  ids.reserve(kCount);
  for (int i = 0; i < kCount; ++i) ids.push_back(NewUuidV7());
  for (int i = 0; i < kCount; ++i) {
    ExpectV7(ids[i], "id #" + std::to_string(i));
    if (i > 0) {
      EXPECT_LT(ids[i - 1], ids[i]) << "ids #" << i - 1 << " and #" << i;
    }
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST_F(UuidTest, TimestampIsTheFirst48Bits) {
  struct Case {
    int64_t unix_ms;
    const char* prefix;  // 48 bits of time as 12 hex digits, the dashes, the version nibble
  };
  const Case kCases[] = {
      {0, "00000000-0000-7"},
      {1, "00000000-0001-7"},
      {0x0192f3a47b1c, "0192f3a4-7b1c-7"},
      {0xffffffffffff, "ffffffff-ffff-7"},
  };
  for (const auto& c : kCases) {
    const std::string id = NewUuidV7At(c.unix_ms);
    ExpectV7(id, "ms " + std::to_string(c.unix_ms));
    EXPECT_EQ(id.substr(0, 15), c.prefix) << "ms " << c.unix_ms;
  }
  EXPECT_NE(NewUuidV7At(1000), NewUuidV7At(1000)) << "low bits are random";
}

TEST(UuidFormatTest, IsUuid) {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case kCases[] = {
      {"0192f3a4-7b1c-7def-8a12-3456789abcde", true},
      {"0192F3A4-7B1C-7DEF-8A12-3456789ABCDE", true},
      {"00000000-0000-0000-0000-000000000000", true},
      {"", false},
      {"0192f3a4-7b1c-7def-8a12-3456789abcd", false},    // 35 chars
      {"0192f3a4-7b1c-7def-8a12-3456789abcdef", false},  // 37 chars
      {"0192f3a47b1c7def8a123456789abcde", false},       // no dashes
      {"0192f3a4_7b1c-7def-8a12-3456789abcde", false},
      {"0192f3a4-7b1c-7def-8a12-3456789abcdg", false},
      {"{0192f3a4-7b1c-7def-8a12-3456789abcde}", false},
      {" 0192f3a4-7b1c-7def-8a12-3456789abcd", false},
      {"0192f3a-47b1c-7def-8a12-3456789abcde", false},  // dash in the wrong place
  };
  for (const auto& c : kCases) EXPECT_EQ(IsUuid(c.text), c.valid) << "'" << c.text << "'";
}

TEST(UuidFormatTest, NormalizeLowerCasesValidIdsOnly) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case kCases[] = {
      {"0192F3A4-7B1C-7DEF-8A12-3456789ABCDE", "0192f3a4-7b1c-7def-8a12-3456789abcde"},
      {"0192f3a4-7b1c-7def-8a12-3456789abcde", "0192f3a4-7b1c-7def-8a12-3456789abcde"},
      {"NOT-A-UUID", "NOT-A-UUID"},
  };
  for (const auto& c : kCases) EXPECT_EQ(NormalizeUuid(c.in), c.out) << "'" << c.in << "'";
  EXPECT_TRUE(IsUuid(kFleetId));
}

}  // namespace
}  // namespace celeste

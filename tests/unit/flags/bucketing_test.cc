// Sticky bucketing (CONTRACT §6): MurmurHash3 x86_32 and Unleash's normalizedValue.
#include "flags/bucketing.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace celeste {
namespace {

// Published MurmurHash3_x86_32 vectors (SMHasher / the algorithm's reference tests), plus
// short keys covering each tail length; every value was also checked against an
// independent implementation of the published algorithm.
TEST(BucketingTest, Murmur3KnownVectors) {
  struct Case {
    const char* key;
    uint32_t seed;
    uint32_t want;
  };
  const Case kCases[] = {
      {"", 0, 0x00000000},
      {"", 1, 0x514e28b7},
      {"hello", 0, 0x248bfa47},
      {"hello", 1, 0xbb4abcad},
      {"The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723},
      {"a", 0, 0x3c2569b2},     // tail of 1
      {"ab", 0, 0x9bbfd75f},    // tail of 2
      {"abc", 0, 0xb3dd93fa},   // tail of 3
      {"abcd", 0, 0x43ed676a},  // one block, no tail
  };
  for (const auto& c : kCases) {
    char want[16];
    std::snprintf(want, sizeof want, "0x%08x", c.want);
    char got[16];
    std::snprintf(got, sizeof got, "0x%08x", Murmur3Hash32(c.key, c.seed));
    EXPECT_STREQ(got, want) << "case '" << c.key << "' seed " << c.seed;
  }
}

TEST(BucketingTest, Murmur3HashesBytesNotCStrings) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Murmur3Hash32(with_nul), Murmur3Hash32("a"));
  EXPECT_EQ(Murmur3Hash32(with_nul), Murmur3Hash32(std::string_view(with_nul)));
}

// Unleash client-specification vectors for normalizedValue(id, groupId).
TEST(BucketingTest, UnleashNormalizedValueVectors) {
  struct Case {
    const char* id;
    const char* group;
    int want;
  };
  const Case kCases[] = {
      {"123", "gr1", 73},
      {"999", "groupX", 25},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(NormalizedValue(c.id, c.group), c.want) << "case " << c.group << ":" << c.id;
  }
}

TEST(BucketingTest, FlagBucketIsNormalizedValueOfYachtInFlagGroup) {
  struct Case {
    const char* flag;
    const char* yacht;
  };
  const Case kCases[] = {
      {"SHOPPING_LIST_LENS_V1_ENABLED", "0192f3a4-7b1c-7def-8a12-3456789abcde"},
      {"gr1", "123"},
      {"groupX", "999"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(FlagBucket(c.flag, c.yacht), NormalizedValue(c.yacht, c.flag)) << "case " << c.flag;
    const uint32_t h = Murmur3Hash32(std::string(c.flag) + ":" + c.yacht);
    EXPECT_EQ(FlagBucket(c.flag, c.yacht), static_cast<int>(h % 100) + 1) << "case " << c.flag;
  }
}

// Deterministic UUIDv4-shaped yacht ids.
std::vector<std::string> RandomYachtIds(size_t n) {
  std::mt19937_64 rng(20261122);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t hi = rng();
    const uint64_t lo = rng();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                  static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    out.emplace_back(buf);
  }
  return out;
}

TEST(BucketingTest, CanaryShareMatchesPercentage) {
  struct Case {
    const char* flag;
    int percentage;
  };
  const Case kCases[] = {
      {"SHOPPING_LIST_LENS_V1_ENABLED", 30}, {"PARTS_LENS_V1_ENABLED", 30},
      {"SHOPPING_LIST_LENS_V1_ENABLED", 10}, {"SHOPPING_LIST_LENS_V1_ENABLED", 50},
      {"SHOPPING_LIST_LENS_V1_ENABLED", 90},
  };
  const auto yachts = RandomYachtIds(10000);
  for (const auto& c : kCases) {
    int on = 0;
    for (const auto& y : yachts) {
      const int bucket = FlagBucket(c.flag, y);
      ASSERT_GE(bucket, 1) << "case " << c.flag << " " << c.percentage << "% yacht " << y;
      ASSERT_LE(bucket, 100) << "case " << c.flag << " " << c.percentage << "% yacht " << y;
      if (bucket <= c.percentage) ++on;
    }
    const double share = 100.0 * on / static_cast<double>(yachts.size());
    EXPECT_NEAR(share, c.percentage, 2.0) << "case " << c.flag << " " << c.percentage << "%";
  }
}

TEST(BucketingTest, BucketIsStickyAndDependsOnTheFlag) {
  const auto yachts = RandomYachtIds(1000);
  int differ = 0;
  for (const auto& y : yachts) {
    EXPECT_EQ(FlagBucket("A_FLAG", y), FlagBucket("A_FLAG", y)) << "yacht " << y;
    if (FlagBucket("A_FLAG", y) != FlagBucket("B_FLAG", y)) ++differ;
  }
  // Independent flags put a yacht in different buckets ~99 % of the time.
  EXPECT_GT(differ, 900);
}

}  // namespace
}  // namespace celeste

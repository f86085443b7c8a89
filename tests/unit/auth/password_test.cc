#include "auth/password.h"

#include <string>

#include <gtest/gtest.h>

#include "core/hash.h"

namespace celeste {
namespace {

class PasswordTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(PasswordTest, HashThenVerifyRightAndWrong) {
  struct Case {
    const char* name;
    SecretKind kind;
    std::string secret;
    std::string wrong;
    const char* params;  // the parameters the hash string must name
  };
  const Case kCases[] = {
      {"password", SecretKind::kPassword, "correct horse battery staple",
       "correct horse battery stapl", "$argon2id$v=19$m=19456,t=2,p=1$"},
      {"password, one byte different", SecretKind::kPassword, "Password123!", "password123!",
       "$argon2id$v=19$m=19456,t=2,p=1$"},
      {"4-digit pin", SecretKind::kPin, "1234", "1235", "$argon2id$v=19$m=8192,t=2,p=1$"},
      {"8-digit pin", SecretKind::kPin, "00000000", "0000000", "$argon2id$v=19$m=8192,t=2,p=1$"},
      {"non-ascii password", SecretKind::kPassword, "m\xc3\xa4nner-\xe2\x9b\xb5-crew",
       "manner-crew", "$argon2id$v=19$m=19456,t=2,p=1$"},
      {"embedded NUL", SecretKind::kPassword, std::string("abc\0defgh", 9), "abc",
       "$argon2id$v=19$m=19456,t=2,p=1$"},
  };
  for (const auto& c : kCases) {
    const std::string hash = HashSecret(c.secret, c.kind);
    EXPECT_TRUE(hash.starts_with("$argon2id$")) << "case " << c.name << ": " << hash;
    EXPECT_TRUE(hash.starts_with(c.params)) << "case " << c.name << ": " << hash;
    EXPECT_EQ(hash.find(c.secret), std::string::npos) << "case " << c.name;
    EXPECT_TRUE(VerifySecret(hash, c.secret)) << "case " << c.name;
    EXPECT_FALSE(VerifySecret(hash, c.wrong)) << "case " << c.name;
    EXPECT_FALSE(VerifySecret(hash, "")) << "case " << c.name;
  }
}

TEST_F(PasswordTest, SaltMakesEveryHashDifferent) {
  const std::string a = HashSecret("1234", SecretKind::kPin);
  const std::string b = HashSecret("1234", SecretKind::kPin);
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifySecret(a, "1234"));
  EXPECT_TRUE(VerifySecret(b, "1234"));
}

TEST_F(PasswordTest, MalformedHashIsFalse) {
  const std::string good = HashSecret("1234", SecretKind::kPin);
  ASSERT_TRUE(VerifySecret(good, "1234"));
  std::string flipped = good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';

  struct Case {
    const char* name;
    std::string hash;
  };
  const Case kCases[] = {
      {"empty", ""},
      {"plaintext", "1234"},
      {"prefix only", "$argon2id$"},
      {"truncated", good.substr(0, good.size() - 10)},
      {"last character changed", flipped},
      {"trailing garbage", good + "x"},
      {"embedded NUL", good.substr(0, 20) + std::string(1, '\0') + good.substr(21)},
      {"too long", good + std::string(200, 'A')},
      {"argon2i",
       "$argon2i$v=19$m=8192,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
       "c29tZWhhc2hzb21laGFzaHNvbWVoYXNoc29tZWhhc2g"},
      {"bcrypt", "$2b$12$abcdefghijklmnopqrstuuJ6JvQ0y0E1Tn4w1xv3qH6gD8oZ9c7a"},
      {"huge memory parameter", "$argon2id$v=19$m=999999999999,t=2,p=1$c29tZXNhbHQ$aGFzaA"},
  };
  for (const auto& c : kCases) {
    EXPECT_FALSE(VerifySecret(c.hash, "1234")) << "case " << c.name;
  }
}

TEST_F(PasswordTest, DummyVerifyAcceptsAnyInputWithoutCrashing) {
  // No observable result: it must simply run, repeatedly, for any input.
  for (SecretKind kind : {SecretKind::kPassword, SecretKind::kPin}) {
    VerifyDummySecret("", kind);
    VerifyDummySecret("some password", kind);
    VerifyDummySecret(std::string(256, 'x'), kind);
  }
  SUCCEED();
}

TEST(PinTest, IsValidPin) {
  struct Case {
    std::string pin;
    bool valid;
  };
  const Case kCases[] = {
      {"1234", true},
      {"0000", true},
      {"12345678", true},
      {"98765", true},
      {"123", false},
      {"123456789", false},
      {"", false},
      {"12a4", false},
      {"12 4", false},
      {"-123", false},
      {"+1234", false},
      {"1234\n", false},
      {"١٢٣٤", false},  // Arabic-Indic digits are not ASCII
      {std::string("12\0"
                   "4",
                   4),
       false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsValidPin(c.pin), c.valid) << "pin '" << c.pin << "'";
  }
}

TEST(PasswordRulesTest, IsValidPassword) {
  struct Case {
    const char* name;
    std::string password;
    bool valid;
  };
  const Case kCases[] = {
      {"empty", "", false},
      {"7 bytes", "1234567", false},
      {"8 bytes", "12345678", true},
      {"spaces count", "        ", true},
      {"256 bytes", std::string(256, 'a'), true},
      {"257 bytes", std::string(257, 'a'), false},
      {"multibyte counts bytes", "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4", true},  // 4 chars, 8 bytes
      {"multibyte under 8 bytes", "\xc3\xa4\xc3\xa4\xc3\xa4", false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsValidPassword(c.password), c.valid) << "case " << c.name;
  }
}

}  // namespace
}  // namespace celeste

#include "core/hash.h"

#include <string>

#include <gtest/gtest.h>

namespace celeste {
namespace {

class HashTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(HashTest, Sha256KnownVectors) {
  struct Case {
    const char* input;
    const char* hex;
  };
  // FIPS 180-2 examples.
  const Case kCases[] = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  for (const auto& c : kCases) EXPECT_EQ(Sha256Hex(c.input), c.hex) << "'" << c.input << "'";
}

TEST_F(HashTest, HmacSha256Rfc4231) {
  struct Case {
    const char* name;
    std::string key;
    std::string data;
    const char* hex;
  };
  const Case kCases[] = {
      {"RFC 4231 test case 1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"RFC 4231 test case 2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"RFC 4231 test case 6 (key longer than a block)", std::string(131, '\xaa'),
       "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const auto& c : kCases) {
    const std::string mac = HmacSha256(c.key, c.data);
    EXPECT_EQ(mac.size(), 32u) << "case " << c.name;
    EXPECT_EQ(HexEncode(mac), c.hex) << "case " << c.name;
  }
}

TEST_F(HashTest, HexEncode) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

TEST_F(HashTest, Base64UrlRoundTrip) {
  struct Case {
    std::string bytes;
    const char* text;
  };
  // RFC 4648 §10 vectors, plus bytes that use the URL-safe alphabet ('-' and '_').
  const Case kCases[] = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"},
      {"\xff\xfe\xfd\xfc", "__79_A"},
      {R"({"alg":"HS256","typ":"JWT"})", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(Base64UrlEncode(c.bytes), c.text) << "'" << c.text << "'";
    EXPECT_EQ(Base64UrlDecode(c.text), c.bytes) << "'" << c.text << "'";
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)), all);
}

TEST_F(HashTest, Base64UrlDecodeRejects) {
  static constexpr const char* kCases[] = {
      "Zg==",     // padding
      "Zm8=",     // padding
      "Zg=",      // partial padding
      "Z",        // a lone character carries no whole byte
      "Zh",       // non-zero trailing bits (non-canonical "f")
      "+/8",      // standard alphabet, not URL-safe
      "Zm9v Yg",  // whitespace
      "Zm9v\n",   // newline
      "Zm9v.",    // JWT separator
      "Zm9v*",    // invalid character
  };
  for (const char* text : kCases) {
    EXPECT_EQ(Base64UrlDecode(text), std::nullopt) << "'" << text << "'";
  }
}

TEST_F(HashTest, ConstantTimeEquals) {
  struct Case {
    std::string a;
    std::string b;
    bool equal;
  };
  const Case kCases[] = {
      {"", "", true},
      {"secret", "secret", true},
      {"secret", "secreT", false},
      {"secret", "secret!", false},
      {"secret", "", false},
      {std::string("a\0b", 3), std::string("a\0c", 3), false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ConstantTimeEquals(c.a, c.b), c.equal) << "'" << c.a << "' vs '" << c.b << "'";
  }
}

}  // namespace
}  // namespace celeste

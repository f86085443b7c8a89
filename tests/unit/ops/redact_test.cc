// RedactSecrets: what Lens Ops writes down never holds a token, a password or a PIN.
#include "ops/redact.h"

#include <gtest/gtest.h>

namespace celeste::ops {
namespace {

constexpr const char* kJwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

TEST(RedactTest, RemovesJwtsBearerTokensPasswordsAndPins) {
  struct Case {
    std::string text;
    std::string secret;
  };
  const Case kCases[] = {
      {std::string("token ") + kJwt + " in a message", kJwt},
      {"Authorization: Bearer opaque-token-123", "opaque-token-123"},
      {R"({"email":"a@b.c","password":"hunter2"})", "hunter2"},
      {R"({"signature":{"signer_id":"x","pin":"4321"}})", "4321"},
      {R"({"new_pin": "8765", "x": 1})", "8765"},
      {"access_token=abc.def&x=1", "abc.def"},
      {R"({"client_secret": 98765})", "98765"},
      {R"({"refresh_token":"with \"quote\" inside"})", "quote"},
  };
  for (const Case& c : kCases) {
    const std::string out = RedactSecrets(c.text);
    EXPECT_EQ(out.find(c.secret), std::string::npos) << c.text << " -> " << out;
    EXPECT_NE(out.find(kRedacted), std::string::npos) << c.text << " -> " << out;
  }
}

TEST(RedactTest, LeavesOrdinaryTextAlone) {
  for (const char* text :
       {R"({"action":"list_shopping_list_items","shopping_list":true,"mapping":"x"})",
        "GET /v1/actions/list?yacht_id=0190a000-0000-7000-8000-00000000000a&domain=parts",
        "internal_error: fault injected by CELESTE_FAULT_INJECTION (parts:500:1)",
        R"({"token_type":"bearer","expires_in":3600})",
        // Already redacted (a transcript's header line): not quoted a second time.
        "authorization: [REDACTED]\ncookie: [REDACTED]"}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

}  // namespace
}  // namespace celeste::ops

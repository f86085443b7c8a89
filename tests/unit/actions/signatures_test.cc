// Signatures for SIGNED actions (CONTRACT §5 and §2 step 8): payload hash, shape checks,
// signer role, PIN and the per-signer lockout, against a real, migrated SQLite store.
#include "actions/signatures.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "../store/temp_dir.h"
#include "auth/directory.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/log.h"
#include "core/uuid.h"
#include "store/store.h"

namespace celeste {
namespace {

namespace json = boost::json;

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;
constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kMinute = 60 * kSecond;
constexpr const char* kPin = "4321";

std::string CodeName(ErrorCode code) { return std::string(ErrorCodeName(code)); }

TEST(SignaturePayloadTest, PayloadSha256IsOverCanonicalJson) {
  struct Case {
    const char* name;
    const char* payload;
    const char* hex;  // computed independently: printf '%s' '<canonical>' | sha256sum
  };
  const Case kCases[] = {
      {"fixed payload", R"({"a":1,"b":"x"})",
       "ecf9e98ec0641e23113ff3ce8bdc78d0ddd249886517fd4a7f68cc83d4e65667"},
      {"key order is irrelevant", R"({"b":"x","a":1})",
       "ecf9e98ec0641e23113ff3ce8bdc78d0ddd249886517fd4a7f68cc83d4e65667"},
      {"whitespace is irrelevant", "{ \"b\" : \"x\" ,\n \"a\" : 1 }",
       "ecf9e98ec0641e23113ff3ce8bdc78d0ddd249886517fd4a7f68cc83d4e65667"},
      {"empty payload", "{}", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
      {"nested objects sorted too",
       R"({"quantity":2,"meta":{"y":[true,null],"x":1},"item_id":"0192f3a4-7b1c-7def-8a12-3456789abcde"})",
       "f7b5a6a2e2c3d8d2908d3cdae6a3d03fee1d1ba936a0c236198bd1ed87dea24a"},
  };
  InitCrypto();
  for (const auto& c : kCases) {
    auto payload = ParseJson(c.payload);
    ASSERT_TRUE(payload && payload->is_object()) << "case " << c.name;
    EXPECT_EQ(PayloadSha256(payload->get_object()), c.hex) << "case " << c.name;
  }
}

class SignaturesTest : public ::testing::Test {
 public:  // the case tables' lambdas reach in through a SignaturesTest&
  void SetUp() override {
    InitCrypto();
    SetLogLevel(LogLevel::kWarn);
    store_ = NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    directory_ = std::make_unique<Directory>(*store_, clock_);
    throttle_ = std::make_unique<Throttle>(*store_, clock_);
    verifier_ = std::make_unique<SignatureVerifier>(*directory_, *throttle_, clock_);

    yacht_ = *directory_->AddYacht("Aurora", std::nullopt);
    other_yacht_ = *directory_->AddYacht("Borealis", std::nullopt);
    captain_ = AddUser("captain", yacht_, Role::kCaptain, kPin);
    crew_ = AddUser("crew", yacht_, Role::kCrew, kPin);
    outsider_ = AddUser("outsider", other_yacht_, Role::kCaptain, kPin);
    no_pin_ = AddUser("nopin", yacht_, Role::kChiefEngineer, std::nullopt);
    inactive_ = AddUser("inactive", yacht_, Role::kCaptain, kPin, /*active=*/false);

    action_.id = "sign_off_item";
    action_.label = "Sign off item";
    action_.lens = "test";
    action_.variant = Variant::kSigned;
    action_.allowed_roles = RoleSet::All();
    action_.signer_roles = {Role::kCaptain, Role::kChiefEngineer};
    payload_ = {{"item_id", "0192f3a4-7b1c-7def-8a12-3456789abcde"}, {"quantity", 2}};
  }
  void TearDown() override { store_->Close(); }

  std::string AddUser(const std::string& name, const std::string& yacht, Role role,
                      std::optional<std::string> pin, bool active = true) {
    NewUser u{.email = name + "@aurora.test",
              .password = "correct horse",
              .name = name,
              .pin = std::move(pin),
              .id = std::nullopt,
              .yacht_id = std::nullopt,
              .role = std::nullopt};
    auto id = directory_->AddUser(u);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(directory_->SetMembership(*id, yacht, role, active).ok());
    return *id;
  }

  // A well-formed signature by `signer`, signed now.
  json::object Signature(const std::string& signer, const std::string& pin = kPin) const {
    return {{"signer_id", signer},
            {"method", "pin"},
            {"pin", pin},
            {"signed_at", FormatRfc3339(clock_.Now())}};
  }

  Result<SignatureRecord> Verify(const json::value* signature) {
    return verifier_->Verify(action_, yacht_, signature, payload_);
  }
  Result<SignatureRecord> Verify(const json::object& signature) {
    const json::value v(signature);
    return Verify(&v);
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Throttle> throttle_;
  std::unique_ptr<SignatureVerifier> verifier_;
  std::string yacht_;
  std::string other_yacht_;
  std::string captain_;
  std::string crew_;
  std::string outsider_;
  std::string no_pin_;
  std::string inactive_;
  ActionDef action_;
  json::object payload_;
};

TEST_F(SignaturesTest, VerifyChecksInContractOrder) {
  using E = ErrorCode;
  struct Case {
    const char* name;
    std::function<json::value(SignaturesTest&)> signature;
    ErrorCode code;
    const char* field;  // details.field for invalid_signature, "" when none is expected
  };
  auto with = [](std::function<void(SignaturesTest&, json::object&)> edit) {
    return [edit](SignaturesTest& t) -> json::value {
      json::object sig = t.Signature(t.captain_);
      edit(t, sig);
      return sig;
    };
  };
  auto skewed = [&](Micros by) {
    return with([by](SignaturesTest& t, json::object& s) {
      s["signed_at"] = FormatRfc3339(t.clock_.Now() + by);
    });
  };
  const Case kCases[] = {
      {"null", [](SignaturesTest&) { return json::value(nullptr); }, E::kSignatureRequired, ""},
      {"not an object", [](SignaturesTest&) { return json::value("1234"); }, E::kInvalidSignature,
       ""},
      {"an array", [](SignaturesTest&) { return json::value(json::array{}); }, E::kInvalidSignature,
       ""},
      {"unknown member", with([](SignaturesTest&, json::object& s) { s["role"] = "captain"; }),
       E::kInvalidSignature, "role"},
      {"signer_id missing", with([](SignaturesTest&, json::object& s) { s.erase("signer_id"); }),
       E::kInvalidSignature, "signer_id"},
      {"signer_id not a uuid",
       with([](SignaturesTest&, json::object& s) { s["signer_id"] = "captain"; }),
       E::kInvalidSignature, "signer_id"},
      {"method missing", with([](SignaturesTest&, json::object& s) { s.erase("method"); }),
       E::kInvalidSignature, "method"},
      {"method not pin", with([](SignaturesTest&, json::object& s) { s["method"] = "password"; }),
       E::kInvalidSignature, "method"},
      {"pin missing", with([](SignaturesTest&, json::object& s) { s.erase("pin"); }),
       E::kInvalidSignature, "pin"},
      {"pin too short", with([](SignaturesTest&, json::object& s) { s["pin"] = "123"; }),
       E::kInvalidSignature, "pin"},
      {"pin too long", with([](SignaturesTest&, json::object& s) { s["pin"] = "123456789"; }),
       E::kInvalidSignature, "pin"},
      {"pin not digits", with([](SignaturesTest&, json::object& s) { s["pin"] = "12a4"; }),
       E::kInvalidSignature, "pin"},
      {"pin as a number", with([](SignaturesTest&, json::object& s) { s["pin"] = 4321; }),
       E::kInvalidSignature, "pin"},
      {"signed_at missing", with([](SignaturesTest&, json::object& s) { s.erase("signed_at"); }),
       E::kInvalidSignature, "signed_at"},
      {"signed_at not RFC 3339",
       with([](SignaturesTest&, json::object& s) { s["signed_at"] = "yesterday"; }),
       E::kInvalidSignature, "signed_at"},
      {"signed_at 5 min 1 s ahead", skewed(5 * kMinute + kSecond), E::kInvalidSignature,
       "signed_at"},
      {"signed_at 5 min 1 s behind", skewed(-5 * kMinute - kSecond), E::kInvalidSignature,
       "signed_at"},
      {"signed_at one hour behind", skewed(-60 * kMinute), E::kInvalidSignature, "signed_at"},
      {"signed_at 5 min ahead", skewed(5 * kMinute), E::kOk, ""},
      {"signed_at 5 min behind", skewed(-5 * kMinute), E::kOk, ""},
      {"signed_at with an offset", with([](SignaturesTest& t, json::object& s) {
         // Now, written as local time two hours east of UTC.
         std::string utc = FormatRfc3339(t.clock_.Now());
         int hour = std::stoi(utc.substr(11, 2));
         ASSERT_LT(hour, 22);
         char local[16];
         std::snprintf(local, sizeof local, "%02d", hour + 2);
         s["signed_at"] = utc.substr(0, 11) + local + utc.substr(13, 13) + "+02:00";
       }),
       E::kOk, ""},
      {"reason not a string", with([](SignaturesTest&, json::object& s) { s["reason"] = 42; }),
       E::kInvalidSignature, "reason"},
      {"reason over 500 characters",
       with([](SignaturesTest&, json::object& s) { s["reason"] = std::string(501, 'r'); }),
       E::kInvalidSignature, "reason"},
      {"reason null", with([](SignaturesTest&, json::object& s) { s["reason"] = nullptr; }), E::kOk,
       ""},
      {"reason text", with([](SignaturesTest&, json::object& s) { s["reason"] = "sea trial"; }),
       E::kOk, ""},
      {"unknown signer",
       with([](SignaturesTest&, json::object& s) { s["signer_id"] = NewUuidV7(); }),
       E::kInvalidSignerRole, ""},
      {"signer on another yacht only",
       with([](SignaturesTest& t, json::object& s) { s["signer_id"] = t.outsider_; }),
       E::kInvalidSignerRole, ""},
      {"inactive membership",
       with([](SignaturesTest& t, json::object& s) { s["signer_id"] = t.inactive_; }),
       E::kInvalidSignerRole, ""},
      {"signer role may not sign",
       with([](SignaturesTest& t, json::object& s) { s["signer_id"] = t.crew_; }),
       E::kInvalidSignerRole, ""},
      {"wrong PIN", with([](SignaturesTest&, json::object& s) { s["pin"] = "0000"; }),
       E::kInvalidSignature, "pin"},
      {"signer without a PIN",
       with([](SignaturesTest& t, json::object& s) { s["signer_id"] = t.no_pin_; }),
       E::kInvalidSignature, "pin"},
      {"correct PIN", with([](SignaturesTest&, json::object&) {}), E::kOk, ""},
      {"upper-case signer id", with([](SignaturesTest& t, json::object& s) {
         std::string upper = t.captain_;
         for (char& ch : upper)
           ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
         s["signer_id"] = upper;
       }),
       E::kOk, ""},
      // Several failures at once: the earliest check answers.
      {"shape beats unknown signer", with([](SignaturesTest&, json::object& s) {
         s["signer_id"] = NewUuidV7();
         s["pin"] = "12";
       }),
       E::kInvalidSignature, "pin"},
      {"stale signed_at beats signer role", with([](SignaturesTest& t, json::object& s) {
         s["signer_id"] = t.crew_;
         s["signed_at"] = FormatRfc3339(t.clock_.Now() - 10 * kMinute);
       }),
       E::kInvalidSignature, "signed_at"},
      {"signer role beats wrong PIN", with([](SignaturesTest& t, json::object& s) {
         s["signer_id"] = t.crew_;
         s["pin"] = "0000";
       }),
       E::kInvalidSignerRole, ""},
      {"unknown member beats everything", with([](SignaturesTest& t, json::object& s) {
         s["signer_id"] = "nobody";
         s["method"] = "sms";
         s["extra"] = true;
       }),
       E::kInvalidSignature, "extra"},
  };
  for (const auto& c : kCases) {
    clock_.Advance(kMinute);
    ASSERT_TRUE(throttle_->Clear(AttemptKind::kPin, captain_).ok());
    const json::value sig = c.signature(*this);
    const auto result = Verify(&sig);
    EXPECT_EQ(CodeName(result.status().code()), CodeName(c.code))
        << "case " << c.name << ": " << result.status().ToString();
    if (!result.ok() && *c.field) {
      const auto* field = result.status().details().if_contains("field");
      ASSERT_NE(field, nullptr) << "case " << c.name;
      EXPECT_EQ(json::value_to<std::string>(*field), c.field) << "case " << c.name;
    }
    if (result.ok()) {
      EXPECT_EQ(result->signer_id, captain_) << "case " << c.name;
      EXPECT_EQ(result->role_at_signing, Role::kCaptain) << "case " << c.name;
      EXPECT_EQ(result->method, "pin") << "case " << c.name;
      EXPECT_EQ(result->payload_sha256, PayloadSha256(payload_)) << "case " << c.name;
      const auto& o = sig.as_object();
      EXPECT_EQ(ParseRfc3339(result->signed_at),
                ParseRfc3339(json::value_to<std::string>(o.at("signed_at"))))
          << "case " << c.name;
      if (auto it = o.find("reason"); it != o.end() && it->value().is_string()) {
        EXPECT_EQ(result->reason, json::value_to<std::string>(it->value())) << "case " << c.name;
      } else {
        EXPECT_EQ(result->reason, std::nullopt) << "case " << c.name;
      }
    }
  }
  // No signature at all.
  EXPECT_EQ(CodeName(Verify(nullptr).status().code()), CodeName(E::kSignatureRequired));
}

TEST_F(SignaturesTest, RecordNeverHoldsThePin) {
  auto result = Verify(Signature(captain_));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const json::object record = result->ToJson();
  EXPECT_EQ(record.if_contains("pin"), nullptr);
  EXPECT_EQ(ToJson(record).find(kPin), std::string::npos) << ToJson(record);
  for (const char* key :
       {"signer_id", "role_at_signing", "method", "signed_at", "payload_sha256", "reason"}) {
    EXPECT_NE(record.if_contains(key), nullptr) << key;
  }
  EXPECT_EQ(record.size(), 6u);
  EXPECT_EQ(record.at("role_at_signing").as_string(), "captain");
}

TEST_F(SignaturesTest, FiveWrongPinsLockTheSignerForFifteenMinutes) {
  struct Attempt {
    const char* name;
    Micros advance;  // before the attempt
    const char* pin;
    ErrorCode code;
  };
  using E = ErrorCode;
  const Attempt kAttempts[] = {
      {"wrong 1", 0, "0001", E::kInvalidSignature},
      {"wrong 2", 10 * kSecond, "0002", E::kInvalidSignature},
      {"wrong 3", 10 * kSecond, "0003", E::kInvalidSignature},
      {"wrong 4", 10 * kSecond, "0004", E::kInvalidSignature},
      {"wrong 5", 10 * kSecond, "0005", E::kInvalidSignature},
      {"right PIN while locked", kSecond, kPin, E::kSignerLocked},
      {"right PIN later but still locked", 14 * kMinute, kPin, E::kSignerLocked},
      {"right PIN after 15 minutes", kMinute, kPin, E::kOk},
      {"wrong again: a fresh count", kSecond, "0006", E::kInvalidSignature},
      {"right PIN", kSecond, kPin, E::kOk},
  };
  for (const auto& a : kAttempts) {
    clock_.Advance(a.advance);
    const auto result = Verify(Signature(captain_, a.pin));
    EXPECT_EQ(CodeName(result.status().code()), CodeName(a.code))
        << "attempt " << a.name << ": " << result.status().ToString();
    if (a.code == E::kSignerLocked) {
      EXPECT_EQ(HttpStatusOf(result.status().code()), 429) << "attempt " << a.name;
      EXPECT_GT(result.status().retry_after_seconds(), 0) << "attempt " << a.name;
      EXPECT_LE(result.status().retry_after_seconds(), 900) << "attempt " << a.name;
    }
  }
  // Another signer is not affected by the captain's lock.
  EXPECT_EQ(*throttle_->LockedFor(AttemptKind::kPin, crew_), std::nullopt);
}

TEST_F(SignaturesTest, RetryAfterCountsDownFromTheFifthFailure) {
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kSecond);
    ASSERT_EQ(CodeName(Verify(Signature(captain_, "0000")).status().code()),
              CodeName(ErrorCode::kInvalidSignature));
  }
  clock_.Advance(5 * kMinute);
  const auto locked = Verify(Signature(captain_));
  ASSERT_EQ(CodeName(locked.status().code()), CodeName(ErrorCode::kSignerLocked));
  EXPECT_EQ(locked.status().retry_after_seconds(), 600);
}

TEST_F(SignaturesTest, CorrectPinClearsEarlierFailures) {
  struct Attempt {
    const char* pin;
    ErrorCode code;
  };
  using E = ErrorCode;
  // Four wrong, right, four wrong, right: never five failures in a row, never locked.
  const Attempt kAttempts[] = {
      {"0001", E::kInvalidSignature},
      {"0002", E::kInvalidSignature},
      {"0003", E::kInvalidSignature},
      {"0004", E::kInvalidSignature},
      {kPin, E::kOk},
      {"0005", E::kInvalidSignature},
      {"0006", E::kInvalidSignature},
      {"0007", E::kInvalidSignature},
      {"0008", E::kInvalidSignature},
      {kPin, E::kOk},
  };
  int n = 0;
  for (const auto& a : kAttempts) {
    clock_.Advance(kSecond);
    const auto result = Verify(Signature(captain_, a.pin));
    EXPECT_EQ(CodeName(result.status().code()), CodeName(a.code))
        << "attempt " << ++n << " (" << a.pin << "): " << result.status().ToString();
  }
}

TEST_F(SignaturesTest, WrongPinsOfOneSignerDoNotLockAnother) {
  ASSERT_TRUE(directory_->SetMembership(crew_, yacht_, Role::kChiefEngineer).ok());
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kSecond);
    ASSERT_FALSE(Verify(Signature(captain_, "0000")).ok());
  }
  EXPECT_EQ(CodeName(Verify(Signature(captain_)).status().code()),
            CodeName(ErrorCode::kSignerLocked));
  auto other = Verify(Signature(crew_));
  EXPECT_TRUE(other.ok()) << other.status().ToString();
}

}  // namespace
}  // namespace celeste

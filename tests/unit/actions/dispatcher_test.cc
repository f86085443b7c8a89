// Dispatcher: CONTRACT §2's execute checks in their order (3 action → 4 membership →
// 5 flag → 6 role → 7 payload → 8 signature), the handler and its audit row in one
// transaction, and the role/flag/domain filters behind /v1/actions/list and suggestions.
//
// Everything real except the handlers: a migrated SQLite store in a temp dir, Directory
// users with Argon2id PINs, the DB-backed Throttle, FlagService (with an injected
// environment) and a FakeClock.
#include "actions/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "../store/temp_dir.h"
#include "actions/registry.h"
#include "actions/signatures.h"
#include "audit/audit_log.h"
#include "auth/directory.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/log.h"
#include "core/uuid.h"
#include "flags/bucketing.h"
#include "flags/flag_service.h"
#include "store/store.h"

namespace celeste {
namespace {

namespace json = boost::json;

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;
constexpr const char* kLensFlag = "TEST_LENS_ENABLED";
constexpr const char* kSuggestionsFlag = "TEST_LENS_SUGGESTIONS_ENABLED";
constexpr const char* kGatedFlag = "TEST_LENS_GATED_ENABLED";
constexpr const char* kOtherLensFlag = "OTHER_LENS_ENABLED";  // on through the environment
constexpr const char* kCaptainPin = "2468";
constexpr const char* kCrewPin = "1357";

std::string CodeName(ErrorCode code) { return std::string(ErrorCodeName(code)); }

FieldDef Field(std::string name, FieldType type, bool required) {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  f.label = f.name;
  return f;
}

// An action whose only search keyword is its label.
ActionDef Action(std::string id, std::string label, std::string lens, Variant variant,
                 RoleSet roles, std::vector<FieldDef> fields, ActionHandler handler) {
  ActionDef a;
  a.id = std::move(id);
  a.label = std::move(label);
  a.lens = std::move(lens);
  a.variant = variant;
  a.allowed_roles = roles;
  a.fields = std::move(fields);
  a.search_keywords = {a.label};
  a.handler = std::move(handler);
  return a;
}

class DispatcherTest : public ::testing::Test {
 public:  // the case tables' lambdas reach in through a DispatcherTest&
  void SetUp() override {
    InitCrypto();
    SetLogLevel(LogLevel::kWarn);
    store_ = NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);

    RegisterTestLenses();
    directory_ = std::make_unique<Directory>(*store_, clock_);
    throttle_ = std::make_unique<Throttle>(*store_, clock_);
    flags_ =
        std::make_unique<FlagService>(*store_, registry_.AllFlags(), clock_,
                                      [](const std::string& name) -> std::optional<std::string> {
                                        if (name == kOtherLensFlag) return "true";
                                        return std::nullopt;
                                      });
    verifier_ = std::make_unique<SignatureVerifier>(*directory_, *throttle_, clock_);
    dispatcher_ = std::make_unique<Dispatcher>(registry_, *store_, *flags_, *verifier_, clock_);

    yacht_ = *directory_->AddYacht("Aurora", std::nullopt);
    other_yacht_ = *directory_->AddYacht("Borealis", std::nullopt);
    captain_ = AddUser("captain", yacht_, Role::kCaptain, kCaptainPin);
    crew_ = AddUser("crew", yacht_, Role::kCrew, kCrewPin);
    outsider_ = AddUser("outsider", other_yacht_, Role::kCaptain, kCaptainPin);

    SetFlag(kLensFlag, true);
    SetFlag(kSuggestionsFlag, true);
    SetFlag(kGatedFlag, true);
  }
  void TearDown() override { store_->Close(); }

  static ActionOutcome Outcome(const ActionContext& ctx) {
    ActionOutcome out;
    out.entity_type = "thing";
    out.entity_id = ctx.entity_id.empty() ? "thing-1" : ctx.entity_id;
    out.result = {{"ok", true}};
    return out;
  }

  void RegisterTestLenses() {
    LensDef lens;
    lens.id = "test_lens";
    lens.label = "Test lens";
    lens.flags = {kLensFlag};
    lens.suggestions_flag = kSuggestionsFlag;
    registry_.AddLens(lens);
    LensDef other;
    other.id = "other_lens";
    other.label = "Other lens";
    other.flags = {kOtherLensFlag};
    registry_.AddLens(other);

    auto counted = [this](ActionHandler inner) -> ActionHandler {
      return [this, inner](const ActionContext& ctx, Tx& tx) {
        ++handler_calls_;
        return inner(ctx, tx);
      };
    };
    auto ok = counted(
        [](const ActionContext& ctx, Tx&) -> Result<ActionOutcome> { return Outcome(ctx); });
    const FieldDef thing_id = Field("thing_id", FieldType::kUuid, false);
    FieldDef qty = Field("qty", FieldType::kInteger, true);
    qty.min = 0;
    qty.min_exclusive = true;
    const FieldDef note = Field("note", FieldType::kString, false);

    registry_.AddAction(Action("view_thing", "View thing", "test_lens", Variant::kRead,
                               RoleSet::All(), {thing_id}, ok));
    registry_.AddAction(Action("update_thing", "Update thing", "test_lens", Variant::kMutate,
                               RoleSet::Hod(), {qty}, ok));
    ActionDef sign = Action("sign_thing", "Sign off thing", "test_lens", Variant::kSigned,
                            RoleSet::All(), {qty, note}, ok);
    sign.signer_roles = {Role::kCaptain};
    registry_.AddAction(std::move(sign));
    // Writes an audit row of its own, then fails: the transaction must roll it back.
    registry_.AddAction(
        Action("fail_thing", "Fail thing", "test_lens", Variant::kMutate, RoleSet::All(), {},
               counted([](const ActionContext& ctx, Tx& tx) -> Result<ActionOutcome> {
                 AuditEntry entry{.action = "half_done",
                                  .entity_type = "thing",
                                  .entity_id = "x",
                                  .actor_id = ctx.user_id(),
                                  .actor_role = "crew",
                                  .payload = "{}",
                                  .signature = "{}",
                                  .request_id = "r",
                                  .created_at = ctx.now_text};
                 CELESTE_ASSIGN_OR_RETURN(auto id, AppendAudit(tx, ctx.yacht_id, entry));
                 (void)id;
                 return Status::RuleViolation("thing_rule", "things cannot do that");
               })));
    ActionDef gated =
        Action("gated_thing", "Gated thing", "test_lens", Variant::kMutate, RoleSet::All(), {}, ok);
    gated.extra_flags = {kGatedFlag};
    registry_.AddAction(std::move(gated));
    registry_.AddAction(Action("view_other", "View other thing", "other_lens", Variant::kRead,
                               RoleSet::All(), {}, ok));
  }

  Principal AddUser(const std::string& name, const std::string& yacht, Role role,
                    const std::string& pin) {
    NewUser u{.email = name + "@aurora.test",
              .password = "correct horse",
              .name = name,
              .pin = pin,
              .id = std::nullopt,
              .yacht_id = std::nullopt,
              .role = std::nullopt};
    auto id = directory_->AddUser(u);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(directory_->SetMembership(*id, yacht, role).ok());
    auto principal = directory_->LoadPrincipal(*id);
    EXPECT_TRUE(principal.ok() && principal->has_value());
    return **principal;
  }

  void SetFlag(const std::string& name, bool enabled) {
    ASSERT_TRUE(store_
                    ->Run(TxMode::kWrite, "",
                          [&](Tx& tx) {
                            return flags_->Set(tx, name, enabled, 100, "test",
                                               FormatRfc3339(clock_.Now()));
                          })
                    .ok());
    flags_->Invalidate();  // after the commit, as ApplyFlagChange does
  }

  json::object Signature(const Principal& signer, const std::string& pin) const {
    return {{"signer_id", signer.user_id},
            {"method", "pin"},
            {"pin", pin},
            {"signed_at", FormatRfc3339(clock_.Now())}};
  }

  int64_t AuditRows() {
    int64_t n = -1;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, "",
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(
                                auto row, tx.QueryOne(Sql{"SELECT COUNT(*) FROM pms_audit_log"}));
                            n = row->Int(0);
                            return Status::OK();
                          })
                    .ok());
    return n;
  }

  json::array AuditOf(const std::string& yacht_id) {
    json::array rows;
    EXPECT_TRUE(store_
                    ->Run(TxMode::kRead, yacht_id,
                          [&](Tx& tx) {
                            CELESTE_ASSIGN_OR_RETURN(rows,
                                                     ListAudit(tx, yacht_id, std::nullopt, 100));
                            return Status::OK();
                          })
                    .ok());
    return rows;
  }

  std::vector<std::string> Ids(const std::vector<const ActionDef*>& actions) {
    std::vector<std::string> out;
    for (const auto* a : actions) out.push_back(a->id);
    return out;
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
  Registry registry_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Throttle> throttle_;
  std::unique_ptr<FlagService> flags_;
  std::unique_ptr<SignatureVerifier> verifier_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string yacht_;
  std::string other_yacht_;
  Principal captain_;
  Principal crew_;
  Principal outsider_;
  int handler_calls_ = 0;
};

// Each request fails several checks at once; the earliest in CONTRACT §2 must answer.
TEST_F(DispatcherTest, EarliestFailingCheckAnswers) {
  using E = ErrorCode;
  struct Case {
    const char* name;
    std::function<const Principal&(DispatcherTest&)> caller;
    const char* action;
    bool lens_on;
    bool gated_on;
    const char* payload;
    // Builds the signature, or nullopt for none.
    std::function<std::optional<json::value>(DispatcherTest&)> signature;
    ErrorCode code;
  };
  auto captain = [](DispatcherTest& t) -> const Principal& { return t.captain_; };
  auto crew = [](DispatcherTest& t) -> const Principal& { return t.crew_; };
  auto outsider = [](DispatcherTest& t) -> const Principal& { return t.outsider_; };
  auto none = [](DispatcherTest&) -> std::optional<json::value> { return std::nullopt; };
  auto signed_by = [](std::function<const Principal&(DispatcherTest&)> who, std::string pin,
                      std::function<void(json::object&)> edit = nullptr) {
    return [who, pin, edit](DispatcherTest& t) -> std::optional<json::value> {
      json::object sig = t.Signature(who(t), pin);
      if (edit) edit(sig);
      return json::value(std::move(sig));
    };
  };
  auto bad_pin_shape = [](json::object& s) { s["pin"] = "12"; };
  const Case kCases[] = {
      {"unknown action beats non-member", outsider, "no_such_action", false, true, R"({"bogus":1})",
       none, E::kUnknownAction},
      {"non-member beats flag off", outsider, "update_thing", false, true, R"({"bogus":1})", none,
       E::kYachtAccessDenied},
      {"flag off beats wrong role", crew, "update_thing", false, true, R"({"bogus":1})", none,
       E::kFeatureDisabled},
      {"extra flag off beats bad payload", crew, "gated_thing", true, false, R"({"bogus":1})", none,
       E::kFeatureDisabled},
      {"wrong role beats bad payload", crew, "update_thing", true, true, R"({"bogus":1})", none,
       E::kForbiddenRole},
      {"bad payload beats missing signature", crew, "sign_thing", true, true, R"({"qty":0})", none,
       E::kInvalidField},
      {"unknown field beats missing signature", crew, "sign_thing", true, true,
       R"({"qty":1,"bogus":1})", none, E::kUnknownField},
      {"missing field beats missing signature", crew, "sign_thing", true, true, R"({})", none,
       E::kMissingField},
      {"signature_required", crew, "sign_thing", true, true, R"({"qty":1})", none,
       E::kSignatureRequired},
      {"signature shape beats signer role", crew, "sign_thing", true, true, R"({"qty":1})",
       signed_by(crew, kCrewPin, bad_pin_shape), E::kInvalidSignature},
      {"signer role beats wrong PIN", crew, "sign_thing", true, true, R"({"qty":1})",
       signed_by(crew, "0000"), E::kInvalidSignerRole},
      {"signer not on the yacht", crew, "sign_thing", true, true, R"({"qty":1})",
       signed_by(outsider, kCaptainPin), E::kInvalidSignerRole},
      {"wrong PIN", crew, "sign_thing", true, true, R"({"qty":1})", signed_by(captain, "0000"),
       E::kInvalidSignature},
      {"all checks pass (SIGNED)", crew, "sign_thing", true, true, R"({"qty":1})",
       signed_by(captain, kCaptainPin), E::kOk},
      {"all checks pass (MUTATE)", captain, "update_thing", true, true, R"({"qty":2})", none,
       E::kOk},
      {"all checks pass (READ)", crew, "view_thing", true, true, R"({})", none, E::kOk},
  };
  for (const auto& c : kCases) {
    clock_.Advance(kMicrosPerSecond);
    SetFlag(kLensFlag, c.lens_on);
    SetFlag(kGatedFlag, c.gated_on);
    auto payload = ParseJson(c.payload);
    ASSERT_TRUE(payload && payload->is_object()) << "case " << c.name;
    const std::optional<json::value> signature = c.signature(*this);
    ExecuteRequest request{.action_id = c.action,
                           .yacht_id = yacht_,
                           .entity_id = "",
                           .payload = payload->get_object(),
                           .signature = signature ? &*signature : nullptr,
                           .request_id = std::string("req-") + c.name};
    const int64_t audit_before = AuditRows();
    const int calls_before = handler_calls_;
    auto result = dispatcher_->Execute(c.caller(*this), request);
    EXPECT_EQ(CodeName(result.status().code()), CodeName(c.code))
        << "case " << c.name << ": " << result.status().ToString();
    const bool ok = c.code == E::kOk;
    EXPECT_EQ(handler_calls_ - calls_before, ok ? 1 : 0) << "case " << c.name;
    if (!ok) {
      EXPECT_EQ(AuditRows(), audit_before) << "case " << c.name;
    }
  }
}

TEST_F(DispatcherTest, HandlerErrorRollsBack) {
  const int64_t before = AuditRows();
  ExecuteRequest request;
  request.action_id = "fail_thing";
  request.yacht_id = yacht_;
  request.request_id = "r1";
  auto result = dispatcher_->Execute(crew_, request);
  EXPECT_EQ(CodeName(result.status().code()), CodeName(ErrorCode::kBusinessRuleViolation))
      << result.status().ToString();
  EXPECT_EQ(handler_calls_, 1);
  EXPECT_EQ(AuditRows(), before) << "the handler's own audit row must be rolled back";
  auto chains = VerifyAuditChains(*store_, yacht_);
  ASSERT_TRUE(chains.ok());
  EXPECT_TRUE(chains->front().ok) << chains->front().problem;
  EXPECT_EQ(chains->front().rows, 0);
}

TEST_F(DispatcherTest, SuccessWritesOneAuditRowForMutateAndSignedOnly) {
  struct Case {
    const char* name;
    std::function<const Principal&(DispatcherTest&)> caller;
    const char* action;
    const char* payload;
    bool sign;
    int64_t audit_rows;
  };
  auto captain = [](DispatcherTest& t) -> const Principal& { return t.captain_; };
  auto crew = [](DispatcherTest& t) -> const Principal& { return t.crew_; };
  const Case kCases[] = {
      {"READ", crew, "view_thing", R"({"thing_id":"0192f3a4-7b1c-7def-8a12-3456789abcde"})", false,
       0},
      {"MUTATE", captain, "update_thing", R"({"qty":3})", false, 1},
      {"SIGNED", crew, "sign_thing", R"({"qty":3,"note":"done"})", true, 1},
      {"READ again", captain, "view_thing", R"({})", false, 0},
  };
  for (const auto& c : kCases) {
    clock_.Advance(kMicrosPerSecond);
    auto payload = ParseJson(c.payload);
    ASSERT_TRUE(payload && payload->is_object()) << "case " << c.name;
    const json::value signature = Signature(captain_, kCaptainPin);
    const std::string request_id = std::string("req-") + c.name;
    ExecuteRequest request{.action_id = c.action,
                           .yacht_id = yacht_,
                           .entity_id = "thing-7",
                           .payload = payload->get_object(),
                           .signature = c.sign ? &signature : nullptr,
                           .request_id = request_id};
    const json::array before = AuditOf(yacht_);
    auto result = dispatcher_->Execute(c.caller(*this), request);
    ASSERT_TRUE(result.ok()) << "case " << c.name << ": " << result.status().ToString();
    EXPECT_EQ(result->action, registry_.FindAction(c.action)) << "case " << c.name;
    EXPECT_EQ(result->outcome.entity_id, "thing-7") << "case " << c.name;
    const json::array after = AuditOf(yacht_);
    ASSERT_EQ(static_cast<int64_t>(after.size() - before.size()), c.audit_rows)
        << "case " << c.name;
    if (c.audit_rows == 0) {
      EXPECT_TRUE(result->audit_id.empty()) << "case " << c.name;
      continue;
    }
    const json::object& row = after.back().as_object();
    EXPECT_EQ(row.at("id").as_string(), result->audit_id) << "case " << c.name;
    EXPECT_EQ(row.at("action").as_string(), c.action) << "case " << c.name;
    EXPECT_EQ(row.at("entity_type").as_string(), "thing") << "case " << c.name;
    EXPECT_EQ(row.at("entity_id").as_string(), "thing-7") << "case " << c.name;
    const Principal& caller = c.caller(*this);
    EXPECT_EQ(row.at("actor_id").as_string(), caller.user_id) << "case " << c.name;
    EXPECT_EQ(row.at("actor_role").as_string(), RoleName(caller.memberships.front().role))
        << "case " << c.name;
    EXPECT_EQ(CanonicalJson(row.at("payload")), CanonicalJson(*payload)) << "case " << c.name;
    EXPECT_EQ(row.at("request_id").as_string(), request_id) << "case " << c.name;
    EXPECT_EQ(row.at("created_at").as_string(), FormatRfc3339(clock_.Now())) << "case " << c.name;
    const json::object& sig = row.at("signature").as_object();
    if (!c.sign) {
      EXPECT_TRUE(sig.empty()) << "case " << c.name << ": " << ToJson(sig);
      continue;
    }
    std::set<std::string> keys;
    for (const auto& kv : sig) keys.insert(std::string(kv.key()));
    EXPECT_EQ(keys, (std::set<std::string>{"signer_id", "role_at_signing", "method", "signed_at",
                                           "payload_sha256", "reason"}))
        << "case " << c.name;
    EXPECT_EQ(sig.at("signer_id").as_string(), captain_.user_id) << "case " << c.name;
    EXPECT_EQ(sig.at("role_at_signing").as_string(), "captain") << "case " << c.name;
    EXPECT_EQ(sig.at("method").as_string(), "pin") << "case " << c.name;
    EXPECT_EQ(ParseRfc3339(json::value_to<std::string>(sig.at("signed_at"))),
              std::optional<Micros>(clock_.Now()))
        << "case " << c.name;
    EXPECT_EQ(sig.at("payload_sha256").as_string(), Sha256Hex(CanonicalJson(*payload)))
        << "case " << c.name;
    EXPECT_EQ(ToJson(row).find(kCaptainPin), std::string::npos)
        << "case " << c.name << ": the PIN leaked into the audit row";
  }
  auto chains = VerifyAuditChains(*store_, yacht_);
  ASSERT_TRUE(chains.ok());
  EXPECT_TRUE(chains->front().ok) << chains->front().problem;
}

TEST_F(DispatcherTest, ActionsForFiltersByRoleFlagAndDomain) {
  struct Case {
    const char* name;
    Role role;
    bool lens_on;
    bool gated_on;
    std::optional<std::string> domain;
    std::vector<std::string> want;  // in registration order
  };
  const Case kCases[] = {
      {"crew, everything on",
       Role::kCrew,
       true,
       true,
       std::nullopt,
       {"view_thing", "sign_thing", "fail_thing", "gated_thing", "view_other"}},
      {"captain, everything on",
       Role::kCaptain,
       true,
       true,
       std::nullopt,
       {"view_thing", "update_thing", "sign_thing", "fail_thing", "gated_thing", "view_other"}},
      {"crew, gated sub-flag off",
       Role::kCrew,
       true,
       false,
       std::nullopt,
       {"view_thing", "sign_thing", "fail_thing", "view_other"}},
      {"captain, lens off", Role::kCaptain, false, true, std::nullopt, {"view_other"}},
      {"captain, one domain",
       Role::kCaptain,
       true,
       true,
       std::string("test_lens"),
       {"view_thing", "update_thing", "sign_thing", "fail_thing", "gated_thing"}},
      {"captain, the other domain",
       Role::kCaptain,
       true,
       true,
       std::string("other_lens"),
       {"view_other"}},
      {"captain, domain of a disabled lens",
       Role::kCaptain,
       false,
       true,
       std::string("test_lens"),
       {}},
      {"unknown domain", Role::kCaptain, true, true, std::string("nope"), {}},
  };
  for (const auto& c : kCases) {
    SetFlag(kLensFlag, c.lens_on);
    SetFlag(kGatedFlag, c.gated_on);
    std::optional<std::string_view> domain;
    if (c.domain) domain = *c.domain;
    EXPECT_EQ(Ids(dispatcher_->ActionsFor(c.role, yacht_, domain)), c.want) << "case " << c.name;
  }
}

TEST_F(DispatcherTest, FlagsAreEvaluatedPerYacht) {
  // A 1 % canary: find one yacht inside it and one outside.
  std::string inside, outside;
  for (int i = 0; i < 2000 && (inside.empty() || outside.empty()); ++i) {
    std::string y = NewUuidV7();
    (FlagBucket(kLensFlag, y) <= 1 ? inside : outside) = y;
  }
  ASSERT_FALSE(inside.empty());
  ASSERT_FALSE(outside.empty());
  ASSERT_TRUE(store_
                  ->Run(TxMode::kWrite, "",
                        [&](Tx& tx) {
                          return flags_->Set(tx, kLensFlag, true, 1, "test",
                                             FormatRfc3339(clock_.Now()));
                        })
                  .ok());
  const LensDef* lens = registry_.FindLens("test_lens");
  EXPECT_TRUE(dispatcher_->IsLensOn(*lens, inside));
  EXPECT_FALSE(dispatcher_->IsLensOn(*lens, outside));
  EXPECT_TRUE(dispatcher_->IsActionOn(*registry_.FindAction("view_other"), outside));
}

TEST_F(DispatcherTest, SuggestDropsLensesWhoseSuggestionsFlagIsOff) {
  struct Case {
    const char* name;
    bool suggestions_on;
    const char* query;
    std::vector<std::string> want;  // suggested ids, sorted
  };
  const Case kCases[] = {
      {"suggestions on", true, "view", {"view_other", "view_thing"}},
      {"suggestions off: lenses without the sub-flag remain", false, "view", {"view_other"}},
      {"suggestions on, signed action", true, "sign", {"sign_thing"}},
      {"suggestions off, signed action", false, "sign", {}},
      // Crew may not initiate update_thing, so it is never suggested to them.
      {"role filter still applies", true, "update", {}},
  };
  for (const auto& c : kCases) {
    SetFlag(kSuggestionsFlag, c.suggestions_on);
    const SuggestionResult r = dispatcher_->Suggest(c.query, Role::kCrew, yacht_, std::nullopt);
    std::vector<std::string> got;
    for (const auto& s : r.suggestions) got.push_back(s.action->id);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.want) << "case " << c.name;
  }
  // The captain does get update_thing suggested.
  const SuggestionResult captain = dispatcher_->Suggest("update", Role::kCaptain, yacht_, {});
  ASSERT_EQ(captain.suggestions.size(), 1u);
  EXPECT_EQ(captain.suggestions.front().action->id, "update_thing");
  // The lens itself stays on for execute when only its suggestions are off.
  EXPECT_TRUE(dispatcher_->IsLensOn(*registry_.FindLens("test_lens"), yacht_));
}

}  // namespace
}  // namespace celeste

// Certificates lens (issue 5; docs/lenses/certificates.md): the status function and its SQL
// filter on any day the test chooses, the one stored move (renewal), the registration, and
// the handlers against a real, migrated SQLite store driven by a FakeClock — so that
// certificates can be watched going from valid to expiring to expired as days pass.
#include "lenses/certificates/certificates_lens.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "../store/temp_dir.h"
#include "actions/fields.h"
#include "actions/registry.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "lens_registration.h"
#include "lenses/certificates/certificate_actions.h"
#include "lenses/certificates/certificate_status.h"
#include "store/store.h"

namespace celeste {
namespace {

namespace json = boost::json;
using certificates::CertificateStatus;
using certificates::ComputeCertificateStatus;
using certificates::DateText;
using certificates::DayOf;
using certificates::MakeStatusFilter;
using CS = CertificateStatus;

constexpr Micros kMicrosPerDay = int64_t{86400} * kMicrosPerSecond;
// 2026-09-01T10:00:00Z: the unit tests' "now".
constexpr Micros kT0 = int64_t{1'788'256'800} * kMicrosPerSecond;

std::string Name(CS status) { return std::string(certificates::CertificateStatusName(status)); }
std::string CodeOf(const Status& status) { return std::string(ErrorCodeName(status.code())); }
std::string Text(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

TEST(CertificateStatusTest, DaysAndDatesAreUtcCalendarDays) {
  EXPECT_EQ(DateText(DayOf(kT0)), "2026-09-01");
  EXPECT_EQ(DateText(DayOf(kT0) + 30), "2026-10-01");
  EXPECT_EQ(DayOf(0), 0);
  EXPECT_EQ(DayOf(kMicrosPerDay - 1), 0) << "the last microsecond of 1970-01-01";
  EXPECT_EQ(DayOf(-1), -1) << "the last microsecond of 1969-12-31";
  EXPECT_EQ(DateText(-1), "1969-12-31");
  EXPECT_EQ(ParseDateDays(DateText(DayOf(kT0))), DayOf(kT0));
}

TEST(CertificateStatusTest, ComputedFromTheExpiryDayTheDayAndTheWindow) {
  const int64_t today = DayOf(kT0);
  struct Case {
    const char* name;
    int64_t expires_in;  // days from today
    bool superseded;
    int64_t window;
    CS want;
  };
  const Case cases[] = {
      {"a year ahead", 365, false, 90, CS::kValid},
      {"one day past the window", 91, false, 90, CS::kValid},
      {"the window's last day", 90, false, 90, CS::kExpiring},
      {"tomorrow", 1, false, 90, CS::kExpiring},
      {"today: its last valid day", 0, false, 90, CS::kExpiring},
      {"yesterday", -1, false, 90, CS::kExpired},
      {"long ago", -3000, false, 90, CS::kExpired},
      {"window 0: tomorrow is still valid", 1, false, 0, CS::kValid},
      {"window 0: today is expiring", 0, false, 0, CS::kExpiring},
      {"window 30: 31 days ahead", 31, false, 30, CS::kValid},
      {"window 30: 30 days ahead", 30, false, 30, CS::kExpiring},
      {"superseded while valid", 365, true, 90, CS::kSuperseded},
      {"superseded while expiring", 5, true, 90, CS::kSuperseded},
      {"superseded after expiry", -5, true, 90, CS::kSuperseded},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ComputeCertificateStatus(today + c.expires_in, c.superseded, today, c.window), c.want)
        << c.name;
  }
}

TEST(CertificateStatusTest, OneCertificateMovesThroughItsStatusesAsDaysPass) {
  const int64_t expiry = DayOf(kT0) + 100;
  std::vector<std::string> seen;
  for (int64_t day = DayOf(kT0); day <= expiry + 2; ++day) {
    const std::string status = Name(ComputeCertificateStatus(expiry, false, day, 90));
    if (seen.empty() || seen.back() != status) seen.push_back(status);
    if (day == expiry - 91) EXPECT_EQ(status, "valid");
    if (day == expiry - 90) EXPECT_EQ(status, "expiring");
    if (day == expiry) EXPECT_EQ(status, "expiring");
    if (day == expiry + 1) EXPECT_EQ(status, "expired");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"valid", "expiring", "expired"}));
}

// The only stored move: renewal, from any status but superseded. Written out again here so
// the lens's table is tested against the issue, not against itself.
TEST(CertificateStatusTest, TableIsTheIssueTable) {
  const std::set<CS> renewable = {CS::kValid, CS::kExpiring, CS::kExpired};
  for (CS status : certificates::kAllCertificateStatuses) {
    EXPECT_EQ(certificates::CanRenew(status), renewable.count(status) > 0) << Name(status);
    const Status s = certificates::CheckRenewable(status);
    if (renewable.count(status)) {
      EXPECT_TRUE(s.ok()) << Name(status);
    } else {
      EXPECT_EQ(CodeOf(s), "invalid_state_transition") << Name(status);
      EXPECT_EQ(Text(s.details().at("current_state")), Name(status));
    }
    EXPECT_EQ(certificates::ParseCertificateStatus(Name(status)), status);
  }
  EXPECT_EQ(certificates::ParseCertificateStatus("current"), std::nullopt);
}

// The list filters in SQL by ranges of expiry days; on every day, for every expiry, the
// range selects exactly the certificates whose computed status it names.
TEST(CertificateStatusTest, EveryFilterSelectsExactlyWhatTheStatusFunctionSays) {
  const int64_t today = DayOf(kT0);
  const std::vector<std::optional<CS>> statuses = {std::nullopt, CS::kValid, CS::kExpiring,
                                                   CS::kExpired, CS::kSuperseded};
  const std::vector<std::optional<int64_t>> withins = {std::nullopt, 0, 7, 30, 90, 400};
  for (int64_t window : {0, 30, 90}) {
    for (const auto& status : statuses) {
      for (const auto& within : withins) {
        const auto filter = MakeStatusFilter(status, within, today, window);
        for (int64_t offset = -200; offset <= 500; ++offset) {
          for (bool superseded : {false, true}) {
            const int64_t expiry = today + offset;
            const CS computed = ComputeCertificateStatus(expiry, superseded, today, window);
            bool want = !status || computed == *status;
            if (within) want = want && !superseded && offset >= 0 && offset <= *within;
            ASSERT_EQ(filter.Matches(expiry, superseded), want)
                << "window " << window << ", status " << (status ? Name(*status) : "any")
                << ", within " << (within ? std::to_string(*within) : "-") << ", expiry in "
                << offset << " days, superseded " << superseded;
          }
        }
      }
    }
  }
  EXPECT_TRUE(MakeStatusFilter(CS::kSuperseded, 30, today, 90).empty);
  EXPECT_TRUE(MakeStatusFilter(CS::kValid, 30, today, 90).empty) << "valid starts on day 91";
}

TEST(CertificatesRegistrationTest, LensAndActionsMatchTheDocumentedTable) {
  Registry registry;
  RegisterCertificatesLens(registry);

  const LensDef* lens = registry.FindLens("certificates");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->label, "Certificates");
  EXPECT_EQ(lens->flags, std::vector<std::string>{"CERTIFICATES_LENS_V1_ENABLED"});
  EXPECT_EQ(lens->suggestions_flag, "CERTIFICATES_SUGGESTIONS_ENABLED");
  EXPECT_EQ(lens->probe_action, "list_certificates");
  ASSERT_NE(registry.FindAction(lens->probe_action), nullptr);
  EXPECT_EQ(registry.FindAction(lens->probe_action)->variant, Variant::kRead);

  const RoleSet kCaptainAndManager{Role::kCaptain, Role::kManager};
  testing::ExpectLensActions(
      registry, "certificates",
      {
          {"add_certificate",
           Variant::kMutate,
           RoleSet::Hod(),
           {"certificate_type", "number", "issuing_authority", "issue_date", "expiry_date"},
           {"scope", "holder_user_id"}},
          {"view_certificate_detail", Variant::kRead, RoleSet::All(), {"certificate_id"}, {}},
          {"list_certificates",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"status", "expiring_within_days", "limit", "cursor"}},
          {"renew_certificate_with_approval",
           Variant::kSigned,
           RoleSet::Hod(),
           {"certificate_id", "new_number", "new_issue_date", "new_expiry_date"},
           {}},
          {"set_certificate_warning_days",
           Variant::kMutate,
           kCaptainAndManager,
           {"warning_days"},
           {}},
      });
  EXPECT_EQ(registry.FindAction("renew_certificate_with_approval")->signer_roles.ToVector(),
            kCaptainAndManager.ToVector());
  EXPECT_EQ(registry.FindAction("list_certificates")->FindField("status")->enum_values,
            (std::vector<std::string>{"valid", "expiring", "expired", "superseded"}));
  EXPECT_EQ(registry.FindAction("add_certificate")->FindField("scope")->enum_values,
            (std::vector<std::string>{"vessel", "crew"}));
  for (const char* field : {"issue_date", "expiry_date"}) {
    EXPECT_EQ(registry.FindAction("add_certificate")->FindField(field)->type, FieldType::kDate);
  }
  const FieldDef* window =
      registry.FindAction("set_certificate_warning_days")->FindField("warning_days");
  EXPECT_EQ(window->type, FieldType::kInteger);
  EXPECT_EQ(window->min, 0.0);
  EXPECT_EQ(window->max, 730.0);
}

// The handlers against SQLite, called the way the dispatcher calls them.
class CertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = celeste::testing::NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    RegisterCertificatesLens(registry_);
    yacht_ = AddYacht("Aurora");
    other_yacht_ = AddYacht("Borealis");
    crew_ = AddMember(yacht_, "crew", Role::kCrew);
    chief_engineer_ = AddMember(yacht_, "chief.engineer", Role::kChiefEngineer);
    captain_ = AddMember(yacht_, "captain", Role::kCaptain);
    other_captain_ = AddMember(other_yacht_, "other.captain", Role::kCaptain);
  }

  std::string Now() const { return FormatRfc3339(clock_.Now()); }
  int64_t Today() const { return DayOf(clock_.Now()); }
  std::string InDays(int64_t days) const { return DateText(Today() + days); }

  Status Write(const std::string& scope, const std::function<Status(Tx&)>& fn) {
    return store_->Run(TxMode::kWrite, scope, fn);
  }

  std::string AddYacht(const std::string& name) {
    std::string id = NewUuidV7();
    EXPECT_TRUE(Write("", [&](Tx& tx) {
                  return tx
                      .Exec(Sql{"INSERT INTO yachts (id, name, created_at) VALUES ($1, $2, $3)"},
                            {id, name, Now()})
                      .status();
                }).ok());
    return id;
  }

  Principal AddMember(const std::string& yacht, const std::string& name, Role role) {
    Principal who{NewUuidV7(), name + "@test", name, {{yacht, "Yacht", role}}};
    EXPECT_TRUE(Write("", [&](Tx& tx) {
                  CELESTE_RETURN_IF_ERROR(
                      tx.Exec(Sql{"INSERT INTO users (id, email, name, password_hash, "
                                  "created_at) VALUES ($1, $2, $3, 'x', $4)"},
                              {who.user_id, who.email, who.name, Now()})
                          .status());
                  return tx
                      .Exec(Sql{"INSERT INTO memberships (yacht_id, user_id, role, created_at) "
                                "VALUES ($1, $2, $3, $4)"},
                            {yacht, who.user_id, RoleName(role), Now()})
                      .status();
                }).ok());
    return who;
  }

  // The dispatcher's way: fields validated, then the handler in one transaction. No clock
  // movement: the tests move days themselves.
  Result<ActionOutcome> ExecuteOn(const std::string& yacht, const std::string& action_id,
                                  const Principal& who, const json::object& payload) {
    const ActionDef* action = registry_.FindAction(action_id);
    if (action == nullptr) return Status::Internal("no action " + action_id);
    const Membership* membership = who.MembershipOn(yacht);
    if (membership == nullptr) return Status::Internal(who.name + " is not on that yacht");
    if (Status valid = ValidatePayload(*action, payload); !valid.ok()) return valid;
    const ActionContext ctx{*action, who,     yacht,      membership->role, "",
                            payload, nullptr, "test-req", clock_.Now(),     Now()};
    std::optional<ActionOutcome> outcome;
    const TxMode mode = action->variant == Variant::kRead ? TxMode::kRead : TxMode::kWrite;
    Status status = store_->Run(mode, yacht, [&](Tx& tx) {
      auto result = action->handler(ctx, tx);
      if (!result.ok()) return std::move(result).TakeStatus();
      outcome = std::move(result).value();
      return Status::OK();
    });
    if (!status.ok()) return status;
    return std::move(*outcome);
  }

  json::object Ok(const std::string& action_id, const Principal& who, const json::object& payload) {
    auto outcome = ExecuteOn(yacht_, action_id, who, payload);
    EXPECT_TRUE(outcome.ok()) << action_id << ": " << outcome.status().ToString();
    return outcome.ok() ? outcome->result : json::object();
  }

  // A vessel certificate expiring `days` from today; its id.
  std::string Add(int64_t days, const std::string& number = "") {
    json::object c = Ok("add_certificate", captain_,
                        {{"certificate_type", "Safety Equipment"},
                         {"number", number.empty() ? "SE-" + std::to_string(++added_) : number},
                         {"issuing_authority", "Red Ensign"},
                         {"issue_date", InDays(std::min<int64_t>(days, 0) - 365)},
                         {"expiry_date", InDays(days)}});
    return Text(c["id"]);
  }

  std::string StatusOf(const std::string& id) {
    return Text(Ok("view_certificate_detail", crew_, {{"certificate_id", id}})["status"]);
  }

  // Every certificate list_certificates gives for `filter`, page by page (`page` each).
  std::vector<std::string> ListAll(json::object filter, int64_t page) {
    std::vector<std::string> ids;
    filter["limit"] = page;
    for (int pages = 0; pages < 100; ++pages) {
      json::object result = Ok("list_certificates", crew_, filter);
      const json::array& list = result["certificates"].as_array();
      for (const auto& c : list) ids.push_back(Text(c.at("id")));
      if (result["next_cursor"].is_null()) return ids;
      EXPECT_EQ(static_cast<int64_t>(list.size()), page) << "a page before the last is full";
      filter["cursor"] = result["next_cursor"];
    }
    ADD_FAILURE() << "the list never ended";
    return ids;
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
  Registry registry_;
  std::string yacht_;
  std::string other_yacht_;
  Principal crew_;
  Principal chief_engineer_;
  Principal captain_;
  Principal other_captain_;
  int added_ = 0;
};

TEST_F(CertificatesTest, StatusFollowsTheRequestsDayAndTheYachtsWindow) {
  const std::string id = Add(100);
  EXPECT_EQ(StatusOf(id), "valid");
  clock_.Advance(9 * kMicrosPerDay);  // 91 days left
  EXPECT_EQ(StatusOf(id), "valid");
  clock_.Advance(kMicrosPerDay);  // 90 days left
  EXPECT_EQ(StatusOf(id), "expiring");
  json::object view = Ok("view_certificate_detail", crew_, {{"certificate_id", id}});
  EXPECT_EQ(view["days_to_expiry"].as_int64(), 90);
  EXPECT_EQ(view["warning_days"].as_int64(), 90);

  // A shorter window, set by the captain: valid again.
  json::object set = Ok("set_certificate_warning_days", captain_, {{"warning_days", 30}});
  EXPECT_EQ(set["warning_days"].as_int64(), 30);
  EXPECT_EQ(StatusOf(id), "valid");
  clock_.Advance(60 * kMicrosPerDay);  // 30 days left
  EXPECT_EQ(StatusOf(id), "expiring");
  clock_.Advance(30 * kMicrosPerDay);  // its last day
  EXPECT_EQ(StatusOf(id), "expiring");
  clock_.Advance(kMicrosPerDay);
  EXPECT_EQ(StatusOf(id), "expired");
  view = Ok("view_certificate_detail", crew_, {{"certificate_id", id}});
  EXPECT_EQ(view["days_to_expiry"].as_int64(), -1);

  // The other yacht keeps the default window.
  auto other = ExecuteOn(other_yacht_, "list_certificates", other_captain_, {});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->result["warning_days"].as_int64(), 90);
}

TEST_F(CertificatesTest, TheStatusFilterRunsInSqlSoEveryPageIsFullAndNothingIsMissed) {
  // 40 certificates expiring from 60 days ago to 135 days ahead, 5 days apart, in a
  // shuffled order of creation (ids and expiry order differ).
  std::map<std::string, int64_t> expires_in;
  for (int i = 0; i < 40; ++i) {
    const int64_t days = -60 + ((i * 17) % 40) * 5;
    expires_in[Add(days)] = days;
  }
  // Two of them renewed (superseded), each by a certificate expiring later.
  std::vector<std::string> renewed;
  for (const auto& [id, days] : expires_in) {
    if (days == 0 || days == 100) renewed.push_back(id);
  }
  ASSERT_EQ(renewed.size(), 2u);
  std::set<std::string> superseded;
  for (const std::string& id : renewed) {
    const int64_t days = expires_in[id];
    const std::string renewal = Add(days + 400);
    ASSERT_TRUE(Write(yacht_, [&](Tx& tx) {
                  return tx
                      .Exec(Sql{"UPDATE pms_certificates SET superseded_by = $3, "
                                "superseded_at = $4 WHERE yacht_id = $1 AND id = $2"},
                            {yacht_, id, renewal, Now()})
                      .status();
                }).ok());
    superseded.insert(id);
    expires_in[renewal] = days + 400;
  }

  const int64_t first_day = Today();
  for (int step = 0; step < 3; ++step) {  // today, then 45 and 90 days later
    for (const char* status : {"valid", "expiring", "expired", "superseded"}) {
      for (std::optional<int64_t> within : {std::optional<int64_t>(), std::optional<int64_t>(30)}) {
        std::set<std::string> want;
        for (const auto& [id, days] : expires_in) {
          const bool is_superseded = superseded.count(id) > 0;
          const int64_t expiry = first_day + days;
          const CS computed = ComputeCertificateStatus(expiry, is_superseded, Today(), 90);
          if (Name(computed) != status) continue;
          const int64_t left = expiry - Today();
          if (within && (is_superseded || left < 0 || left > *within)) continue;
          want.insert(id);
        }
        json::object filter{{"status", status}};
        if (within) filter["expiring_within_days"] = *within;
        const std::vector<std::string> got = ListAll(filter, 3);
        EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want)
            << status << (within ? " within 30" : "") << " on day +" << Today() - first_day;
        EXPECT_EQ(got.size(), want.size()) << "no certificate twice";
        // Soonest expiry first.
        for (size_t i = 1; i < got.size(); ++i) {
          EXPECT_LE(expires_in[got[i - 1]], expires_in[got[i]]) << status;
        }
      }
    }
    clock_.Advance(45 * kMicrosPerDay);
  }
  EXPECT_EQ(ListAll({}, 7).size(), expires_in.size());
}

TEST_F(CertificatesTest, RenewalSupersedesTheOldCertificateAndLinksBothWays) {
  const std::string old_id = Add(10, "SMC-2025");
  ASSERT_TRUE(store_
                  ->Run(TxMode::kWrite, yacht_,
                        [&](Tx& tx) {
                          return tx
                              .Exec(Sql{"INSERT INTO pms_documents (id, yacht_id, entity_type, "
                                        "entity_id, content_type, size_bytes, sha256, "
                                        "uploaded_by, uploaded_role, uploaded_at) VALUES ($1, $2, "
                                        "'certificate', $3, 'application/pdf', 5, $4, $5, "
                                        "'captain', $6)"},
                                    {NewUuidV7(), yacht_, old_id, std::string(64, 'a'),
                                     captain_.user_id, Now()})
                              .status();
                        })
                  .ok());
  auto renewed = ExecuteOn(yacht_, "renew_certificate_with_approval", chief_engineer_,
                           {{"certificate_id", old_id},
                            {"new_number", "SMC-2026"},
                            {"new_issue_date", InDays(5)},
                            {"new_expiry_date", InDays(5 + 5 * 365)}});
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_TRUE(renewed->created);
  const std::string new_id = renewed->entity_id;
  EXPECT_EQ(Text(renewed->result["supersedes"]), old_id);
  EXPECT_EQ(Text(renewed->result["status"]), "valid");
  EXPECT_EQ(Text(renewed->result["number"]), "SMC-2026");
  EXPECT_EQ(Text(renewed->result["certificate_type"]), "Safety Equipment") << "kept";
  EXPECT_EQ(renewed->result["documents"].as_array().size(), 0u) << "documents stay with the old";
  EXPECT_EQ(Text(renewed->result["superseded"].at("superseded_by")), new_id);

  json::object old = Ok("view_certificate_detail", crew_, {{"certificate_id", old_id}});
  EXPECT_EQ(Text(old["status"]), "superseded");
  EXPECT_EQ(Text(old["superseded_by"]), new_id);
  EXPECT_EQ(Text(old["superseded_at"]), Now());
  EXPECT_EQ(old["documents"].as_array().size(), 1u);

  // A superseded certificate cannot be renewed again; nothing changes.
  auto again = ExecuteOn(yacht_, "renew_certificate_with_approval", captain_,
                         {{"certificate_id", old_id},
                          {"new_number", "SMC-X"},
                          {"new_issue_date", InDays(5)},
                          {"new_expiry_date", InDays(9000)}});
  EXPECT_EQ(CodeOf(again.status()), "invalid_state_transition");
  EXPECT_EQ(Text(again.status().details().at("current_state")), "superseded");
  EXPECT_EQ(Text(again.status().details().at("superseded_by")), new_id);
  EXPECT_EQ(ListAll({}, 50).size(), 2u);
}

TEST_F(CertificatesTest, RenewalRulesNameTheirRule) {
  const std::string id = Add(10);
  struct Case {
    const char* name;
    std::string issue;
    std::string expiry;
    const char* rule;
    const char* field;
  };
  const Case cases[] = {
      {"expiry not later than the old", InDays(0), InDays(10), "renewal_expiry_not_later",
       "new_expiry_date"},
      {"expiry earlier than the old", InDays(0), InDays(9), "renewal_expiry_not_later",
       "new_expiry_date"},
      {"expiry before its own issue", InDays(400), InDays(300), "expiry_not_after_issue",
       "new_expiry_date"},
  };
  for (const Case& c : cases) {
    auto r = ExecuteOn(yacht_, "renew_certificate_with_approval", captain_,
                       {{"certificate_id", id},
                        {"new_number", "N"},
                        {"new_issue_date", c.issue},
                        {"new_expiry_date", c.expiry}});
    EXPECT_EQ(CodeOf(r.status()), "business_rule_violation") << c.name;
    if (r.ok()) continue;
    EXPECT_EQ(Text(r.status().details().at("rule")), c.rule) << c.name;
    EXPECT_EQ(Text(r.status().details().at("field")), c.field) << c.name;
  }
  EXPECT_EQ(StatusOf(id), "expiring") << "unchanged";
  auto blank = ExecuteOn(yacht_, "renew_certificate_with_approval", captain_,
                         {{"certificate_id", id},
                          {"new_number", "  "},
                          {"new_issue_date", InDays(0)},
                          {"new_expiry_date", InDays(900)}});
  EXPECT_EQ(CodeOf(blank.status()), "invalid_field");
}

TEST_F(CertificatesTest, CrewCertificatesNeedAnActiveMemberOfThisYacht) {
  const json::object base{{"certificate_type", "STCW Basic Safety"},
                          {"number", "BST-1"},
                          {"issuing_authority", "MCA"},
                          {"issue_date", "2025-01-01"},
                          {"expiry_date", "2030-01-01"}};
  auto with = [&](json::object extra) {
    json::object payload = base;
    for (auto& kv : extra) payload[kv.key()] = kv.value();
    return ExecuteOn(yacht_, "add_certificate", captain_, payload);
  };
  auto no_holder = with({{"scope", "crew"}});
  EXPECT_EQ(CodeOf(no_holder.status()), "missing_field");
  EXPECT_EQ(Text(no_holder.status().details().at("field")), "holder_user_id");

  auto vessel_with_holder = with({{"holder_user_id", crew_.user_id}});
  EXPECT_EQ(CodeOf(vessel_with_holder.status()), "invalid_field");

  auto other_yachts = with({{"scope", "crew"}, {"holder_user_id", other_captain_.user_id}});
  EXPECT_EQ(CodeOf(other_yachts.status()), "not_found");
  EXPECT_EQ(Text(other_yachts.status().details().at("holder_user_id")), other_captain_.user_id);

  auto nobody = with({{"scope", "crew"}, {"holder_user_id", NewUuidV7()}});
  EXPECT_EQ(CodeOf(nobody.status()), "not_found");

  auto held = with({{"scope", "crew"}, {"holder_user_id", crew_.user_id}});
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(Text(held->result["scope"]), "crew");
  EXPECT_EQ(Text(held->result["holder_user_id"]), crew_.user_id);
  EXPECT_EQ(Text(held->result["holder_name"]), "crew");

  // A holder who left the yacht: the certificate stays, its renewal is refused.
  ASSERT_TRUE(Write("", [&](Tx& tx) {
                return tx
                    .Exec(Sql{"UPDATE memberships SET active = 0 WHERE yacht_id = $1 AND "
                              "user_id = $2"},
                          {yacht_, crew_.user_id})
                    .status();
              }).ok());
  auto renewal = ExecuteOn(yacht_, "renew_certificate_with_approval", captain_,
                           {{"certificate_id", held->entity_id},
                            {"new_number", "BST-2"},
                            {"new_issue_date", "2029-06-01"},
                            {"new_expiry_date", "2034-06-01"}});
  EXPECT_EQ(CodeOf(renewal.status()), "business_rule_violation");
  if (!renewal.ok()) EXPECT_EQ(Text(renewal.status().details().at("rule")), "holder_not_member");

  auto expiry_first = with({{"expiry_date", "2024-12-31"}});
  EXPECT_EQ(CodeOf(expiry_first.status()), "business_rule_violation");
  if (!expiry_first.ok()) {
    EXPECT_EQ(Text(expiry_first.status().details().at("rule")), "expiry_not_after_issue");
  }
  auto same_day = with({{"expiry_date", "2025-01-01"}});
  EXPECT_EQ(CodeOf(same_day.status()), "business_rule_violation");
}

TEST_F(CertificatesTest, AnotherYachtsCertificateIsNotFoundAndNothingChanges) {
  const std::string id = Add(200);
  auto view =
      ExecuteOn(other_yacht_, "view_certificate_detail", other_captain_, {{"certificate_id", id}});
  EXPECT_EQ(CodeOf(view.status()), "not_found");
  auto renew = ExecuteOn(other_yacht_, "renew_certificate_with_approval", other_captain_,
                         {{"certificate_id", id},
                          {"new_number", "X"},
                          {"new_issue_date", InDays(0)},
                          {"new_expiry_date", InDays(1000)}});
  EXPECT_EQ(CodeOf(renew.status()), "not_found");
  auto list = ExecuteOn(other_yacht_, "list_certificates", other_captain_, {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->result["certificates"].as_array().empty());
  EXPECT_EQ(StatusOf(id), "valid");
  // A cursor from another yacht's list is no place in this one's: nothing follows it.
  auto cursor = ExecuteOn(other_yacht_, "list_certificates", other_captain_, {{"cursor", id}});
  ASSERT_TRUE(cursor.ok());
  EXPECT_TRUE(cursor->result["certificates"].as_array().empty());
}

TEST_F(CertificatesTest, SchemaRefusesWhatTheLensNeverWrites) {
  const std::string id = Add(200);
  struct Case {
    const char* name;
    const char* sql;
  };
  const Case cases[] = {
      {"expiry before issue",
       "INSERT INTO pms_certificates (id, yacht_id, scope, certificate_type, number, "
       "issuing_authority, issue_date, expiry_date, created_by, created_at, updated_at) VALUES "
       "('x1', $1, 'vessel', 't', 'n', 'a', '2025-01-02', '2025-01-01', 'u', 't', 't')"},
      {"crew without holder",
       "INSERT INTO pms_certificates (id, yacht_id, scope, certificate_type, number, "
       "issuing_authority, issue_date, expiry_date, created_by, created_at, updated_at) VALUES "
       "('x2', $1, 'crew', 't', 'n', 'a', '2025-01-01', '2026-01-01', 'u', 't', 't')"},
      {"superseded without a time",
       "UPDATE pms_certificates SET superseded_by = id WHERE yacht_id = $1"},
      {"two renewals of one certificate",
       "INSERT INTO pms_certificates (id, yacht_id, scope, certificate_type, number, "
       "issuing_authority, issue_date, expiry_date, supersedes, created_by, created_at, "
       "updated_at) SELECT 'x' || n, $1, 'vessel', 't', 'n', 'a', '2025-01-01', '2026-01-01', "
       "$2, 'u', 't', 't' FROM (SELECT 1 AS n UNION ALL SELECT 2)"},
      {"a document of 21 MiB",
       "INSERT INTO pms_documents (id, yacht_id, entity_type, entity_id, content_type, "
       "size_bytes, sha256, uploaded_by, uploaded_role, uploaded_at) VALUES ('d', $1, "
       "'certificate', $2, 'application/pdf', 22020096, "
       "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'u', 'crew', 't')"},
      {"a text document",
       "INSERT INTO pms_documents (id, yacht_id, entity_type, entity_id, content_type, "
       "size_bytes, sha256, uploaded_by, uploaded_role, uploaded_at) VALUES ('d', $1, "
       "'certificate', $2, 'text/plain', 5, "
       "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'u', 'crew', 't')"},
  };
  for (const Case& c : cases) {
    Status s = Write(yacht_, [&](Tx& tx) {
      Params params{yacht_};
      if (std::string(c.sql).find("$2") != std::string::npos) params.push_back(id);
      return tx.Exec(Sql{c.sql}, params).status();
    });
    EXPECT_FALSE(s.ok()) << c.name;
  }
  EXPECT_EQ(ListAll({}, 50).size(), 1u);
}

}  // namespace
}  // namespace celeste

// The certificates lens over HTTP on both backends (docs/lenses/certificates.md): who may do
// what, statuses computed from the dates (relative to the server's day) and the yacht's
// warning window, the status filter with paging, the signed renewal in every one of its
// answers, tenancy, suggestions and the lens flag.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/hash.h"
#include "integration/certificates_support.h"

namespace celeste::testing {
namespace {

class CertificatesTest : public CertificatesFixture {
 protected:
  ClientResponse Renew(const std::string& initiator, const std::string& certificate,
                       std::optional<boost::json::value> signature, int64_t expires_in = 2000,
                       const DemoYacht* yacht = nullptr) {
    const DemoYacht& y = yacht ? *yacht : A();
    return Execute(y.users.at(initiator), y.id, "renew_certificate_with_approval",
                   {{"certificate_id", certificate},
                    {"new_number", "R-" + std::to_string(++renewals_)},
                    {"new_issue_date", InDays(0)},
                    {"new_expiry_date", InDays(expires_in)}},
                   std::move(signature));
  }

  boost::json::value Signed(const std::string& role) {
    return boost::json::value(PinSignature(UserA(role), kDemoPin, "renewal checked"));
  }

  // Certificates and audit rows of yacht A, read past the server.
  std::string Fingerprint() {
    const std::string y = "'" + A().id + "'";
    RunResult r = RunSql(*server_,
                         "SELECT id, number, superseded_by, supersedes FROM pms_certificates "
                         "WHERE yacht_id = " +
                             y +
                             " ORDER BY id; SELECT COUNT(*) FROM "
                             "pms_audit_log WHERE yacht_id = " +
                             y + ";");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // Ids list_certificates returns for `filter`, following next_cursor with pages of `page`.
  std::vector<std::string> ListAll(boost::json::object filter, int64_t page) {
    std::vector<std::string> ids;
    filter["limit"] = page;
    for (int pages = 0; pages < 50; ++pages) {
      ClientResponse r = Execute(UserA("crew"), A().id, "list_certificates", filter);
      EXPECT_EQ(r.status, 200) << Describe(r);
      if (r.status != 200) break;
      const boost::json::value result = r.Json().at("result");
      const boost::json::array& list = result.at("certificates").as_array();
      for (const auto& c : list) ids.push_back(Text(c.at("id")));
      if (result.at("next_cursor").is_null()) return ids;
      EXPECT_EQ(static_cast<int64_t>(list.size()), page) << "only the last page is short";
      filter["cursor"] = result.at("next_cursor");
    }
    return ids;
  }

  void SetFlag(const std::string& flag, bool enabled) {
    auto r = client_->Put("/v1/flags/" + flag,
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  }

  std::vector<std::string> CertificateSuggestions(const std::string& role,
                                                  const std::string& query) {
    ClientResponse r = Post(UserA(role), "/v1/actions/suggestions",
                            boost::json::object{{"query", query}, {"yacht_id", A().id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    std::vector<std::string> out;
    if (r.status != 200) return out;
    const boost::json::value json = r.Json();
    for (const auto& s : json.at("suggestions").as_array()) {
      if (Text(s.at("domain")) == "certificates") out.push_back(Text(s.at("action_id")));
    }
    return out;
  }

  int renewals_ = 0;
};

TEST_F(CertificatesTest, HeadsOfDepartmentAddEveryoneReads) {
  const boost::json::object payload{{"certificate_type", "ISM Safety Management"},
                                    {"number", "SMC-77"},
                                    {"issuing_authority", "Cayman Islands Shipping Registry"},
                                    {"issue_date", InDays(-30)},
                                    {"expiry_date", InDays(1800)}};
  const std::map<std::string, int> want = {{"crew", 403},           {"purser", 403},
                                           {"chief_engineer", 201}, {"chief_officer", 201},
                                           {"captain", 201},        {"manager", 201}};
  std::string id;
  for (const auto& [role, status] : want) {
    ClientResponse r = Execute(UserA(role), A().id, "add_certificate", payload);
    if (status == 403) {
      EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << role << ": " << Describe(r);
      continue;
    }
    ASSERT_EQ(r.status, 201) << role << ": " << Describe(r);
    id = Text(r.Json().at("entity_id"));
    const boost::json::value result = r.Json().at("result");
    EXPECT_EQ(Text(result.at("scope")), "vessel") << "the default scope";
    EXPECT_EQ(Text(result.at("status")), "valid");
    EXPECT_EQ(Text(result.at("number")), "SMC-77");
    EXPECT_EQ(Text(result.at("expiry_date")), InDays(1800));
    EXPECT_EQ(result.at("days_to_expiry").as_int64(), 1800);
    EXPECT_FALSE(Text(r.Json().at("audit_id")).empty());
  }
  for (const auto& [role, status] : want) {
    ClientResponse view =
        Execute(UserA(role), A().id, "view_certificate_detail", {{"certificate_id", id}});
    EXPECT_EQ(view.status, 200) << role;
    ClientResponse list = Execute(UserA(role), A().id, "list_certificates", {});
    EXPECT_EQ(list.status, 200) << role;
    ClientResponse window =
        Execute(UserA(role), A().id, "set_certificate_warning_days", {{"warning_days", 60}});
    const bool may = role == "captain" || role == "manager";
    if (may) {
      EXPECT_EQ(window.status, 200) << role << ": " << Describe(window);
    } else {
      EXPECT_TRUE(IsError(window, 403, "forbidden_role")) << role;
    }
  }
}

TEST_F(CertificatesTest, CrewCertificatesNameAnActiveMemberOfTheYacht) {
  boost::json::object payload{{"certificate_type", "STCW Basic Safety Training"},
                              {"number", "BST-9"},
                              {"issuing_authority", "MCA"},
                              {"issue_date", InDays(-100)},
                              {"expiry_date", InDays(1700)},
                              {"scope", "crew"}};
  ClientResponse no_holder = Execute(UserA("captain"), A().id, "add_certificate", payload);
  EXPECT_TRUE(IsError(no_holder, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_holder, "field"), "holder_user_id");

  payload["holder_user_id"] = UserB("crew").user_id;
  EXPECT_TRUE(
      IsError(Execute(UserA("captain"), A().id, "add_certificate", payload), 404, "not_found"))
      << "another yacht's crew";

  payload["holder_user_id"] = UserA("crew").user_id;
  ClientResponse held = Execute(UserA("captain"), A().id, "add_certificate", payload);
  ASSERT_EQ(held.status, 201) << Describe(held);
  EXPECT_EQ(Text(held.Json().at("result").at("holder_user_id")), UserA("crew").user_id);

  payload["scope"] = "vessel";
  EXPECT_TRUE(
      IsError(Execute(UserA("captain"), A().id, "add_certificate", payload), 400, "invalid_field"))
      << "a vessel certificate has no holder";

  payload.erase("holder_user_id");
  payload["expiry_date"] = InDays(-100);
  ClientResponse backwards = Execute(UserA("captain"), A().id, "add_certificate", payload);
  EXPECT_TRUE(IsError(backwards, 400, "business_rule_violation"));
  EXPECT_EQ(DetailOf(backwards, "rule"), "expiry_not_after_issue");
  payload["expiry_date"] = "2027-02-30";
  EXPECT_TRUE(
      IsError(Execute(UserA("captain"), A().id, "add_certificate", payload), 400, "invalid_field"));
}

TEST_F(CertificatesTest, StatusIsComputedFromTheDatesAndTheYachtsWindow) {
  const std::map<int64_t, std::string> by_days = {
      {-400, "expired"}, {-1, "expired"},  {0, "expiring"}, {1, "expiring"}, {30, "expiring"},
      {31, "expiring"},  {90, "expiring"}, {91, "valid"},   {365, "valid"}};
  std::map<int64_t, std::string> ids;
  for (const auto& [days, status] : by_days) ids[days] = AddCertificate(A(), days);
  for (const auto& [days, status] : by_days) {
    EXPECT_EQ(Text(Certificate(ids[days]).at("status")), status) << days << " days";
  }

  // A 30-day window, as the captain sets it: 31 days ahead is valid now.
  ClientResponse set =
      Execute(UserA("captain"), A().id, "set_certificate_warning_days", {{"warning_days", 30}});
  ASSERT_EQ(set.status, 200) << Describe(set);
  EXPECT_EQ(Text(Certificate(ids[30]).at("status")), "expiring");
  EXPECT_EQ(Text(Certificate(ids[31]).at("status")), "valid");
  EXPECT_EQ(Text(Certificate(ids[90]).at("status")), "valid");
  EXPECT_EQ(Certificate(ids[90]).at("warning_days").as_int64(), 30);
  EXPECT_TRUE(IsError(
      Execute(UserA("captain"), A().id, "set_certificate_warning_days", {{"warning_days", 731}}),
      400, "invalid_field"));

  // Yacht B keeps the default window.
  const std::string b = AddCertificate(B(), 60);
  EXPECT_EQ(Text(Certificate(b, &B()).at("status")), "expiring");
}

TEST_F(CertificatesTest, TheStatusFilterAndExpiringWithinDaysPageThroughTheRightCertificates) {
  std::map<std::string, int64_t> days_of;
  for (int i = 0; i < 24; ++i) {
    const int64_t days = -50 + ((i * 7) % 24) * 10;  // -50 .. 180, shuffled
    days_of[AddCertificate(A(), days)] = days;
  }
  auto expect = [&](const std::string& status, std::optional<int64_t> within) {
    std::set<std::string> want;
    for (const auto& [id, days] : days_of) {
      const std::string computed = days < 0 ? "expired" : days <= 90 ? "expiring" : "valid";
      if (!status.empty() && computed != status) continue;
      if (within && (days < 0 || days > *within)) continue;
      want.insert(id);
    }
    boost::json::object filter;
    if (!status.empty()) filter["status"] = status;
    if (within) filter["expiring_within_days"] = *within;
    const std::vector<std::string> got = ListAll(filter, 4);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want)
        << status << " within " << within.value_or(-1);
    EXPECT_EQ(got.size(), want.size());
    for (size_t i = 1; i < got.size(); ++i) {
      EXPECT_LE(days_of[got[i - 1]], days_of[got[i]]) << "soonest expiry first";
    }
    return want.size();
  };
  EXPECT_EQ(expect("", std::nullopt), 24u);
  EXPECT_GT(expect("expired", std::nullopt), 0u);
  EXPECT_GT(expect("expiring", std::nullopt), 4u);
  EXPECT_GT(expect("valid", std::nullopt), 0u);
  EXPECT_EQ(expect("superseded", std::nullopt), 0u);
  EXPECT_GT(expect("", 30), 0u);
  EXPECT_GT(expect("expiring", 60), 0u);
  EXPECT_EQ(expect("valid", 60), 0u);

  ClientResponse bad_cursor =
      Execute(UserA("crew"), A().id, "list_certificates", {{"cursor", "page-2"}});
  EXPECT_TRUE(IsError(bad_cursor, 400, "invalid_field"));
  ClientResponse bad_status =
      Execute(UserA("crew"), A().id, "list_certificates", {{"status", "current"}});
  EXPECT_TRUE(IsError(bad_status, 400, "invalid_field"));
}

TEST_F(CertificatesTest, RenewalIsSignedByTheCaptainOrTheManagerOnly) {
  const std::string certificate = AddCertificate(A(), 20, "SEC-2021");
  const std::string before = Fingerprint();

  ClientResponse missing = Renew("chief_engineer", certificate, std::nullopt);
  EXPECT_TRUE(IsError(missing, 400, "signature_required")) << Describe(missing);
  boost::json::object malformed = PinSignature(UserA("captain"));
  malformed.erase("pin");
  EXPECT_TRUE(IsError(Renew("chief_engineer", certificate, boost::json::value(malformed)), 400,
                      "invalid_signature"));
  EXPECT_TRUE(IsError(Renew("chief_engineer", certificate, boost::json::value("yes")), 400,
                      "invalid_signature"));
  ClientResponse crew_signs = Renew("chief_engineer", certificate, Signed("crew"));
  EXPECT_TRUE(IsError(crew_signs, 403, "invalid_signer_role")) << Describe(crew_signs);
  ClientResponse engineer_signs = Renew("chief_engineer", certificate, Signed("chief_engineer"));
  EXPECT_TRUE(IsError(engineer_signs, 403, "invalid_signer_role")) << Describe(engineer_signs);
  EXPECT_TRUE(IsError(Renew("chief_engineer", certificate, Signed("chief_officer")), 403,
                      "invalid_signer_role"));
  EXPECT_TRUE(
      IsError(Renew("chief_engineer", certificate, Signed("purser")), 403, "invalid_signer_role"));
  EXPECT_TRUE(IsError(Renew("chief_engineer", certificate,
                            boost::json::value(PinSignature(UserA("captain"), "9999"))),
                      400, "invalid_signature"))
      << "wrong PIN";
  EXPECT_TRUE(IsError(Renew("crew", certificate, Signed("captain")), 403, "forbidden_role"))
      << "crew may not start a renewal";
  EXPECT_EQ(Fingerprint(), before) << "refusals change nothing";

  // The chief engineer starts it, the captain signs: 201, a new certificate.
  ClientResponse by_captain = Renew("chief_engineer", certificate, Signed("captain"), 1800);
  ASSERT_EQ(by_captain.status, 201) << Describe(by_captain);
  const boost::json::value body = by_captain.Json();
  const std::string renewed = Text(body.at("entity_id"));
  EXPECT_NE(renewed, certificate);
  EXPECT_EQ(Text(body.at("result").at("supersedes")), certificate);
  EXPECT_EQ(Text(body.at("result").at("status")), "valid");
  EXPECT_EQ(Text(body.at("result").at("expiry_date")), InDays(1800));
  const boost::json::object old = Certificate(certificate);
  EXPECT_EQ(Text(old.at("status")), "superseded");
  EXPECT_EQ(Text(old.at("superseded_by")), renewed);
  EXPECT_EQ(Text(Certificate(renewed).at("supersedes")), certificate);

  // The audit row keeps the signature record: the captain, never the PIN.
  ClientResponse trail =
      Get(UserA("crew"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + renewed);
  ASSERT_EQ(trail.status, 200);
  const boost::json::array entries = trail.Json().at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(Text(entries[0].at("action")), "renew_certificate_with_approval");
  EXPECT_EQ(Text(entries[0].at("actor_role")), "chief_engineer");
  EXPECT_EQ(Text(entries[0].at("signature").at("signer_id")), UserA("captain").user_id);
  EXPECT_EQ(Text(entries[0].at("signature").at("role_at_signing")), "captain");
  EXPECT_FALSE(entries[0].at("signature").as_object().contains("pin"));

  // The manager signs another one: 201.
  const std::string second = AddCertificate(A(), -10);  // already expired: still renewable
  ClientResponse by_manager = Renew("captain", second, Signed("manager"));
  ASSERT_EQ(by_manager.status, 201) << Describe(by_manager);
  EXPECT_EQ(Text(Certificate(second).at("status")), "superseded");
  RunResult verify = server_->Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CertificatesTest, ASupersededCertificateCannotBeRenewedAndAShorterRenewalIsRefused) {
  const std::string certificate = AddCertificate(A(), 100);
  ClientResponse not_later = Renew("captain", certificate, Signed("captain"), 100);
  EXPECT_TRUE(IsError(not_later, 400, "business_rule_violation")) << Describe(not_later);
  EXPECT_EQ(DetailOf(not_later, "rule"), "renewal_expiry_not_later");
  EXPECT_EQ(DetailOf(not_later, "field"), "new_expiry_date");
  EXPECT_TRUE(IsError(Renew("captain", certificate, Signed("captain"), 50), 400,
                      "business_rule_violation"));
  EXPECT_EQ(Text(Certificate(certificate).at("status")), "valid") << "unchanged";

  ASSERT_EQ(Renew("captain", certificate, Signed("captain"), 900).status, 201);
  const std::string before = Fingerprint();
  ClientResponse again = Renew("captain", certificate, Signed("manager"), 5000);
  EXPECT_TRUE(IsError(again, 400, "invalid_state_transition")) << Describe(again);
  EXPECT_EQ(DetailOf(again, "current_state"), "superseded");
  EXPECT_EQ(Fingerprint(), before) << "nothing changes";
}

// The second wall (postgres/0008): even a role past row-level security cannot rewrite a
// certificate or take back a renewal.
TEST_F(CertificatesTest, PostgresOnlyTheDatabaseKeepsACertificatesFactsAndItsRenewal) {
  if (server_->backend() != "postgres") GTEST_SKIP() << "the guard trigger is PostgreSQL's";
  const std::string certificate = AddCertificate(A(), 100);
  ASSERT_EQ(Renew("captain", certificate, Signed("captain"), 900).status, 201);
  const std::string where = " WHERE id = '" + certificate + "'";
  RunResult moved =
      RunSql(*server_, "UPDATE pms_certificates SET expiry_date = expiry_date + 365" + where);
  EXPECT_NE(moved.exit_code, 0);
  EXPECT_NE(moved.err.find("facts never change"), std::string::npos) << moved.err;
  RunResult undone = RunSql(
      *server_, "UPDATE pms_certificates SET superseded_by = NULL, superseded_at = NULL" + where);
  EXPECT_NE(undone.exit_code, 0);
  EXPECT_NE(undone.err.find("already superseded"), std::string::npos) << undone.err;
  EXPECT_EQ(Text(Certificate(certificate).at("status")), "superseded");
}

TEST_F(CertificatesTest, AnotherYachtsCertificatesAreNotFound) {
  const std::string a = AddCertificate(A(), 200);
  const std::string before = Fingerprint();
  const DemoUser& b_captain = UserB("captain");
  EXPECT_TRUE(
      IsError(Execute(b_captain, B().id, "view_certificate_detail", {{"certificate_id", a}}), 404,
              "not_found"));
  ClientResponse renew = Execute(b_captain, B().id, "renew_certificate_with_approval",
                                 {{"certificate_id", a},
                                  {"new_number", "X"},
                                  {"new_issue_date", InDays(0)},
                                  {"new_expiry_date", InDays(3000)}},
                                 boost::json::value(PinSignature(b_captain)));
  EXPECT_TRUE(IsError(renew, 404, "not_found")) << Describe(renew);
  EXPECT_TRUE(
      IsError(Execute(b_captain, A().id, "view_certificate_detail", {{"certificate_id", a}}), 403,
              "yacht_access_denied"));
  ClientResponse list = Execute(b_captain, B().id, "list_certificates", {});
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.Json().at("result").at("certificates").as_array().empty());
  EXPECT_TRUE(IsError(
      Execute(b_captain, B().id, "view_certificate_detail", {{"certificate_id", RandomUuidV4()}}),
      404, "not_found"));
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(CertificatesTest, SuggestionsFollowTheirSubFlagAndTheLensFollowsItsFlag) {
  const auto captain = CertificateSuggestions("captain", "renew certificate");
  ASSERT_FALSE(captain.empty());
  EXPECT_EQ(captain.front(), "renew_certificate_with_approval");
  const auto crew = CertificateSuggestions("crew", "certificate");
  EXPECT_FALSE(crew.empty());
  for (const std::string& action : crew) {
    EXPECT_NE(action, "add_certificate") << "crew are never offered what they may not do";
    EXPECT_NE(action, "renew_certificate_with_approval");
  }

  SetFlag("CERTIFICATES_SUGGESTIONS_ENABLED", false);
  EXPECT_TRUE(CertificateSuggestions("captain", "renew certificate").empty());
  EXPECT_EQ(Execute(UserA("crew"), A().id, "list_certificates", {}).status, 200)
      << "the lens still works";
  SetFlag("CERTIFICATES_SUGGESTIONS_ENABLED", true);

  SetFlag("CERTIFICATES_LENS_V1_ENABLED", false);
  EXPECT_TRUE(
      IsError(Execute(UserA("crew"), A().id, "list_certificates", {}), 503, "feature_disabled"));
  ClientResponse listed = Get(UserA("captain"), "/v1/actions/list?yacht_id=" + A().id);
  EXPECT_EQ(listed.body.find("add_certificate"), std::string::npos);
  SetFlag("CERTIFICATES_LENS_V1_ENABLED", true);
  EXPECT_EQ(Execute(UserA("crew"), A().id, "list_certificates", {}).status, 200);
}

}  // namespace
}  // namespace celeste::testing

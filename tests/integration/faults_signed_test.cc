// The faults lens's SIGNED action, create_work_order_from_fault, over HTTP on both backends
// (CONTRACT §5, docs/lenses/faults.md "Raising a work order (SIGNED)"): every signature rule
// in contract order, who may sign, the signer lock, the signature record in the audit row,
// the work order it raises, and its sub-flag FAULT_LENS_SIGNED_ACTIONS_ENABLED. A refused
// signature raises nothing and moves nothing.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/hash.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

constexpr const char* kSignedFlag = "FAULT_LENS_SIGNED_ACTIONS_ENABLED";

class FaultsSignedTest : public IntegrationTest {
 protected:
  void SetUp() override {
    InitCrypto();  // Sha256Hex in the payload hash check
    IntegrationTest::SetUp();
  }

  std::string AddEquipment(const std::string& name) {
    ClientResponse r = Execute(UserA("chief_engineer"), A().id, "add_equipment", {{"name", name}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  // A fault reported by crew on yacht A; its id.
  std::string Report(const std::optional<std::string>& equipment_id = std::nullopt) {
    boost::json::object payload{{"title", "Watermaker low output " + std::to_string(++reports_)},
                                {"severity", "high"},
                                {"description", "Membrane fouled?"}};
    if (equipment_id) payload["equipment_id"] = *equipment_id;
    ClientResponse r = Execute(UserA("crew"), A().id, "report_fault", payload);
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  ClientResponse Raise(const std::string& fault, const std::string& initiator,
                       std::optional<boost::json::value> signature,
                       boost::json::object extra = {}) {
    boost::json::object payload{{"fault_id", fault}, {"title", "Replace membrane"}};
    for (const auto& [key, value] : extra) payload[key] = value;
    return Execute(UserA(initiator), A().id, "create_work_order_from_fault", payload,
                   std::move(signature));
  }

  boost::json::object Fault(const std::string& fault) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_fault_detail", {{"fault_id", fault}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return ResultOf(r);
  }

  // Faults, their history, work orders, their history and audit rows of yacht A.
  std::string Fingerprint() {
    const std::string y = "'" + A().id + "'";
    RunResult r = RunSql(
        *server_,
        "SELECT id, status, work_order_id, updated_at FROM pms_faults WHERE yacht_id = " + y +
            " ORDER BY id;" + "SELECT COUNT(*) FROM pms_fault_history WHERE yacht_id = " + y + ";" +
            "SELECT id, status FROM pms_work_orders WHERE yacht_id = " + y + " ORDER BY id;" +
            "SELECT COUNT(*) FROM pms_work_order_history WHERE yacht_id = " + y + ";" +
            "SELECT COUNT(*) FROM pms_audit_log WHERE yacht_id = " + y + ";");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  boost::json::object AuditRow(const std::string& entity, const std::string& audit_id) {
    ClientResponse r = Get(UserA("crew"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + entity);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    if (json.is_object() && json.as_object().contains("entries")) {
      for (const auto& e : json.at("entries").as_array()) {
        if (e.at("id").as_string() == audit_id) return e.as_object();
      }
    }
    ADD_FAILURE() << "no audit row " << audit_id << " on " << entity << ": " << Describe(r);
    return {};
  }

  void SetSignedFlag(bool enabled) {
    auto r = client_->Put("/v1/flags/" + std::string(kSignedFlag),
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << Describe(*r);
  }

  int reports_ = 0;
};

TEST_F(FaultsSignedTest, EverySignatureRuleHoldsAndARefusalRaisesNothing) {
  const std::string watermaker = AddEquipment("Watermaker");
  const std::string fault = Report(watermaker);
  ASSERT_FALSE(fault.empty());
  const std::string before = Fingerprint();

  ClientResponse missing = Raise(fault, "crew", std::nullopt);
  EXPECT_TRUE(IsError(missing, 400, "signature_required")) << Describe(missing);

  auto with = [](boost::json::object sig, const char* key, boost::json::value v) {
    sig[key] = std::move(v);
    return sig;
  };
  const boost::json::object good = PinSignature(UserA("captain"));
  boost::json::object no_signed_at = good;
  no_signed_at.erase("signed_at");
  struct Malformed {
    const char* name;
    boost::json::value signature;
    const char* field;  // details.field, "" when not checked
  };
  const Malformed malformed[] = {
      {"not an object", boost::json::value("captain says yes"), ""},
      {"signer_id not a user id", boost::json::object{{"signer_id", "nobody"}}, ""},
      {"method not pin", with(good, "method", "password"), "method"},
      {"pin of two digits", with(good, "pin", "12"), "pin"},
      {"pin with letters", with(good, "pin", "12ab"), "pin"},
      {"no signed_at", no_signed_at, "signed_at"},
      {"signed_at ten minutes ago",
       with(good, "signed_at",
            FormatRfc3339(SystemClock::Instance().Now() - int64_t{10} * 60 * 1000000).c_str()),
       "signed_at"},
      {"an unknown member", with(good, "fingerprint", "yes"), "fingerprint"},
  };
  for (const Malformed& m : malformed) {
    ClientResponse r = Raise(fault, "crew", m.signature);
    EXPECT_TRUE(IsError(r, 400, "invalid_signature")) << m.name;
    if (*m.field) {
      EXPECT_EQ(DetailOf(r, "field"), m.field) << m.name << ": " << Describe(r);
    }
  }

  // Crew and the purser may start it but not sign it; nor may another yacht's captain.
  for (const char* role : {"crew", "purser"}) {
    ClientResponse r = Raise(fault, "crew", boost::json::value(PinSignature(UserA(role))));
    EXPECT_TRUE(IsError(r, 403, "invalid_signer_role")) << role;
    EXPECT_EQ(DetailOf(r, "signer_role"), role) << Describe(r);
  }
  ClientResponse foreign = Raise(fault, "crew", boost::json::value(PinSignature(UserB("captain"))));
  EXPECT_TRUE(IsError(foreign, 403, "invalid_signer_role")) << "not a member of yacht A";

  ClientResponse wrong_pin =
      Raise(fault, "crew", boost::json::value(PinSignature(UserA("captain"), "9999")));
  EXPECT_TRUE(IsError(wrong_pin, 400, "invalid_signature"));
  EXPECT_EQ(DetailOf(wrong_pin, "field"), "pin") << Describe(wrong_pin);

  // The order of the checks: fields before the signature, the signature before the fault.
  ClientResponse unknown_field = Raise(fault, "crew", std::nullopt, {{"status", "work_ordered"}});
  EXPECT_TRUE(IsError(unknown_field, 400, "unknown_field")) << Describe(unknown_field);
  ClientResponse no_title = Execute(UserA("crew"), A().id, "create_work_order_from_fault",
                                    {{"fault_id", fault}}, std::nullopt);
  EXPECT_TRUE(IsError(no_title, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_title, "field"), "title");
  ClientResponse nobody_unsigned = Raise(RandomUuidV4(), "crew", std::nullopt);
  EXPECT_TRUE(IsError(nobody_unsigned, 400, "signature_required")) << Describe(nobody_unsigned);
  ClientResponse nobody_signed =
      Raise(RandomUuidV4(), "crew", boost::json::value(PinSignature(UserA("captain"))));
  EXPECT_TRUE(IsError(nobody_signed, 404, "not_found")) << Describe(nobody_signed);
  EXPECT_EQ(DetailOf(nobody_signed, "field"), "fault_id");

  EXPECT_EQ(Fingerprint(), before) << "refused signatures change nothing";
  EXPECT_EQ(TextOf(Fault(fault).at("status")), "open");

  // The crew member starts it, the captain signs: the work order exists, linked both ways.
  const boost::json::object signature =
      PinSignature(UserA("captain"), kDemoPin, "membrane replacement approved");
  const boost::json::object extra{{"priority", "high"},
                                  {"due_date", "2031-05-01"},
                                  {"assigned_to", UserA("chief_engineer").user_id}};
  ClientResponse by_captain = Raise(fault, "crew", boost::json::value(signature), extra);
  ASSERT_EQ(by_captain.status, 201) << Describe(by_captain);
  const boost::json::value body = by_captain.Json();
  const std::string order = TextOf(body.at("entity_id"));
  const boost::json::object result = body.at("result").as_object();
  const boost::json::object work_order = result.at("work_order").as_object();
  EXPECT_EQ(TextOf(work_order.at("id")), order);
  EXPECT_EQ(TextOf(work_order.at("origin")), "fault");
  EXPECT_EQ(TextOf(work_order.at("fault_id")), fault);
  EXPECT_EQ(TextOf(work_order.at("equipment_id")), watermaker) << "the fault's equipment";
  EXPECT_EQ(TextOf(work_order.at("title")), "Replace membrane");
  EXPECT_EQ(TextOf(work_order.at("priority")), "high");
  EXPECT_EQ(TextOf(work_order.at("due_date")), "2031-05-01");
  EXPECT_EQ(TextOf(work_order.at("assigned_to")), UserA("chief_engineer").user_id);
  EXPECT_EQ(TextOf(work_order.at("status")), "planned");
  EXPECT_EQ(TextOf(result.at("fault").at("status")), "work_ordered");
  EXPECT_EQ(TextOf(result.at("fault").at("work_order_id")), order);

  ClientResponse detail =
      Execute(UserA("crew"), A().id, "view_work_order_detail", {{"work_order_id", order}});
  ASSERT_EQ(detail.status, 200) << Describe(detail);
  EXPECT_EQ(TextOf(ResultOf(detail).at("fault_id")), fault);
  const boost::json::object view = Fault(fault);
  EXPECT_EQ(TextOf(view.at("status")), "work_ordered");
  EXPECT_EQ(TextOf(view.at("work_order").at("id")), order);
  // The signer authorised the move: the fault's history names them.
  const boost::json::array& history = view.at("history").as_array();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(TextOf(history.at(1).at("to_status")), "work_ordered");
  EXPECT_EQ(TextOf(history.at(1).at("actor_id")), UserA("captain").user_id);
  EXPECT_EQ(TextOf(history.at(1).at("actor_role")), "captain");
  EXPECT_NE(TextOf(history.at(1).at("notes")).find(order), std::string::npos);

  // The audit row: the new work order is its entity; the signature record, never the PIN.
  const boost::json::object row = AuditRow(order, TextOf(body.at("audit_id")));
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(TextOf(row.at("action")), "create_work_order_from_fault");
  EXPECT_EQ(TextOf(row.at("entity_type")), "work_order");
  EXPECT_EQ(TextOf(row.at("entity_id")), order);
  EXPECT_EQ(TextOf(row.at("actor_id")), UserA("crew").user_id) << "the initiator acts";
  EXPECT_EQ(TextOf(row.at("actor_role")), "crew");
  ASSERT_TRUE(row.at("signature").is_object()) << ToJson(row);
  const boost::json::object& sig = row.at("signature").as_object();
  EXPECT_EQ(TextOf(sig.at("signer_id")), UserA("captain").user_id);
  EXPECT_EQ(TextOf(sig.at("role_at_signing")), "captain");
  EXPECT_EQ(TextOf(sig.at("method")), "pin");
  EXPECT_EQ(TextOf(sig.at("signed_at")), TextOf(signature.at("signed_at")));
  EXPECT_EQ(TextOf(sig.at("reason")), "membrane replacement approved");
  boost::json::object payload{{"fault_id", fault}, {"title", "Replace membrane"}};
  for (const auto& [key, value] : extra) payload[key] = value;
  EXPECT_EQ(TextOf(sig.at("payload_sha256")), Sha256Hex(CanonicalJson(payload)))
      << "over the canonical payload as sent";
  EXPECT_FALSE(sig.contains("pin")) << ToJson(sig);
  const std::string text = ToJson(row);
  EXPECT_EQ(text.find("\"pin\":"), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string("\"") + kDemoPin + "\""), std::string::npos) << text;
  EXPECT_EQ(TextOf(row.at("payload").at("fault_id")), fault) << "the fault is named in the row";

  // Signed twice: the second is refused, with a valid signature, and raises nothing.
  const std::string after = Fingerprint();
  ClientResponse again = Raise(fault, "crew", boost::json::value(PinSignature(UserA("manager"))));
  EXPECT_TRUE(IsError(again, 400, "invalid_state_transition")) << Describe(again);
  EXPECT_EQ(DetailOf(again, "current_state"), "work_ordered");
  EXPECT_EQ(Fingerprint(), after);
}

TEST_F(FaultsSignedTest, EachOfTheFourSignerRolesMaySign) {
  struct Case {
    const char* initiator;
    const char* signer;
  };
  const Case cases[] = {
      {"crew", "captain"},        {"crew", "manager"},   {"crew", "chief_officer"},
      {"crew", "chief_engineer"}, {"purser", "manager"}, {"chief_engineer", "chief_engineer"},
  };
  for (const Case& c : cases) {
    const std::string fault = Report();
    ClientResponse r = Raise(fault, c.initiator, boost::json::value(PinSignature(UserA(c.signer))));
    ASSERT_EQ(r.status, 201) << c.initiator << " / " << c.signer << ": " << Describe(r);
    const boost::json::value body = r.Json();
    const std::string order = TextOf(body.at("entity_id"));
    EXPECT_EQ(TextOf(body.at("result").at("work_order").at("priority")), "normal") << "default";
    EXPECT_TRUE(body.at("result").at("work_order").at("equipment_id").is_null());
    const boost::json::object row = AuditRow(order, TextOf(body.at("audit_id")));
    ASSERT_FALSE(row.empty());
    EXPECT_EQ(TextOf(row.at("signature").at("role_at_signing")), c.signer);
    EXPECT_EQ(TextOf(row.at("actor_role")), c.initiator);
    EXPECT_EQ(TextOf(Fault(fault).at("status")), "work_ordered") << c.signer;
  }
}

TEST_F(FaultsSignedTest, FiveWrongPinsLockTheSigner) {
  const std::string fault = Report();
  const DemoUser& signer = UserA("chief_officer");
  const std::string before = Fingerprint();
  ExpectFiveWrongPinsLockTheSigner(
      signer, [&](boost::json::value sig) { return Raise(fault, "crew", std::move(sig)); });
  // Nothing moved.
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(TextOf(Fault(fault).at("status")), "open");

  // The lock is the signer's: another officer signs the same fault's work order.
  ClientResponse other = Raise(fault, "crew", boost::json::value(PinSignature(UserA("captain"))));
  ASSERT_EQ(other.status, 201) << Describe(other);
}

TEST_F(FaultsSignedTest, TheWorkOrdersDetailsAreCheckedAndARefusalRaisesNothing) {
  const std::string fault = Report();
  const std::string before = Fingerprint();
  struct Case {
    const char* name;
    boost::json::object extra;
    int status;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {"blank title", {{"title", "  "}}, 400, "invalid_field", "title"},
      {"unknown priority", {{"priority", "asap"}}, 400, "invalid_field", "priority"},
      {"due date not a date", {{"due_date", "next week"}}, 400, "invalid_field", "due_date"},
      {"assignee not an id", {{"assigned_to", "bosun"}}, 400, "invalid_field", "assigned_to"},
      {"assignee on another yacht",
       {{"assigned_to", UserB("crew").user_id}},
       404,
       "not_found",
       "assigned_to"},
      {"assignee nobody", {{"assigned_to", RandomUuidV4()}}, 404, "not_found", "assigned_to"},
  };
  for (const Case& c : cases) {
    ClientResponse r =
        Raise(fault, "crew", boost::json::value(PinSignature(UserA("captain"))), c.extra);
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name;
    EXPECT_EQ(DetailOf(r, "field"), c.field) << c.name << ": " << Describe(r);
  }
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(TextOf(Fault(fault).at("status")), "open");
}

TEST_F(FaultsSignedTest, WithTheSignedSubFlagOffOnlyTheSignedActionIsDisabled) {
  const std::string fault = Report();
  SetSignedFlag(false);
  const std::string before = Fingerprint();
  for (const char* initiator : {"crew", "captain"}) {
    ClientResponse signed_off =
        Raise(fault, initiator, boost::json::value(PinSignature(UserA("captain"))));
    EXPECT_TRUE(IsError(signed_off, 503, "feature_disabled")) << initiator;
    ClientResponse unsigned_off = Raise(fault, initiator, std::nullopt);
    EXPECT_TRUE(IsError(unsigned_off, 503, "feature_disabled"))
        << initiator << ": the flag answers before the signature";
  }
  EXPECT_EQ(Fingerprint(), before);

  // Not listed for anyone; the rest of the lens is.
  for (const char* role : {"crew", "captain", "manager"}) {
    ClientResponse list = Get(UserA(role), "/v1/actions/list?yacht_id=" + A().id);
    ASSERT_EQ(list.status, 200) << Describe(list);
    std::set<std::string> listed;
    const boost::json::value json = list.Json();
    for (const auto& a : json.at("actions").as_array()) {
      if (TextOf(a.at("domain")) == "faults") listed.insert(TextOf(a.at("action_id")));
    }
    EXPECT_FALSE(listed.contains("create_work_order_from_fault")) << role;
    EXPECT_TRUE(listed.contains("report_fault")) << role;
    ClientResponse s =
        Post(UserA(role), "/v1/actions/suggestions",
             boost::json::object{{"query", "raise work order for fault"}, {"yacht_id", A().id}});
    ASSERT_EQ(s.status, 200) << Describe(s);
    const boost::json::value sj = s.Json();
    for (const auto& e : sj.at("suggestions").as_array()) {
      EXPECT_NE(TextOf(e.at("action_id")), "create_work_order_from_fault") << role;
    }
  }
  // The rest of the lens works: report, acknowledge, list, view, close without a work order.
  const std::string other = Report();
  ClientResponse ack =
      Execute(UserA("captain"), A().id, "acknowledge_fault", {{"fault_id", other}});
  EXPECT_EQ(ack.status, 200) << Describe(ack);
  ClientResponse list = Execute(UserA("crew"), A().id, "list_faults", {{"status", "open"}});
  EXPECT_EQ(list.status, 200) << Describe(list);
  ClientResponse close = Execute(UserA("captain"), A().id, "close_fault",
                                 {{"fault_id", other},
                                  {"resolution", "Cleaned the pre-filter"},
                                  {"resolution_without_work_order", true}});
  EXPECT_EQ(close.status, 200) << Describe(close);
  EXPECT_EQ(TextOf(Fault(other).at("status")), "closed");

  SetSignedFlag(true);
  ClientResponse on = Raise(fault, "crew", boost::json::value(PinSignature(UserA("manager"))));
  EXPECT_EQ(on.status, 201) << Describe(on);
}

}  // namespace
}  // namespace celeste::testing

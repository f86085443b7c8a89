// The receiving lens's SIGNED action, accept_receiving, over HTTP on both backends
// (CONTRACT §5, docs/lenses/receiving.md "Accepting (SIGNED)"): every signature rule in
// contract order, who may sign, the signer lock, and the signature record in the audit row.
// A refused signature books nothing.
#include <chrono>
#include <cmath>
#include <string>

#include "core/clock.h"
#include "core/hash.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class ReceivingSignedTest : public IntegrationTest {
 protected:
  void SetUp() override {
    InitCrypto();  // Sha256Hex in the payload hash check
    IntegrationTest::SetUp();
  }

  // A catalog part on yacht A with `stock` on hand; its id.
  std::string AddPart(const std::string& number, double stock = 0) {
    ClientResponse added = Execute(UserA("chief_engineer"), A().id, "add_part",
                                   {{"name", "Part " + number}, {"part_number", number}});
    EXPECT_EQ(added.status, 201) << Describe(added);
    if (added.status != 201) return "";
    const std::string id = TextOf(added.Json().at("entity_id"));
    if (stock > 0) {
      ClientResponse received =
          Execute(UserA("crew"), A().id, "receive_part",
                  {{"part_id", id}, {"quantity", stock}, {"idempotency_key", "open-" + number}});
      EXPECT_EQ(received.status, 201) << Describe(received);
    }
    return id;
  }

  // A draft receiving of `quantity` of `part`, recorded by the crew; its id.
  std::string Draft(const std::string& part, double quantity) {
    ClientResponse r = Execute(UserA("crew"), A().id, "create_receiving",
                               {{"lines", boost::json::array{boost::json::object{
                                              {"part_id", part}, {"quantity_received", quantity}}}},
                                {"reference", "DN-" + std::to_string(++drafts_)}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? TextOf(r.Json().at("entity_id")) : "";
  }

  ClientResponse Accept(const std::string& receiving, const std::string& initiator,
                        std::optional<boost::json::value> signature) {
    return Execute(UserA(initiator), A().id, "accept_receiving", {{"receiving_id", receiving}},
                   std::move(signature));
  }

  double OnHand(const std::string& part) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").at("on_hand").to_number<double>() : -1;
  }

  boost::json::object Receiving(const std::string& receiving) {
    ClientResponse r =
        Execute(UserA("crew"), A().id, "view_receiving_detail", {{"receiving_id", receiving}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return {};
    return r.Json().at("result").as_object();
  }

  // Ledger rows, receivings by status and audit rows of yacht A, read past the server.
  std::string Fingerprint() {
    const std::string y = "'" + A().id + "'";
    RunResult r = RunSql(
        *server_, "SELECT COUNT(*) FROM pms_inventory_transactions WHERE yacht_id = " + y + ";" +
                      "SELECT part_id, on_hand FROM pms_part_stock WHERE yacht_id = " + y +
                      " ORDER BY part_id;" +
                      "SELECT id, status, accepted_by FROM pms_receivings "
                      "WHERE yacht_id = " +
                      y + " ORDER BY id;" +
                      "SELECT COUNT(*) FROM pms_audit_log WHERE yacht_id = " + y + ";");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The audit row `audit_id`, from the receiving's trail.
  boost::json::object AuditRow(const std::string& receiving, const std::string& audit_id) {
    ClientResponse r =
        Get(UserA("crew"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + receiving);
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    if (json.is_object() && json.as_object().contains("entries")) {
      for (const auto& e : json.at("entries").as_array()) {
        if (e.at("id").as_string() == audit_id) return e.as_object();
      }
    }
    ADD_FAILURE() << "no audit row " << audit_id << " on " << receiving << ": " << Describe(r);
    return {};
  }

  int drafts_ = 0;
};

TEST_F(ReceivingSignedTest, EverySignatureRuleHoldsAndARefusalBooksNothing) {
  const std::string part = AddPart("IMP-1", 1);
  const std::string receiving = Draft(part, 3);
  ASSERT_FALSE(receiving.empty());
  const std::string before = Fingerprint();

  ClientResponse missing = Accept(receiving, "crew", std::nullopt);
  EXPECT_TRUE(IsError(missing, 400, "signature_required")) << Describe(missing);

  auto with = [](boost::json::object sig, const char* key, boost::json::value v) {
    sig[key] = std::move(v);
    return sig;
  };
  const boost::json::object good = PinSignature(UserA("captain"));
  struct Malformed {
    const char* name;
    boost::json::object signature;
    const char* field;  // details.field, "" when not checked
  };
  boost::json::object no_signed_at = good;
  no_signed_at.erase("signed_at");
  const Malformed malformed[] = {
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
    ClientResponse r = Accept(receiving, "crew", boost::json::value(m.signature));
    EXPECT_TRUE(IsError(r, 400, "invalid_signature")) << m.name;
    if (*m.field) EXPECT_EQ(DetailOf(r, "field"), m.field) << m.name << ": " << Describe(r);
  }

  ClientResponse crew_signs =
      Accept(receiving, "crew", boost::json::value(PinSignature(UserA("crew"))));
  EXPECT_TRUE(IsError(crew_signs, 403, "invalid_signer_role"));
  EXPECT_EQ(DetailOf(crew_signs, "signer_role"), "crew") << Describe(crew_signs);

  ClientResponse foreign =
      Accept(receiving, "crew", boost::json::value(PinSignature(UserB("captain"))));
  EXPECT_TRUE(IsError(foreign, 403, "invalid_signer_role")) << "not a member of yacht A";

  ClientResponse wrong_pin =
      Accept(receiving, "crew", boost::json::value(PinSignature(UserA("captain"), "9999")));
  EXPECT_TRUE(IsError(wrong_pin, 400, "invalid_signature"));
  EXPECT_EQ(DetailOf(wrong_pin, "field"), "pin") << Describe(wrong_pin);

  // The order of the checks: the initiator's role and the fields come before the signature;
  // the signature before the receiving is looked up.
  ClientResponse unknown_field =
      Execute(UserA("crew"), A().id, "accept_receiving",
              {{"receiving_id", receiving}, {"quantity", 3}}, std::nullopt);
  EXPECT_TRUE(IsError(unknown_field, 400, "unknown_field")) << Describe(unknown_field);
  ClientResponse no_id = Execute(UserA("crew"), A().id, "accept_receiving", {}, std::nullopt);
  EXPECT_TRUE(IsError(no_id, 400, "missing_field"));
  EXPECT_EQ(DetailOf(no_id, "field"), "receiving_id");
  ClientResponse nobody_unsigned = Accept(RandomUuidV4(), "crew", std::nullopt);
  EXPECT_TRUE(IsError(nobody_unsigned, 400, "signature_required")) << Describe(nobody_unsigned);
  ClientResponse nobody_signed =
      Accept(RandomUuidV4(), "crew", boost::json::value(PinSignature(UserA("captain"))));
  EXPECT_TRUE(IsError(nobody_signed, 404, "not_found")) << Describe(nobody_signed);

  EXPECT_EQ(Fingerprint(), before) << "refused signatures change nothing";
  EXPECT_EQ(OnHand(part), 1);
  EXPECT_EQ(TextOf(Receiving(receiving).at("status")), "draft");

  // The crew member starts it, the captain signs: booked.
  const boost::json::object signature = PinSignature(UserA("captain"), kDemoPin, "checked, 3 ok");
  ClientResponse by_captain = Accept(receiving, "crew", boost::json::value(signature));
  ASSERT_EQ(by_captain.status, 200) << Describe(by_captain);
  EXPECT_EQ(OnHand(part), 4);
  const boost::json::value body = by_captain.Json();
  EXPECT_EQ(TextOf(body.at("result").at("accepted_by")), UserA("captain").user_id);

  // The audit row keeps the signature record, never the PIN.
  const boost::json::object row = AuditRow(receiving, TextOf(body.at("audit_id")));
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(TextOf(row.at("action")), "accept_receiving");
  EXPECT_EQ(TextOf(row.at("entity_type")), "receiving");
  EXPECT_EQ(TextOf(row.at("entity_id")), receiving);
  EXPECT_EQ(TextOf(row.at("actor_id")), UserA("crew").user_id) << "the initiator acts";
  EXPECT_EQ(TextOf(row.at("actor_role")), "crew");
  ASSERT_TRUE(row.at("signature").is_object()) << ToJson(row);
  const boost::json::object& sig = row.at("signature").as_object();
  EXPECT_EQ(TextOf(sig.at("signer_id")), UserA("captain").user_id);
  EXPECT_EQ(TextOf(sig.at("role_at_signing")), "captain");
  EXPECT_EQ(TextOf(sig.at("method")), "pin");
  EXPECT_EQ(TextOf(sig.at("signed_at")), TextOf(signature.at("signed_at")));
  EXPECT_EQ(TextOf(sig.at("reason")), "checked, 3 ok");
  const boost::json::object payload{{"receiving_id", receiving}};
  EXPECT_EQ(TextOf(sig.at("payload_sha256")), Sha256Hex(CanonicalJson(payload)))
      << "over the canonical payload as sent";
  EXPECT_FALSE(sig.contains("pin")) << ToJson(sig);
  const std::string text = ToJson(row);
  EXPECT_EQ(text.find("\"pin\":"), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string("\"") + kDemoPin + "\""), std::string::npos) << text;

  // Signed twice: the second acceptance is refused, with a valid signature.
  const std::string after = Fingerprint();
  ClientResponse again =
      Accept(receiving, "crew", boost::json::value(PinSignature(UserA("manager"))));
  EXPECT_TRUE(IsError(again, 400, "invalid_state_transition")) << Describe(again);
  EXPECT_EQ(Fingerprint(), after);
}

TEST_F(ReceivingSignedTest, EachOfTheFiveSignerRolesMaySign) {
  const std::string part = AddPart("FIL-1");
  struct Case {
    const char* initiator;
    const char* signer;
  };
  const Case cases[] = {
      {"crew", "captain"},          {"crew", "manager"},        {"crew", "chief_officer"},
      {"crew", "purser"},           {"crew", "chief_engineer"}, {"purser", "purser"},
      {"chief_officer", "manager"},
  };
  double expected = 0;
  for (const Case& c : cases) {
    const std::string receiving = Draft(part, 2);
    ClientResponse r =
        Accept(receiving, c.initiator, boost::json::value(PinSignature(UserA(c.signer))));
    ASSERT_EQ(r.status, 200) << c.initiator << " / " << c.signer << ": " << Describe(r);
    expected += 2;
    const boost::json::value body = r.Json();
    EXPECT_EQ(TextOf(body.at("result").at("status")), "accepted") << c.signer;
    EXPECT_EQ(TextOf(body.at("result").at("accepted_by")), UserA(c.signer).user_id) << c.signer;
    const boost::json::object row = AuditRow(receiving, TextOf(body.at("audit_id")));
    ASSERT_FALSE(row.empty());
    EXPECT_EQ(TextOf(row.at("signature").at("role_at_signing")), c.signer);
    EXPECT_EQ(TextOf(row.at("actor_role")), c.initiator);
  }
  EXPECT_EQ(OnHand(part), expected);
}

TEST_F(ReceivingSignedTest, FiveWrongPinsLockTheSigner) {
  const std::string part = AddPart("LOCK-1", 5);
  const std::string receiving = Draft(part, 3);
  const DemoUser& signer = UserA("chief_officer");
  const std::string before = Fingerprint();
  ExpectFiveWrongPinsLockTheSigner(
      signer, [&](boost::json::value sig) { return Accept(receiving, "crew", std::move(sig)); });
  // Nothing moved.
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(OnHand(part), 5);
  EXPECT_EQ(TextOf(Receiving(receiving).at("status")), "draft");

  // The lock is the signer's: another officer signs the same draft.
  ClientResponse other =
      Accept(receiving, "crew", boost::json::value(PinSignature(UserA("captain"))));
  ASSERT_EQ(other.status, 200) << Describe(other);
  EXPECT_EQ(OnHand(part), 8);
}

}  // namespace
}  // namespace celeste::testing

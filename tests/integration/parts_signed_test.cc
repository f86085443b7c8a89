// The parts lens's SIGNED actions over HTTP (CONTRACT §5), on both backends: adjust_stock
// (a stock-take) and order_part_with_approval (an approved shopping list request), and
// the signature rules every SIGNED action obeys.
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

class PartsSignedTest : public IntegrationTest {
 protected:
  // A signature by `signer` with the demo PIN (or `pin`), signed now.
  static boost::json::object Signature(const DemoUser& signer, const std::string& pin = kDemoPin) {
    return {{"signer_id", signer.user_id},
            {"method", "pin"},
            {"pin", pin},
            {"signed_at", FormatRfc3339(SystemClock::Instance().Now())},
            {"reason", "stock-take, bosun's store"}};
  }

  std::string AddPart(const std::string& number, double stock) {
    ClientResponse added = Execute(UserA("chief_engineer"), A().id, "add_part",
                                   {{"name", "Part " + number}, {"part_number", number}});
    EXPECT_EQ(added.status, 201) << Describe(added);
    const std::string id(added.Json().at("entity_id").as_string());
    if (stock > 0) {
      ClientResponse received =
          Execute(UserA("crew"), A().id, "receive_part",
                  {{"part_id", id}, {"quantity", stock}, {"idempotency_key", "open-" + number}});
      EXPECT_EQ(received.status, 201) << Describe(received);
    }
    return id;
  }

  double OnHand(const std::string& part) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").at("on_hand").to_number<double>() : -1;
  }

  // The audit row for `audit_id` (as a HOD reads the yacht's log).
  boost::json::object AuditRow(const std::string& audit_id) {
    ClientResponse r = Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&limit=1000");
    EXPECT_EQ(r.status, 200) << Describe(r);
    const boost::json::value json = r.Json();
    for (const auto& e : json.at("entries").as_array()) {
      if (e.at("id").as_string() == audit_id) return e.as_object();
    }
    ADD_FAILURE() << "no audit row " << audit_id;
    return {};
  }

  // Each signed action with a payload that succeeds when signed by an allowed signer.
  struct Signed {
    std::string action;
    const char* initiator;
    boost::json::object payload;
  };
  std::vector<Signed> SignedActions() {
    return {{"adjust_stock",
             "purser",
             {{"part_id", AddPart("ADJ-" + std::to_string(++parts_), 10.0)},
              {"new_quantity", 7},
              {"reason", "counted 7"}}},
            {"order_part_with_approval",
             "crew",
             {{"part_id", AddPart("ORD-" + std::to_string(++parts_), 0)}, {"quantity", 2}}}};
  }

  int parts_ = 0;
};

TEST_F(PartsSignedTest, EverySignatureRuleHoldsForEverySignedAction) {
  for (const Signed& s : SignedActions()) {
    const DemoUser& initiator = UserA(s.initiator);
    const std::string what = s.action + ": ";

    ClientResponse missing = Execute(initiator, A().id, s.action, s.payload);
    EXPECT_TRUE(IsError(missing, 400, "signature_required")) << what << Describe(missing);

    ClientResponse malformed = Execute(initiator, A().id, s.action, s.payload,
                                       boost::json::object{{"signer_id", "nobody"}});
    EXPECT_TRUE(IsError(malformed, 400, "invalid_signature")) << what << Describe(malformed);

    ClientResponse crew_signs =
        Execute(initiator, A().id, s.action, s.payload, Signature(UserA("crew")));
    EXPECT_TRUE(IsError(crew_signs, 403, "invalid_signer_role")) << what << Describe(crew_signs);

    ClientResponse wrong_pin =
        Execute(initiator, A().id, s.action, s.payload, Signature(UserA("captain"), "9999"));
    EXPECT_TRUE(IsError(wrong_pin, 400, "invalid_signature")) << what << Describe(wrong_pin);

    ClientResponse by_captain =
        Execute(initiator, A().id, s.action, s.payload, Signature(UserA("captain")));
    ASSERT_TRUE(by_captain.status == 200 || by_captain.status == 201)
        << what << Describe(by_captain);

    // The audit row carries the signature record, never the PIN.
    const boost::json::object row =
        AuditRow(std::string(by_captain.Json().at("audit_id").as_string()));
    const boost::json::object& sig = row.at("signature").as_object();
    EXPECT_EQ(sig.at("signer_id").as_string(), UserA("captain").user_id) << what;
    EXPECT_EQ(sig.at("role_at_signing").as_string(), "captain") << what;
    EXPECT_EQ(sig.at("method").as_string(), "pin") << what;
    EXPECT_TRUE(sig.contains("signed_at")) << what;
    EXPECT_EQ(sig.at("payload_sha256").as_string().size(), 64u) << what;
    EXPECT_FALSE(sig.contains("pin")) << what;
    EXPECT_EQ(boost::json::serialize(row).find(kDemoPin), std::string::npos) << what << row;
  }
  // A manager may sign both.
  for (Signed& s : SignedActions()) {
    ClientResponse by_manager =
        Execute(UserA(s.initiator), A().id, s.action, s.payload, Signature(UserA("manager")));
    EXPECT_TRUE(by_manager.status == 200 || by_manager.status == 201)
        << s.action << ": " << Describe(by_manager);
  }
}

TEST_F(PartsSignedTest, FiveWrongPinsLockTheSigner) {
  const Signed s = SignedActions().front();
  const DemoUser& signer = UserA("chief_engineer");
  ExpectFiveWrongPinsLockTheSigner(signer, [&](boost::json::value sig) {
    return Execute(UserA(s.initiator), A().id, s.action, s.payload, std::move(sig));
  });
  // Nothing moved.
  EXPECT_EQ(OnHand(std::string(s.payload.at("part_id").as_string())), 10);
}

TEST_F(PartsSignedTest, AdjustStockSetsTheCountedQuantityWithOneAdjustRow) {
  const std::string part = AddPart("STK-1", 10);
  ClientResponse crew_starts = Execute(UserA("crew"), A().id, "adjust_stock",
                                       {{"part_id", part}, {"new_quantity", 7}, {"reason", "x"}},
                                       Signature(UserA("captain")));
  EXPECT_TRUE(IsError(crew_starts, 403, "forbidden_role")) << Describe(crew_starts);

  ClientResponse adjusted = Execute(UserA("purser"), A().id, "adjust_stock",
                                    {{"part_id", part}, {"new_quantity", 7}, {"reason", "count"}},
                                    Signature(UserA("captain")));
  ASSERT_EQ(adjusted.status, 201) << Describe(adjusted);
  const boost::json::object result = adjusted.Json().at("result").as_object();
  EXPECT_EQ(result.at("previous_on_hand"), boost::json::value(10));
  EXPECT_EQ(result.at("difference"), boost::json::value(-3));
  EXPECT_EQ(result.at("on_hand"), boost::json::value(7));
  EXPECT_EQ(OnHand(part), 7);

  ClientResponse detail = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
  const boost::json::value newest =
      detail.Json().at("result").at("transactions").as_array().front();
  EXPECT_EQ(newest.at("type").as_string(), "adjust");
  EXPECT_EQ(newest.at("quantity"), boost::json::value(-3));
  EXPECT_EQ(newest.at("reference").as_string(), "count");

  // The same count again confirms the books: 200, no row.
  ClientResponse again = Execute(UserA("purser"), A().id, "adjust_stock",
                                 {{"part_id", part}, {"new_quantity", 7}, {"reason", "recount"}},
                                 Signature(UserA("captain")));
  ASSERT_EQ(again.status, 200) << Describe(again);
  EXPECT_TRUE(again.Json().at("result").at("transaction_id").is_null());
  detail = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part}});
  EXPECT_EQ(detail.Json().at("result").at("transactions").as_array().size(), 2u);
}

TEST_F(PartsSignedTest, OrderWithApprovalMakesAnApprovedRequestWhoseHistoryShowsTheSigner) {
  const std::string part = AddPart("ORD-X", 0);
  ClientResponse ordered = Execute(UserA("crew"), A().id, "order_part_with_approval",
                                   {{"part_id", part}, {"quantity", 3}, {"urgency", "high"}},
                                   Signature(UserA("chief_engineer")));
  ASSERT_EQ(ordered.status, 201) << Describe(ordered);
  const boost::json::object item = ordered.Json().at("result").as_object();
  const std::string item_id(item.at("id").as_string());
  EXPECT_EQ(item.at("status").as_string(), "approved");
  EXPECT_EQ(item.at("part_id").as_string(), part);
  EXPECT_EQ(item.at("quantity_approved"), boost::json::value(3));
  EXPECT_EQ(item.at("created_by").as_string(), UserA("crew").user_id);
  EXPECT_EQ(item.at("approved_by").as_string(), UserA("chief_engineer").user_id);

  ClientResponse history =
      Execute(UserA("crew"), A().id, "view_shopping_list_history", {{"item_id", item_id}});
  ASSERT_EQ(history.status, 200) << Describe(history);
  const boost::json::array rows = history.Json().at("result").at("history").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("to_status").as_string(), "requested");
  EXPECT_EQ(rows[0].at("actor_id").as_string(), UserA("crew").user_id);
  EXPECT_EQ(rows[1].at("from_status").as_string(), "requested");
  EXPECT_EQ(rows[1].at("to_status").as_string(), "approved");
  EXPECT_EQ(rows[1].at("actor_id").as_string(), UserA("chief_engineer").user_id);
  EXPECT_EQ(rows[1].at("actor_role").as_string(), "chief_engineer");

  // An open request for the part exists now: a second order names it.
  ClientResponse second =
      Execute(UserA("crew"), A().id, "order_part_with_approval",
              {{"part_id", part}, {"quantity", 1}}, Signature(UserA("chief_engineer")));
  EXPECT_TRUE(IsError(second, 409, "duplicate")) << Describe(second);
  EXPECT_EQ(DetailOf(second, "existing_id"), item_id);
}

}  // namespace
}  // namespace celeste::testing

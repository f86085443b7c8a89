// The receiving lens's registration: its flag, probe, actions, variants, roles, signers and
// fields are the ones docs/api.md ("Receiving lens") publishes. Behaviour is tested over
// HTTP in tests/integration/receiving*_test.cc and concurrency_test.cc.
#include "lenses/receiving/receiving_lens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actions/registry.h"
#include "lens_registration.h"

namespace celeste {
namespace {

TEST(ReceivingLensTest, LensAndActionsMatchTheDocumentedTable) {
  Registry registry;
  RegisterReceivingLens(registry);

  const LensDef* lens = registry.FindLens("receiving");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->flags, std::vector<std::string>{"RECEIVING_LENS_V1_ENABLED"});
  EXPECT_EQ(lens->probe_action, "list_purchase_orders");
  const ActionDef* probe = registry.FindAction(lens->probe_action);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->variant, Variant::kRead);

  const RoleSet kBuyers = RoleSet::Hod().With(Role::kPurser);
  testing::ExpectLensActions(
      registry, "receiving",
      {
          {"create_purchase_order",
           Variant::kMutate,
           kBuyers,
           {"supplier", "item_ids"},
           {"expected_date", "reference", "notes"}},
          {"view_purchase_order", Variant::kRead, RoleSet::All(), {"purchase_order_id"}, {}},
          {"list_purchase_orders",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"status", "limit", "cursor"}},
          {"cancel_purchase_order",
           Variant::kMutate,
           RoleSet::Hod(),
           {"purchase_order_id"},
           {"reason"}},
          {"create_receiving",
           Variant::kMutate,
           RoleSet::All(),
           {"lines"},
           {"purchase_order_id", "reference", "notes"}},
          {"accept_receiving", Variant::kSigned, RoleSet::All(), {"receiving_id"}, {}},
          {"reject_receiving", Variant::kMutate, RoleSet::Hod(), {"receiving_id", "reason"}, {}},
          {"view_receiving_detail", Variant::kRead, RoleSet::All(), {"receiving_id"}, {}},
          {"list_receivings",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"status", "purchase_order_id", "limit", "cursor"}},
      });

  const RoleSet kSigners{Role::kChiefEngineer, Role::kChiefOfficer, Role::kCaptain, Role::kPurser,
                         Role::kManager};
  EXPECT_EQ(registry.FindAction("accept_receiving")->signer_roles.ToVector(), kSigners.ToVector());
  EXPECT_FALSE(registry.FindAction("accept_receiving")->signer_roles.Contains(Role::kCrew));

  const std::vector<std::string> kOrderStatuses = {"ordered", "partially_received", "received",
                                                   "cancelled"};
  EXPECT_EQ(registry.FindAction("list_purchase_orders")->FindField("status")->enum_values,
            kOrderStatuses);
  const std::vector<std::string> kReceivingStatuses = {"draft", "accepted", "rejected"};
  EXPECT_EQ(registry.FindAction("list_receivings")->FindField("status")->enum_values,
            kReceivingStatuses);
  EXPECT_EQ(registry.FindAction("create_purchase_order")->FindField("item_ids")->type,
            FieldType::kArray);
  EXPECT_EQ(registry.FindAction("create_receiving")->FindField("lines")->type, FieldType::kArray);
}

}  // namespace
}  // namespace celeste

// The equipment lens's registration: its flag, probe, actions, variants, roles and fields
// are the ones docs/lenses/equipment.md publishes. The due rules are tested in
// maintenance_due_test.cc; behaviour over HTTP in tests/integration/equipment_test.cc.
#include "lenses/equipment/equipment_lens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actions/registry.h"
#include "lens_registration.h"

namespace celeste {
namespace {

TEST(EquipmentLensTest, LensAndActionsMatchTheDocumentedTable) {
  Registry registry;
  RegisterEquipmentLens(registry);

  const LensDef* lens = registry.FindLens("equipment");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->flags, std::vector<std::string>{"EQUIPMENT_LENS_V2_ENABLED"});
  EXPECT_EQ(lens->probe_action, "list_equipment");
  const ActionDef* probe = registry.FindAction(lens->probe_action);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->variant, Variant::kRead);

  testing::ExpectLensActions(
      registry, "equipment",
      {
          {"add_equipment",
           Variant::kMutate,
           RoleSet::Hod(),
           {"name"},
           {"parent_id", "system", "manufacturer", "model", "serial_number", "location",
            "criticality", "running_hours"}},
          {"view_equipment_detail", Variant::kRead, RoleSet::All(), {"equipment_id"}, {}},
          {"list_equipment", Variant::kRead, RoleSet::All(), {}, {"view", "q", "limit", "cursor"}},
          {"update_running_hours",
           Variant::kMutate,
           RoleSet::All(),
           {"equipment_id", "running_hours"},
           {}},
          {"add_maintenance_schedule",
           Variant::kMutate,
           RoleSet::Hod(),
           {"equipment_id", "task"},
           {"interval_days", "interval_hours", "description", "last_done_at", "last_done_hours"}},
          {"list_due_maintenance",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"within_days", "within_hours"}},
          {"generate_due_work_orders",
           Variant::kMutate,
           RoleSet::Hod(),
           {},
           {"within_days", "within_hours"}},
      });

  const std::vector<std::string> kCriticalities = {"low", "medium", "high", "critical"};
  EXPECT_EQ(registry.FindAction("add_equipment")->FindField("criticality")->enum_values,
            kCriticalities);
  const std::vector<std::string> kViews = {"flat", "tree"};
  EXPECT_EQ(registry.FindAction("list_equipment")->FindField("view")->enum_values, kViews);

  // Readings and intervals are never negative; an interval is never zero.
  const FieldDef* reading = registry.FindAction("update_running_hours")->FindField("running_hours");
  ASSERT_TRUE(reading->min.has_value());
  EXPECT_EQ(*reading->min, 0);
  EXPECT_FALSE(reading->min_exclusive);
  const ActionDef* add_schedule = registry.FindAction("add_maintenance_schedule");
  EXPECT_EQ(add_schedule->FindField("interval_days")->type, FieldType::kInteger);
  EXPECT_EQ(add_schedule->FindField("interval_days")->min, 1);
  EXPECT_TRUE(add_schedule->FindField("interval_hours")->min_exclusive);
  EXPECT_EQ(add_schedule->FindField("last_done_at")->type, FieldType::kDateTime);
}

}  // namespace
}  // namespace celeste

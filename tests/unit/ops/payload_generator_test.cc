// Generated payloads (ops/payload_generator.h): what stress's create scenario and acceptance
// send must pass the dispatcher's own field validation, for every lens, with no code per lens.
#include "ops/payload_generator.h"

#include <gtest/gtest.h>

#include "actions/fields.h"
#include "actions/registry.h"
#include "core/json.h"
#include "lenses/lenses.h"
#include "ops/lens_ops_profile.h"

namespace celeste::ops {
namespace {

constexpr const char* kPartId = "0192f000-0000-7000-8000-000000000001";

// Stands in for the server: every "@ACTION" resolves to one id, and is remembered.
struct FakeIds {
  std::vector<std::string> asked;
  IdResolver Resolver() {
    return [this](std::string_view action) -> Result<std::string> {
      asked.emplace_back(action);
      return std::string(kPartId);
    };
  }
};

PayloadSeed Seed(uint64_t sequence) {
  return {"celeste test", sequence, *ParseRfc3339("2026-12-06T10:00:00Z")};
}

TEST(PayloadGeneratorTest, EveryLensCreateActionGetsAPayloadItsValidationAccepts) {
  Registry registry;
  RegisterAllLenses(registry);
  for (const LensDef& lens : registry.lenses()) {
    SCOPED_TRACE(lens.id);
    const ActionDef* create = registry.FindAction(lens.create_action);
    ASSERT_NE(create, nullptr) << "create action '" << lens.create_action << "'";
    EXPECT_EQ(create->lens, lens.id);
    EXPECT_EQ(create->variant, Variant::kMutate);
    EXPECT_FALSE(lens.entity_type.empty());
    FakeIds ids;
    auto payload = GeneratePayload(*create, Seed(7), ids.Resolver());
    ASSERT_TRUE(payload.ok()) << payload.status().message();
    const Status valid = ValidatePayload(*create, *payload);
    EXPECT_TRUE(valid.ok()) << valid.message() << " in " << ToJson(*payload);
  }
}

TEST(PayloadGeneratorTest, EverySignedActionGetsAValidPayloadOnceItsEntityIsGiven) {
  Registry registry;
  RegisterAllLenses(registry);
  for (const LensDef& lens : registry.lenses()) {
    auto profile = ResolveLensOpsProfile(registry, lens.id);
    ASSERT_TRUE(profile.ok()) << profile.status().message();
    if (profile->signed_action.empty()) continue;
    SCOPED_TRACE(profile->signed_action);
    const ActionDef* action = registry.FindAction(profile->signed_action);
    FakeIds ids;
    auto payload =
        GeneratePayload(*action, Seed(1), ids.Resolver(), {{profile->entity_id_key, kPartId}});
    ASSERT_TRUE(payload.ok()) << payload.status().message();
    EXPECT_TRUE(ValidatePayload(*action, *payload).ok()) << ToJson(*payload);
  }
}

TEST(PayloadGeneratorTest, TextsAreUniquePerSequenceAndDatesFollowEachOther) {
  Registry registry;
  RegisterAllLenses(registry);
  const ActionDef* add = registry.FindAction("add_certificate");
  ASSERT_NE(add, nullptr);
  FakeIds ids;
  auto first = GeneratePayload(*add, Seed(1), ids.Resolver());
  auto second = GeneratePayload(*add, Seed(2), ids.Resolver());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(GetString(*first, "number"), "celeste test #1");
  EXPECT_NE(GetString(*first, "number"), GetString(*second, "number"));
  // issue_date then expiry_date: a year apart, so "expiry after issue" holds.
  EXPECT_EQ(GetString(*first, "issue_date"), "2026-12-06");
  EXPECT_EQ(GetString(*first, "expiry_date"), "2027-12-06");
  EXPECT_TRUE(ids.asked.empty());
}

TEST(PayloadGeneratorTest, ExamplesResolveTheirReferencesOnceAndOverridesWin) {
  Registry registry;
  RegisterAllLenses(registry);
  const ActionDef* delivery = registry.FindAction("create_receiving");
  ASSERT_NE(delivery, nullptr);
  FakeIds ids;
  auto payload = GeneratePayload(*delivery, Seed(3), ids.Resolver(), {{"reference", "DN-1"}});
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  EXPECT_EQ(ToJson(payload->at("lines")),
            std::string(R"([{"part_id":")") + kPartId + R"(","quantity_received":1}])");
  EXPECT_EQ(GetString(*payload, "reference"), "DN-1");
  EXPECT_EQ(ids.asked, std::vector<std::string>{"list_parts"});
}

TEST(PayloadGeneratorTest, RelativeDateExamplesAreDatesFromTheSeedsDay) {
  Registry registry;
  RegisterAllLenses(registry);
  const ActionDef* renew = registry.FindAction("renew_certificate_with_approval");
  ASSERT_NE(renew, nullptr);
  FakeIds ids;
  auto payload = GeneratePayload(*renew, Seed(1), ids.Resolver(), {{"certificate_id", kPartId}});
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  EXPECT_EQ(GetString(*payload, "new_issue_date"), "2026-12-06");
  // Three years on: after the expiry of any certificate the tools add (a year on).
  EXPECT_EQ(GetString(*payload, "new_expiry_date"), "2029-12-05");
  EXPECT_TRUE(ids.asked.empty()) << "a date is not an action";
}

TEST(PayloadGeneratorTest, ARequiredIdWithoutExampleIsRefusedNamingTheField) {
  Registry registry;
  RegisterAllLenses(registry);
  const ActionDef* approve = registry.FindAction("approve_shopping_list_item");
  ASSERT_NE(approve, nullptr);
  FakeIds ids;
  auto payload = GeneratePayload(*approve, Seed(1), ids.Resolver());
  ASSERT_FALSE(payload.ok());
  EXPECT_EQ(payload.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(payload.status().message().find("item_id"), std::string::npos);
}

TEST(PayloadGeneratorTest, AResolverFailureIsPassedOn) {
  Registry registry;
  RegisterAllLenses(registry);
  IdResolver none = [](std::string_view action) -> Result<std::string> {
    return Status::NotFound(std::string(action) + " lists nothing");
  };
  auto payload = GeneratePayload(*registry.FindAction("create_receiving"), Seed(1), none);
  ASSERT_FALSE(payload.ok());
  EXPECT_EQ(payload.status().message(), "list_parts lists nothing");
}

TEST(PayloadGeneratorTest, FirstListedIdFindsTheFirstIdOfAnyList) {
  auto result = ParseJson(R"({"count":2,"parts":[{"name":"x","id":"a"},{"id":"b"}]})");
  ASSERT_TRUE(result);
  EXPECT_EQ(FirstListedId(*result), "a");
  auto nested = ParseJson(R"({"view":"tree","equipment":[{"children":[{"id":"c"}]}]})");
  EXPECT_EQ(FirstListedId(*nested), "c");
  auto empty = ParseJson(R"({"items":[],"next_cursor":null})");
  EXPECT_EQ(FirstListedId(*empty), std::nullopt);
}

}  // namespace
}  // namespace celeste::ops

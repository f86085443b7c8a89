// Registry: look-ups, the flag list, and the registration mistakes that abort start-up.
#include "actions/registry.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace celeste {
namespace {

LensDef Lens(std::string id, std::vector<std::string> flags, std::string suggestions_flag = "") {
  LensDef l;
  l.id = std::move(id);
  l.label = l.id;
  l.flags = std::move(flags);
  l.suggestions_flag = std::move(suggestions_flag);
  return l;
}

ActionDef Action(std::string id, std::string lens, Variant variant = Variant::kRead) {
  ActionDef a;
  a.id = std::move(id);
  a.label = a.id;
  a.lens = std::move(lens);
  a.variant = variant;
  a.allowed_roles = RoleSet::All();
  if (variant == Variant::kSigned) a.signer_roles = RoleSet::Hod();
  a.handler = [](const ActionContext&, Tx&) -> Result<ActionOutcome> { return ActionOutcome{}; };
  return a;
}

// Two lenses sharing a flag, sub-flags for suggestions and signed actions.
Registry MakeRegistry() {
  Registry r;
  r.AddLens(Lens("shopping_list", {"SHOPPING_LIST_LENS_V1_ENABLED"},
                 "SHOPPING_LIST_SUGGESTIONS_ENABLED"));
  r.AddLens(Lens("parts", {"PARTS_LENS_V1_ENABLED", "SHOPPING_LIST_LENS_V1_ENABLED"}));
  r.AddAction(Action("view_item", "shopping_list"));
  r.AddAction(Action("create_item", "shopping_list", Variant::kMutate));
  ActionDef sign = Action("sign_item", "shopping_list", Variant::kSigned);
  sign.extra_flags = {"SHOPPING_LIST_SIGNED_ACTIONS_ENABLED", "PARTS_LENS_V1_ENABLED"};
  r.AddAction(std::move(sign));
  r.AddAction(Action("view_part", "parts"));
  return r;
}

TEST(RegistryTest, FindActionAndLens) {
  struct Case {
    const char* id;
    bool action_exists;
    const char* lens;  // the action's lens, when it exists
    bool lens_exists;
  };
  const Case kCases[] = {
      {"view_item", true, "shopping_list", false},
      {"create_item", true, "shopping_list", false},
      {"sign_item", true, "shopping_list", false},
      {"view_part", true, "parts", false},
      {"shopping_list", false, "", true},
      {"parts", false, "", true},
      {"", false, "", false},
      {"VIEW_ITEM", false, "", false},
      {"view_item ", false, "", false},
  };
  const Registry r = MakeRegistry();
  for (const auto& c : kCases) {
    const ActionDef* a = r.FindAction(c.id);
    EXPECT_EQ(a != nullptr, c.action_exists) << "case '" << c.id << "'";
    if (a) {
      EXPECT_EQ(a->id, c.id) << "case '" << c.id << "'";
      EXPECT_EQ(a->lens, c.lens) << "case '" << c.id << "'";
    }
    const LensDef* l = r.FindLens(c.id);
    EXPECT_EQ(l != nullptr, c.lens_exists) << "case '" << c.id << "'";
    if (l) {
      EXPECT_EQ(l->id, c.id) << "case '" << c.id << "'";
    }
  }
  EXPECT_EQ(r.actions().size(), 4u);
  EXPECT_EQ(r.lenses().size(), 2u);
}

TEST(RegistryTest, ActionAddressesAreStable) {
  Registry r;
  r.AddLens(Lens("l", {"F"}));
  r.AddAction(Action("first", "l"));
  const ActionDef* first = r.FindAction("first");
  for (int i = 0; i < 100; ++i) r.AddAction(Action("a" + std::to_string(i), "l"));
  EXPECT_EQ(r.FindAction("first"), first);
}

TEST(RegistryTest, AllFlagsSortedUnique) {
  struct Case {
    const char* name;
    std::function<Registry()> make;
    std::vector<std::string> want;
  };
  const Case kCases[] = {
      {"empty registry", [] { return Registry(); }, {}},
      {"lens flags, suggestions flag and extra flags, shared ones once",
       MakeRegistry,
       {"PARTS_LENS_V1_ENABLED", "SHOPPING_LIST_LENS_V1_ENABLED",
        "SHOPPING_LIST_SIGNED_ACTIONS_ENABLED", "SHOPPING_LIST_SUGGESTIONS_ENABLED"}},
      {"a lens without actions still names its flags",
       [] {
         Registry r;
         r.AddLens(Lens("z", {"Z_FLAG", "A_FLAG"}, "M_FLAG"));
         return r;
       },
       {"A_FLAG", "M_FLAG", "Z_FLAG"}},
  };
  for (const auto& c : kCases) {
    const Registry r = c.make();
    EXPECT_EQ(r.AllFlags(), c.want) << "case " << c.name;
  }
}

class RegistryDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(RegistryDeathTest, RegistrationMistakesAbort) {
  struct Case {
    const char* name;
    std::function<void(Registry&)> add;
    const char* message;  // a regex the abort message matches
  };
  const Case kCases[] = {
      {"duplicate action id", [](Registry& r) { r.AddAction(Action("view_item", "parts")); },
       "duplicate action 'view_item'"},
      {"action for an unknown lens", [](Registry& r) { r.AddAction(Action("x", "no_such_lens")); },
       "unknown lens 'no_such_lens'"},
      {"SIGNED without signer roles",
       [](Registry& r) {
         ActionDef a = Action("x", "parts", Variant::kSigned);
         a.signer_roles = RoleSet();
         r.AddAction(std::move(a));
       },
       "signer roles"},
      {"signer roles on a MUTATE action",
       [](Registry& r) {
         ActionDef a = Action("x", "parts", Variant::kMutate);
         a.signer_roles = RoleSet::Hod();
         r.AddAction(std::move(a));
       },
       "signer roles"},
      {"action without a handler",
       [](Registry& r) {
         ActionDef a = Action("x", "parts");
         a.handler = nullptr;
         r.AddAction(std::move(a));
       },
       "no handler"},
      {"action without roles",
       [](Registry& r) {
         ActionDef a = Action("x", "parts");
         a.allowed_roles = RoleSet();
         r.AddAction(std::move(a));
       },
       "no roles"},
      {"duplicate lens id", [](Registry& r) { r.AddLens(Lens("parts", {"F"})); },
       "duplicate lens 'parts'"},
      {"lens without a flag", [](Registry& r) { r.AddLens(Lens("new_lens", {})); }, "no flag"},
  };
  for (const auto& c : kCases) {
    Registry r = MakeRegistry();
    EXPECT_DEATH(c.add(r), c.message) << "case " << c.name;
  }
}

}  // namespace
}  // namespace celeste

// Registration tests of every lens check the same things of each action: it exists in the
// lens, its variant and initiating roles, that it can be found and run (label, keywords,
// handler), and its required and optional fields in order. One checker for all of them.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "actions/registry.h"

namespace celeste::testing {

struct ExpectedAction {
  const char* id;
  Variant variant;
  RoleSet roles;  // who may initiate
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

// Expects `registry` to hold exactly `actions` (no other action), each of lens `lens`.
inline void ExpectLensActions(const Registry& registry, std::string_view lens,
                              const std::vector<ExpectedAction>& actions) {
  EXPECT_EQ(registry.actions().size(), actions.size());
  for (const ExpectedAction& want : actions) {
    const ActionDef* action = registry.FindAction(want.id);
    ASSERT_NE(action, nullptr) << want.id;
    EXPECT_EQ(action->lens, lens) << want.id;
    EXPECT_EQ(action->variant, want.variant) << want.id;
    EXPECT_EQ(action->allowed_roles.ToVector(), want.roles.ToVector()) << want.id;
    EXPECT_FALSE(action->label.empty()) << want.id;
    EXPECT_FALSE(action->search_keywords.empty()) << want.id;
    EXPECT_TRUE(static_cast<bool>(action->handler)) << want.id;
    std::vector<std::string> required;
    std::vector<std::string> optional;
    for (const FieldDef& field : action->fields) {
      (field.required ? required : optional).push_back(field.name);
      EXPECT_FALSE(field.label.empty()) << want.id << "." << field.name;
    }
    EXPECT_EQ(required, want.required) << want.id;
    EXPECT_EQ(optional, want.optional) << want.id;
  }
}

}  // namespace celeste::testing

// The monitor has no lens-specific code (issue 6): every lens the server registers must give
// it what it needs in its definition. Each lens declares a probe that is one of its own READ
// actions, which a manager (the monitor's account) may run with an empty payload, an SLO,
// and a keyword its suggestions probe can ask with.
#include <gtest/gtest.h>

#include "actions/registry.h"
#include "auth/roles.h"
#include "lenses/lenses.h"

namespace celeste {
namespace {

TEST(LensProbesTest, EveryLensDeclaresAProbeTheMonitorCanRunAndAnSlo) {
  Registry registry;
  RegisterAllLenses(registry);
  ASSERT_GE(registry.lenses().size(), 7u);
  for (const LensDef& lens : registry.lenses()) {
    SCOPED_TRACE(lens.id);
    EXPECT_FALSE(lens.flags.empty());
    EXPECT_GT(lens.slo_p95_ms, 0);
    const ActionDef* probe = registry.FindAction(lens.probe_action);
    ASSERT_NE(probe, nullptr) << "probe action '" << lens.probe_action << "' is not registered";
    EXPECT_EQ(probe->lens, lens.id);
    EXPECT_EQ(probe->variant, Variant::kRead);
    EXPECT_TRUE(probe->allowed_roles.Contains(Role::kManager));
    EXPECT_TRUE(probe->extra_flags.empty()) << "the probe must run whenever the lens is on";
    for (const FieldDef& field : probe->fields) {
      EXPECT_FALSE(field.required) << "the probe needs '" << field.name << "'";
    }
    bool has_keyword = false;
    for (const auto& action : registry.actions()) {
      if (action->lens == lens.id && !action->search_keywords.empty()) has_keyword = true;
    }
    EXPECT_TRUE(has_keyword) << "no search keyword for the suggestions probe";
  }
}

}  // namespace
}  // namespace celeste

// The monitor has no lens-specific code (issue 6): every lens the server registers must give
// it what it needs in its definition. Each lens declares a probe that is one of its own READ
// actions, which a manager (the monitor's account) may run with an empty payload, an SLO,
// and a keyword its suggestions probe can ask with.
#include <gtest/gtest.h>

#include "actions/registry.h"
#include "auth/roles.h"
#include "core/json.h"
#include "lenses/lenses.h"
#include "ops/monitor.h"

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

// What the monitor sends for a lens: five probes, each built from the lens's definition only.
TEST(LensProbesTest, ProbesComeFromTheLensDefinition) {
  Registry registry;
  RegisterAllLenses(registry);
  const std::string yacht = "0190a000-0000-7000-8000-00000000000a";
  for (const LensDef& lens : registry.lenses()) {
    SCOPED_TRACE(lens.id);
    const std::vector<ops::Probe> probes = ops::LensProbes(lens, registry, yacht);
    ASSERT_EQ(probes.size(), 5u);
    EXPECT_EQ(probes[0].target, "/v1/actions/health");
    EXPECT_EQ(probes[1].target, "/v1/flags?yacht_id=" + yacht);
    EXPECT_EQ(probes[2].target, "/v1/actions/list?yacht_id=" + yacht + "&domain=" + lens.id);
    auto suggestion = ParseJson(probes[3].body);
    ASSERT_TRUE(suggestion && suggestion->is_object());
    EXPECT_EQ(suggestion->at("domain"), lens.id.c_str());
    EXPECT_EQ(suggestion->at("yacht_id"), yacht.c_str());
    EXPECT_EQ(suggestion->at("query"), ops::LensKeyword(lens, registry).c_str());
    EXPECT_FALSE(ops::LensKeyword(lens, registry).empty());
    auto execute = ParseJson(probes[4].body);
    ASSERT_TRUE(execute && execute->is_object());
    EXPECT_EQ(execute->at("action"), lens.probe_action.c_str());
    EXPECT_EQ(execute->at("context").at("yacht_id"), yacht.c_str());
    EXPECT_TRUE(execute->at("payload").as_object().empty());
    for (const ops::Probe& p : probes) EXPECT_EQ(p.expected_status, 200) << p.name;
  }
}

}  // namespace
}  // namespace celeste

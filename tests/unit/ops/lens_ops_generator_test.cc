// The per-lens ops generator (issue 7, "Generator"): every lens's profile defaults come from
// the registry and every name given instead is checked; the five files are byte-stable and
// say what they are; writing is idempotent, and a check reports the files that drifted.
#include "ops/lens_ops_generator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "../store/temp_dir.h"
#include "core/json.h"
#include "lenses/lenses.h"
#include "ops/lens_ops_profile.h"

namespace celeste::ops {
namespace {

namespace fs = std::filesystem;

Registry AllLenses() {
  Registry registry;
  RegisterAllLenses(registry);
  return registry;
}

// A lens with one action only a manager may run.
Registry ManagerOnlyLens() {
  Registry registry;
  LensDef lens;
  lens.id = "tiny";
  lens.label = "Tiny";
  lens.flags = {"TINY_LENS_ENABLED"};
  lens.probe_action = "list_tiny";
  registry.AddLens(lens);
  ActionDef action;
  action.id = "list_tiny";
  action.label = "Tiny things";
  action.lens = "tiny";
  action.variant = Variant::kRead;
  action.allowed_roles = {Role::kManager};
  action.handler = [](const ActionContext&, Tx&) -> Result<ActionOutcome> {
    return ActionOutcome{};
  };
  registry.AddAction(std::move(action));
  return registry;
}

std::vector<GeneratedFile> RenderDefaults(const Registry& registry, const std::string& lens) {
  auto profile = ResolveLensOpsProfile(registry, lens);
  if (!profile.ok()) {
    ADD_FAILURE() << lens << ": " << profile.status().ToString();
    return {};
  }
  return RenderLensOps(registry, *profile);
}

// The content of the generated file at `path`; fails the test when there is none.
std::string ContentOf(const std::vector<GeneratedFile>& files, const std::string& path) {
  for (const GeneratedFile& f : files) {
    if (f.path == path) return f.content;
  }
  ADD_FAILURE() << "no generated file " << path;
  return "";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// --- profiles ---

TEST(LensOpsGeneratorProfileTest, DefaultsOfEveryLensComeFromTheRegistry) {
  struct Case {
    const char* lens;
    const char* signed_action;
    const char* entity_id_key;
    const char* read_action;
    const char* idempotent_action;
  };
  const Case kCases[] = {
      {"shopping_list", "", "item_id", "view_shopping_list_item", ""},
      {"parts", "adjust_stock", "part_id", "view_part_detail", "receive_part"},
      {"receiving", "accept_receiving", "receiving_id", "view_receiving_detail", ""},
      {"certificates", "renew_certificate_with_approval", "certificate_id",
       "view_certificate_detail", ""},
      {"faults", "create_work_order_from_fault", "fault_id", "view_fault_detail", ""},
      {"equipment", "", "equipment_id", "view_equipment_detail", ""},
      {"work_orders", "", "work_order_id", "view_work_order_detail", ""},
  };
  const Registry registry = AllLenses();
  EXPECT_EQ(registry.lenses().size(), std::size(kCases));
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.lens);
    const LensDef* lens = registry.FindLens(c.lens);
    ASSERT_NE(lens, nullptr);
    auto p = ResolveLensOpsProfile(registry, c.lens);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->lens_id, c.lens);
    EXPECT_EQ(p->label, lens->label);
    EXPECT_EQ(p->domain, c.lens);
    EXPECT_EQ(p->probe_action, lens->probe_action);
    EXPECT_EQ(p->create_action, lens->create_action);
    EXPECT_EQ(p->entity_type, lens->entity_type);
    EXPECT_EQ(p->slo_p95_ms, lens->slo_p95_ms);
    EXPECT_EQ(p->signed_action, c.signed_action);
    EXPECT_EQ(p->entity_id_key, c.entity_id_key);
    EXPECT_EQ(p->read_action, c.read_action);
    EXPECT_EQ(p->idempotent_action, c.idempotent_action);
    ASSERT_FALSE(p->feature_flags.empty());
    EXPECT_EQ(p->feature_flags.front(), lens->flags.front());
    EXPECT_FALSE(p->roles.empty());
  }
}

TEST(LensOpsGeneratorProfileTest, FaultsFlagsAndRolesInRegistryOrder) {
  auto p = ResolveLensOpsProfile(AllLenses(), "faults");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->feature_flags,
            (std::vector<std::string>{"FAULT_LENS_V1_ENABLED", "FAULT_LENS_SIGNED_ACTIONS_ENABLED",
                                      "FAULT_LENS_SUGGESTIONS_ENABLED"}));
  EXPECT_EQ(p->roles, (std::vector<std::string>{"crew", "chief_engineer", "chief_officer",
                                                "captain", "purser", "manager"}));
}

TEST(LensOpsGeneratorProfileTest, RefusesUnknownAndMisplacedNames) {
  using Choose = void (*)(ProfileChoices&);
  struct Case {
    const char* what;
    const char* lens;
    Choose choose;  // sets the names given
    const char* says;
  };
  const Case kCases[] = {
      {"unknown lens", "nope", [](ProfileChoices&) {}, "no lens named 'nope'"},
      {"unknown action", "faults", [](ProfileChoices& c) { c.signed_action = "no_such_action"; },
       "no action named"},
      {"another lens's action", "faults",
       [](ProfileChoices& c) { c.signed_action = "accept_receiving"; },
       "belongs to the receiving lens"},
      {"a MUTATE action as the signed one", "faults",
       [](ProfileChoices& c) { c.signed_action = "report_fault"; }, "is MUTATE, not SIGNED"},
      {"a MUTATE action as the read one", "faults",
       [](ProfileChoices& c) { c.read_action = "report_fault"; }, "is MUTATE, not READ"},
      {"unknown flag", "faults",
       [](ProfileChoices& c) { c.feature_flags = std::vector<std::string>{"NOT_A_FLAG"}; },
       "'NOT_A_FLAG' is not a flag of the faults lens"},
      {"another lens's flag", "faults",
       [](ProfileChoices& c) {
         c.feature_flags =
             std::vector<std::string>{"FAULT_LENS_V1_ENABLED", "PART_LENS_V2_ENABLED"};
       },
       "'PART_LENS_V2_ENABLED' is not a flag of the faults lens"},
      {"unknown role", "faults",
       [](ProfileChoices& c) {
         c.roles = std::vector<std::string>{"crew", "admiral"};
       },
       "no role named 'admiral'"},
      {"another lens's id key", "faults", [](ProfileChoices& c) { c.entity_id_key = "part_id"; },
       "no action of the faults"},
      {"another domain", "faults", [](ProfileChoices& c) { c.domain = "parts"; }, "not 'parts'"},
      {"a malformed entity type", "faults", [](ProfileChoices& c) { c.entity_type = "Bad-Type"; },
       "--entity-type"},
  };
  const Registry registry = AllLenses();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.what);
    ProfileChoices choices;
    c.choose(choices);
    auto p = ResolveLensOpsProfile(registry, c.lens, choices);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), ErrorCode::kInvalidRequest) << p.status().ToString();
    EXPECT_NE(p.status().message().find(c.says), std::string::npos) << p.status().message();
  }
}

ProfileChoices RolesChoice(std::vector<std::string> roles) {
  ProfileChoices choices;
  choices.roles = std::move(roles);
  return choices;
}

TEST(LensOpsGeneratorProfileTest, RefusesARoleThatCannotInitiateAnyAction) {
  const Registry registry = ManagerOnlyLens();
  auto crew = ResolveLensOpsProfile(registry, "tiny", RolesChoice({"crew"}));
  ASSERT_FALSE(crew.ok());
  EXPECT_EQ(crew.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_NE(crew.status().message().find("crew may not initiate"), std::string::npos)
      << crew.status().message();

  auto manager = ResolveLensOpsProfile(registry, "tiny", RolesChoice({"manager"}));
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  EXPECT_EQ(manager->roles, std::vector<std::string>{"manager"});
}

TEST(LensOpsGeneratorProfileTest, ChoicesReplaceDefaultsAndTheCommandNamesThem) {
  const Registry registry = AllLenses();
  auto defaults = ResolveLensOpsProfile(registry, "faults");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(GenerateCommand(registry, *defaults), "celeste lens-ops generate --lens-id faults");

  ProfileChoices choices = RolesChoice({"captain", "manager"});
  choices.feature_flags = std::vector<std::string>{"FAULT_LENS_V1_ENABLED"};
  choices.read_action = "list_faults";
  auto p = ResolveLensOpsProfile(registry, "faults", choices);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->feature_flags, std::vector<std::string>{"FAULT_LENS_V1_ENABLED"});
  EXPECT_EQ(p->roles, (std::vector<std::string>{"captain", "manager"}));
  EXPECT_EQ(p->read_action, "list_faults");
  EXPECT_EQ(p->signed_action, "create_work_order_from_fault");
  const std::string command = GenerateCommand(registry, *p);
  EXPECT_EQ(command,
            "celeste lens-ops generate --lens-id faults --feature-flags FAULT_LENS_V1_ENABLED "
            "--roles captain,manager --read-action list_faults");
  for (const GeneratedFile& f : RenderLensOps(registry, *p)) {
    EXPECT_NE(f.content.find(command), std::string::npos) << f.path;
  }
}

// --- rendering ---

TEST(LensOpsGeneratorRenderTest, EveryLensGetsFiveFilesThatSayTheyAreGenerated) {
  const Registry registry = AllLenses();
  std::set<std::string> paths;
  for (const LensDef& lens : registry.lenses()) {
    SCOPED_TRACE(lens.id);
    const std::vector<GeneratedFile> files = RenderDefaults(registry, lens.id);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0].path, "ops/lenses/" + lens.id + ".json");
    EXPECT_EQ(files[1].path, ".github/workflows/" + lens.id + "-acceptance.yml");
    EXPECT_EQ(files[2].path, ".github/workflows/" + lens.id + "-stress.yml");
    EXPECT_EQ(files[3].path, "deploy/" + lens.id + "-health-monitor.service");
    EXPECT_EQ(files[4].path, "docs/ops/" + lens.id + "_FEATURE_FLAGS.md");
    const std::string command = "celeste lens-ops generate --lens-id " + lens.id;
    // The JSON says it in its first member; the others in their first line.
    EXPECT_EQ(FirstLine(files[0].content), "{");
    EXPECT_TRUE(files[0].content.starts_with("{\n  \"generated_by\": \"" + command +
                                             " (do not edit by hand)\",\n"))
        << files[0].content.substr(0, 120);
    auto json = ParseJson(files[0].content);
    ASSERT_TRUE(json && json->is_object()) << files[0].content;
    EXPECT_EQ(GetString(json->as_object(), "lens_id"), lens.id);
    for (size_t i = 1; i < files.size(); ++i) {
      const std::string first = FirstLine(files[i].content);
      EXPECT_NE(first.find("Generated by `" + command + "`"), std::string::npos) << first;
      EXPECT_NE(first.find("do not edit by hand"), std::string::npos) << first;
    }
    for (const GeneratedFile& f : files) {
      EXPECT_TRUE(paths.insert(f.path).second) << "two lenses write " << f.path;
      ASSERT_FALSE(f.content.empty()) << f.path;
      EXPECT_EQ(f.content.back(), '\n') << f.path;
      EXPECT_EQ(f.content.find('\r'), std::string::npos) << f.path;
    }
  }
}

TEST(LensOpsGeneratorRenderTest, RenderingIsByteStable) {
  const Registry first = AllLenses();
  const Registry second = AllLenses();
  for (const LensDef& lens : first.lenses()) {
    SCOPED_TRACE(lens.id);
    const std::vector<GeneratedFile> a = RenderDefaults(first, lens.id);
    const std::vector<GeneratedFile> b = RenderDefaults(first, lens.id);
    const std::vector<GeneratedFile> c = RenderDefaults(second, lens.id);
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.size(), c.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].path, b[i].path);
      EXPECT_EQ(a[i].content, b[i].content) << a[i].path;
      EXPECT_EQ(a[i].content, c[i].content) << a[i].path;
    }
  }
}

TEST(LensOpsGeneratorRenderTest, ProfileJsonHoldsTheLensProfile) {
  const std::string text =
      ContentOf(RenderDefaults(AllLenses(), "faults"), "ops/lenses/faults.json");
  auto json = ParseJson(text);
  ASSERT_TRUE(json && json->is_object()) << text;
  const boost::json::object& o = json->as_object();
  ASSERT_FALSE(o.empty());
  EXPECT_EQ(o.begin()->key(), "generated_by");
  EXPECT_EQ(GetString(o, "lens_id"), "faults");
  EXPECT_EQ(GetString(o, "label"), "Faults");
  EXPECT_EQ(GetString(o, "domain"), "faults");
  EXPECT_EQ(o.at("feature_flags"), boost::json::value(boost::json::array{
                                       "FAULT_LENS_V1_ENABLED", "FAULT_LENS_SIGNED_ACTIONS_ENABLED",
                                       "FAULT_LENS_SUGGESTIONS_ENABLED"}));
  EXPECT_EQ(o.at("roles").as_array().size(), 6u);
  EXPECT_EQ(GetString(o, "probe_action"), "list_faults");
  EXPECT_EQ(GetString(o, "create_action"), "report_fault");
  EXPECT_EQ(GetString(o, "signed_action"), "create_work_order_from_fault");
  EXPECT_EQ(GetString(o, "entity_type"), "fault");
  EXPECT_EQ(GetString(o, "entity_id_key"), "fault_id");
  EXPECT_EQ(GetString(o, "read_action"), "view_fault_detail");
  EXPECT_TRUE(o.at("idempotent_action").is_null());
  EXPECT_EQ(GetInt(o, "slo_p95_ms"), 500);

  const boost::json::object& monitor = o.at("monitor").as_object();
  EXPECT_EQ(GetString(monitor, "interval"), "15m");
  EXPECT_EQ(GetInt(monitor, "samples"), 3);
  EXPECT_EQ(GetString(monitor, "service"), "deploy/faults-health-monitor.service");
  ASSERT_EQ(monitor.at("alerts").as_array().size(), 6u);
  EXPECT_EQ(GetString(monitor.at("alerts").as_array()[0].as_object(), "rule"), "any_5xx");

  const boost::json::object& stress = o.at("stress").as_object();
  EXPECT_EQ(GetString(stress, "scenario"), "mixed");
  EXPECT_EQ(GetInt(stress, "concurrency"), 50);
  EXPECT_EQ(GetInt(stress, "requests"), 220);
  EXPECT_EQ(GetString(stress, "duration"), "30s");
  EXPECT_EQ(stress.at("thresholds"), boost::json::value(boost::json::array{"p95<500", "p99<1000"}));

  const boost::json::object& accept = o.at("accept").as_object();
  EXPECT_EQ(GetBool(accept, "toggle_flags"), false) << "as the workflow: only a manual run's input";
  EXPECT_EQ(accept.at("roles"),
            boost::json::value(boost::json::array{"crew", "chief_engineer", "captain", "manager"}));
}

TEST(LensOpsGeneratorRenderTest, EmptyProfileValuesAreNull) {
  const std::string text =
      ContentOf(RenderDefaults(AllLenses(), "shopping_list"), "ops/lenses/shopping_list.json");
  auto json = ParseJson(text);
  ASSERT_TRUE(json && json->is_object()) << text;
  EXPECT_TRUE(json->as_object().at("signed_action").is_null());
  EXPECT_TRUE(json->as_object().at("idempotent_action").is_null());
  EXPECT_EQ(GetString(json->as_object(), "entity_id_key"), "item_id");
  // Two-space indent, one member per line.
  EXPECT_NE(text.find("\n  \"lens_id\": \"shopping_list\",\n"), std::string::npos) << text;
}

TEST(LensOpsGeneratorRenderTest, WorkflowsAndUnitRunTheToolsOnTheLens) {
  const std::vector<GeneratedFile> files = RenderDefaults(AllLenses(), "faults");
  const std::string acceptance = ContentOf(files, ".github/workflows/faults-acceptance.yml");
  for (const char* expected :
       {"workflow_dispatch:", "schedule:", "scripts/setup", "make build",
        "CELESTE_ACCEPT_ACCOUNTS: ${{ secrets.CELESTE_ACCEPT_ACCOUNTS }}",
        "build/celeste accept --url \"$CELESTE_STAGING_URL\" --yacht \"$CELESTE_STAGING_YACHT\"",
        "--profile ops/lenses/faults.json --accounts accounts.json \\\n",
        "--evidence-dir evidence/faults $TOGGLE_FLAGS", "inputs.toggle_flags && '--toggle-flags'",
        "uses: actions/upload-artifact@v4", "if: always()", "path: evidence/faults\n"}) {
    EXPECT_NE(acceptance.find(expected), std::string::npos) << expected;
  }
  const std::string stress = ContentOf(files, ".github/workflows/faults-stress.yml");
  for (const char* expected :
       {"build/celeste stress --url \"$CELESTE_STAGING_URL\" --yacht \"$CELESTE_STAGING_YACHT\"",
        "--lens faults --scenario mixed --concurrency 50 --requests 220",
        "--duration 30s --threshold 'p95<500' --threshold 'p99<1000'",
        "--json evidence/faults-stress.json --markdown evidence/faults-stress.md",
        "CELESTE_TOKEN: ${{ secrets.CELESTE_STAGING_TOKEN }}", "uses: actions/upload-artifact@v4",
        "if: always()"}) {
    EXPECT_NE(stress.find(expected), std::string::npos) << expected;
  }
  const std::string unit = ContentOf(files, "deploy/faults-health-monitor.service");
  for (const char* expected :
       {"[Unit]\n", "After=network-online.target\n", "Wants=network-online.target\n",
        "EnvironmentFile=/etc/celeste/monitor.env\n",
        "ExecStart=/usr/local/bin/celeste monitor --url ${CELESTE_MONITOR_URL} --yacht "
        "${CELESTE_YACHT} --db ${CELESTE_DB} --lens faults --interval 15m --samples 3\n",
        "Restart=on-failure\n", "RestartSec=30\n", "User=celeste\n", "NoNewPrivileges=yes\n",
        "ProtectSystem=strict\n", "ProtectHome=yes\n", "PrivateTmp=yes\n",
        "ReadWritePaths=/var/lib/celeste\n", "[Install]\nWantedBy=multi-user.target\n"}) {
    EXPECT_NE(unit.find(expected), std::string::npos) << expected;
  }
}

TEST(LensOpsGeneratorRenderTest, LensesRunOnStaggeredSchedules) {
  const Registry registry = AllLenses();
  std::set<std::string> crons;
  for (const LensDef& lens : registry.lenses()) {
    for (const GeneratedFile& f : RenderDefaults(registry, lens.id)) {
      const size_t at = f.content.find("- cron: ");
      if (at == std::string::npos) continue;
      const std::string cron = f.content.substr(at, f.content.find('\n', at) - at);
      EXPECT_TRUE(crons.insert(cron).second) << f.path << " shares " << cron;
    }
  }
  EXPECT_EQ(crons.size(), 2 * registry.lenses().size());
}

TEST(LensOpsGeneratorRenderTest, FlagsDocumentCoversFlagsRolloutAndActions) {
  const Registry registry = AllLenses();
  const std::string doc =
      ContentOf(RenderDefaults(registry, "faults"), "docs/ops/faults_FEATURE_FLAGS.md");
  for (const char* expected :
       {"`FAULT_LENS_V1_ENABLED`", "`FAULT_LENS_SIGNED_ACTIONS_ENABLED`",
        "`FAULT_LENS_SUGGESTIONS_ENABLED`", "OFF when unset", "`FAULT_LENS_V1_ENABLED=true`",
        "503 feature_disabled", "/v1/actions/list",
        "only `create_work_order_from_fault`, on top of the lens flag",
        "celeste flags set FAULT_LENS_V1_ENABLED --enabled true --percent 100",
        "PUT \"$CELESTE_URL/v1/flags/FAULT_LENS_V1_ENABLED\"",
        R"("yacht_id": "YACHT_ID", "enabled": true, "canary_percentage": 100)",
        "celeste rollout start FAULT_LENS_V1_ENABLED --stages 5,20,50,100 --hold 1h "
        "--auto-rollback",
        "celeste rollout abort FLAG", "`any_5xx`", "p95 below 500 ms"}) {
    EXPECT_NE(doc.find(expected), std::string::npos) << expected;
  }
  // The lens flag rolls out before its sub-flags.
  EXPECT_LT(doc.find("rollout start FAULT_LENS_V1_ENABLED"),
            doc.find("rollout start FAULT_LENS_SIGNED_ACTIONS_ENABLED"));
  for (const auto& action : registry.actions()) {
    if (action->lens != "faults") continue;
    EXPECT_NE(doc.find("| `" + action->id + "` |"), std::string::npos) << action->id;
  }
  EXPECT_NE(doc.find("| `create_work_order_from_fault` | Raise work order for fault (signed) | "
                     "SIGNED |"),
            std::string::npos);
}

// --- writing and checking ---

class LensOpsGeneratorFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { files_ = RenderDefaults(registry_, "faults"); }

  std::string Dir() const { return dir_.path().string(); }
  fs::path PathOf(const std::string& relative) const { return dir_.path() / relative; }

  const Registry registry_ = AllLenses();
  std::vector<GeneratedFile> files_;
  celeste::testing::TempDir dir_;
};

TEST_F(LensOpsGeneratorFilesTest, WriteThenCheckIsClean) {
  std::vector<std::string> written;
  ASSERT_TRUE(WriteGenerated(Dir(), files_, &written).ok());
  ASSERT_EQ(written.size(), files_.size());
  for (const GeneratedFile& f : files_) {
    EXPECT_EQ(ReadFile(PathOf(f.path)), f.content) << f.path;
  }
  auto report = CheckGenerated(Dir(), files_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean());
  // No temporary file is left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(LensOpsGeneratorFilesTest, CheckOfAnEmptyDirectoryFindsEveryFileMissing) {
  auto report = CheckGenerated(Dir(), files_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->missing.size(), files_.size());
  EXPECT_TRUE(report->differ.empty());
  EXPECT_TRUE(fs::is_empty(dir_.path())) << "a check writes nothing";
}

TEST_F(LensOpsGeneratorFilesTest, CheckReportsAnEditedFileAndADeletedOne) {
  ASSERT_TRUE(WriteGenerated(Dir(), files_).ok());
  const std::string edited = ".github/workflows/faults-stress.yml";
  const std::string deleted = "docs/ops/faults_FEATURE_FLAGS.md";
  std::ofstream(PathOf(edited), std::ios::app) << "# a hand edit\n";
  ASSERT_TRUE(fs::remove(PathOf(deleted)));

  auto report = CheckGenerated(Dir(), files_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->differ, std::vector<std::string>{edited});
  EXPECT_EQ(report->missing, std::vector<std::string>{deleted});

  // Writing again repairs exactly those two.
  std::vector<std::string> written;
  ASSERT_TRUE(WriteGenerated(Dir(), files_, &written).ok());
  EXPECT_EQ(written, (std::vector<std::string>{edited, deleted}));
  auto after = CheckGenerated(Dir(), files_);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->clean());
}

TEST_F(LensOpsGeneratorFilesTest, SecondWriteChangesNothing) {
  ASSERT_TRUE(WriteGenerated(Dir(), files_).ok());
  // Age every file, so that a rewrite would show in its modification time.
  const auto old_time = fs::last_write_time(PathOf(files_[0].path)) - std::chrono::hours(1);
  for (const GeneratedFile& f : files_) fs::last_write_time(PathOf(f.path), old_time);

  std::vector<std::string> written;
  ASSERT_TRUE(WriteGenerated(Dir(), files_, &written).ok());
  EXPECT_TRUE(written.empty());
  for (const GeneratedFile& f : files_) {
    EXPECT_EQ(fs::last_write_time(PathOf(f.path)), old_time) << f.path;
    EXPECT_EQ(ReadFile(PathOf(f.path)), f.content) << f.path;
  }
}

TEST_F(LensOpsGeneratorFilesTest, RefusesPathsOutsideTheOutputDirectory) {
  for (const char* path : {"../escape.txt", "/tmp/celeste-escape.txt", "a/../../escape.txt"}) {
    SCOPED_TRACE(path);
    const Status s = WriteGenerated(Dir(), {{path, "x\n"}});
    EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest) << s.ToString();
    EXPECT_EQ(CheckGenerated(Dir(), {{path, "x\n"}}).status().code(), ErrorCode::kInvalidRequest);
  }
  EXPECT_FALSE(fs::exists(dir_.path().parent_path() / "escape.txt"));
  EXPECT_FALSE(fs::exists("/tmp/celeste-escape.txt"));
}

// The repository holds every lens's generated ops (`celeste lens-ops generate --all
// --output-dir .`): a change of a lens or of the generator must come with its regenerated files.
TEST(LensOpsGeneratorCommittedTest, CommittedOutputIsUpToDate) {
  // tests/data -> the repository's root (CELESTE_TEST_DATA_DIR is set by tests/CMakeLists.txt).
  const fs::path root = fs::path(CELESTE_TEST_DATA_DIR).parent_path().parent_path();
  const Registry registry = AllLenses();
  std::vector<GeneratedFile> files;
  for (const LensDef& lens : registry.lenses()) {
    for (GeneratedFile& f : RenderDefaults(registry, lens.id)) files.push_back(std::move(f));
  }
  auto report = CheckGenerated(root.string(), files);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& path : report->missing) ADD_FAILURE() << "missing " << path;
  for (const auto& path : report->differ) ADD_FAILURE() << "differs " << path;
  EXPECT_TRUE(report->clean()) << "regenerate with `build/celeste lens-ops generate --all "
                                  "--output-dir .` and commit the result";
}

}  // namespace
// A generated profile read back gives the same profile: `celeste accept --profile` runs what
// the generator wrote, choices included.
TEST(LensOpsGeneratorProfileTest, AProfileFileReadBackResolvesToTheSameProfile) {
  const Registry registry = AllLenses();
  ProfileChoices choices;
  choices.read_action = "list_faults";
  choices.feature_flags = std::vector<std::string>{"FAULT_LENS_V1_ENABLED"};
  auto profile = ResolveLensOpsProfile(registry, "faults", choices);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  const std::string json_text = RenderLensOps(registry, *profile).at(0).content;
  auto json = ParseJson(json_text);
  ASSERT_TRUE(json);
  auto file = ParseProfileFile(*json, "--profile p.json");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->lens_id, "faults");
  auto again = ResolveLensOpsProfile(registry, file->lens_id, file->choices, "--profile p.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->read_action, "list_faults");
  EXPECT_EQ(again->feature_flags, std::vector<std::string>{"FAULT_LENS_V1_ENABLED"});
  EXPECT_EQ(again->signed_action, profile->signed_action);
  EXPECT_EQ(RenderLensOps(registry, *again).at(0).content, json_text);

  for (const char* bad :
       {R"([1])", R"({"label": "x"})", R"({"lens_id": "faults", "roles": "crew"})",
        R"({"lens_id": "faults", "read_action": 3})"}) {
    auto parsed = ParseProfileFile(*ParseJson(bad), "--profile p.json");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_NE(parsed.status().message().find("--profile p.json"), std::string::npos);
  }
}

}  // namespace celeste::ops

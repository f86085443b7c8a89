// `celeste lens-ops generate` as a command (issue 7): it writes a lens's five files, leaves
// them alone when nothing changed, --check finds an edited or a missing file (exit 1) and
// passes on the repository's committed output, and unknown or misplaced names exit 2 before
// anything is written. No server is needed.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/harness.h"
#include "unit/store/temp_dir.h"

namespace celeste::testing {
namespace {

namespace fs = std::filesystem;

class LensOpsGenerateTest : public ::testing::Test {
 protected:
  RunResult Generate(std::vector<std::string> args) const {
    args.insert(args.begin(), {"lens-ops", "generate"});
    args.insert(args.end(), {"--output-dir", dir_.string()});
    return RunCelesteCli(args);
  }
  static int Count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  TempDir tmp_;
  const fs::path dir_ = tmp_.path();
};

TEST_F(LensOpsGenerateTest, WritesOnceThenLeavesAloneAndCheckFindsDrift) {
  RunResult first = Generate({"--lens-id", "faults"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(Count(first.out, "wrote "), 5) << first.out;
  for (const char* path :
       {"ops/lenses/faults.json", ".github/workflows/faults-acceptance.yml",
        ".github/workflows/faults-stress.yml", "deploy/faults-health-monitor.service",
        "docs/ops/faults_FEATURE_FLAGS.md"}) {
    EXPECT_TRUE(fs::exists(dir_ / path)) << path;
  }
  RunResult second = Generate({"--lens-id", "faults"});
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(Count(second.out, "unchanged "), 5) << second.out;
  RunResult clean = Generate({"--lens-id", "faults", "--check"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

  std::ofstream(dir_ / "deploy/faults-health-monitor.service", std::ios::app) << "# edited\n";
  fs::remove(dir_ / "docs/ops/faults_FEATURE_FLAGS.md");
  RunResult drift = Generate({"--lens-id", "faults", "--check"});
  EXPECT_EQ(drift.exit_code, 1) << drift.out << drift.err;
  const std::string said = drift.out + drift.err;
  EXPECT_NE(said.find("differs"), std::string::npos) << said;
  EXPECT_NE(said.find("deploy/faults-health-monitor.service"), std::string::npos) << said;
  EXPECT_NE(said.find("missing"), std::string::npos) << said;
  EXPECT_NE(said.find("docs/ops/faults_FEATURE_FLAGS.md"), std::string::npos) << said;
  EXPECT_NE(said.find("celeste lens-ops generate --lens-id faults"), std::string::npos) << said;
  EXPECT_FALSE(fs::exists(dir_ / "docs/ops/faults_FEATURE_FLAGS.md")) << "--check writes nothing";

  RunResult repaired = Generate({"--lens-id", "faults"});
  EXPECT_EQ(Count(repaired.out, "wrote "), 2) << repaired.out;
  EXPECT_EQ(Generate({"--lens-id", "faults", "--check"}).exit_code, 0);
}

TEST_F(LensOpsGenerateTest, TheRepositorysCommittedOutputIsUpToDate) {
  const fs::path root = fs::path(CELESTE_TEST_DATA_DIR).parent_path().parent_path();
  RunResult r =
      RunCelesteCli({"lens-ops", "generate", "--all", "--output-dir", root.string(), "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err
                            << "\nregenerate: build/celeste lens-ops generate --all --output-dir .";
  EXPECT_NE(r.out.find("35 files up to date"), std::string::npos) << r.out;
}

TEST_F(LensOpsGenerateTest, UnknownOrMisplacedNamesExitTwoAndWriteNothing) {
  const std::vector<std::vector<std::string>> kCases = {
      {"--lens-id", "no_such_lens"},
      {"--lens-id", "faults", "--signed-action", "report_fault"},  // MUTATE, not SIGNED
      {"--lens-id", "faults", "--signed-action", "adjust_stock"},  // the parts lens's
      {"--lens-id", "faults", "--read-action", "no_such_action"},
      {"--lens-id", "faults", "--feature-flags", "NO_SUCH_FLAG"},
      {"--lens-id", "faults", "--roles", "bosun"},
      {"--lens-id", "faults", "--entity-id-key", "part_id"},
      {"--all", "--lens-id", "faults"},
      {},
  };
  for (const auto& args : kCases) {
    RunResult r = Generate(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "(none)" : args.back()) << ": " << r.out << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace celeste::testing

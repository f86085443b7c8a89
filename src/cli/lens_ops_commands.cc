// lens-ops generate: writes, or checks, a lens's generated ops files — its monitor/stress/accept
// profile, staging workflows, monitor unit and flags document (issue 7, "Generator").
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "lenses/lenses.h"
#include "ops/lens_ops_generator.h"
#include "ops/lens_ops_profile.h"

namespace celeste {
namespace {

struct GenerateOptions {
  std::string lens_id;
  bool all = false;
  std::string domain;
  std::vector<std::string> feature_flags;
  std::vector<std::string> roles;
  std::string signed_action;
  std::string entity_type;
  std::string entity_id_key;
  std::string read_action;
  std::string output_dir;
  bool check = false;
  bool json = false;
};

// What the files are and the command that regenerates them (with --output-dir).
struct Generated {
  std::vector<ops::GeneratedFile> files;
  std::string command;
};

// The choices given on the command line: an option counts only when it was given.
ops::ProfileChoices ChoicesFrom(const CLI::App& cmd, const GenerateOptions& o) {
  ops::ProfileChoices c;
  if (cmd.count("--domain")) c.domain = o.domain;
  if (cmd.count("--feature-flags")) c.feature_flags = o.feature_flags;
  if (cmd.count("--roles")) c.roles = o.roles;
  if (cmd.count("--signed-action")) c.signed_action = o.signed_action;
  if (cmd.count("--entity-type")) c.entity_type = o.entity_type;
  if (cmd.count("--entity-id-key")) c.entity_id_key = o.entity_id_key;
  if (cmd.count("--read-action")) c.read_action = o.read_action;
  return c;
}

// The directory as a shell word: quoted unless it is plainly safe.
std::string ShellWord(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-./+=:,@") == std::string::npos;
  if (plain) return text;
  std::string quoted = "'";
  for (char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

Result<Generated> Render(const Registry& registry, const CLI::App& cmd, const GenerateOptions& o) {
  Generated out;
  const std::string dir = " --output-dir " + ShellWord(o.output_dir);
  if (o.all) {
    for (const LensDef& lens : registry.lenses()) {
      CELESTE_ASSIGN_OR_RETURN(ops::LensOpsProfile profile,
                               ops::ResolveLensOpsProfile(registry, lens.id));
      for (auto& f : ops::RenderLensOps(registry, profile)) out.files.push_back(std::move(f));
    }
    out.command = "celeste lens-ops generate --all" + dir;
    return out;
  }
  if (o.lens_id.empty()) return Status::InvalidRequest("give --lens-id LENS, or --all");
  CELESTE_ASSIGN_OR_RETURN(ops::LensOpsProfile profile,
                           ops::ResolveLensOpsProfile(registry, o.lens_id, ChoicesFrom(cmd, o)));
  out.files = ops::RenderLensOps(registry, profile);
  out.command = ops::GenerateCommand(registry, profile) + dir;
  return out;
}

std::string Shown(const GenerateOptions& o, const std::string& path) {
  return (std::filesystem::path(o.output_dir) / path).lexically_normal().string();
}

int Write(const GenerateOptions& o, const Generated& g) {
  std::vector<std::string> written;
  if (Status s = ops::WriteGenerated(o.output_dir, g.files, &written); !s.ok()) {
    return ReportError(s, o.json);
  }
  boost::json::array files;
  for (const auto& f : g.files) {
    const bool wrote = std::find(written.begin(), written.end(), f.path) != written.end();
    if (o.json) {
      files.push_back({{"path", Shown(o, f.path)}, {"status", wrote ? "wrote" : "unchanged"}});
    } else {
      std::cout << (wrote ? "wrote " : "unchanged ") << Shown(o, f.path) << "\n";
    }
  }
  if (o.json) PrintJson({{"success", true}, {"files", std::move(files)}});
  return kExitOk;
}

int Check(const GenerateOptions& o, const Generated& g) {
  auto report = ops::CheckGenerated(o.output_dir, g.files);
  if (!report.ok()) return ReportError(report.status(), o.json);
  if (o.json) {
    boost::json::array missing, differ;
    for (const auto& p : report->missing) missing.emplace_back(Shown(o, p));
    for (const auto& p : report->differ) differ.emplace_back(Shown(o, p));
    PrintJson({{"success", report->clean()},
               {"files", g.files.size()},
               {"missing", std::move(missing)},
               {"differ", std::move(differ)},
               {"regenerate", g.command}});
  } else if (report->clean()) {
    std::cout << fmt::format("{} files up to date\n", g.files.size());
  } else {
    for (const auto& p : report->missing) std::cout << "missing " << Shown(o, p) << "\n";
    for (const auto& p : report->differ) std::cout << "differs " << Shown(o, p) << "\n";
    std::cout << fmt::format(
        "{} of {} files are not what the generator makes; regenerate with:\n"
        "  {}\n",
        report->missing.size() + report->differ.size(), g.files.size(), g.command);
  }
  return report->clean() ? kExitOk : kExitFailed;
}

int RunGenerate(const CLI::App& cmd, const GenerateOptions& o) {
  Registry registry;
  RegisterAllLenses(registry);
  auto generated = Render(registry, cmd, o);
  if (!generated.ok()) return ReportError(generated.status(), o.json);
  return o.check ? Check(o, *generated) : Write(o, *generated);
}

}  // namespace

Command AddLensOpsCommand(CLI::App& cli) {
  CLI::App* group =
      cli.add_subcommand("lens-ops", "Instantiate a lens's ops (profile, workflows, unit, docs)");
  group->require_subcommand(1);
  auto o = std::make_shared<GenerateOptions>();
  CLI::App* cmd = group->add_subcommand(
      "generate",
      "Write a lens's generated ops files (idempotent); with --check, report drift (exit 1)");
  CLI::Option* lens = cmd->add_option("--lens-id", o->lens_id, "The lens, e.g. faults");
  CLI::Option* all = cmd->add_flag("--all", o->all,
                                   "Every registered lens, with its defaults (not with --lens-id)");
  const std::vector<CLI::Option*> per_lens = {
      lens,
      cmd->add_option("--domain", o->domain, "The action list's domain (the lens id)"),
      cmd->add_option("--feature-flags", o->feature_flags, "The lens's flags to document: A,B")
          ->delimiter(','),
      cmd->add_option("--roles", o->roles, "Roles that may initiate its actions: r1,r2")
          ->delimiter(','),
      cmd->add_option("--signed-action", o->signed_action, "The SIGNED action of its signed flow"),
      cmd->add_option("--entity-type", o->entity_type, "What its create action makes"),
      cmd->add_option("--entity-id-key", o->entity_id_key, "The payload key naming an entity"),
      cmd->add_option("--read-action", o->read_action, "The READ action showing one entity"),
  };
  for (CLI::Option* option : per_lens) all->excludes(option);
  cmd->add_option("--output-dir", o->output_dir, "Where the files go (the repository root)")
      ->required();
  cmd->add_flag("--check", o->check, "Write nothing; exit 1 listing the files that differ");
  cmd->add_flag("--json", o->json, "A JSON report on stdout");
  return {cmd, [o, cmd] { return RunGenerate(*cmd, *o); }};
}

}  // namespace celeste

// The per-lens ops generator (`celeste lens-ops generate`, issue 7 "Generator"): renders a
// lens's ops files from its profile (ops/lens_ops_profile.h) and the registry, and writes or
// checks them under an output directory.
//
// For lens L, RenderLensOps makes exactly five files, in this order:
//   ops/lenses/L.json                     the monitor, stress and accept profile
//   .github/workflows/L-acceptance.yml    `celeste accept` against staging, evidence uploaded
//   .github/workflows/L-stress.yml        `celeste stress` against staging, reports uploaded
//   deploy/L-health-monitor.service       a systemd unit running `celeste monitor --lens L`
//   docs/ops/L_FEATURE_FLAGS.md           the lens's flags, toggling, canary plan, rollback
// Each begins with a line saying it is generated and by which command. Rendering is pure and
// byte-stable: no dates, no absolute paths, a fixed order.
#pragma once

#include <string>
#include <vector>

#include "actions/registry.h"
#include "core/result.h"
#include "ops/lens_ops_profile.h"

namespace celeste::ops {

struct GeneratedFile {
  std::string path;  // relative to the output directory, '/'-separated
  std::string content;
};

// The five files of the profile's lens. `registry` must hold that lens (the actions table of
// the flags document and the schedule slot of the workflows come from it).
std::vector<GeneratedFile> RenderLensOps(const Registry& registry, const LensOpsProfile& profile);

// The command that regenerates `profile`: "celeste lens-ops generate --lens-id L" followed
// by an option for each value that differs from the lens's defaults (without --output-dir).
std::string GenerateCommand(const Registry& registry, const LensOpsProfile& profile);

// What differs between an output directory and what would be generated: paths relative to
// the directory, in the order of the files given.
struct DriftReport {
  std::vector<std::string> missing;
  std::vector<std::string> differ;
  bool clean() const { return missing.empty() && differ.empty(); }
};

// Writes each file under `output_dir`, creating directories, and only when its content
// differs from what is there. Each write is atomic (a temporary file beside it, then a
// rename). The paths rewritten (created or changed) are appended to `written` when given.
// Internal on an I/O failure (files written before it stay written); invalid_request for a
// path that is absolute or climbs out with "..".
Status WriteGenerated(const std::string& output_dir, const std::vector<GeneratedFile>& files,
                      std::vector<std::string>* written = nullptr);

// Compares each file with what is under `output_dir`, writing nothing. Internal when a file
// exists but cannot be read.
Result<DriftReport> CheckGenerated(const std::string& output_dir,
                                   const std::vector<GeneratedFile>& files);

}  // namespace celeste::ops

// stress: load a lens of a running server from one process and judge it (issue 7,
// docs/lens-ops.md "Stress"). The requests come from the lens's definition
// (ops/stress_scenario.h); the verdict and reports from ops/stress_report.h.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/commands.h"
#include "core/uuid.h"
#include "lenses/lenses.h"
#include "ops/http_client.h"
#include "ops/lens_ops_profile.h"
#include "ops/load_client.h"
#include "ops/server_ids.h"
#include "ops/stress_report.h"
#include "ops/stress_scenario.h"

namespace celeste {
namespace {

constexpr int kMaxConcurrency = 20'000;
constexpr int kBarWidth = 30;

struct StressCliOptions {
  OpsClientOptions client;
  std::string lens;
  int concurrency = 50;
  int64_t requests = 220;
  std::string duration = "30s";
  std::string timeout = "30s";
  std::string scenario = "read";
  std::vector<std::string> thresholds;
  std::string json_file;
  std::string markdown_file;
};

// One line redrawn in place on stderr: a bar, answered/planned, rate, 5xx and errors.
void DrawProgress(const ops::LoadProgress& p) {
  const double done = p.planned > 0 ? static_cast<double>(p.answered) / p.planned
                                    : (p.duration_s > 0 ? p.elapsed_s / p.duration_s : 0);
  const int filled = static_cast<int>(std::min(1.0, done) * kBarWidth);
  const double rate = p.elapsed_s > 0 ? p.answered / p.elapsed_s : 0;
  std::fprintf(stderr, "\r[%s%s] %lld%s  %.0f req/s  5xx %lld  errors %lld  open %d ",
               std::string(filled, '#').c_str(), std::string(kBarWidth - filled, '.').c_str(),
               static_cast<long long>(p.answered),
               p.planned > 0 ? fmt::format("/{}", p.planned).c_str() : " answered", rate,
               static_cast<long long>(p.server_errors), static_cast<long long>(p.transport_errors),
               p.open_connections);
  std::fflush(stderr);
}

// A report file, opened (created, emptied) before the run so that a path that cannot be
// written is a usage error at once, not after a long run.
Result<std::unique_ptr<std::ofstream>> OpenReport(const std::string& option,
                                                  const std::string& path) {
  if (path.empty()) return std::unique_ptr<std::ofstream>();
  auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*out)
    return Status::InvalidRequest(fmt::format("{} {}: cannot write the file", option, path));
  return out;
}

// Writes a report; a failure is said on stderr but does not change the verdict's exit code.
void WriteReport(std::ofstream* out, const std::string& path, const std::string& content) {
  if (!out) return;
  *out << content;
  out->close();
  if (!*out) std::cerr << "celeste: could not write " << path << "\n";
}

int Run(const StressCliOptions& o) {
  auto token = ResolveToken(o.client);
  if (!token.ok()) return ReportError(token.status(), false);
  auto endpoint = ParseHttpUrl(o.client.url);
  if (!endpoint.ok()) return ReportError(endpoint.status(), false);
  auto duration = DurationFlag("--duration", o.duration);
  if (!duration.ok()) return ReportError(duration.status(), false);
  auto timeout = DurationFlag("--timeout", o.timeout);
  if (!timeout.ok()) return ReportError(timeout.status(), false);
  auto scenario = ops::ParseStressScenario(o.scenario);
  if (!scenario.ok()) return ReportError(scenario.status(), false);
  std::vector<ops::Threshold> thresholds;
  for (const auto& text : o.thresholds) {
    auto t = ops::ParseThreshold(text);
    if (!t.ok()) return ReportError(t.status(), false);
    thresholds.push_back(*t);
  }
  Registry registry;
  RegisterAllLenses(registry);
  auto profile = ops::ResolveLensOpsProfile(registry, o.lens, {}, "--lens");
  if (!profile.ok()) return ReportError(profile.status(), false);
  const LensDef* lens = registry.FindLens(profile->lens_id);
  auto json_out = OpenReport("--json", o.json_file);
  if (!json_out.ok()) return ReportError(json_out.status(), false);
  auto markdown_out = OpenReport("--markdown", o.markdown_file);
  if (!markdown_out.ok()) return ReportError(markdown_out.status(), false);

  const Micros now = SystemClock::Instance().Now();
  const std::string tag = "celeste stress " + NewUuidV7().substr(24);
  auto next = ops::MakeStressRequests(
      registry, *lens, *scenario, o.client.yacht, tag, now,
      ops::ListedOrNewIdResolver(registry, ops::HttpExecute(*endpoint, *token, o.client.yacht), tag,
                                 now));
  if (!next.ok()) return ReportError(next.status(), false);

  ops::LoadOptions load;
  load.host = endpoint->host;
  load.port = endpoint->port;
  load.bearer_token = *token;
  load.concurrency = o.concurrency;
  load.requests = o.requests;
  load.duration = std::chrono::milliseconds(*duration / 1000);
  load.request_timeout = std::chrono::milliseconds(*timeout / 1000);
  load.next = *next;
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (tty) load.on_progress = DrawProgress;

  const ops::StressPlan plan{lens->id,
                             std::string(ops::StressScenarioName(*scenario)),
                             SafeUrlPrefix(o.client.url),
                             o.client.yacht,
                             o.concurrency,
                             o.requests,
                             static_cast<double>(*duration) / kMicrosPerSecond,
                             FormatRfc3339(now)};
  auto result = ops::RunLoad(load);
  if (tty) std::fputs("\n", stderr);
  if (!result.ok()) return ReportError(result.status(), false);
  const ops::StressVerdict verdict = ops::JudgeStress(*result, thresholds);

  std::cout << ops::StressText(plan, *result, verdict);
  WriteReport(json_out->get(), o.json_file,
              boost::json::serialize(ops::StressJson(plan, *result, verdict)) + "\n");
  WriteReport(markdown_out->get(), o.markdown_file, ops::StressMarkdown(plan, *result, verdict));
  return verdict.pass ? kExitOk : kExitFailed;
}

}  // namespace

Command AddStressCommand(CLI::App& cli) {
  auto options = std::make_shared<StressCliOptions>();
  CLI::App* cmd = cli.add_subcommand(
      "stress",
      "Load one lens of a running server and judge it: PASS with no 5xx, no error and "
      "every --threshold met (exit 0), else FAIL (exit 1)");
  AddOpsClientOptions(cmd, options->client);
  cmd->add_option("--lens", options->lens, "The lens to load (e.g. shopping_list)")->required();
  cmd->add_option("--concurrency", options->concurrency,
                  "Connections held open, each with one request in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxConcurrency));
  cmd->add_option("--requests", options->requests,
                  "Requests to answer in all; 0 runs for the whole --duration")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}));
  cmd->add_option("--duration", options->duration, "The longest the run may last (e.g. 30s, 5m)")
      ->capture_default_str();
  cmd->add_option("--timeout", options->timeout, "Longest wait for one answer")
      ->capture_default_str();
  cmd->add_option("--scenario", options->scenario,
                  "list, read (the lens's READ probe), create (writes records tagged "
                  "\"celeste stress\") or mixed")
      ->capture_default_str();
  cmd->add_option("--threshold", options->thresholds,
                  "METRIC<VALUE to meet, repeatable: p50 p90 p95 p99 p99.9 min mean max (ms), "
                  "rps, error_rate (e.g. 'p95<200' 'error_rate<1%')");
  cmd->add_option("--json", options->json_file, "Write the report as JSON to this file");
  cmd->add_option("--markdown", options->markdown_file,
                  "Write the report as Markdown to this file");
  return {cmd, [options] { return Run(*options); }};
}

}  // namespace celeste

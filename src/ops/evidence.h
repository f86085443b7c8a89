// The evidence folder of `celeste accept` (issue 7, docs/lens-ops.md): one raw transcript per
// request (NNN-<case>.http), the before/after counts (counts.json), summary.json and
// SUMMARY.md. Everything written passes through Scrub: RedactSecrets (Authorization, cookies,
// passwords, PINs, anything shaped like a JWT) and then the run's own secrets as literals
// (its tokens, passwords and long PINs), bodies included, so the folder can be attached to a
// pull request as it is.
//
// The formatting is pure (FormatTranscript, SummaryJson, SummaryMarkdown, ...), for the unit
// tests; Evidence only names and writes the files. Not thread-safe: one runner writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "http/request.h"
#include "ops/http_client.h"

namespace celeste::ops {

// A literal secret shorter than this is not scrubbed as a literal: a 4-digit PIN would blot
// out dates and ids. Short secrets are still caught by their field names (RedactSecrets).
inline constexpr size_t kMinLiteralSecret = 6;

// RedactSecrets(text) with, before it, every occurrence of each literal (as it is, and as it
// reads inside a JSON string) replaced by "[REDACTED]". Literals shorter than
// kMinLiteralSecret are ignored. Pure.
std::string Scrub(std::string_view text, const std::vector<std::string>& literals);

// JSON text laid out for a reader (two-space indent); text that is not JSON comes back as it
// is. Pure.
std::string PrettyJsonText(std::string_view text);

// One request and what came back, as a transcript records it.
struct HttpExchange {
  Method method = Method::kGet;
  std::string target;         // "/v1/actions/execute"
  KeyValues request_headers;  // as sent (Authorization included: the transcript hides it)
  std::string request_body;   // "" when none
  std::optional<ClientResponse> response;  // nullopt when none came (transport_error says why)
  std::string transport_error;
};

// The transcript of one exchange, scrubbed with `literals`:
//   request line, request headers (Authorization, Proxy-Authorization and Cookie values
//   [REDACTED]), a blank line, the body (JSON laid out), then "--- response", the status line,
//   the response headers (Set-Cookie [REDACTED]), a blank line, the body.
// Pure.
std::string FormatTranscript(const HttpExchange& exchange,
                             const std::vector<std::string>& literals);

// A case name made safe for a file name: "gating:forbidden:approve_x" →
// "gating-forbidden-approve_x" (letters, digits and '_' kept, lower-cased, at most 60). Pure.
std::string CaseSlug(std::string_view case_name);
// "007-login-crew.http" for the 7th transcript, of case "login:crew". Pure.
std::string TranscriptFileName(int sequence, std::string_view case_name);

// One assertion of the suite and its transcripts.
struct CaseResult {
  std::string name;      // "gating:forbidden:approve_shopping_list_item"
  std::string expected;  // "403 forbidden_role"
  std::string got;       // "403 forbidden_role"
  bool pass = false;
  std::vector<std::string> transcripts;  // file names in the evidence folder
};

// A before/after count that proves how many rows a step wrote (counts.json).
struct CountRecord {
  std::string case_name;  // "idempotency"
  std::string what;       // "audit rows of part 0192..."
  int64_t before = 0;
  int64_t after = 0;
};

// What a run found: the content of summary.json, SUMMARY.md and counts.json.
struct AcceptanceReport {
  std::string lens;
  std::string yacht_id;
  std::string url;  // the server, as SafeUrlPrefix shows it
  std::string started_at;
  std::string finished_at;
  std::vector<CaseResult> cases;
  std::vector<CountRecord> counts;
  int64_t responses = 0;      // every HTTP response of the run
  int64_t responses_5xx = 0;  // of which status >= 500, but for 503 feature_disabled (the
                              // answer of a flag that is off, which the flag cases assert; the
                              // server's own celeste_http_5xx_total leaves it out too)

  // True when there was at least one case and every case passed.
  bool passed() const;
};

// "5xx responses: N": the zero-5xx line of SUMMARY.md. Pure.
std::string FiveXxLine(int64_t count);
// summary.json: {"tool":"celeste accept","lens","yacht_id","url","started_at","finished_at",
// "verdict":"PASS"|"FAIL","cases":[{"name","expected","got","pass","transcripts"}],
// "responses","responses_5xx"}. Pure (not scrubbed: Evidence does that on writing).
boost::json::object SummaryJson(const AcceptanceReport& report);
// SUMMARY.md: a heading, the verdict, a table | case | expected | got | result |, the
// 5xx line, the counts. Pure (not scrubbed).
std::string SummaryMarkdown(const AcceptanceReport& report);
// counts.json: {"lens","yacht_id","counts":[{"case","what","before","after","difference"}]}.
boost::json::object CountsJson(const AcceptanceReport& report);

class Evidence {
 public:
  // The folder `dir`, created (with its parents) when it does not exist. invalid_request
  // when it exists and is not an empty directory (evidence is never mixed with an older
  // run's); internal when it cannot be created. `secrets` are scrubbed as literals.
  static Result<Evidence> Create(const std::filesystem::path& dir,
                                 std::vector<std::string> secrets);

  // One more literal to scrub from everything written from now on (a token just received).
  void AddSecret(std::string secret);
  // `text` scrubbed with this run's secrets (for what is printed rather than written).
  std::string Scrubbed(std::string_view text) const;

  // Writes the transcript of `exchange` as the next NNN-<case>.http; returns the file name.
  Result<std::string> Record(std::string_view case_name, const HttpExchange& exchange);
  // Writes counts.json, summary.json and SUMMARY.md, scrubbed.
  Status WriteReport(const AcceptanceReport& report);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  Evidence(std::filesystem::path dir, std::vector<std::string> secrets);
  Status WriteFile(const std::string& name, std::string_view text) const;

  std::filesystem::path dir_;
  std::vector<std::string> secrets_;
  int sequence_ = 0;  // transcripts written so far
};

}  // namespace celeste::ops

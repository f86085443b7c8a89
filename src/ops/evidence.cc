// The evidence folder of `celeste accept`: transcripts, counts and summaries, all scrubbed.
#include "ops/evidence.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "core/json.h"
#include "ops/redact.h"
#include "ops/text_format.h"

namespace celeste::ops {
namespace {

namespace fs = std::filesystem;

// How `literal` reads inside a JSON string (quotes and backslashes escaped).
std::string JsonEscaped(std::string_view literal) {
  const std::string quoted = boost::json::serialize(boost::json::string(literal));
  return quoted.substr(1, quoted.size() - 2);
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

bool IsSecretHeader(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
         lower == "set-cookie";
}

void AppendHeaders(const KeyValues& headers, std::string& out) {
  for (const auto& [name, value] : headers) {
    out += name + ": " + (IsSecretHeader(name) ? std::string(kRedacted) : value) + "\n";
  }
}

void AppendBody(std::string_view body, std::string& out) {
  out += "\n";
  if (body.empty()) return;
  out += PrettyJsonText(body);
  out += "\n";
}

}  // namespace

std::string Scrub(std::string_view text, const std::vector<std::string>& literals) {
  std::vector<std::string> forms;
  for (const std::string& literal : literals) {
    if (literal.size() < kMinLiteralSecret) continue;
    forms.push_back(literal);
    if (std::string escaped = JsonEscaped(literal); escaped != literal) forms.push_back(escaped);
  }
  // Longest first, so that a secret containing another is replaced whole.
  std::sort(forms.begin(), forms.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out(text);
  for (const std::string& form : forms) ReplaceAll(out, form, kRedacted);
  return RedactSecrets(out);
}

std::string PrettyJsonText(std::string_view text) {
  auto json = ParseJson(text);
  if (!json) return std::string(text);
  return PrettyJson(*json);
}

std::string FormatTranscript(const HttpExchange& exchange,
                             const std::vector<std::string>& literals) {
  std::string out = fmt::format("{} {} HTTP/1.1\n", MethodName(exchange.method), exchange.target);
  AppendHeaders(exchange.request_headers, out);
  AppendBody(exchange.request_body, out);
  out += "\n--- response\n";
  if (!exchange.response) {
    out += "(no response: " + exchange.transport_error + ")\n";
  } else {
    const ClientResponse& r = *exchange.response;
    out += fmt::format("HTTP/1.1 {} {}\n", r.status, ReasonPhrase(r.status));
    AppendHeaders(r.headers, out);
    AppendBody(r.body, out);
  }
  return Scrub(out, literals);
}

std::string CaseSlug(std::string_view case_name) {
  std::string slug;
  for (char c : case_name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || c == '_';
    if (keep) {
      slug += lower;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  if (slug.size() > 60) slug.resize(60);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "request" : slug;
}

std::string TranscriptFileName(int sequence, std::string_view case_name) {
  return fmt::format("{:03}-{}.http", sequence, CaseSlug(case_name));
}

bool AcceptanceReport::passed() const {
  return !cases.empty() &&
         std::all_of(cases.begin(), cases.end(), [](const CaseResult& c) { return c.pass; });
}

std::string FiveXxLine(int64_t count) { return fmt::format("5xx responses: {}", count); }

boost::json::object SummaryJson(const AcceptanceReport& report) {
  boost::json::array cases;
  for (const CaseResult& c : report.cases) {
    boost::json::array transcripts;
    for (const std::string& t : c.transcripts) transcripts.emplace_back(t);
    cases.push_back({{"name", c.name},
                     {"expected", c.expected},
                     {"got", c.got},
                     {"pass", c.pass},
                     {"transcripts", std::move(transcripts)}});
  }
  return {{"tool", "celeste accept"},
          {"lens", report.lens},
          {"yacht_id", report.yacht_id},
          {"url", report.url},
          {"started_at", report.started_at},
          {"finished_at", report.finished_at},
          {"verdict", report.passed() ? "PASS" : "FAIL"},
          {"cases", std::move(cases)},
          {"responses", report.responses},
          {"responses_5xx", report.responses_5xx}};
}

std::string SummaryMarkdown(const AcceptanceReport& report) {
  const auto passed = std::count_if(report.cases.begin(), report.cases.end(),
                                    [](const CaseResult& c) { return c.pass; });
  std::string out = fmt::format("# celeste accept: {}\n\n", report.lens);
  out += fmt::format("Verdict: **{}** ({} of {} cases passed)\n\n",
                     report.passed() ? "PASS" : "FAIL", passed, report.cases.size());
  out += fmt::format("- yacht: {}\n- server: {}\n- started: {}\n- finished: {}\n\n",
                     report.yacht_id, report.url, report.started_at, report.finished_at);
  out += "| case | expected | got | result |\n|---|---|---|---|\n";
  for (const CaseResult& c : report.cases) {
    out += fmt::format("| {} | {} | {} | {} |\n", MarkdownCell(c.name), MarkdownCell(c.expected),
                       MarkdownCell(c.got), c.pass ? "PASS" : "FAIL");
  }
  out += "\n" + FiveXxLine(report.responses_5xx) + "\n\n";
  out += fmt::format(
      "{} responses in all. A 503 feature_disabled, the answer of a flag that is off, is not "
      "counted as a 5xx (the server's celeste_http_5xx_total leaves it out too).\n",
      report.responses);
  if (!report.counts.empty()) {
    out += "\n## Counts\n\n| case | what | before | after |\n|---|---|---|---|\n";
    for (const CountRecord& c : report.counts) {
      out += fmt::format("| {} | {} | {} | {} |\n", MarkdownCell(c.case_name), MarkdownCell(c.what),
                         c.before, c.after);
    }
  }
  out +=
      "\nEach request of the run is a transcript in this folder (NNN-case.http); the cases "
      "name theirs in summary.json. Tokens, passwords, PINs and cookies are redacted.\n";
  return out;
}

boost::json::object CountsJson(const AcceptanceReport& report) {
  boost::json::array counts;
  for (const CountRecord& c : report.counts) {
    counts.push_back({{"case", c.case_name},
                      {"what", c.what},
                      {"before", c.before},
                      {"after", c.after},
                      {"difference", c.after - c.before}});
  }
  return {{"lens", report.lens}, {"yacht_id", report.yacht_id}, {"counts", std::move(counts)}};
}

Evidence::Evidence(std::filesystem::path dir, std::vector<std::string> secrets)
    : dir_(std::move(dir)), secrets_(std::move(secrets)) {}

Result<Evidence> Evidence::Create(const std::filesystem::path& dir,
                                  std::vector<std::string> secrets) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Status::InvalidRequest("--evidence-dir " + dir.string() + " is not a directory");
    }
    if (!fs::is_empty(dir, ec) || ec) {
      return Status::InvalidRequest("--evidence-dir " + dir.string() +
                                    " is not empty: give a new folder for each run");
    }
  } else {
    // (The return value is not trusted: it is false for "dir/" even when it was created.)
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) {
      return Status::Internal("cannot create the evidence folder " + dir.string() + ": " +
                              (ec ? ec.message() : "not a directory"));
    }
  }
  return Evidence(dir, std::move(secrets));
}

void Evidence::AddSecret(std::string secret) {
  if (secret.size() < kMinLiteralSecret) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(std::move(secret));
}

std::string Evidence::Scrubbed(std::string_view text) const { return Scrub(text, secrets_); }

Result<std::string> Evidence::Record(std::string_view case_name, const HttpExchange& exchange) {
  const std::string name = TranscriptFileName(++sequence_, case_name);
  CELESTE_RETURN_IF_ERROR(WriteFile(name, FormatTranscript(exchange, secrets_)));
  return name;
}

Status Evidence::WriteReport(const AcceptanceReport& report) {
  CELESTE_RETURN_IF_ERROR(
      WriteFile("counts.json", Scrubbed(PrettyJsonText(ToJson(CountsJson(report)))) + "\n"));
  CELESTE_RETURN_IF_ERROR(
      WriteFile("summary.json", Scrubbed(PrettyJsonText(ToJson(SummaryJson(report)))) + "\n"));
  return WriteFile("SUMMARY.md", Scrubbed(SummaryMarkdown(report)));
}

Status Evidence::WriteFile(const std::string& name, std::string_view text) const {
  const fs::path path = dir_ / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Status::Internal("cannot write " + path.string());
  return Status::OK();
}

}  // namespace celeste::ops

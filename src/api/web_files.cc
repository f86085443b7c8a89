#include "api/web_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>

namespace celeste {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
// The app loads only its own files: no CDN, no inline script, no framing.
constexpr std::string_view kHtmlPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
}};

bool IsApiPath(std::string_view path) {
  return path.starts_with("/v1/") || path == "/v1" || path == "/health" || path == "/metrics";
}

// The path's segments as a relative path, or nullopt when one is ".", ".." or holds a
// backslash or NUL (the path is already percent-decoded).
std::optional<fs::path> RelativePath(std::string_view path) {
  fs::path relative;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      return std::nullopt;
    }
    if (!segment.empty()) relative /= std::string(segment);
    start = end + 1;
  }
  return relative;
}

bool Within(const fs::path& path, const fs::path& root) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

}  // namespace

std::string_view WebContentType(std::string_view file_name) {
  for (const auto& [extension, type] : kTypes) {
    if (file_name.size() > extension.size() && file_name.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

Status WebFiles::Check(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::InvalidRequest("--web-root " + root.string() + ": not a directory");
  }
  if (!fs::is_regular_file(root / "index.html", ec)) {
    return Status::InvalidRequest("--web-root " + root.string() +
                                  ": no index.html (build the web app: make build)");
  }
  return Status::OK();
}

WebFiles::WebFiles(const fs::path& root) : root_(fs::weakly_canonical(root)) {}

std::optional<Response> WebFiles::Serve(const Request& request) const {
  if (request.method != Method::kGet && request.method != Method::kHead) return std::nullopt;
  const std::string_view path = request.path;
  if (path.empty() || path.front() != '/' || IsApiPath(path)) return std::nullopt;
  const std::optional<fs::path> relative = RelativePath(path);
  if (!relative) return std::nullopt;
  if (relative->empty()) return File("index.html", "/index.html");
  if (auto found = File(*relative, path)) return found;
  // A route of the single-page app (no extension): its page is index.html.
  if (!relative->filename().has_extension()) return File("index.html", "/index.html");
  return std::nullopt;
}

std::optional<Response> WebFiles::File(const fs::path& relative,
                                       std::string_view request_path) const {
  std::error_code ec;
  const fs::path real = fs::canonical(root_ / relative, ec);
  if (ec || !Within(real, root_) || !fs::is_regular_file(real, ec)) return std::nullopt;
  const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  Response response;
  response.file = std::make_shared<ResponseFile>(fd, static_cast<uint64_t>(st.st_size));
  const std::string name = real.filename().string();
  response.content_type = std::string(WebContentType(name));
  const bool hashed = request_path.starts_with("/assets/");
  response.headers = {{"Cache-Control", std::string(hashed ? kImmutable : kRevalidate)},
                      {"X-Content-Type-Options", "nosniff"}};
  if (name.ends_with(".html")) {
    response.headers.emplace_back("Content-Security-Policy", std::string(kHtmlPolicy));
  }
  return response;
}

}  // namespace celeste

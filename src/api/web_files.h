// WebFiles: the web app's built files (issue 8: web/, built by Vite into web/dist), served by
// `celeste serve` at / beside the API, with no CDN at run time.
//
// A GET or HEAD that no API route takes is looked up under the root:
//   "/"                          index.html
//   a file under the root        that file, its content type from its extension
//   a path without an extension  index.html (the single-page app's own routes: /faults/123)
//   anything else                not served (the API's 404 envelope answers)
// Hashed build output under /assets/ is cached for a year (immutable); everything else is
// revalidated (no-cache), so a new build shows at once. Paths under /v1/, /health and
// /metrics are never served from the root. No path leaves the root: "." and ".." segments
// are refused, and a file is opened only if its real path (symbolic links resolved) lies
// inside the root's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/request.h"

namespace celeste {

class WebFiles {
 public:
  // `root` must exist (see Check); it is resolved once, here.
  explicit WebFiles(const std::filesystem::path& root);

  // invalid_request unless `root` is a directory holding index.html.
  static Status Check(const std::filesystem::path& root);

  // The response for `request`, or nullopt when it is not for the web app.
  std::optional<Response> Serve(const Request& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::optional<Response> File(const std::filesystem::path& relative,
                               std::string_view request_path) const;

  std::filesystem::path root_;  // canonical
};

// The Content-Type for a file name's extension ("application/octet-stream" when unknown).
std::string_view WebContentType(std::string_view file_name);

}  // namespace celeste

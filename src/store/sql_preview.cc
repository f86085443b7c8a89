#include "store/sql_preview.h"

namespace celeste {
namespace {

constexpr size_t kSqlPreviewChars = 60;

}  // namespace

std::string SqlPreview(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() > kSqlPreviewChars) break;
  }
  if (out.size() <= kSqlPreviewChars) return out;
  out.resize(kSqlPreviewChars);
  // Do not cut a UTF-8 sequence in half.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "...";
}

}  // namespace celeste

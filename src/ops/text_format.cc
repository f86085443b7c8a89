#include "ops/text_format.h"

#include <boost/json/serialize.hpp>

namespace celeste::ops {
namespace {

void AppendPretty(const boost::json::value& value, int depth, std::string& out) {
  const std::string pad(static_cast<size_t>(2 * (depth + 1)), ' ');
  const std::string close = "\n" + std::string(static_cast<size_t>(2 * depth), ' ');
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : value.as_object()) {
      out += first ? "" : ",\n";
      first = false;
      out += pad + boost::json::serialize(boost::json::string(member.key())) + ": ";
      AppendPretty(member.value(), depth + 1, out);
    }
    out += close + "}";
  } else if (value.is_array() && !value.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& element : value.as_array()) {
      out += first ? "" : ",\n";
      first = false;
      out += pad;
      AppendPretty(element, depth + 1, out);
    }
    out += close + "]";
  } else {
    out += boost::json::serialize(value);  // a scalar, {} or []
  }
}

}  // namespace

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

std::string PrettyJson(const boost::json::value& value) {
  std::string out;
  AppendPretty(value, 0, out);
  return out;
}

std::string MarkdownCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace celeste::ops

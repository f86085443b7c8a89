// Small text helpers the Lens Ops writers share (evidence transcripts, generated files,
// reports). Pure.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace celeste::ops {

// Every occurrence of `what` replaced by `with`, left to right (nothing when `what` is empty).
void ReplaceAll(std::string& text, std::string_view what, std::string_view with);

// JSON laid out for a reader: two-space indent, members in their order, one element per line;
// empty objects and arrays as {} and []. No trailing newline.
std::string PrettyJson(const boost::json::value& value);

// A Markdown table cell: '|' escaped, line breaks as spaces.
std::string MarkdownCell(std::string_view text);

}  // namespace celeste::ops

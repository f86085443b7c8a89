// SqlPreview: the first characters of a statement, on one line, for error messages.
//
// Store errors name the statement that failed but never a bound parameter value (values
// may be personal data or secrets), so every backend quotes SQL through this function.
#pragma once

#include <string>
#include <string_view>

namespace celeste {

// Whitespace runs collapse to one space; longer than 60 characters ends in "...", never
// cutting a UTF-8 sequence in half. Pure; thread-safe.
std::string SqlPreview(std::string_view sql);

}  // namespace celeste

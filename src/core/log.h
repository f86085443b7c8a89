// Structured logging: one JSON object per line on stderr.
// Never pass tokens, passwords or PINs in a log line.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

namespace celeste {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Adds "ts" (RFC 3339), "level" and "msg" to `fields` and writes the line atomically.
void Log(LogLevel level, std::string_view msg, boost::json::object fields = {});
// Suppresses lines below `level` (default kInfo). Thread-safe.
void SetLogLevel(LogLevel level);
// Writes access-log lines (one per request) only when enabled (default on).
void SetAccessLogEnabled(bool enabled);
bool AccessLogEnabled();

}  // namespace celeste

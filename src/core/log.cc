#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include <boost/json/serialize.hpp>

#include "core/clock.h"

namespace celeste {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_access_log{true};
std::mutex g_write_mu;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void Log(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  boost::json::object line;
  line["ts"] = FormatRfc3339(SystemClock::Instance().Now());
  line["level"] = LevelName(level);
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  std::lock_guard lock(g_write_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void SetLogLevel(LogLevel level) { g_min_level = static_cast<int>(level); }
void SetAccessLogEnabled(bool enabled) { g_access_log = enabled; }
bool AccessLogEnabled() { return g_access_log.load(std::memory_order_relaxed); }

}  // namespace celeste

// Time: an injectable clock and RFC 3339 formatting. All times are UTC.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace celeste {

// Microseconds since the Unix epoch.
using Micros = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Micros Now() const override;
  static const SystemClock& Instance();
};

// A clock tests move by hand. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Micros start) : now_(start) {}
  Micros Now() const override { return now_.load(); }
  void Advance(Micros delta) { now_ += delta; }
  void Set(Micros t) { now_ = t; }

 private:
  std::atomic<Micros> now_;
};

inline constexpr Micros kMicrosPerSecond = 1'000'000;

// "2026-11-22T10:00:00.123456Z": fixed width, so text order is time order.
std::string FormatRfc3339(Micros t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (also a space for 'T', lower-case
// 't'/'z'). Returns nullopt when malformed or out of range.
std::optional<Micros> ParseRfc3339(std::string_view text);
// True for a real calendar date "YYYY-MM-DD".
bool IsDate(std::string_view text);
// Days since the epoch for a valid "YYYY-MM-DD" (see IsDate).
std::optional<int64_t> ParseDateDays(std::string_view text);

}  // namespace celeste

namespace celeste {

// A duration as people write it: a whole number and a unit, "90s", "15m", "1h", "30d"
// ("ms" too). nullopt when malformed, zero, negative or longer than ten years.
std::optional<Micros> ParseDuration(std::string_view text);

}  // namespace celeste

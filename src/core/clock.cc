#include "core/clock.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace celeste {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ReadDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since the epoch for the "YYYY-MM-DD" that `s` starts with (more may follow).
std::optional<int64_t> ParseDatePrefix(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!ReadDigits(s, 0, 4, y) || !ReadDigits(s, 5, 2, m) || !ReadDigits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, m)) {
    return std::nullopt;
  }
  return DaysFromCivil(y, m, d);
}

}  // namespace

Micros SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

std::string FormatRfc3339(Micros t) {
  int64_t days = t / (86400 * kMicrosPerSecond);
  Micros rem = t % (86400 * kMicrosPerSecond);
  if (rem < 0) {
    rem += 86400 * kMicrosPerSecond;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  const int64_t secs = rem / kMicrosPerSecond;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(rem % kMicrosPerSecond));
  return buf;
}

std::optional<int64_t> ParseDateDays(std::string_view s) {
  if (s.size() != 10) return std::nullopt;  // the whole text, not a prefix of it
  return ParseDatePrefix(s);
}

bool IsDate(std::string_view s) { return ParseDateDays(s).has_value(); }

std::optional<Micros> ParseRfc3339(std::string_view s) {
  auto days = ParseDatePrefix(s);
  if (!days || s.size() < 20) return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss;
  if (!ReadDigits(s, 11, 2, hh) || s[13] != ':' || !ReadDigits(s, 14, 2, mm) || s[16] != ':' ||
      !ReadDigits(s, 17, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  size_t pos = 19;
  Micros frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    Micros scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int offset_min = 0;
  if (pos == s.size()) return std::nullopt;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t secs = *days * 86400 + hh * 3600 + mm * 60 + ss - offset_min * 60;
  return secs * kMicrosPerSecond + frac;
}

}  // namespace celeste

namespace celeste {

std::optional<Micros> ParseDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const int64_t n = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  Micros per = 0;
  if (unit == "ms")
    per = 1000;
  else if (unit == "s")
    per = kMicrosPerSecond;
  else if (unit == "m")
    per = 60 * kMicrosPerSecond;
  else if (unit == "h")
    per = 3600 * kMicrosPerSecond;
  else if (unit == "d")
    per = 86400 * kMicrosPerSecond;
  else
    return std::nullopt;
  // At most ten years: every caller adds durations to times and clocks without overflow.
  constexpr Micros kMax = Micros{10} * 366 * 86400 * kMicrosPerSecond;
  if (n <= 0 || n > kMax / per) return std::nullopt;
  return n * per;
}

}  // namespace celeste

#include "core/uuid.h"

#include <cctype>
#include <chrono>
#include <mutex>

#include <sodium.h>

namespace celeste {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Format(const uint8_t (&b)[16]) {
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

// Monotonic state: within one millisecond the 12-bit rand_a field counts up, so ids
// made by this process sort in creation order (RFC 9562 §6.2, method 1).
struct Monotonic {
  std::mutex mu;
  int64_t last_ms = 0;
  uint16_t counter = 0;
};

Monotonic& State() {
  static Monotonic state;
  return state;
}

std::string Build(int64_t unix_ms, uint16_t rand_a) {
  uint8_t b[16];
  randombytes_buf(b, sizeof b);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(unix_ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((rand_a >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(rand_a & 0xff);
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  return Format(b);
}

}  // namespace

std::string NewUuidV7At(int64_t unix_ms) {
  uint16_t r;
  randombytes_buf(&r, sizeof r);
  return Build(unix_ms, r & 0x0fff);
}

std::string NewUuidV7() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  int64_t now =
      duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  int64_t ms;
  uint16_t counter;
  {
    Monotonic& s = State();
    std::lock_guard lock(s.mu);
    if (now > s.last_ms) {
      s.last_ms = now;
      uint16_t seed;
      randombytes_buf(&seed, sizeof seed);
      s.counter = seed & 0x01ff;  // leave head-room for many ids in one millisecond
    } else if (++s.counter > 0x0fff) {
      ++s.last_ms;  // borrow the next millisecond rather than repeat an id
      s.counter = 0;
    }
    ms = s.last_ms;
    counter = s.counter;
  }
  return Build(ms, counter);
}

std::string NewRandomUuidV4() {
  uint8_t b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return Format(b);
}

bool IsUuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(t[i]))) {
      return false;
    }
  }
  return true;
}

std::string NormalizeUuid(std::string_view t) {
  std::string out(t);
  if (!IsUuid(t)) return out;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace celeste

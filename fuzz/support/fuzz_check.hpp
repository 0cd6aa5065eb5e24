#pragma once
// What every fuzz target (issue 13 item 8) shares: a property check that stops the run with
// the input kept (libFuzzer saves it as crash-<sha1> when the process aborts), and the
// input as a string_view.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tenure::fuzz {

// A property the parser broke: say which and abort, so libFuzzer keeps the input.
[[noreturn]] inline void PropertyFailed(const char* property, const char* file, int line) {
  std::fprintf(stderr, "\n== property failed: %s (%s:%d)\n", property, file, line);
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A cheap, deterministic hash of the input: where to tamper with a token, and how.
inline uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace tenure::fuzz

#define FUZZ_CHECK(condition)                                                         \
  do {                                                                                \
    if (!(condition)) ::tenure::fuzz::PropertyFailed(#condition, __FILE__, __LINE__); \
  } while (false)

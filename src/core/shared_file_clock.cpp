#include "core/shared_file_clock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <limits>

namespace tenure {
namespace {

// The whole file, in the machine's byte order (its processes share it, never other machines).
struct Layout {
  char magic[8];
  int64_t unix_seconds;
};
static_assert(sizeof(Layout) == 16, "the file format: no padding");

constexpr char kMagic[8] = {'T', 'E', 'N', 'U', 'R', 'E', 'C', '1'};

// Processes agree through the memory itself only if the atomic needs no lock (a lock would
// live in each process) and the field is aligned as the atomic requires.
static_assert(std::atomic_ref<int64_t>::is_always_lock_free);
static_assert(offsetof(Layout, unix_seconds) % std::atomic_ref<int64_t>::required_alignment == 0);

std::unexpected<Error> Invalid(const std::string& path, std::string_view why) {
  return Fail(ErrorCode::kInvalidInput, fmt::format("test clock file '{}': {}", path, why));
}

std::string Errno() { return std::strerror(errno); }

// Writes a complete clock file beside `path` and links it into place unless a file is there
// already: whoever links first wins, and nobody ever maps a file still being written.
Result<void> CreateIfAbsent(const std::string& path, Instant if_absent) {
  std::string temp = path + ".XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) return Invalid(path, "cannot create it: " + Errno());
  Layout layout{};
  std::memcpy(layout.magic, kMagic, sizeof kMagic);
  layout.unix_seconds = ToUnix(if_absent);
  const bool written = write(fd, &layout, sizeof layout) == sizeof layout;
  const std::string write_error = written ? "" : Errno();
  close(fd);
  const bool linked = written && (link(temp.c_str(), path.c_str()) == 0 || errno == EEXIST);
  const std::string link_error = linked ? "" : Errno();
  unlink(temp.c_str());
  if (!written) return Invalid(path, "cannot write it: " + write_error);
  if (!linked) return Invalid(path, "cannot create it: " + link_error);
  return {};
}

}  // namespace

Result<std::unique_ptr<SharedFileClock>> SharedFileClock::Open(const std::string& path,
                                                               Instant if_absent) {
  if (path.empty()) return Invalid(path, "no path");
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (auto created = CreateIfAbsent(path, if_absent); !created)
      return std::unexpected(created.error());
    fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  }
  if (fd < 0) return Invalid(path, "cannot open it: " + Errno());
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != sizeof(Layout)) {
    close(fd);
    return Invalid(path, fmt::format("not a test clock file (expected {} bytes)", sizeof(Layout)));
  }
  void* mapped = mmap(nullptr, sizeof(Layout), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const std::string map_error = mapped == MAP_FAILED ? Errno() : "";
  close(fd);  // the mapping keeps the file
  if (mapped == MAP_FAILED) return Invalid(path, "cannot map it: " + map_error);
  auto* layout = static_cast<Layout*>(mapped);
  if (std::memcmp(layout->magic, kMagic, sizeof kMagic) != 0) {
    munmap(mapped, sizeof(Layout));
    return Invalid(path, "not a test clock file (wrong magic number)");
  }
  return std::unique_ptr<SharedFileClock>(new SharedFileClock(path, mapped, &layout->unix_seconds));
}

SharedFileClock::~SharedFileClock() { munmap(mapping_, sizeof(Layout)); }

Instant SharedFileClock::Now() const {
  return FromUnix(std::atomic_ref<int64_t>(*unix_seconds_).load());
}

void SharedFileClock::Set(Instant t) { std::atomic_ref<int64_t>(*unix_seconds_).store(ToUnix(t)); }

void SharedFileClock::Advance(Seconds d) {
  std::atomic_ref<int64_t>(*unix_seconds_).fetch_add(d.count());
}

std::optional<Seconds> ParseClockStep(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  while (!text.empty()) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data() + text.size() || n < 0) return std::nullopt;
    int64_t unit = 0;
    switch (*end) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = int64_t{24} * 3600; break;
      default: return std::nullopt;
    }
    if (n > (std::numeric_limits<int64_t>::max() - total) / unit) return std::nullopt;
    total += n * unit;
    text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
  }
  if (total <= 0) return std::nullopt;
  return Seconds(total);
}

}  // namespace tenure

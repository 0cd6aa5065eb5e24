#include "state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenure::agent {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string Text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string DefaultStatePath() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path base = xdg && *xdg     ? std::filesystem::path(xdg)
                               : home && *home ? std::filesystem::path(home) / ".local" / "state"
                                               : std::filesystem::path(".");
  return (base / "tenure-agent" / "state.json").string();
}

std::expected<State, std::string> LoadState(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return State{};  // never signed in here
  std::ifstream in(path);
  if (!in) return std::unexpected(Errno("cannot read " + path));
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return std::unexpected(path + " is not a tenure-agent state file (not a JSON object)");
  State state{.server = Text(j, "server"),
              .fingerprint = Text(j, "fingerprint"),
              .email = Text(j, "email"),
              .token = Text(j, "token"),
              .session_id = Text(j, "session_id"),
              .lease = Text(j, "lease")};
  if (j.contains("jwks") && j["jwks"].is_object()) state.jwks = j["jwks"];
  if (j.contains("heartbeat_interval_seconds") &&
      j["heartbeat_interval_seconds"].is_number_integer())
    state.heartbeat_interval_seconds = j["heartbeat_interval_seconds"].get<int64_t>();
  return state;
}

std::expected<void, std::string> SaveState(const std::string& path, const State& state) {
  const nlohmann::json j = {{"server", state.server},
                            {"fingerprint", state.fingerprint},
                            {"email", state.email},
                            {"token", state.token},
                            {"session_id", state.session_id},
                            {"lease", state.lease},
                            {"jwks", state.jwks},
                            {"heartbeat_interval_seconds", state.heartbeat_interval_seconds}};
  const std::string data = j.dump(2) + "\n";

  const std::filesystem::path target(path);
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) {
    std::filesystem::create_directories(folder, ec);
    if (ec) return std::unexpected("cannot create " + folder.string() + ": " + ec.message());
    // Only the owner may list where the token lives.
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }

  // mkstemp creates the file with mode 0600 and a name nobody else can have picked.
  std::string temp = (folder / (target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return std::unexpected(Errno("cannot create a file in " + folder.string()));
  const bool written =
      ::fchmod(fd, S_IRUSR | S_IWUSR) == 0 && WriteAll(fd, data) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    errno = saved_errno;
    return std::unexpected(Errno("cannot write " + temp));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string message = Errno("cannot replace " + path);
    ::unlink(temp.c_str());
    return std::unexpected(message);
  }
  // The rename itself lives in the folder: sync it too, or a power cut may undo it.
  if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace tenure::agent

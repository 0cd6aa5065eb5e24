#include "integrations/stripe_peers.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace tenure::testing {
namespace {

std::runtime_error SystemError(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

// Starts `node <script> <args...>` with its stdout on a pipe; returns the pid and the read end.
pid_t SpawnNode(const std::string& script, const std::vector<std::string>& args, int* out_fd) {
  std::vector<std::string> argv_strings = {"node", std::string(TENURE_SOURCE_DIR) + "/" + script};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) throw SystemError("pipe");
  const pid_t pid = fork();
  if (pid < 0) throw SystemError("fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a test binary that crashes
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execvp("node", argv.data());  // node from PATH
    _exit(127);
  }
  close(out[1]);
  *out_fd = out[0];
  return pid;
}

void Stop(pid_t pid) {
  kill(pid, SIGTERM);
  // A server with a connection still open may linger: give it two seconds, then SIGKILL.
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

NodePeer::NodePeer(const std::string& script, std::vector<std::string> args) {
  int fd = -1;
  pid_ = SpawnNode(script, args, &fd);
  // Wait for "PORT n": a start-up handshake, not a timing assumption (15 s is ample).
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, 15000);
    char buf[256];
    const ssize_t n = ready > 0 ? read(fd, buf, sizeof buf) : -1;
    if (n <= 0) {
      close(fd);
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      throw std::runtime_error(script +
                               " did not start (is node on PATH, and are the packages "
                               "installed by `npm ci`?); got: " +
                               line);
    }
    line.append(buf, static_cast<size_t>(n));
  }
  close(fd);  // the peers print nothing else
  if (!line.starts_with("PORT ")) throw std::runtime_error(script + " said: " + line);
  port_ = std::stoi(line.substr(5));
}

NodePeer::~NodePeer() {
  if (pid_ > 0) Stop(pid_);
}

FlakyStripe::FlakyStripe(const std::string& script)
    : peer_("tests/support/stripe_flaky.mjs",
            {"--port", "0", "--out", dir_.File("requests.jsonl"), "--script", script}) {}

std::vector<nlohmann::json> FlakyStripe::Requests() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_.File("requests.jsonl"));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string SignWithStripeSdk(const std::string& payload, const std::vector<std::string>& secrets,
                              int64_t timestamp, const std::string& scheme) {
  TempDir dir;
  const std::string file = dir.File("payload");
  {
    std::ofstream out(file, std::ios::binary);
    out << payload;
  }
  std::vector<std::string> args = {"--payload-file",          file,       "--timestamp",
                                   std::to_string(timestamp), "--scheme", scheme};
  for (const auto& secret : secrets) {
    args.push_back("--secret");
    args.push_back(secret);
  }
  int fd = -1;
  const pid_t pid = SpawnNode("tests/support/stripe_sign.mjs", args, &fd);
  std::string output;
  char buf[512];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || output.empty() || output.back() != '\n')
    throw std::runtime_error("stripe_sign.mjs failed (is `stripe` installed by `npm ci`?): " +
                             output);
  output.pop_back();
  return output;
}

}  // namespace tenure::testing

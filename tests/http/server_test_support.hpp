#pragma once
// What tests/http/server_test.cpp drives the server adapter with: Serve in a thread of the
// test process on a free loopback port, a raw TCP client that sends bytes exactly as given and
// reads answers as they come, and small helpers (SHA-256, gunzip, this process's RSS).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "http/server.hpp"
#include "support/sha256.hpp"

namespace tenure::http::server_test {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)

inline uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// Serve on a free loopback port in a thread, until the test ends (SIGTERM to this process,
// which Serve catches: its graceful stop).
class ServerThread {
 public:
  ServerThread(
      ServerOptions options, Handler handler,
      SlowPredicate is_slow = [](const Request&) { return false; }) {
    for (int attempt = 0; attempt < 5 && !listening_; ++attempt) {
      options.port = FreePort();
      std::promise<bool> bound;
      auto bound_future = bound.get_future();
      thread_ = std::thread([&bound, options, handler, is_slow] {
        bool told = false;
        try {
          Serve(
              options, handler, is_slow,
              [](Request&, Overload) { return Response::Text(503, "busy\n"); },
              [&] {
                told = true;
                bound.set_value(true);
              });
        } catch (const std::exception&) {  // the port was taken meanwhile: try another
          if (!told) bound.set_value(false);
        }
      });
      if (bound_future.wait_for(10s) == std::future_status::ready && bound_future.get()) {
        listening_ = true;
        port_ = options.port;
      } else {
        thread_.join();
      }
    }
  }
  ~ServerThread() {
    if (!listening_) return;
    kill(getpid(), SIGTERM);
    thread_.join();
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  bool listening() const { return listening_; }
  uint16_t port() const { return port_; }

 private:
  std::thread thread_;
  bool listening_ = false;
  uint16_t port_ = 0;
};

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One TCP connection that sends bytes as given and reads answers as they come.
class RawClient {
 public:
  // From `local` (any 127.x.y.z: Linux routes all of 127.0.0.0/8 to loopback) when given.
  explicit RawClient(uint16_t port, const char* local = nullptr)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (local) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      inet_pton(AF_INET, local, &from.sin_addr);
      if (bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // One answer; nothing when the connection closed or nothing came within `timeout`. A HEAD
  // answer has no body, whatever its Content-Length says.
  std::optional<RawResponse> Read(bool head = false, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill(deadline)) return std::nullopt;
    RawResponse r;
    std::string_view head_text(in_.data(), end);
    r.status = std::stoi(std::string(head_text.substr(9, 3)));
    for (size_t at = head_text.find("\r\n"); at != std::string_view::npos;) {
      const size_t next = head_text.find("\r\n", at + 2);
      const std::string_view line = head_text.substr(at + 2, next - at - 2);
      const size_t colon = line.find(':');
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(line.substr(colon + 2));
      at = next;
    }
    in_.erase(0, end + 4);
    const size_t length = head || r.headers.count("content-length") == 0
                              ? 0
                              : std::stoull(r.headers["content-length"]);
    while (in_.size() < length)
      if (!Fill(deadline)) return std::nullopt;
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }
  // Whether the server closed the connection within `timeout` (and sent nothing more).
  bool ClosedByServer(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const size_t before = in_.size();
    while (Fill(deadline)) {
    }
    return closed_ && in_.size() == before;
  }
  const std::string& unread() const { return in_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (left <= 0ms || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string in_;
};

inline std::string Get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}

using testing::Sha256;

inline std::string FileSha256(const std::string& path) {
  Sha256 sha;
  std::ifstream in(path, std::ios::binary);
  std::string chunk(64 << 10, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
    sha.Add(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  return sha.Hex();
}

inline uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

inline std::string Gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

}  // namespace tenure::http::server_test

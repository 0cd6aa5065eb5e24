#pragma once
// Our HTTP server adapter: the rest of http/ sees only these types. server.cpp is the only
// file that includes the HTTP library (RESTinio, chosen from ENGINEERING.md's measurements).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenure::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET"
  std::string path;    // decoded by nobody: "/help/a%20b" stays as sent
  std::string query;   // raw, without '?'
  Headers headers;     // names lowercased
  std::string body;
  std::string remote_address;
  std::string request_id;  // set by the middleware

  std::string_view Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  Headers headers;
  std::string body;

  Response& Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static Response Redirect(std::string location, int status = 303);
  static Response Text(int status, std::string body);
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int io_threads = 2;
  int slow_threads = 2;          // argon2id hashing: 64 MiB each
  size_t slow_queue_limit = 64;  // beyond it, slow requests get 503 at once
  // Slow requests one address may have queued or running; beyond it that address gets 429,
  // so that a flood from one address cannot fill the queue others sign in through.
  size_t slow_per_address_limit = 4;
  uint64_t max_body_bytes = 1 << 20;
  size_t max_connections = 2048;
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds shutdown_timeout{20};
  bool gzip = true;
};

using Handler = std::function<Response(Request&)>;
// Says whether a request must run off the I/O threads (CPU-heavy, e.g. password hashing).
using SlowPredicate = std::function<bool(const Request&)>;
// Why a slow request was turned away before its handler ran.
enum class Overload {
  kQueueFull,    // 503: the queue is full
  kAddressBusy,  // 429: its address has slow_per_address_limit requests waiting or running
};
// Answers a request turned away (in its route's format, logged like any other answer).
using OverloadHandler = std::function<Response(Request&, Overload)>;

// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish
// (up to shutdown_timeout) and returns. Calls `on_listening` once the socket is bound. Slow
// requests run on their own threads, taken from each address in turn (fair queuing).
void Serve(const ServerOptions& options, Handler handler, SlowPredicate is_slow,
           OverloadHandler on_overload, const std::function<void()>& on_listening = {});

}  // namespace tenure::http

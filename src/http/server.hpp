#pragma once
// Our HTTP server adapter: the rest of http/ sees only these types. server.cpp, server_wire.cpp,
// server_connection.cpp and request_parser.cpp are the only files that include the HTTP
// library (Boost.Beast's parser over Boost.Asio; RESTinio until it stood in the way of issues
// 12 and 13: it read every body whole into memory and closed connections without an answer).
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
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
  std::string body;    // empty when the body went to body_file
  // A body its route's BodyPolicy streamed to disk: the temp file (0600) holding it, removed
  // after the handler returns. A handler that keeps it moves it (std::filesystem::rename, on
  // the same file system) and then clears body_file, so that nothing is removed.
  std::string body_file;
  uint64_t body_size = 0;  // the body's bytes, wherever they went
  std::string remote_address;
  std::string request_id;  // set by the middleware

  std::string_view Header(std::string_view lower_name) const;
};

// A byte range of a file on disk, sent as the answer's body without reading it whole.
struct FileRange {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  Headers headers;
  std::string body;
  // When set, the body is this range of a file (Content-Length is the range's length, never
  // gzipped) and `body` is ignored. The handler sets the status (200 or 206), Content-Range,
  // ETag and the like; a file that cannot be opened any more is answered 500.
  std::optional<FileRange> file;

  Response& Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static Response Redirect(std::string location, int status = 303);
  static Response Text(int status, std::string body);
};

// Where a request's body goes, decided once its head is read (before any of the body is).
struct BodyPlan {
  std::optional<uint64_t> max_bytes;  // larger bodies are answered 413; empty: max_body_bytes
  std::string to_file_dir;            // set: streamed to a new temp file there (body_file)
};
using BodyPolicy =
    std::function<BodyPlan(std::string_view method, std::string_view path, const Headers& headers)>;

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
  // Bodies held in memory at once, all connections together (each counted at its
  // Content-Length, or its limit when chunked): a body that would pass it is answered 503
  // before it is read, so that many clients holding bodies cannot exhaust memory (issue 13).
  uint64_t max_body_memory_bytes = 128 << 20;
  // A request line's target over this is answered 414; the header fields over this, 431.
  size_t max_target_bytes = 8 << 10;
  size_t max_header_bytes = 16 << 10;
  size_t max_connections = 2048;
  // Connections one address may hold open at once; the next is answered 429 and closed (issue
  // 13: 2,200 half-sent requests from one address took every connection). Trusted proxies
  // are not capped.
  size_t max_connections_per_address = 64;
  // Peers whose X-Forwarded-For is believed (a reverse proxy in front): a request's
  // remote_address is then the rightmost address in that header that is not one of them.
  std::vector<std::string> trusted_proxies;
  // Between requests on a kept-alive connection.
  std::chrono::seconds idle_timeout{60};
  // From a request's first byte (a new connection's accept) to the end of its head: 408.
  std::chrono::seconds header_timeout{10};
  // The longest wait for the next piece of a body (408), for a handler's answer, and for the
  // client to take the next piece of the answer.
  std::chrono::seconds request_timeout{30};
  // A body must arrive at this average rate, after header_timeout's grace from its head; a
  // slower one is answered 408 (issue 13: bodies sent nearly whole, then held, to keep the
  // server's memory). 0: no floor.
  uint64_t min_body_bytes_per_second = 1024;
  std::chrono::seconds shutdown_timeout{20};
  bool gzip = true;
  // Unset: every body is read into Request::body, up to max_body_bytes.
  BodyPolicy body_policy;
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
// Requests the server cannot hand to `handler` are answered by the server itself, then the
// connection is closed: 400 (malformed), 408 (head or body too slow), 413 (body over its
// plan's limit; with a Content-Length, before any of it is read), 414, 431, 429 for a
// connection over its address's cap, 503 for a body over the memory left for bodies. Pipelined
// requests are answered in order.
void Serve(const ServerOptions& options, const Handler& handler, const SlowPredicate& is_slow,
           const OverloadHandler& on_overload, const std::function<void()>& on_listening = {});

}  // namespace tenure::http

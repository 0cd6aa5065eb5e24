#pragma once
// One client connection of the server adapter (server.cpp): reads requests with Beast's
// parser, hands them to the handler (or the slow pool) and writes the answers, one request at
// a time, so that pipelined requests are answered in order. Internal to the adapter: only
// server.cpp and server_connection.cpp include it (and with it Boost.Asio).
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include "http/request_parser.hpp"
#include "http/server.hpp"
#include "http/slow_pool.hpp"

namespace tenure::http {

class Connection;

// The live connections: their count for max_connections (the acceptor pauses when full and
// resumes when one ends), and a snapshot for the deadline ticker and the graceful stop.
class ConnectionRegistry {
 public:
  using Handle = std::list<std::weak_ptr<Connection>>::iterator;

  ConnectionRegistry(size_t max_connections, size_t max_per_address, uint64_t max_body_memory)
      : max_(max_connections),
        max_per_address_(max_per_address),
        max_body_memory_(max_body_memory) {}
  // Called when there is room again after RoomOrPause said no.
  void OnRoom(std::function<void()> resume) { resume_ = std::move(resume); }

  // Registers a connection from `address`; false when that address already holds its cap
  // (`capped` false: a trusted proxy's, never capped). Registered either way, but one over
  // the cap does not count towards max_connections (it is told 429 and closed at once), so
  // that a flood of them cannot pause the acceptor. Remove with what Add returned.
  bool Add(std::weak_ptr<Connection> connection, const std::string& address, bool capped,
           Handle* handle);
  void Remove(Handle handle, const std::string& address, bool counted);
  // Whether another connection may be accepted; if not, remembers to call the OnRoom callback.
  bool RoomOrPause();
  size_t size();
  // ServerOptions::max_body_memory_bytes: takes `bytes` of it, or says there is not enough.
  bool ReserveBodyMemory(uint64_t bytes);
  void ReleaseBodyMemory(uint64_t bytes);
  std::vector<std::shared_ptr<Connection>> Live();

 private:
  size_t max_;
  size_t max_per_address_;
  uint64_t max_body_memory_;
  std::atomic<uint64_t> body_memory_{0};
  std::function<void()> resume_;
  std::mutex mutex_;
  std::list<std::weak_ptr<Connection>> connections_;
  size_t counted_ = 0;  // the connections within their address's cap
  std::unordered_map<std::string, size_t> per_address_;
  bool paused_ = false;
};

// What every connection of one Serve call shares.
struct ServerContext {
  const ServerOptions& options;
  const Handler& handler;
  const SlowPredicate& is_slow;
  const OverloadHandler& on_overload;
  SlowPool& slow_pool;
  ConnectionRegistry& registry;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerContext& server);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start();
  // Any thread. The deadline ticker: when this connection's deadline has passed, acts on it.
  void CheckDeadline(int64_t now_ns);
  // Any thread. Graceful stop: an idle connection closes now, a busy one after its answer.
  void Stop();

 private:
  // What the connection waits for; a deadline means something different in each.
  enum class Phase {
    kIdle,      // the first byte of the next request (none yet): a deadline closes quietly
    kHead,      // the rest of a request's head: 408
    kBody,      // the next piece of the body: 408
    kHandling,  // the handler's answer (slow pool): closed
    kWriting,   // the client to take the answer: closed
    kLinger,    // after a refusal, the client's unread bytes, until it closes: closed
    kClosed,
  };

  void NextRequest();
  void ReadSome();
  void OnRead(const boost::beast::error_code& ec, size_t bytes);
  void Parse();
  bool OnHead();  // false when it took over (a refusal, or 100 Continue being written)
  void Dispatch();
  Response RunHandler();
  Response RunOverload(Overload why);
  void Respond(Response res);
  void Refuse(int status);
  void WriteFileChunk();
  void Written();
  void Linger();
  void Close();
  void OnDeadline(int64_t deadline_ns);
  void SetDeadline(int64_t deadline_ns);
  void RemoveUploadedBody();

  boost::asio::ip::tcp::socket socket_;
  ServerContext& server_;
  ConnectionRegistry::Handle registered_;
  std::string remote_address_;
  boost::beast::flat_buffer buffer_;
  Request request_;
  std::optional<RequestParser> parser_;
  UploadFile upload_;
  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;  // its head deadline runs from the accept
  bool head_done_ = false;
  bool keep_alive_ = true;
  bool stopping_ = false;
  bool refused_ = false;         // the answer being written is the server's refusal
  bool over_cap_ = false;        // its address holds too many connections: closed once told so
  bool trusted_peer_ = false;    // a trusted proxy: X-Forwarded-For names the client
  int64_t body_started_ns_ = 0;  // for the minimum body rate
  uint64_t body_memory_ = 0;     // of the registry's body memory, held for this request
  // The deadline in steady-clock nanoseconds: set on the connection's strand, read and
  // claimed (swapped for kNever) by the ticker, which then posts OnDeadline with it.
  std::atomic<int64_t> deadline_ns_;
  int64_t deadline_set_ns_;
  // The answer being written.
  std::string out_head_;
  std::string out_body_;
  int file_fd_ = -1;
  uint64_t file_offset_ = 0;
  uint64_t file_left_ = 0;
  std::unique_ptr<char[]> file_chunk_;
};

}  // namespace tenure::http

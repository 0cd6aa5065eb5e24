#include "http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/server_connection.hpp"
#include "http/slow_pool.hpp"

namespace tenure::http {

namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

Response Response::Redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.Set("Location", std::move(location));
  return r;
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// ---- ConnectionRegistry ---------------------------------------------------------------------

bool ConnectionRegistry::Add(std::weak_ptr<Connection> connection, const std::string& address,
                             bool capped, Handle* handle) {
  std::lock_guard lock(mutex_);
  *handle = connections_.insert(connections_.end(), std::move(connection));
  const bool room = ++per_address_[address] <= max_per_address_ || !capped;
  if (room) ++counted_;
  return room;
}

void ConnectionRegistry::Remove(Handle handle, const std::string& address, bool counted) {
  bool resume = false;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(handle);
    if (counted) --counted_;
    if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0)
      per_address_.erase(it);
    if (paused_ && counted_ < max_) {
      paused_ = false;
      resume = true;
    }
  }
  if (resume && resume_) resume_();
}

bool ConnectionRegistry::RoomOrPause() {
  std::lock_guard lock(mutex_);
  paused_ = counted_ >= max_;
  return !paused_;
}

bool ConnectionRegistry::ReserveBodyMemory(uint64_t bytes) {
  uint64_t held = body_memory_.load();
  do {
    if (bytes > max_body_memory_ - std::min(held, max_body_memory_)) return false;
  } while (!body_memory_.compare_exchange_weak(held, held + bytes));
  return true;
}

void ConnectionRegistry::ReleaseBodyMemory(uint64_t bytes) { body_memory_ -= bytes; }

size_t ConnectionRegistry::size() {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::Live() {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mutex_);
  live.reserve(connections_.size());
  for (const auto& weak : connections_)
    if (auto c = weak.lock()) live.push_back(std::move(c));
  return live;  // released outside the lock: the last owner's destructor calls Remove
}

namespace {

// How often the connections' deadlines are looked at: one timer for all of them instead of
// one armed and cancelled per read and write. A deadline fires up to this late.
constexpr std::chrono::milliseconds kDeadlineTick{250};
// A failed accept (EMFILE: out of file descriptors) is retried after this, not at once.
constexpr std::chrono::milliseconds kAcceptRetry{100};

// asio keeps shutdown(), which destroys every pending handler, for derived classes.
class IoContext : public net::io_context {
 public:
  using net::io_context::io_context;
  using net::io_context::shutdown;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Every connection is a file descriptor: a soft limit of 1,024 (a shell's default) would turn
// max_connections into a promise the process cannot keep. The hard limit is the operator's.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
    std::cerr << "tenure: http: cannot raise the open files limit\n";
}

}  // namespace

void Serve(const ServerOptions& options, const Handler& handler, const SlowPredicate& is_slow,
           const OverloadHandler& on_overload, const std::function<void()>& on_listening) {
  IoContext io(options.io_threads);
  // Connections refer to these; they outlive every connection (io.shutdown() below).
  RaiseOpenFileLimit();
  ConnectionRegistry registry(options.max_connections, options.max_connections_per_address,
                              options.max_body_memory_bytes);
  SlowPool slow_pool(options.slow_threads, options.slow_queue_limit,
                     options.slow_per_address_limit);
  ServerContext server{.options = options,
                       .handler = handler,
                       .is_slow = is_slow,
                       .on_overload = on_overload,
                       .slow_pool = slow_pool,
                       .registry = registry};

  // The acceptor and what touches it run on one strand: accepts, the resume when a
  // connection ends, the stop.
  tcp::acceptor acceptor(net::make_strand(io));
  // Graceful shutdown on SIGTERM or SIGINT (caught from before on_listening on): stop
  // accepting, close idle connections, let the others finish their request (then close), and
  // stop once none is left or the time is up.
  net::signal_set signals(io, SIGINT, SIGTERM);
  const tcp::endpoint endpoint(net::ip::make_address(options.address), options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  if (on_listening) on_listening();

  bool stopping = false;  // on the acceptor's strand
  net::steady_timer accept_retry(acceptor.get_executor());
  std::function<void()> accept = [&] {
    // At max_connections, accepting pauses until a connection ends (the registry resumes it).
    if (stopping || !registry.RoomOrPause()) return;
    acceptor.async_accept(net::make_strand(io), [&](const error_code& ec, tcp::socket socket) {
      if (stopping || ec == net::error::operation_aborted) return;
      if (ec) {
        std::cerr << "tenure: http: accept failed: " << ec.message() << "\n";
        accept_retry.expires_after(kAcceptRetry);
        accept_retry.async_wait([&](const error_code& wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      std::make_shared<Connection>(std::move(socket), server)->Start();
      accept();
    });
  };
  registry.OnRoom([&] { net::post(acceptor.get_executor(), accept); });
  net::post(acceptor.get_executor(), accept);

  // Every connection's deadline, looked at kDeadlineTick apart (Connection::CheckDeadline).
  net::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    ticker.expires_after(kDeadlineTick);
    ticker.async_wait([&](const error_code& ec) {
      if (ec) return;
      const int64_t now = NowNs();
      for (const auto& connection : registry.Live()) connection->CheckDeadline(now);
      tick();
    });
  };
  tick();

  net::steady_timer drain_timer(io);
  std::chrono::steady_clock::time_point drain_deadline;
  std::function<void()> drain = [&] {
    if (registry.size() == 0 || std::chrono::steady_clock::now() > drain_deadline) {
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([&](const error_code&) { drain(); });
  };
  signals.async_wait([&](const error_code& ec, int /*signal*/) {
    if (ec) return;
    drain_deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
    net::post(acceptor.get_executor(), [&] {
      stopping = true;
      error_code ignored;
      (void)acceptor.close(ignored);
      accept_retry.cancel();
      for (const auto& connection : registry.Live()) connection->Stop();
      drain();
    });
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < options.io_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  // Queued slow jobs still run (their answers go nowhere), then the handlers still pending
  // (reads of connections past the shutdown timeout, answers posted by those jobs) are
  // destroyed here, while the registry their connections leave is alive.
  slow_pool.Stop();
  registry.OnRoom(nullptr);
  io.shutdown();
}

}  // namespace tenure::http

#include "http/server.hpp"

// A page's answer carries a dozen headers (type, cache, request id, security, cookies):
// RESTinio's room for 4 regrew each response's header vector twice (issue 8 profile). Only
// this file includes RESTinio, so the setting is the same everywhere it is seen.
#define RESTINIO_HEADER_FIELDS_DEFAULT_RESERVE_COUNT 16
#include <restinio/all.hpp>
#include <restinio/transforms/zlib.hpp>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace tenure::http {

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

namespace {

struct Traits : restinio::default_traits_t {
  static constexpr bool use_connection_count_limiter = true;
};
using HttpServer = restinio::http_server_t<Traits>;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// find(char), one memchr each, not find_first_of: every header value of every answer is
// checked (issue 8 profile).
bool HasLineBreak(const std::string& s) {
  return s.find('\r') != std::string::npos || s.find('\n') != std::string::npos;
}

bool Compressible(const Request& req, const Response& res) {
  return res.body.size() >= 1024 &&
         req.Header("accept-encoding").find("gzip") != std::string_view::npos &&
         (res.content_type.starts_with("text/") ||
          res.content_type.starts_with("application/json") ||
          res.content_type.starts_with("application/javascript") ||
          res.content_type.starts_with("image/svg"));
}

// A bounded queue of CPU-heavy work, so hashing never blocks an I/O thread. Jobs wait in one
// queue per client address and the threads take from each address in turn, so a flood from
// one address waits behind itself, not in front of everyone else (issue 10).
class SlowPool {
 public:
  SlowPool(int threads, size_t limit, size_t per_address_limit)
      : limit_(limit), per_address_limit_(per_address_limit) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~SlowPool() { Stop(); }
  // Runs the queued jobs to the end and joins the threads; idempotent.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  // Nothing when queued, else why not.
  std::optional<Overload> TryPost(const std::string& address, std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      const auto held = addresses_.find(address);
      if (held != addresses_.end() &&
          held->second.queued.size() + held->second.running >= per_address_limit_)
        return Overload::kAddressBusy;
      if (queued_ >= limit_) return Overload::kQueueFull;
      Address& a = addresses_[address];
      if (a.queued.empty()) turns_.push_back(address);
      a.queued.push_back(std::move(job));
      ++queued_;
    }
    cv_.notify_one();
    return std::nullopt;
  }

 private:
  struct Address {
    std::deque<std::function<void()>> queued;
    size_t running = 0;
  };

  void Loop() {
    for (;;) {
      std::function<void()> job;
      std::string address;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !turns_.empty(); });
        if (turns_.empty()) return;  // stopping, and drained
        address = std::move(turns_.front());
        turns_.pop_front();
        Address& a = addresses_[address];
        job = std::move(a.queued.front());
        a.queued.pop_front();
        --queued_;
        ++a.running;
        if (!a.queued.empty()) turns_.push_back(address);  // its next job waits its turn
      }
      job();
      std::lock_guard lock(mutex_);
      Address& a = addresses_[address];
      if (--a.running == 0 && a.queued.empty()) addresses_.erase(address);
    }
  }
  size_t limit_;
  size_t per_address_limit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Address> addresses_;
  std::deque<std::string> turns_;  // addresses with queued jobs, next first
  size_t queued_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// asio keeps shutdown(), which destroys every pending handler, for derived classes.
class IoContext : public asio::io_context {
 public:
  using asio::io_context::shutdown;
};

}  // namespace

void Serve(const ServerOptions& options, Handler handler, SlowPredicate is_slow,
           OverloadHandler on_overload, const std::function<void()>& on_listening) {
  IoContext io;
  std::atomic<int> in_flight{0};

  auto respond = [&options, &in_flight](const restinio::request_handle_t& req,
                                        const Request& request, Response res) {
    if (options.gzip && Compressible(request, res)) {
      res.body = restinio::transforms::zlib::gzip_compress(res.body);
      res.Set("Content-Encoding", "gzip");
    }
    if (options.gzip) res.Set("Vary", "Accept-Encoding");
    const restinio::http_status_line_t status{
        restinio::http_status_code_t{static_cast<std::uint16_t>(res.status)}, Reason(res.status)};
    auto headers = [&](auto& builder) {
      // A 204 has no body, so no type (an empty one is what a handler gives it).
      if (!res.content_type.empty())
        builder.append_header(restinio::http_field::content_type, res.content_type);
      for (auto& [name, value] : res.headers) {
        // A CR or LF in a value would split the response (header injection): never sent.
        if (!HasLineBreak(name) && !HasLineBreak(value)) builder.append_header(name, value);
      }
    };
    auto written = [&in_flight](const asio::error_code&) { --in_flight; };
    if (request.method == "HEAD") {
      // HEAD answers with GET's Content-Length and no body (RFC 9110 section 9.3.2).
      auto builder = req->create_response<restinio::user_controlled_output_t>(status);
      headers(builder);
      builder.set_content_length(res.body.size());
      builder.done(written);
    } else {
      auto builder = req->create_response(status);
      headers(builder);
      builder.set_body(std::move(res.body));
      builder.done(written);
    }
  };

  // Declared after `respond`: its destructor drains queued jobs, which still call it.
  SlowPool slow_pool(options.slow_threads, options.slow_queue_limit,
                     options.slow_per_address_limit);

  auto on_request = [&](const restinio::request_handle_t& req) {
    ++in_flight;
    auto request = std::make_shared<Request>();
    const auto& h = req->header();
    request->method = std::string(h.method().c_str());
    request->path = std::string(h.path());
    request->query = std::string(h.query());
    h.for_each_field([&](const restinio::http_header_field_t& f) {
      std::string name = f.name();
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request->headers.emplace_back(std::move(name), f.value());
    });
    request->body = req->body();
    request->remote_address = req->remote_endpoint().address().to_string();

    if (is_slow(*request)) {
      auto refused = slow_pool.TryPost(request->remote_address, [req, request, &handler, &respond] {
        respond(req, *request, handler(*request));
      });
      if (refused) respond(req, *request, on_overload(*request, *refused));
    } else {
      respond(req, *request, handler(*request));
    }
    return restinio::request_accepted();
  };

  HttpServer server{
      restinio::external_io_context(io),
      restinio::server_settings_t<Traits>{}
          .address(options.address)
          .port(options.port)
          .max_parallel_connections(options.max_connections)
          .read_next_http_message_timelimit(options.idle_timeout)
          .handle_request_timeout(options.request_timeout)
          .incoming_http_msg_limits(
              restinio::incoming_http_msg_limits_t{}.max_body_size(options.max_body_bytes))
          .request_handler(on_request)};

  server.open_sync();
  if (on_listening) on_listening();

  // Graceful shutdown (RESTinio's own run() catches SIGINT only): stop accepting, wait for
  // in-flight requests to be written, then stop the I/O threads.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(io);
  std::chrono::steady_clock::time_point deadline_at;
  std::function<void()> drain = [&] {
    if (in_flight.load() == 0 || std::chrono::steady_clock::now() > deadline_at) {
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([&](const asio::error_code&) { drain(); });
  };
  signals.async_wait([&](const asio::error_code& ec, int) {
    if (ec) return;
    deadline_at = std::chrono::steady_clock::now() + options.shutdown_timeout;
    server.close_sync();
    drain();
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < options.io_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  // The handlers still pending (a keep-alive connection's read, a write a late slow job
  // posted) own connections, and a connection's destructor counts itself out of the
  // acceptor's connection limit. Destroy them here, while `server` and its acceptor live:
  // io's own destructor runs after server's, a use after free ASan caught at shutdown.
  slow_pool.Stop();
  io.shutdown();
}

}  // namespace tenure::http

#include "http/server_connection.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "core/metrics.hpp"
#include "http/server_wire.hpp"

namespace tenure::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::beast::error_code;

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// After a refusal the client may still be sending (a body it was told not to): read and drop
// it this long before closing, so that closing with unread bytes (a TCP reset) does not
// destroy the answer before the client reads it (what nginx calls a lingering close).
constexpr std::chrono::seconds kLingerTime{2};
// A connection over its address's cap lingers less: a flood of them must not pile up.
constexpr std::chrono::milliseconds kOverCapLingerTime{250};
constexpr size_t kHeadReadSize = 4096;
constexpr size_t kBodyReadSize = 64 << 10;
constexpr size_t kFileChunkSize = 64 << 10;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t NsAfter(std::chrono::seconds d) {
  return NowNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Issue 13: what the adapter answers itself, and how many connections it holds.
metrics::Family<metrics::Counter>& Refusals() {
  static auto& f = [] -> metrics::Family<metrics::Counter>& {
    auto& family = metrics::Metrics().Counters(
        "tenure_http_refusals_total",
        "Requests the server answered itself before any handler, by status.", {"status"});
    for (std::string_view status : {"400", "408", "413", "414", "429", "431", "503"})
      family.With({status});  // shown at 0 from the start
    return family;
  }();
  return f;
}
metrics::Gauge& OpenConnections() {
  static auto& g =
      metrics::Metrics().Gauges("tenure_http_connections", "Client connections open now.").With({});
  return g;
}
// Registered at start, so that /metrics shows them before the first connection.
// It throws only when memory runs out at start.
// NOLINTNEXTLINE(bugprone-throwing-static-initialization,cert-err58-cpp)
[[maybe_unused]] const bool kRegistered = (Refusals(), OpenConnections(), true);

}  // namespace

// ---- Connection: reading ------------------------------------------------------------------

Connection::Connection(net::ip::tcp::socket socket, ServerContext& server)
    : socket_(std::move(socket)),
      server_(server),
      deadline_ns_(NsAfter(server.options.header_timeout)),
      deadline_set_ns_(deadline_ns_.load()) {
  error_code ec;
  remote_address_ = socket_.remote_endpoint(ec).address().to_string();
  (void)socket_.set_option(net::ip::tcp::no_delay(true), ec);
  OpenConnections().Add(1);
  const auto& proxies = server.options.trusted_proxies;
  trusted_peer_ = std::find(proxies.begin(), proxies.end(), remote_address_) != proxies.end();
}

Connection::~Connection() {
  OpenConnections().Add(-1);
  RemoveUploadedBody();
  server_.registry.ReleaseBodyMemory(body_memory_);
  if (file_fd_ >= 0) ::close(file_fd_);
  server_.registry.Remove(registered_, remote_address_, !over_cap_);
}

void Connection::Start() {
  over_cap_ =
      !server_.registry.Add(weak_from_this(), remote_address_, !trusted_peer_, &registered_);
  if (!over_cap_) return NextRequest();
  // Told at once, before reading anything: its address holds max_connections_per_address.
  parser_.emplace(request_, server_.options);
  Refuse(429);
}

void Connection::NextRequest() {
  server_.registry.ReleaseBodyMemory(body_memory_);
  body_memory_ = 0;
  request_ = Request{};
  request_.remote_address = remote_address_;
  parser_.emplace(request_, server_.options);
  head_done_ = false;
  refused_ = false;
  if (buffer_.size() == 0) {
    if (stopping_) return Close();
    phase_ = Phase::kIdle;
    // A new connection's first head is due header_timeout after the accept (constructor).
    if (!first_request_) SetDeadline(NsAfter(server_.options.idle_timeout));
    if (buffer_.capacity() > 2 * kHeadReadSize) buffer_.shrink_to_fit();  // after a body
    ReadSome();
  } else {  // pipelined: the next head is (partly) here already
    phase_ = Phase::kHead;
    SetDeadline(NsAfter(server_.options.header_timeout));
    Parse();
  }
}

void Connection::ReadSome() {
  // Each piece of a body is due request_timeout after the last, and the body as a whole must
  // keep up with the minimum rate (after header_timeout's grace from its head).
  if (phase_ == Phase::kBody) {
    const ServerOptions& options = server_.options;
    int64_t deadline = NsAfter(options.request_timeout);
    if (options.min_body_bytes_per_second > 0) {
      const double allowed_s = static_cast<double>(parser_->body_bytes()) /
                                   static_cast<double>(options.min_body_bytes_per_second) +
                               static_cast<double>(options.header_timeout.count());
      deadline = std::min(deadline, body_started_ns_ + static_cast<int64_t>(allowed_s * 1e9));
    }
    SetDeadline(deadline);
  }
  const bool streaming = phase_ == Phase::kBody && upload_.fd() >= 0;
  socket_.async_read_some(
      buffer_.prepare(streaming ? kBodyReadSize : kHeadReadSize),
      [self = shared_from_this()](const error_code& ec, size_t bytes) { self->OnRead(ec, bytes); });
}

void Connection::OnRead(const error_code& ec, size_t bytes) {
  // Aborted: Close() or a deadline cancelled the read, and has taken over.
  if (ec == net::error::operation_aborted || phase_ == Phase::kClosed) return;
  buffer_.commit(bytes);
  if (phase_ == Phase::kLinger) {
    buffer_.consume(buffer_.size());
    return ec ? Close() : ReadSome();
  }
  // The client closed or the connection broke: nobody to answer, even mid-request.
  if (ec) return Close();
  if (phase_ == Phase::kIdle) {
    phase_ = Phase::kHead;
    if (!first_request_) SetDeadline(NsAfter(server_.options.header_timeout));
  }
  Parse();
}

void Connection::Parse() {
  for (;;) {
    if (head_done_ && parser_->is_done()) return Dispatch();
    if (buffer_.size() == 0) return ReadSome();
    error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) return ReadSome();
    if (ec) {
      int status = 400;
      if (parser_->refusal() != 0)
        status = parser_->refusal();
      else if (parser_->disk_errno() != 0)
        status = 500;
      else if (ec == bhttp::error::body_limit)
        status = 413;
      else if (ec == bhttp::error::header_limit)
        status = parser_->saw_request_line() ? 431 : 414;
      if (status == 500)
        std::cerr << "tenure: http: writing an uploaded body failed: "
                  << std::strerror(parser_->disk_errno()) << "\n";
      return Refuse(status);
    }
    if (!head_done_ && parser_->is_header_done()) {
      head_done_ = true;
      if (!OnHead()) return;
    }
  }
}

bool Connection::OnHead() {
  phase_ = Phase::kBody;
  body_started_ns_ = NowNs();
  if (trusted_peer_)
    request_.remote_address = ForwardedClient(request_.Header("x-forwarded-for"),
                                              server_.options.trusted_proxies, remote_address_);
  keep_alive_ = parser_->keep_alive();
  if (parser_->is_done()) return true;  // no body
  const ServerOptions& options = server_.options;
  BodyPlan plan;
  if (options.body_policy)
    plan = options.body_policy(request_.method, request_.path, request_.headers);
  const uint64_t max_bytes = plan.max_bytes.value_or(options.max_body_bytes);
  // Refused before any of it is read (issue 13): a client that sent Expect: 100-continue
  // never sends it.
  if (const auto length = parser_->content_length(); length && *length > max_bytes) {
    Refuse(413);
    return false;
  }
  parser_->body_limit(max_bytes);  // a chunked body is stopped when it passes the limit
  if (plan.to_file_dir.empty()) {
    const uint64_t bytes = parser_->content_length().value_or(max_bytes);
    if (!server_.registry.ReserveBodyMemory(bytes)) {
      Refuse(503);
      return false;
    }
    body_memory_ = bytes;
    parser_->BodyToString();
  } else {
    if (!upload_.Create(plan.to_file_dir)) {
      std::cerr << "tenure: http: cannot create a file for an upload in " << plan.to_file_dir
                << ": " << std::strerror(errno) << "\n";
      Refuse(500);
      return false;
    }
    parser_->BodyToFile(upload_.fd());
  }
  parser_->eager(true);
  // RFC 9110 section 10.1.1: the client waits for 100 (Continue) before sending the body.
  if (parser_->version() >= 11 && buffer_.size() == 0 &&
      EqualsIgnoringCase(request_.Header("expect"), "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    phase_ = Phase::kWriting;  // a deadline meanwhile closes: no 408 written over it
    SetDeadline(NsAfter(options.request_timeout));
    net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](const error_code& ec, size_t /*bytes*/) {
                       if (ec || self->phase_ == Phase::kClosed) return self->Close();
                       self->phase_ = Phase::kBody;
                       self->ReadSome();
                     });
    return false;
  }
  return true;
}

// ---- Connection: handling -----------------------------------------------------------------

void Connection::Dispatch() {
  phase_ = Phase::kHandling;
  request_.body_size = parser_->body_bytes();
  if (upload_.fd() >= 0) request_.body_file = upload_.Release();
  SetDeadline(NsAfter(server_.options.request_timeout));
  if (!server_.is_slow(request_)) return Respond(RunHandler());
  // The job holds the connection; request_ is left alone until its answer is posted back.
  auto refused = server_.slow_pool.TryPost(request_.remote_address, [self = shared_from_this()] {
    Response res = self->RunHandler();
    net::post(self->socket_.get_executor(),
              [self, res = std::move(res)]() mutable { self->Respond(std::move(res)); });
  });
  if (refused) Respond(RunOverload(*refused));
}

Response Connection::RunHandler() {
  Response res;
  try {
    res = server_.handler(request_);
  } catch (const std::exception& e) {  // the handler's own boundary should have caught it
    std::cerr << "tenure: http: handler failed: " << e.what() << "\n";
    res = Response::Text(500, RefusalText(500));
  }
  RemoveUploadedBody();
  return res;
}

Response Connection::RunOverload(Overload why) {
  Response res;
  try {
    res = server_.on_overload(request_, why);
  } catch (const std::exception& e) {
    std::cerr << "tenure: http: overload handler failed: " << e.what() << "\n";
    res = Response::Text(503, "The server is busy. Try again in a moment.\n");
  }
  RemoveUploadedBody();
  return res;
}

void Connection::RemoveUploadedBody() {
  if (request_.body_file.empty()) return;
  std::error_code ec;
  std::filesystem::remove(request_.body_file, ec);
  request_.body_file.clear();
}

// ---- Connection: writing ------------------------------------------------------------------

void Connection::Respond(Response res) {
  if (phase_ == Phase::kClosed) return;  // the wait for the handler ran out
  phase_ = Phase::kWriting;
  const bool head = request_.method == "HEAD";
  uint64_t length = 0;
  out_body_.clear();
  if (res.file) {
    file_fd_ = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file_fd_ < 0) {
      std::cerr << "tenure: http: cannot open " << res.file->path << ": " << std::strerror(errno)
                << "\n";
      res = Response::Text(500, RefusalText(500));
    } else {
      file_offset_ = res.file->offset;
      file_left_ = head ? 0 : res.file->length;
      length = res.file->length;
    }
  }
  if (!res.file || file_fd_ < 0) {
    if (server_.options.gzip && Compressible(request_, res)) {
      if (auto zipped = Gzip(res.body)) {
        res.body = std::move(*zipped);
        res.Set("Content-Encoding", "gzip");
      }
    }
    if (server_.options.gzip && !refused_) res.Set("Vary", "Accept-Encoding");
    length = res.body.size();
    // HEAD answers with GET's Content-Length and no body (RFC 9110 section 9.3.2).
    if (!head) out_body_ = std::move(res.body);
  }
  if (stopping_) keep_alive_ = false;

  out_head_.clear();
  out_head_ += "HTTP/1.1 ";
  out_head_ += std::to_string(res.status);
  out_head_ += ' ';
  out_head_ += Reason(res.status);
  out_head_ += "\r\n";
  // A 204 has no body, so no type (an empty one is what a handler gives it).
  if (!res.content_type.empty() && !HasLineBreak(res.content_type))
    out_head_.append("Content-Type: ").append(res.content_type).append("\r\n");
  for (const auto& [name, value] : res.headers) {
    // A CR or LF in a value would split the response (header injection): never sent.
    if (HasLineBreak(name) || HasLineBreak(value)) continue;
    out_head_.append(name).append(": ").append(value).append("\r\n");
  }
  // RFC 9110 section 8.6: none on a 204, nor on a 304 (whose length would be the 200's).
  if (res.status != 204 && res.status != 304)
    out_head_.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  if (!keep_alive_)
    out_head_ += "Connection: close\r\n";
  else if (parser_->version() < 11)
    out_head_ += "Connection: keep-alive\r\n";
  out_head_ += "\r\n";

  SetDeadline(NsAfter(server_.options.request_timeout));
  const std::array<net::const_buffer, 2> buffers{net::buffer(out_head_), net::buffer(out_body_)};
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](const error_code& ec, size_t /*bytes*/) {
                     if (ec || self->phase_ == Phase::kClosed) return self->Close();
                     self->WriteFileChunk();
                   });
}

void Connection::WriteFileChunk() {
  if (file_left_ == 0) return Written();
  if (!file_chunk_) file_chunk_ = std::make_unique<char[]>(kFileChunkSize);
  const size_t want = static_cast<size_t>(std::min<uint64_t>(file_left_, kFileChunkSize));
  const ssize_t got = ::pread(file_fd_, file_chunk_.get(), want, static_cast<off_t>(file_offset_));
  if (got <= 0) {  // shorter than promised (truncated meanwhile): the length cannot be kept
    std::cerr << "tenure: http: a file answer ended early\n";
    return Close();
  }
  file_offset_ += static_cast<uint64_t>(got);
  file_left_ -= static_cast<uint64_t>(got);
  SetDeadline(NsAfter(server_.options.request_timeout));
  net::async_write(socket_, net::buffer(file_chunk_.get(), static_cast<size_t>(got)),
                   [self = shared_from_this()](const error_code& ec, size_t /*bytes*/) {
                     if (ec || self->phase_ == Phase::kClosed) return self->Close();
                     self->WriteFileChunk();
                   });
}

void Connection::Written() {
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
  file_chunk_.reset();
  if (refused_) return Linger();
  if (!keep_alive_ || stopping_) return Close();
  first_request_ = false;
  NextRequest();
}

void Connection::Refuse(int status) {
  Refusals().With({std::to_string(status)}).Add();
  refused_ = true;
  keep_alive_ = false;
  upload_.Discard();
  Response res = Response::Text(status, RefusalText(status));
  if (status == 429 || status == 503) res.Set("Retry-After", "1");
  Respond(std::move(res));
}

void Connection::Linger() {
  phase_ = Phase::kLinger;
  error_code ec;
  (void)socket_.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  SetDeadline(over_cap_ ? NowNs() + std::chrono::nanoseconds(kOverCapLingerTime).count()
                        : NsAfter(kLingerTime));
  buffer_.consume(buffer_.size());
  ReadSome();
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  SetDeadline(kNever);
  upload_.Discard();
  error_code ec;
  (void)socket_.close(ec);  // pending operations end with operation_aborted
}

// ---- Connection: deadlines and stopping -----------------------------------------------------

void Connection::SetDeadline(int64_t deadline_ns) {
  deadline_set_ns_ = deadline_ns;
  deadline_ns_.store(deadline_ns, std::memory_order_relaxed);
}

void Connection::CheckDeadline(int64_t now_ns) {
  int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
  // Claimed once: the ticker posts no second OnDeadline for the same deadline.
  if (deadline > now_ns || !deadline_ns_.compare_exchange_strong(deadline, kNever)) return;
  net::post(socket_.get_executor(),
            [self = shared_from_this(), deadline] { self->OnDeadline(deadline); });
}

void Connection::OnDeadline(int64_t deadline_ns) {
  if (deadline_ns != deadline_set_ns_) return;  // moved on since the ticker looked
  switch (phase_) {
    case Phase::kHead:
    case Phase::kBody: {
      error_code ec;
      (void)socket_.cancel(ec);  // the read in flight ends as operation_aborted
      return Refuse(408);
    }
    case Phase::kIdle:
    case Phase::kHandling:
    case Phase::kWriting:
    case Phase::kLinger: return Close();
    case Phase::kClosed: return;
  }
}

void Connection::Stop() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->phase_ == Phase::kIdle) self->Close();
  });
}

}  // namespace tenure::http

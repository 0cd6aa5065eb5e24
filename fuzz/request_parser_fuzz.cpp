// The HTTP request head and body parser (http/request_parser.hpp: Boost.Beast's parser with
// our callbacks), driven as server_connection.cpp drives it: the head, then the body's plan
// (its limit, into a string), pipelined requests one after another. The input is the bytes
// a client sends on one connection; it arrives whole, in thirds, and one byte at a time.
// Properties: how the bytes were cut changes nothing (the same requests are dispatched, a
// refused one is refused, but a malformed one cut short may wait for more or be refused
// sooner); the path holds no '?' or '#', the query no '#'; header names are lowercase and
// within the header limit; a body stays within its limit.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <optional>
#include <vector>

#include "http/request_parser.hpp"
#include "support/fuzz_check.hpp"

namespace bhttp = boost::beast::http;
using tenure::http::Request;
using tenure::http::RequestParser;
using tenure::http::ServerOptions;

namespace {

constexpr size_t kMaxRequests = 4;

ServerOptions Options() {
  ServerOptions options;
  options.max_target_bytes = 256;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 4096;
  return options;
}

// One request as the connection would dispatch or refuse it.
struct Outcome {
  int status = 0;  // 0: complete and dispatched; else the refusal (400, 413, 414, 431)
  Request request;
  bool operator==(const Outcome& o) const {
    return status == o.status && request.method == o.request.method &&
           request.path == o.request.path && request.query == o.request.query &&
           request.headers == o.request.headers && request.body == o.request.body &&
           request.body_size == o.request.body_size;
  }
};

// The requests of a connection whose bytes arrive in pieces ending at `cuts`; stops at the
// first refusal or when the bytes run out mid-request.
std::vector<Outcome> Parse(std::string_view stream, const std::vector<size_t>& cuts) {
  static const ServerOptions options = Options();
  std::vector<Outcome> outcomes;
  std::string buffer;
  size_t fed = 0;
  size_t next_cut = 0;
  auto read_some = [&] {
    if (fed == stream.size()) return false;
    size_t end = stream.size();
    while (next_cut < cuts.size() && cuts[next_cut] <= fed) ++next_cut;
    if (next_cut < cuts.size()) end = cuts[next_cut];
    buffer.append(stream.substr(fed, end - fed));
    fed = end;
    return true;
  };
  while (outcomes.size() < kMaxRequests) {
    Outcome outcome;
    std::optional<RequestParser> parser;
    parser.emplace(outcome.request, options);
    bool head_done = false;
    bool finished = false;
    while (!finished) {
      if (head_done && parser->is_done()) break;
      if (buffer.empty() && !read_some()) return outcomes;
      boost::beast::error_code ec;
      const size_t used = parser->put(boost::asio::const_buffer(buffer.data(), buffer.size()), ec);
      buffer.erase(0, used);
      if (ec == bhttp::error::need_more) {
        if (!read_some()) return outcomes;
        continue;
      }
      if (ec) {
        outcome.status = 400;
        if (parser->refusal() != 0)
          outcome.status = parser->refusal();
        else if (ec == bhttp::error::body_limit)
          outcome.status = 413;
        else if (ec == bhttp::error::header_limit)
          outcome.status = parser->saw_request_line() ? 431 : 414;
        finished = true;
        break;
      }
      if (!head_done && parser->is_header_done()) {
        head_done = true;
        if (parser->is_done()) break;
        if (const auto length = parser->content_length();
            length && *length > options.max_body_bytes) {
          outcome.status = 413;
          finished = true;
          break;
        }
        parser->body_limit(options.max_body_bytes);
        parser->BodyToString();
        parser->eager(true);
      }
    }
    outcome.request.body_size = parser->body_bytes();
    outcomes.push_back(std::move(outcome));
    if (outcomes.back().status != 0) break;
  }
  return outcomes;
}

void CheckRequest(const Outcome& outcome, std::string_view stream) {
  static const ServerOptions options = Options();
  const Request& req = outcome.request;
  FUZZ_CHECK(req.path.find_first_of("?#") == std::string::npos);
  FUZZ_CHECK(req.query.find('#') == std::string::npos);
  size_t header_bytes = 0;
  for (const auto& [name, value] : req.headers) {
    for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    header_bytes += name.size() + value.size() + 4;
  }
  FUZZ_CHECK(header_bytes <= options.max_header_bytes);
  FUZZ_CHECK(req.body.size() <= options.max_body_bytes);
  FUZZ_CHECK(req.body.size() <= stream.size());
  if (outcome.status == 0) FUZZ_CHECK(!req.method.empty() && req.body_size == req.body.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream = tenure::fuzz::AsText(data, size);
  const auto whole = Parse(stream, {});
  for (const auto& outcome : whole) CheckRequest(outcome, stream);
  // Cut in thirds, and (when short enough) one byte per read: each way gives the same.
  std::vector<std::vector<size_t>> cuttings = {{size / 3, 2 * size / 3}};
  if (size <= 1024) {
    cuttings.emplace_back();
    for (size_t at = 1; at < size; ++at) cuttings.back().push_back(at);
  }
  for (const auto& cuts : cuttings) {
    const auto split = Parse(stream, cuts);
    // Beast checks a request line as soon as it arrives whole in one read, but once it has
    // asked for more, only when the head's blank line is there (basic_parser's skip_): a
    // malformed head cut short may wait for its refusal (the header deadline ends it, 408),
    // and a long one may meet the header limit first (414 or 431 rather than 400). The other
    // way round, Boost 1.74 takes a chunk's size off the body limit again each time it reads
    // the chunk's header anew, so a malformed chunk extension (a quoted string running past
    // its line) that arrives in pieces is refused (413) where whole it would wait for more.
    // Either way the requests dispatched are the same, and the one left over is refused.
    const size_t same = std::min(split.size(), whole.size());
    FUZZ_CHECK(std::equal(split.begin(), split.begin() + static_cast<ptrdiff_t>(same),
                          whole.begin(), [](const Outcome& x, const Outcome& y) {
                            return x == y || (x.status != 0 && y.status != 0);
                          }));
    const auto& longer = split.size() > whole.size() ? split : whole;
    if (split.size() != whole.size())
      FUZZ_CHECK(longer.size() == same + 1 && longer.back().status != 0);
  }
  return 0;
}

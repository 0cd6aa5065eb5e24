#include "http/server_wire.hpp"

#include <zlib.h>

#include <algorithm>

#include <boost/asio/ip/address.hpp>

namespace tenure::http {

namespace net = boost::asio;
using boost::system::error_code;

const char* Reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
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
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// What the server says when it answers a request itself.
std::string RefusalText(int status) {
  switch (status) {
    case 400: return "The request could not be read.\n";
    case 408: return "The request took too long to arrive.\n";
    case 413: return "The request's body is too large.\n";
    case 429: return "Too many connections from your address. Try again in a moment.\n";
    case 503: return "The server is busy. Try again in a moment.\n";
    case 414: return "The request's address is too long.\n";
    case 431: return "The request's header fields are too large.\n";
    default: return "Something went wrong on our side.\n";
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

// Nothing when zlib fails (out of memory): the answer then goes uncompressed.
std::optional<std::string> Gzip(const std::string& in) {
  z_stream zs{};
  // 15 + 16: the largest window, with a gzip header and trailer (zlib.h, deflateInit2).
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');  // + the gzip wrapper
  // zlib's input is not const (it never writes through it).
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (done != Z_STREAM_END) return std::nullopt;
  return out;
}

// The client behind a trusted proxy: the rightmost X-Forwarded-For entry that is not a trusted
// proxy itself (entries to its left are whatever the client claimed). `peer` when none is.
std::string ForwardedClient(std::string_view forwarded, const std::vector<std::string>& trusted,
                            const std::string& peer) {
  while (!forwarded.empty()) {
    const size_t comma = forwarded.rfind(',');
    std::string_view entry =
        comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
    forwarded = comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    if (std::find(trusted.begin(), trusted.end(), entry) == trusted.end()) {
      error_code ec;
      const auto address = net::ip::make_address(entry, ec);  // never a made-up string in logs
      return ec ? peer : address.to_string();
    }
  }
  return peer;
}

}  // namespace tenure::http

#include "http/request_parser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <limits>
#include <string_view>
#include <utility>

#include <boost/beast/http/error.hpp>

namespace tenure::http {

namespace bhttp = boost::beast::http;
using boost::beast::error_code;

namespace {

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

// A request target into path and query (RFC 9112 section 3.2): an absolute-form target
// ("http://host/p?q", sent to proxies) keeps its path; a fragment is never part of either.
void SplitTarget(std::string_view target, Request& req) {
  if (!target.starts_with('/')) {
    if (const auto scheme = target.find("://"); scheme != std::string_view::npos) {
      const auto slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  target = target.substr(0, target.find('#'));
  const auto q = target.find('?');
  req.path.assign(target.substr(0, q));
  if (q == std::string_view::npos)
    req.query.clear();
  else
    req.query.assign(target.substr(q + 1));
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

// ---- UploadFile ---------------------------------------------------------------------------

bool UploadFile::Create(const std::string& dir) {
  Discard();
  path_ = (std::filesystem::path(dir) / "tenure-upload-XXXXXX").string();
  fd_ = ::mkostemp(path_.data(), O_CLOEXEC);  // O_EXCL and mode 0600 (mkstemp(3))
  if (fd_ < 0) path_.clear();
  return fd_ >= 0;
}

std::string UploadFile::Release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return std::exchange(path_, {});
}

void UploadFile::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

// ---- RequestParser ------------------------------------------------------------------------

RequestParser::RequestParser(Request& request, const ServerOptions& options)
    : request_(request),
      max_target_bytes_(options.max_target_bytes),
      max_header_bytes_(options.max_header_bytes) {
  // Beast's header_limit caps the request line and then the fields, each; the callbacks
  // below tell 414 from 431 at our own limits. The body's limit comes once its plan is known.
  const size_t limit = std::max(max_target_bytes_, max_header_bytes_) + 1024;
  header_limit(static_cast<std::uint32_t>(std::min<size_t>(limit, UINT32_MAX)));
  // Not boost::none: Beast 1.74 compares a Content-Length with it as larger than any limit.
  body_limit(std::numeric_limits<std::uint64_t>::max());
  eager(false);  // stop after the head
}

void RequestParser::on_request_impl(bhttp::verb /*method*/, string_view method_string,
                                    string_view target, int version, error_code& ec) {
  saw_request_line_ = true;
  version_ = version;
  if (target.size() > max_target_bytes_) {
    refusal_ = 414;
    ec = bhttp::error::header_limit;
    return;
  }
  request_.method.assign(method_string.data(), method_string.size());
  SplitTarget(View(target), request_);
}

void RequestParser::on_response_impl(int /*status*/, string_view /*reason*/, int /*version*/,
                                     error_code& ec) {
  ec = bhttp::error::bad_version;  // never called for a request parser
}

void RequestParser::on_field_impl(bhttp::field /*name*/, string_view name_string, string_view value,
                                  error_code& ec) {
  header_bytes_ += name_string.size() + value.size() + 4;  // ": " and CRLF
  if (header_bytes_ > max_header_bytes_) {
    refusal_ = 431;
    ec = bhttp::error::header_limit;
    return;
  }
  std::string name(name_string.data(), name_string.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  request_.headers.emplace_back(std::move(name), std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code& /*ec*/) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code& /*ec*/) {
  // Within the body's limit by now (Connection::OnHead checks it before reading any).
  if (upload_fd_ < 0 && content_length) request_.body.reserve(*content_length);
}

std::size_t RequestParser::on_body_impl(string_view body, error_code& ec) {
  if (upload_fd_ >= 0) {
    if (!WriteAll(upload_fd_, body.data(), body.size())) {
      disk_errno_ = errno != 0 ? errno : EIO;
      ec = bhttp::error::body_limit;  // any error stops the parser; disk_errno_ says which
      return 0;
    }
  } else {
    request_.body.append(body.data(), body.size());
  }
  body_bytes_ += body.size();
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t /*size*/, string_view /*extensions*/,
                                         error_code& /*ec*/) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t /*remain*/, string_view body,
                                              error_code& ec) {
  return on_body_impl(body, ec);
}

void RequestParser::on_finish_impl(error_code& /*ec*/) {}

}  // namespace tenure::http

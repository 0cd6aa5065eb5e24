#pragma once
// The server adapter's request parser (Beast's basic_parser with our callbacks) and the temp
// file a streamed body is written to. Internal to the adapter, like server_connection.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/beast/http/basic_parser.hpp>

#include "http/server.hpp"

namespace tenure::http {

// A body streamed to disk: a temp file made with O_EXCL and mode 0600 (mkostemp), removed
// unless its path is handed over to the request.
class UploadFile {
 public:
  UploadFile() = default;
  ~UploadFile() { Discard(); }
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;

  bool Create(const std::string& dir);  // false with errno set
  int fd() const { return fd_; }
  std::string Release();  // closes it; the caller owns the path (and removing it)
  void Discard();

 private:
  int fd_ = -1;
  std::string path_;
};

// Beast's parser with our callbacks: the head goes straight into a Request (no Beast fields
// container), the body into Request::body or an UploadFile as it arrives.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(Request& request, const ServerOptions& options);

  // Where the body goes; chosen after the head, before any of the body is parsed.
  void BodyToString() { upload_fd_ = -1; }
  void BodyToFile(int fd) { upload_fd_ = fd; }

  int version() const { return version_; }
  bool saw_request_line() const { return saw_request_line_; }
  int refusal() const { return refusal_; }        // 414 or 431 found by a callback, else 0
  int disk_errno() const { return disk_errno_; }  // why writing a streamed body failed, or 0
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  void on_request_impl(boost::beast::http::verb method, string_view method_string,
                       string_view target, int version, error_code& ec) override;
  void on_response_impl(int status, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request& request_;
  size_t max_target_bytes_;
  size_t max_header_bytes_;
  size_t header_bytes_ = 0;
  int version_ = 11;
  bool saw_request_line_ = false;
  int refusal_ = 0;
  int upload_fd_ = -1;
  int disk_errno_ = 0;
  uint64_t body_bytes_ = 0;
};

}  // namespace tenure::http

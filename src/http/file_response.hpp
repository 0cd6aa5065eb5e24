#pragma once
// Answers a GET or HEAD for a file on disk (issue 12, the release downloads) the way download
// managers and browsers expect to resume: one byte range (RFC 9110 section 14), If-Range,
// a strong ETag with If-None-Match (304), Content-Disposition with the file's name. The body
// is a FileRange: the server sends it from disk, never reading it whole into memory.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/server.hpp"

namespace tenure::http {

struct FileToServe {
  std::string path;  // on disk
  uint64_t size = 0;
  std::string etag;       // quoted, strong: "\"<sha256>\""
  std::string file_name;  // what the browser saves it as
  std::string content_type = "application/octet-stream";
};

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};
// What a Range header asks of a file of `size` bytes: nullopt for the whole file (no header,
// a syntax we ignore as RFC 9110 lets us, or several ranges), a range, or an empty range (0
// length) when nothing asked for exists (416).
std::optional<ByteRange> ParseRange(std::string_view header, uint64_t size);

// 200 (the whole file), 206 (a range), 304 (If-None-Match matched) or 416.
Response ServeFile(const Request& req, const FileToServe& file);

// Content-Disposition for a download: an ASCII fallback and the exact UTF-8 name (RFC 6266).
std::string AttachmentDisposition(std::string_view file_name);

}  // namespace tenure::http

#include "http/file_response.hpp"

#include <fmt/format.h>

#include <charconv>

#include "http/forms.hpp"

namespace tenure::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t n = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 13.1.2).
bool NoneMatch(std::string_view header, std::string_view etag) {
  if (Trim(header) == "*") return true;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<ByteRange> ParseRange(std::string_view header, uint64_t size) {
  header = Trim(header);
  if (!header.starts_with("bytes=")) return std::nullopt;
  const std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::nullopt;  // several: the whole file
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view first_text = Trim(spec.substr(0, dash));
  const std::string_view last_text = Trim(spec.substr(dash + 1));
  if (first_text.empty()) {  // "-500": the last 500 bytes
    const auto suffix = Number(last_text);
    if (!suffix) return std::nullopt;
    if (*suffix == 0 || size == 0) return ByteRange{};
    const uint64_t length = std::min(*suffix, size);
    return ByteRange{size - length, length};
  }
  const auto first = Number(first_text);
  if (!first) return std::nullopt;
  std::optional<uint64_t> last;
  if (!last_text.empty()) {
    last = Number(last_text);
    if (!last || *last < *first) return std::nullopt;  // invalid: ignored
  }
  if (*first >= size) return ByteRange{};
  const uint64_t end = last ? std::min(*last, size - 1) : size - 1;
  return ByteRange{*first, end - *first + 1};
}

std::string AttachmentDisposition(std::string_view file_name) {
  std::string ascii;
  for (const unsigned char c : file_name)
    ascii.push_back(c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '_' : static_cast<char>(c));
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii,
                     UrlEncode(file_name));
}

Response ServeFile(const Request& req, const FileToServe& file) {
  Response res;
  res.content_type = file.content_type;
  res.Set("ETag", file.etag);
  res.Set("Accept-Ranges", "bytes");
  // Behind a sign-in: no shared cache keeps it, and each use asks again (a 304 is cheap).
  res.Set("Cache-Control", "private, no-cache");
  if (const auto inm = req.Header("if-none-match"); !inm.empty() && NoneMatch(inm, file.etag)) {
    res.status = 304;
    return res;
  }
  res.Set("Content-Disposition", AttachmentDisposition(file.file_name));
  std::optional<ByteRange> range;
  // If-Range: the range only when the client's copy is this file; else the whole file again.
  if (const auto if_range = req.Header("if-range"); if_range.empty() || if_range == file.etag)
    range = ParseRange(req.Header("range"), file.size);
  if (range && range->length == 0) {
    res.status = 416;
    res.content_type = "text/plain; charset=utf-8";
    res.Set("Content-Range", fmt::format("bytes */{}", file.size));
    res.body = "The range asked for is not in this file.\n";
    return res;
  }
  if (range) {
    res.status = 206;
    res.Set("Content-Range", fmt::format("bytes {}-{}/{}", range->first,
                                         range->first + range->length - 1, file.size));
    res.file = FileRange{file.path, range->first, range->length};
  } else {
    res.file = FileRange{file.path, 0, file.size};
  }
  return res;
}

}  // namespace tenure::http

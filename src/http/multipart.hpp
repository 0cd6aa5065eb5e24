#pragma once
// multipart/form-data (RFC 7578) read from a body already on disk (a streamed upload, issue
// 12): file parts are copied to files of their own piece by piece, never held whole in
// memory; other fields are kept as text up to a limit.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace tenure::http {

struct UploadedFile {
  std::string field;      // the form field's name ("windows")
  std::string file_name;  // as the browser sent it (only its last path segment)
  std::string path;       // the part's bytes, in `output_dir`
  int64_t size = 0;
};

struct MultipartForm {
  std::multimap<std::string, std::string> fields;
  std::vector<UploadedFile> files;  // empty file inputs (no file chosen) are left out
};

struct MultipartLimits {
  size_t max_field_bytes = size_t{128} * 1024;  // one text field
  size_t max_header_bytes = size_t{8} * 1024;   // one part's headers
  size_t max_parts = 32;
};

// The boundary of a `multipart/form-data; boundary=...` Content-Type; empty when it is not one.
std::string MultipartBoundary(std::string_view content_type);

// Splits the body in `body_path`. kInvalidInput for a malformed body or a limit passed; the
// files written so far are removed then.
Result<MultipartForm> ReadMultipart(const std::string& body_path, std::string_view boundary,
                                    const std::string& output_dir,
                                    const MultipartLimits& limits = {});

}  // namespace tenure::http

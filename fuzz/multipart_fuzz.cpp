// multipart/form-data (http/multipart.hpp), the release upload's body (issue 12): the
// boundary from the Content-Type, then the body split from a file into fields and files.
// The input is "<content-type>\n<body>"; small limits put every limit within reach.
// Properties: nothing throws; what is accepted stays within the limits, each file on disk
// has the size recorded and a name without a path (its last segment only), and the parts
// hold no more bytes than the body; what is refused leaves no file behind.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/multipart.hpp"
#include "support/fuzz_check.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path& WorkDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("tenure-multipart-fuzz-" + std::to_string(getpid()));
    fs::create_directories(d / "out");
    return d;
  }();
  return dir;
}

size_t FilesIn(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = tenure::fuzz::AsText(data, size);
  const size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  const std::string boundary = tenure::http::MultipartBoundary(content_type);
  FUZZ_CHECK(boundary.size() <= 70);
  if (boundary.empty()) return 0;

  const fs::path body_path = WorkDir() / "body";
  const fs::path out = WorkDir() / "out";
  std::ofstream(body_path, std::ios::binary | std::ios::trunc)
      .write(body.data(), static_cast<std::streamsize>(body.size()));
  const tenure::http::MultipartLimits limits{
      .max_field_bytes = 64, .max_header_bytes = 256, .max_parts = 6};
  const auto form = tenure::http::ReadMultipart(body_path.string(), boundary, out.string(), limits);
  if (!form) {
    FUZZ_CHECK(!form.error().message.empty());
    FUZZ_CHECK(FilesIn(out) == 0);
    return 0;
  }
  FUZZ_CHECK(form->fields.size() + form->files.size() <= limits.max_parts);
  FUZZ_CHECK(FilesIn(out) == form->files.size());
  size_t bytes = 0;
  for (const auto& [name, value] : form->fields) {
    FUZZ_CHECK(value.size() <= limits.max_field_bytes);
    bytes += name.size() + value.size();
  }
  for (const auto& file : form->files) {
    // May be empty ("C:\\build\\" keeps nothing): app/releases.cpp refuses such a name.
    FUZZ_CHECK(file.file_name.find_first_of("/\\") == std::string::npos);
    FUZZ_CHECK(fs::path(file.path).parent_path() == out);
    FUZZ_CHECK(fs::file_size(file.path) == static_cast<uintmax_t>(file.size));
    bytes += static_cast<size_t>(file.size);
  }
  FUZZ_CHECK(bytes <= body.size());
  for (const auto& file : form->files) fs::remove(file.path);
  return 0;
}

// multipart/form-data read from a body on disk (issue 12's streamed release upload): fields,
// files copied out byte for byte (including a part whose bytes look like a delimiter and
// parts that straddle the 1 MiB read size), an empty file input, and malformed bodies
// refused with their files removed.
#include "http/multipart.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "support/temp_dir.hpp"

namespace tenure::http {
namespace {

constexpr char kBoundary[] = "----TenureBoundary7MA4YWxkTrZu0gW";

std::string Random(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Field(const std::string& name, const std::string& value) {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"\r\n\r\n" + value + "\r\n";
}
std::string File(const std::string& name, const std::string& file_name, const std::string& bytes) {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"; filename=\"" + file_name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
         bytes + "\r\n";
}
std::string End() { return std::string("--") + kBoundary + "--\r\n"; }

class MultipartTest : public ::testing::Test {
 protected:
  std::string Body(const std::string& bytes) {
    const std::string path = dir_.File("body");
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  size_t PartFiles() {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
      n += e.path().extension() == ".part";
    return n;
  }
  testing::TempDir dir_;
};

TEST_F(MultipartTest, SplitsFieldsAndFilesByteForByte) {
  // A file whose bytes hold a near-delimiter, and one straddling the 1 MiB read size.
  const std::string tricky = "a\r\n--" + std::string(kBoundary).substr(0, 10) + "b\r\n--x";
  const std::string big = Random((1 << 20) + 37, 7);
  const std::string body = "preamble to ignore\r\n" + Field("version", "2.4.1") +
                           Field("notes", "# Fixed\r\n\r\n- a crash") +
                           File("windows", "C:\\builds\\setup.exe", big) + File("macos", "", "") +
                           File("linux", "app.tar.gz", tricky) + End() + "epilogue";
  auto form = ReadMultipart(Body(body), kBoundary, dir_.path());
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->fields.find("version")->second, "2.4.1");
  EXPECT_EQ(form->fields.find("notes")->second, "# Fixed\r\n\r\n- a crash");
  ASSERT_EQ(form->files.size(), 2U) << "the empty file input is left out";
  EXPECT_EQ(form->files[0].field, "windows");
  EXPECT_EQ(form->files[0].file_name, "setup.exe") << "only the last path segment";
  EXPECT_EQ(form->files[0].size, static_cast<int64_t>(big.size()));
  EXPECT_EQ(Slurp(form->files[0].path), big);
  EXPECT_EQ(form->files[1].field, "linux");
  EXPECT_EQ(Slurp(form->files[1].path), tricky);
  EXPECT_EQ(form->fields.count("macos"), 0U);
}

TEST_F(MultipartTest, MalformedBodiesAreRefusedAndLeaveNoFiles) {
  const std::string part = File("windows", "setup.exe", Random(5000, 1));
  for (const std::string& body :
       {part /* no closing delimiter */, part.substr(0, part.size() / 2),
        std::string("--") + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nno name\r\n" + End(),
        std::string("--") + kBoundary + "junk\r\n" + End()}) {
    auto form = ReadMultipart(Body(body), kBoundary, dir_.path());
    ASSERT_FALSE(form);
    EXPECT_EQ(form.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(PartFiles(), 0U);
  }
}

TEST_F(MultipartTest, LimitsOnFieldsHeadersAndParts) {
  MultipartLimits limits{.max_field_bytes = 10, .max_header_bytes = 200, .max_parts = 3};
  EXPECT_FALSE(ReadMultipart(Body(Field("notes", std::string(11, 'x')) + End()), kBoundary,
                             dir_.path(), limits));
  EXPECT_TRUE(ReadMultipart(Body(Field("notes", std::string(10, 'x')) + End()), kBoundary,
                            dir_.path(), limits));
  EXPECT_FALSE(ReadMultipart(
      Body(Field("a", "1") + Field("b", "2") + Field("c", "3") + Field("d", "4") + End()),
      kBoundary, dir_.path(), limits));
  const std::string long_header = std::string("--") + kBoundary +
                                  "\r\nContent-Disposition: form-data; name=\"" +
                                  std::string(300, 'n') + "\"\r\n\r\nv\r\n" + End();
  EXPECT_FALSE(ReadMultipart(Body(long_header), kBoundary, dir_.path(), limits));
}

TEST(MultipartBoundary, ReadsTheContentTypesBoundary) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_EQ(MultipartBoundary("application/x-www-form-urlencoded"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'b')), "");
}

}  // namespace
}  // namespace tenure::http

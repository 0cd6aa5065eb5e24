// Byte ranges, entity tags and Content-Disposition for file downloads (issue 12).
#include "http/file_response.hpp"

#include <gtest/gtest.h>

namespace tenure::http {
namespace {

std::string HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [n, v] : res.headers)
    if (n == name) return v;
  return "";
}

Request Get(Headers headers = {}) {
  Request req;
  req.method = "GET";
  req.headers = std::move(headers);
  return req;
}

const FileToServe kFile{
    .path = "/srv/app.exe", .size = 1000, .etag = "\"abc\"", .file_name = "app.exe"};

TEST(ParseRangeTest, ReadsTheFormsOfOneRange) {
  EXPECT_FALSE(ParseRange("", 1000));
  const auto from = ParseRange("bytes=100-", 1000);
  ASSERT_TRUE(from);
  EXPECT_EQ(from->first, 100U);
  EXPECT_EQ(from->length, 900U);
  const auto closed = ParseRange("bytes=0-499", 1000);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->length, 500U);
  const auto suffix = ParseRange("bytes=-200", 1000);
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->first, 800U);
  EXPECT_EQ(suffix->length, 200U);
  const auto past_end = ParseRange("bytes=900-5000", 1000);
  ASSERT_TRUE(past_end);
  EXPECT_EQ(past_end->length, 100U) << "the last byte is capped to the file's";
  const auto whole_suffix = ParseRange("bytes=-5000", 1000);
  ASSERT_TRUE(whole_suffix);
  EXPECT_EQ(whole_suffix->first, 0U);
  EXPECT_EQ(whole_suffix->length, 1000U);
}

TEST(ParseRangeTest, IgnoresWhatItDoesNotServeAndRefusesWhatIsNotThere) {
  EXPECT_FALSE(ParseRange("items=0-1", 1000)) << "another unit: the whole file";
  EXPECT_FALSE(ParseRange("bytes=0-1,5-6", 1000)) << "several ranges: the whole file";
  EXPECT_FALSE(ParseRange("bytes=5-1", 1000)) << "invalid: ignored (RFC 9110 14.2)";
  EXPECT_FALSE(ParseRange("bytes=x-", 1000));
  EXPECT_FALSE(ParseRange("bytes=-", 1000));
  const auto beyond = ParseRange("bytes=1000-", 1000);
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->length, 0U) << "not satisfiable: 416";
  const auto zero_suffix = ParseRange("bytes=-0", 1000);
  ASSERT_TRUE(zero_suffix);
  EXPECT_EQ(zero_suffix->length, 0U);
}

TEST(ServeFileTest, TheWholeFileWithItsNameTagAndLength) {
  const Response res = ServeFile(Get(), kFile);
  EXPECT_EQ(res.status, 200);
  ASSERT_TRUE(res.file);
  EXPECT_EQ(res.file->offset, 0U);
  EXPECT_EQ(res.file->length, 1000U);
  EXPECT_EQ(res.content_type, "application/octet-stream");
  EXPECT_EQ(HeaderOf(res, "ETag"), "\"abc\"");
  EXPECT_EQ(HeaderOf(res, "Accept-Ranges"), "bytes");
  EXPECT_EQ(HeaderOf(res, "Content-Disposition"),
            "attachment; filename=\"app.exe\"; filename*=UTF-8''app.exe");
}

TEST(ServeFileTest, ARangeIs206WithContentRange) {
  const Response res = ServeFile(Get({{"range", "bytes=600-"}}), kFile);
  EXPECT_EQ(res.status, 206);
  ASSERT_TRUE(res.file);
  EXPECT_EQ(res.file->offset, 600U);
  EXPECT_EQ(res.file->length, 400U);
  EXPECT_EQ(HeaderOf(res, "Content-Range"), "bytes 600-999/1000");
}

TEST(ServeFileTest, OutsideTheFileIs416) {
  const Response res = ServeFile(Get({{"range", "bytes=1000-"}}), kFile);
  EXPECT_EQ(res.status, 416);
  EXPECT_FALSE(res.file);
  EXPECT_EQ(HeaderOf(res, "Content-Range"), "bytes */1000");
}

TEST(ServeFileTest, IfRangeForAnotherFileGetsTheWholeFile) {
  const Response same = ServeFile(Get({{"range", "bytes=10-"}, {"if-range", "\"abc\""}}), kFile);
  EXPECT_EQ(same.status, 206);
  const Response changed = ServeFile(Get({{"range", "bytes=10-"}, {"if-range", "\"old\""}}), kFile);
  EXPECT_EQ(changed.status, 200);
  ASSERT_TRUE(changed.file);
  EXPECT_EQ(changed.file->length, 1000U);
}

TEST(ServeFileTest, IfNoneMatchIs304WithoutABody) {
  for (const char* inm : {"\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"}) {
    const Response res = ServeFile(Get({{"if-none-match", inm}}), kFile);
    EXPECT_EQ(res.status, 304) << inm;
    EXPECT_FALSE(res.file) << inm;
    EXPECT_EQ(HeaderOf(res, "ETag"), "\"abc\"");
  }
  EXPECT_EQ(ServeFile(Get({{"if-none-match", "\"other\""}}), kFile).status, 200);
}

TEST(AttachmentDispositionTest, AnAsciiFallbackAndTheExactName) {
  EXPECT_EQ(AttachmentDisposition("Café \"setup\".exe"),
            "attachment; filename=\"Caf__ _setup_.exe\"; "
            "filename*=UTF-8''Caf%C3%A9%20%22setup%22.exe");
}

}  // namespace
}  // namespace tenure::http

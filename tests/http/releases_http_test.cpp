// Releases and downloads over HTTP (issue 12): a release published with `tenure release add`
// or the staff page's upload reaches the customer's Download tab and its file URL, which
// serves the file whole, by range (a resumed download), revalidated by ETag, counted once, and
// answers 403 once the license has expired. A 1 GiB upload keeps the server's memory small.
#include <gmock/gmock.h>

#include <curl/curl.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include "journey_helpers.hpp"
#include "support/sha256.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

using testing::Sha256;
using testing::Sha256Hex;

constexpr char kLinuxAgent[] =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
    "Safari/537.36";

// A multipart/form-data body sent as a stream: text fields, then one file part of `size`
// bytes made by `fill` piece by piece (never held whole), as a browser's form would send it.
struct StreamedForm {
  Fields fields;
  std::string file_field;
  std::string file_name;
  uint64_t size = 0;
  std::function<void(char* out, size_t n, uint64_t offset)> fill;
};

HttpResponse PostStreamed(const std::string& url, const Browser& as, const StreamedForm& form,
                          Sha256* hash) {
  const std::string boundary = "----tenure-test-boundary-7MA4YWxkTrZu0gW";
  std::string head;
  for (const auto& [name, value] : form.fields)
    head += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  head += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + form.file_field +
          "\"; filename=\"" + form.file_name +
          "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  const std::string tail = "\r\n--" + boundary + "--\r\n";
  struct Source {
    const StreamedForm& form;
    const std::string& head;
    const std::string& tail;
    Sha256* hash;
    uint64_t at = 0;  // offset in the whole body
  } source{form, head, tail, hash};
  auto read = +[](char* out, size_t size, size_t count, void* user) -> size_t {
    auto& s = *static_cast<Source*>(user);
    const uint64_t total = s.head.size() + s.form.size + s.tail.size();
    size_t n = std::min<uint64_t>(size * count, total - s.at);
    if (s.at < s.head.size()) {
      n = std::min<uint64_t>(n, s.head.size() - s.at);
      std::memcpy(out, s.head.data() + s.at, n);
    } else if (s.at < s.head.size() + s.form.size) {
      const uint64_t offset = s.at - s.head.size();
      n = std::min<uint64_t>(n, s.form.size - offset);
      s.form.fill(out, n, offset);
      if (s.hash) s.hash->Add(std::string_view(out, n));
    } else {
      const uint64_t offset = s.at - s.head.size() - s.form.size;
      std::memcpy(out, s.tail.data() + offset, n);
    }
    s.at += n;
    return n;
  };
  std::string cookie;
  for (const auto& [name, value] : as.cookies()) cookie += name + "=" + value + "; ";
  HttpResponse res;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers,
                              ("Content-Type: multipart/form-data; boundary=" + boundary).c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(head.size() + form.size + tail.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  auto write = +[](char* in, size_t size, size_t count, void* user) -> size_t {
    static_cast<std::string*>(user)->append(in, size * count);
    return size * count;
  };
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  const CURLcode rc = curl_easy_perform(curl);
  res.transport_error = rc;
  if (rc != CURLE_OK) res.transport_message = curl_easy_strerror(rc);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
  if (char* location = nullptr;
      curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
    res.headers.emplace_back("location", location);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return res;
}

// Pseudo-random bytes that depend only on their offset, so any piece can be made alone.
void FillPattern(char* out, size_t n, uint64_t offset) {
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ULL;
    out[i] = static_cast<char>(x >> 56);
  }
}

class ReleasesHttpTest : public PerTestServer {
 protected:
  ReleasesHttpTest() : PerTestServer({.test_clock = true}) {}

  // `tenure release add VERSION --channel stable --notes NOTES --os linux FILE`.
  void PublishLinux(std::string_view version, std::string_view bytes) {
    const auto dir = server().dir();
    WriteFile(dir / "notes.md", "# What's new\n\n- Faster start-up\n");
    WriteFile(dir / "app.tar.gz", bytes);
    std::string out;
    ASSERT_TRUE(server().RunCommand(
        {"release", "add", std::string(version), "--channel", "stable", "--notes",
         (dir / "notes.md").string(), "--os", "linux", (dir / "app.tar.gz").string()},
        &out));
    EXPECT_THAT(out, HasSubstr("published " + std::string(version)));
  }
};

TEST_F(ReleasesHttpTest, ACustomerDownloadsWholeResumedAndRevalidatedCountedOnce) {
  const std::string bytes = RandomBytes(3'000'000, 7);
  PublishLinux("1.2.0", bytes);
  Browser b = As(kDemoCustomer);

  const HttpResponse tab = b.Get("/download", {{"User-Agent", kLinuxAgent}});
  ASSERT_EQ(tab.status, 200);
  EXPECT_THAT(tab.Text(), HasSubstr("Version 1.2.0"));
  EXPECT_THAT(tab.Text(), HasSubstr("Download for Linux"));
  EXPECT_THAT(tab.Text(), HasSubstr(Sha256Hex(bytes)));
  EXPECT_THAT(tab.body, HasSubstr("Faster start-up"));
  EXPECT_EQ(tab.Header("accept-ch"), "Sec-CH-UA-Platform");
  const std::string url = "/downloads/1/linux";
  EXPECT_THAT(HtmlUnescape(tab.body), HasSubstr("href=\"" + url + "\""));

  const HttpResponse whole = b.Get(url);
  ASSERT_EQ(whole.status, 200) << ::testing::PrintToString(whole);
  EXPECT_EQ(whole.body.size(), bytes.size());
  EXPECT_TRUE(whole.body == bytes) << "the bytes served are the bytes published";
  EXPECT_EQ(whole.Header("content-length"), "3000000");
  EXPECT_EQ(whole.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(whole.Header("etag"), "\"" + Sha256Hex(bytes) + "\"");
  EXPECT_EQ(whole.Header("accept-ranges"), "bytes");
  EXPECT_THAT(whole.Header("content-disposition"), HasSubstr("filename=\"app.tar.gz\""));

  // A download cut at 1 MB goes on from there.
  const HttpResponse rest = b.Get(url, {{"Range", "bytes=1000000-"}});
  ASSERT_EQ(rest.status, 206);
  EXPECT_EQ(rest.Header("content-range"), "bytes 1000000-2999999/3000000");
  EXPECT_EQ(rest.Header("content-length"), "2000000");
  EXPECT_TRUE(rest.body == bytes.substr(1'000'000));
  EXPECT_EQ(b.Get(url, {{"If-None-Match", whole.Header("etag")}}).status, 304);
  const HttpResponse past = b.Get(url, {{"Range", "bytes=3000000-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.Header("content-range"), "bytes */3000000");

  // Counted when a download starts, not when it resumes or revalidates.
  auto db = Db();
  EXPECT_EQ(db.Int("SELECT downloads FROM release_files WHERE os = 'linux'"), 1);
  // The access log has the bytes sent, never the file's contents in memory.
  EXPECT_THAT(server().Stdout(), HasSubstr("path=/downloads/1/linux status=200 bytes=3000000"));
  EXPECT_THAT(server().Stdout(), HasSubstr("path=/downloads/1/linux status=206 bytes=2000000"));

  // No session: sign in first; another system's file was never published: 404.
  EXPECT_EQ(Browser(Base()).Get(url).status, 303);
  EXPECT_EQ(b.Get("/downloads/1/windows").status, 404);
  EXPECT_EQ(b.Get("/downloads/99/linux").status, 404);
}

TEST_F(ReleasesHttpTest, AnExpiredLicenseSeesWhyWithRenewAndTheFileAnswers403) {
  PublishLinux("1.0.0", RandomBytes(1000, 1));
  Browser b = As(kDemoCustomer);
  ASSERT_EQ(b.Post("/cancel/confirm", {{"csrf", SessionCsrf(b)}, {"reason", "unused"}}).status,
            303);
  auto db = Db();
  const auto expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {UserId(db, kDemoCustomer)});
  ASSERT_TRUE(expires.has_value());
  ASSERT_TRUE(server().RunCommand({"clock", "set", Rfc3339(*expires + 3 * kDay)}));
  b = As(kDemoCustomer);  // the session ended while the clock moved

  const HttpResponse tab = b.Get("/download", {{"User-Agent", kLinuxAgent}});
  ASSERT_EQ(tab.status, 200);
  EXPECT_THAT(tab.Text(), HasSubstr("Your license has expired"));
  EXPECT_THAT(HtmlUnescape(tab.body), HasSubstr("href=\"/billing/renew\""));
  EXPECT_THAT(HtmlUnescape(tab.body), Not(HasSubstr("href=\"/downloads/")));
  EXPECT_THAT(tab.Text(), HasSubstr("Version 1.0.0")) << "what exists is still shown";

  const HttpResponse file = b.Get("/downloads/1/linux");
  EXPECT_EQ(file.status, 403);
  EXPECT_THAT(file.Text(), HasSubstr("expired"));
  EXPECT_THAT(HtmlUnescape(file.body), HasSubstr("href=\"/billing/renew\""));
  EXPECT_EQ(db.Int("SELECT downloads FROM release_files"), 0);
}

TEST_F(ReleasesHttpTest, AnAdminPublishesByUploadOthersCannotAndUnpublishHides) {
  Browser admin = As(kDemoAdmin);
  const std::string csrf = SessionCsrf(admin);
  const std::string page = admin.Get("/staff/releases").body;
  EXPECT_THAT(page, HasSubstr("enctype=\"multipart/form-data\""));
  EXPECT_THAT(Buttons(page), ::testing::Contains("Publish release"));

  Sha256 sent;
  const HttpResponse r = PostStreamed(
      Base() + "/staff/releases", admin,
      {.fields = {{"csrf", csrf}, {"version", "2.0.0"}, {"channel", "stable"}, {"notes", "- New"}},
       .file_field = "windows",
       .file_name = "C:\\Users\\me\\Setup 2.0.exe",
       .size = 5'000'000,
       .fill = FillPattern},
      &sent);
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), Base() + "/staff/releases?published=2.0.0");
  auto db = Db();
  EXPECT_EQ(db.Text("SELECT sha256 FROM release_files WHERE os = 'windows'"), sent.Hex());
  EXPECT_EQ(db.Text("SELECT file_name FROM release_files"), "Setup 2.0.exe");
  EXPECT_EQ(db.Int("SELECT size FROM release_files"), 5'000'000);
  EXPECT_EQ(AuditCount(db, "release.publish"), 1);
  const HttpResponse listed = admin.Get("/staff/releases?published=2.0.0");
  EXPECT_THAT(listed.Text(), HasSubstr("Version 2.0.0 is published."));
  EXPECT_THAT(listed.Text(), HasSubstr("Windows: Setup 2.0.exe, 5.0 MB, 0 downloads"));
  // Nothing of the upload is left behind but the release's own file.
  size_t leftovers = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(server().dir() / "releases" / ".uploads"))
    leftovers += e.is_regular_file();
  EXPECT_EQ(leftovers, 0U);

  // The same version again is refused with the form kept; nothing more is stored.
  const HttpResponse again =
      PostStreamed(Base() + "/staff/releases", admin,
                   {.fields = {{"csrf", csrf}, {"version", "2.0.0"}, {"channel", "stable"}},
                    .file_field = "linux",
                    .file_name = "a.tar.gz",
                    .size = 1000,
                    .fill = FillPattern},
                   nullptr);
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.Text(), HasSubstr("Version 2.0.0 is published already."));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM release_files"), 1);

  // Support staff see the list but may not publish; a stranger is refused before the body.
  Browser support = As(kDemoSupport);
  EXPECT_EQ(support.Get("/staff/releases").status, 200);
  const HttpResponse refused = PostStreamed(
      Base() + "/staff/releases", support,
      {.fields = {{"csrf", SessionCsrf(support)}, {"version", "2.0.1"}, {"channel", "stable"}},
       .file_field = "linux",
       .file_name = "a.tar.gz",
       .size = 1000,
       .fill = FillPattern},
      nullptr);
  EXPECT_EQ(refused.status, 403);
  const HttpResponse big = PostStreamed(Base() + "/staff/releases", Browser(Base()),
                                        {.fields = {{"version", "9.0.0"}},
                                         .file_field = "linux",
                                         .file_name = "big.bin",
                                         .size = 50'000'000,
                                         .fill = FillPattern},
                                        nullptr);
  EXPECT_EQ(big.status, 413) << "only an admin's session may send a large body";

  // Unpublish hides it from customers (the file stays); publish again brings it back.
  const auto id = db.Int("SELECT id FROM releases WHERE version = '2.0.0'");
  ASSERT_TRUE(id.has_value());
  ASSERT_EQ(
      admin.Post("/staff/releases/" + std::to_string(*id) + "/unpublish", {{"csrf", csrf}}).status,
      303);
  Browser customer = As(kDemoCustomer);
  EXPECT_THAT(customer.Get("/download").Text(), HasSubstr("No release has been published yet"));
  EXPECT_EQ(customer.Get("/downloads/" + std::to_string(*id) + "/windows").status, 404);
  EXPECT_EQ(AuditCount(db, "release.unpublish"), 1);
  ASSERT_EQ(
      admin.Post("/staff/releases/" + std::to_string(*id) + "/publish", {{"csrf", csrf}}).status,
      303);
  EXPECT_EQ(customer.Get("/downloads/" + std::to_string(*id) + "/windows").status, 200);
}

// Issue 12: "a 1 GiB upload with the server's RSS staying under 100 MiB". The body goes to
// disk as it arrives, the multipart split and the SHA-256 read it in pieces.
TEST_F(ReleasesHttpTest, A1GiBUploadKeepsTheServersMemoryUnder100MiB) {
  Browser admin = As(kDemoAdmin);
  const std::string csrf = SessionCsrf(admin);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> peak{0};
  std::thread sampler([&] {
    while (!done) {
      peak = std::max<uint64_t>(peak, server().ResidentBytes());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // sampling, not timing
    }
  });
  Sha256 sent;
  const HttpResponse r =
      PostStreamed(Base() + "/staff/releases", admin,
                   {.fields = {{"csrf", csrf}, {"version", "3.0.0"}, {"channel", "stable"}},
                    .file_field = "linux",
                    .file_name = "big.tar.gz",
                    .size = uint64_t{1} << 30,
                    .fill = FillPattern},
                   &sent);
  done = true;
  sampler.join();
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  auto db = Db();
  EXPECT_EQ(db.Int("SELECT size FROM release_files"), int64_t{1} << 30);
  EXPECT_EQ(db.Text("SELECT sha256 FROM release_files"), sent.Hex());
  EXPECT_GT(peak.load(), 0U);
  EXPECT_LT(peak.load(), uint64_t{100} << 20) << "peak resident memory " << (peak >> 20) << " MiB";
  std::printf("[   INFO   ] 1 GiB upload: server peak RSS %llu MiB\n",
              static_cast<unsigned long long>(peak.load() >> 20));
}

}  // namespace
}  // namespace tenure::http_test

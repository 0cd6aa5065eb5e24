// The server adapter (src/http/server.*) in this process, on a loopback port with small
// limits, talked to over raw sockets: what a client that is not a browser can send (issue 13's
// refusals, pipelining) and what issue 12 needs (bodies streamed to disk, file answers).
#include "http/server.hpp"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tenure::http::server_test {
namespace {

using ::testing::HasSubstr;

// ---- Refusals: answered, then the connection is closed (issue 13) --------------------------

class ServerRefusalsTest : public ::testing::Test {
 protected:
  static ServerOptions Options() {
    return {.io_threads = 2, .slow_threads = 1, .max_body_bytes = 1024, .header_timeout = 1s};
  }
  std::atomic<int> handled_{0};
  ServerThread server_{Options(), [this](Request& req) {
                         ++handled_;
                         return Response::Text(200, "got " + req.path + " " + req.body + "\n");
                       }};
  void SetUp() override { ASSERT_TRUE(server_.listening()); }
};

TEST_F(ServerRefusalsTest, GarbageIs400) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("this is not HTTP\r\n\r\n"));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByServer());
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerRefusalsTest, HeaderFieldsOverTheLimitAre431) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(Get("/", "X-Big: " + std::string(20 << 10, 'a') + "\r\n")));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.ClosedByServer());
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerRefusalsTest, TargetOverTheLimitIs414) {
  for (const size_t size : {size_t{9} << 10, size_t{100} << 10}) {
    RawClient c(server_.port());
    ASSERT_TRUE(c.Send(Get("/" + std::string(size, 'a'))));
    const auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << size;
    EXPECT_EQ(r->status, 414) << size;
    EXPECT_TRUE(c.ClosedByServer()) << size;
  }
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerRefusalsTest, ContentLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n"));
  const auto r = c.Read(false, 3s);  // no body sent: the answer cannot wait for it
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.ClosedByServer());

  // A client that asks first gets the 413 instead of 100 Continue.
  RawClient asks(server_.port());
  ASSERT_TRUE(asks.Send(
      "POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\nExpect: 100-continue\r\n\r\n"));
  const auto refused = asks.Read(false, 3s);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerRefusalsTest, ChunkedBodyIs413WhenItPassesTheLimit) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /form HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "200\r\n" + std::string(512, 'x') + "\r\n";
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.Send(chunk));
  const auto r = c.Read(false, 3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.ClosedByServer());
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerRefusalsTest, BodyUnderTheLimitIsServedChunkedOrNot) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "got /form hello\n");
  ASSERT_TRUE(
      c.Send("POST /form HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "got /form abcde\n");
}

TEST_F(ServerRefusalsTest, HeadThatStallsIs408) {
  RawClient c(server_.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow"));
  const auto r = c.Read(false, 5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 408);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(ServerRefusalsTest, ConnectionThatSendsNothingIsClosedQuietly) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.connected());
  EXPECT_TRUE(c.ClosedByServer(5s)) << "closed after header_timeout, without a 408";
  EXPECT_EQ(c.unread(), "");
}

TEST_F(ServerRefusalsTest, ServerStillServesAfterRefusals) {
  RawClient bad(server_.port());
  ASSERT_TRUE(bad.Send("\x01\x02\r\n\r\n"));
  ASSERT_TRUE(bad.Read().has_value());
  RawClient good(server_.port());
  ASSERT_TRUE(good.Send(Get("/fine")));
  const auto r = good.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

// ---- Pipelining ---------------------------------------------------------------------------

TEST(ServerPipeliningTest, ThreeRequestsInOneWriteAreAnsweredInOrder) {
  // The middle one runs on the slow pool and takes longest: its answer still comes second.
  ServerThread server(
      {},
      [](Request& req) {
        if (req.path == "/b") std::this_thread::sleep_for(100ms);
        return Response::Text(200, req.path);
      },
      [](const Request& req) { return req.path == "/b"; });
  ASSERT_TRUE(server.listening());
  RawClient c(server.port());
  ASSERT_TRUE(c.Send(Get("/a") + Get("/b") + Get("/c")));
  for (const char* path : {"/a", "/b", "/c"}) {
    const auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->body, path);
  }
}

// ---- Connection limit ---------------------------------------------------------------------

TEST(ServerConnectionsTest, AtMaxConnectionsTheNextWaitsUntilOneEnds) {
  ServerThread server({.max_connections = 2},
                      [](Request& req) { return Response::Text(200, req.path); });
  ASSERT_TRUE(server.listening());
  auto first = std::make_unique<RawClient>(server.port());
  RawClient second(server.port());
  for (RawClient* c : {first.get(), &second}) {  // both accepted and kept alive
    ASSERT_TRUE(c->Send(Get("/held")));
    ASSERT_TRUE(c->Read().has_value());
  }
  RawClient third(server.port());  // the kernel's backlog takes it; the server does not yet
  ASSERT_TRUE(third.Send(Get("/third")));
  EXPECT_FALSE(third.Read(false, 700ms).has_value());
  first.reset();  // one ends: the server accepts again
  const auto r = third.Read(false, 5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "/third");
}

TEST(ServerConnectionsTest, KeptAliveConnectionClosesQuietlyAfterTheIdleTimeout) {
  ServerThread server({.idle_timeout = 1s},
                      [](Request& req) { return Response::Text(200, req.path); });
  ASSERT_TRUE(server.listening());
  RawClient c(server.port());
  ASSERT_TRUE(c.Send(Get("/once")));
  ASSERT_TRUE(c.Read().has_value());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByServer(5s)) << "no 408 for a connection between requests";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
}

// ---- Bodies streamed to disk (issue 12) ---------------------------------------------------

class ServerUploadTest : public ::testing::Test {
 protected:
  static constexpr size_t kUploadBytes = 64 << 20;

  ServerOptions Options() {
    return {.io_threads = 2,
            .slow_threads = 1,
            .body_policy = [this](std::string_view, std::string_view path, const Headers&) {
              return path == "/upload"
                         ? BodyPlan{.max_bytes = 128 << 20, .to_file_dir = uploads_.path()}
                         : BodyPlan{};
            }};
  }
  Response Handle(Request& req) {
    struct stat st {};
    if (req.body_file.empty() || stat(req.body_file.c_str(), &st) != 0)
      return Response::Text(500, "no body file\n");
    seen_file_ = req.body_file;
    seen_mode_ = st.st_mode & 0777;
    std::string answer = FileSha256(req.body_file) + " " + std::to_string(req.body_size) + " " +
                         std::to_string(req.body.size());
    if (req.query == "keep") {
      std::filesystem::rename(req.body_file, kept_.File("kept"));
      req.body_file.clear();
    }
    return Response::Text(200, answer);
  }

  // Sends `size` pseudo-random bytes in 64 KiB pieces, chunked or not; their SHA-256.
  static std::string SendBody(RawClient& c, size_t size, bool chunked) {
    std::mt19937_64 random(42);
    std::string piece(64 << 10, '\0');
    Sha256 sha;
    for (size_t sent = 0; sent < size; sent += piece.size()) {
      for (size_t i = 0; i + 8 <= piece.size(); i += 8) {
        const uint64_t v = random();
        std::memcpy(piece.data() + i, &v, 8);
      }
      sha.Add(piece);
      if (chunked) {
        char size_line[32];
        std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
        if (!c.Send(size_line) || !c.Send(piece) || !c.Send("\r\n")) return "send failed";
      } else if (!c.Send(piece)) {
        return "send failed";
      }
    }
    if (chunked && !c.Send("0\r\n\r\n")) return "send failed";
    return sha.Hex();
  }

  tenure::testing::TempDir uploads_;
  tenure::testing::TempDir kept_;
  std::string seen_file_;
  unsigned seen_mode_ = 0;
  ServerThread server_{Options(), [this](Request& req) { return Handle(req); }};
  void SetUp() override { ASSERT_TRUE(server_.listening()); }
};

TEST_F(ServerUploadTest, BodyWithContentLengthLandsInAFileWhileMemoryStaysFlat) {
  {  // warm up the server's threads and buffers first
    RawClient c(server_.port());
    ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
    ASSERT_TRUE(c.Read().has_value());
  }
  const uint64_t before = ResidentBytes();
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                     std::to_string(kUploadBytes) + "\r\n\r\n"));
  const std::string sent = SendBody(c, kUploadBytes, /*chunked=*/false);
  const auto r = c.Read(false, 60s);
  const uint64_t after = ResidentBytes();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, sent + " " + std::to_string(kUploadBytes) + " 0");
  EXPECT_LT(after, before + (16 << 20)) << "before " << before << ", after " << after;
  EXPECT_EQ(seen_mode_, 0600u);
  EXPECT_FALSE(std::filesystem::exists(seen_file_)) << "removed once the handler returned";
}

TEST_F(ServerUploadTest, ChunkedBodyLandsInAFileWhileMemoryStaysFlat) {
  {
    RawClient c(server_.port());
    ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
    ASSERT_TRUE(c.Read().has_value());
  }
  const uint64_t before = ResidentBytes();
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string sent = SendBody(c, kUploadBytes, /*chunked=*/true);
  const auto r = c.Read(false, 60s);
  const uint64_t after = ResidentBytes();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, sent + " " + std::to_string(kUploadBytes) + " 0");
  EXPECT_LT(after, before + (16 << 20)) << "before " << before << ", after " << after;
}

TEST_F(ServerUploadTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  const auto go_on = c.Read(false, 3s);
  ASSERT_TRUE(go_on.has_value());
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE(c.Send("hello"));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr(" 5 0"));
}

TEST_F(ServerUploadTest, HandlerKeepsTheFileByMovingItAndClearingBodyFile) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("POST /upload?keep HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nkeep"));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  std::ifstream kept(kept_.File("kept"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "keep");
}

TEST_F(ServerUploadTest, UnfinishedUploadLeavesNoFile) {
  {
    RawClient c(server_.port());
    ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"));
    ASSERT_TRUE(c.Send(std::string(50000, 'x')));
    std::this_thread::sleep_for(200ms);
  }  // the client goes away mid-body
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!std::filesystem::is_empty(uploads_.path()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(std::filesystem::is_empty(uploads_.path()));
}

// ---- File answers, HEAD, gzip -------------------------------------------------------------

class ServerAnswersTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kOffset = 1000;
  static constexpr uint64_t kLength = 300000;
  static std::string Html() {
    std::string html = "<!doctype html><title>t</title>";
    for (int i = 0; i < 200; ++i) html += "<p>paragraph " + std::to_string(i) + "</p>";
    return html;
  }
  void SetUp() override {
    std::ofstream out(files_.File("release.bin"), std::ios::binary);
    for (uint32_t i = 0; i < 1 << 18; ++i) out.write(reinterpret_cast<const char*>(&i), 4);
    out.close();
    ASSERT_TRUE(server_.listening());
  }
  Response Handle(const Request& req) {
    if (req.path == "/file") {
      Response res;
      res.status = 206;
      res.content_type = "text/html";  // never gzipped, whatever its type
      res.file =
          FileRange{.path = files_.File("release.bin"), .offset = kOffset, .length = kLength};
      res.Set("Content-Range", "bytes 1000-300999/1048576");
      return res;
    }
    if (req.path == "/gone") {
      Response res;
      res.file = FileRange{.path = files_.File("missing"), .offset = 0, .length = 10};
      return res;
    }
    Response res;
    res.body = Html();
    return res;
  }
  tenure::testing::TempDir files_;
  ServerThread server_{{}, [this](Request& req) { return Handle(req); }};
};

TEST_F(ServerAnswersTest, FileAnswerSendsTheRangeWithItsLength) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(Get("/file", "Accept-Encoding: gzip\r\n")));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->Header("content-length"), std::to_string(kLength));
  EXPECT_EQ(r->Header("content-range"), "bytes 1000-300999/1048576");
  EXPECT_EQ(r->Header("content-encoding"), "");
  std::ifstream in(files_.File("release.bin"), std::ios::binary);
  std::string expected(kLength, '\0');
  in.seekg(kOffset);
  in.read(expected.data(), kLength);
  EXPECT_TRUE(r->body == expected) << "the bytes of the range";
}

TEST_F(ServerAnswersTest, HeadSendsTheLengthWithoutTheBody) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send("HEAD /file HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.Read(/*head=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->Header("content-length"), std::to_string(kLength));
  ASSERT_TRUE(c.Send("HEAD /page HTTP/1.1\r\nHost: t\r\n\r\n"));
  r = c.Read(/*head=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("content-length"), std::to_string(Html().size()));
  // Had either HEAD sent a body, it would be read here as the next answer.
  ASSERT_TRUE(c.Send(Get("/page")));
  r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, Html());
}

TEST_F(ServerAnswersTest, HtmlIsGzippedWhenAccepted) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(Get("/page", "Accept-Encoding: gzip, br\r\n")));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("content-encoding"), "gzip");
  EXPECT_EQ(r->Header("vary"), "Accept-Encoding");
  EXPECT_LT(r->body.size(), Html().size());
  EXPECT_EQ(Gunzip(r->body), Html());
}

TEST_F(ServerAnswersTest, FileThatCannotBeOpenedIs500) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(Get("/gone")));
  const auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  ASSERT_TRUE(c.Send(Get("/page")));
  EXPECT_TRUE(c.Read().has_value()) << "the connection goes on";
}

}  // namespace
}  // namespace tenure::http::server_test

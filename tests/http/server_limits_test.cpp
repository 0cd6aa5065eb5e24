// What one client may hold of the server adapter (issue 13): connections per address (trusted
// proxies exempt, their X-Forwarded-For naming the client), a minimum body rate, and the
// memory all bodies held at once may take. In this process, over raw loopback sockets.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/server.hpp"
#include "server_test_support.hpp"

namespace tenure::http::server_test {
namespace {

Response Echo(Request& req) {
  return Response::Text(200, req.remote_address + " " + std::to_string(req.body.size()));
}

std::string PostHead(size_t length) {
  return "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

TEST(ServerAddressCapTest, AnAddressOverItsCapIsTold429AtOnceAndOthersAreServed) {
  ServerThread server({.max_connections_per_address = 2, .header_timeout = 5s}, Echo);
  ASSERT_TRUE(server.listening());
  RawClient held1(server.port(), "127.0.0.5");
  RawClient held2(server.port(), "127.0.0.5");
  ASSERT_TRUE(held1.Send("GET /a HTTP/1.1\r\nHost: t\r\n"));  // heads never finished
  ASSERT_TRUE(held2.Send("GET /a HTTP/1.1\r\nHost: t\r\n"));
  std::this_thread::sleep_for(200ms);  // both accepted
  RawClient third(server.port(), "127.0.0.5");
  const auto refused = third.Read(false, 2s);
  ASSERT_TRUE(refused.has_value()) << "told before it sent anything";
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_TRUE(third.ClosedByServer(2s));

  RawClient other(server.port(), "127.0.0.6");
  ASSERT_TRUE(other.Send(Get("/b")));
  const auto served = other.Read(false, 2s);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->body, "127.0.0.6 0");
}

TEST(ServerAddressCapTest, AConnectionThatEndsGivesItsAddressRoomAgain) {
  ServerThread server({.max_connections_per_address = 1}, Echo);
  ASSERT_TRUE(server.listening());
  {
    RawClient first(server.port(), "127.0.0.5");
    ASSERT_TRUE(first.Send(Get("/a")));
    ASSERT_TRUE(first.Read().has_value());
  }
  std::this_thread::sleep_for(100ms);  // the server saw it close
  RawClient second(server.port(), "127.0.0.5");
  ASSERT_TRUE(second.Send(Get("/b")));
  const auto r = second.Read(false, 2s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST(ServerTrustedProxyTest, AProxyIsNotCappedAndItsForwardedClientIsTheRemoteAddress) {
  ServerThread server(
      {.max_connections_per_address = 1, .trusted_proxies = {"127.0.0.7", "127.0.0.8"}}, Echo);
  ASSERT_TRUE(server.listening());
  RawClient a(server.port(), "127.0.0.7");
  RawClient b(server.port(), "127.0.0.7");  // over the cap of 1, but a trusted proxy
  auto ask = [](RawClient& c, const std::string& forwarded) {
    EXPECT_TRUE(
        c.Send(Get("/x", forwarded.empty() ? "" : "X-Forwarded-For: " + forwarded + "\r\n")));
    const auto r = c.Read(false, 2s);
    return r ? r->body : std::string("no answer");
  };
  // The rightmost address that is not a trusted proxy; what the client wrote to its left is
  // not believed.
  EXPECT_EQ(ask(a, "203.0.113.9"), "203.0.113.9 0");
  EXPECT_EQ(ask(b, "10.9.9.9, 203.0.113.9"), "203.0.113.9 0");
  EXPECT_EQ(ask(a, "203.0.113.9, 127.0.0.8"), "203.0.113.9 0");
  EXPECT_EQ(ask(a, ""), "127.0.0.7 0");
  EXPECT_EQ(ask(a, "not an address"), "127.0.0.7 0");

  // Anyone else's X-Forwarded-For is ignored.
  RawClient direct(server.port(), "127.0.0.9");
  EXPECT_EQ(ask(direct, "203.0.113.9"), "127.0.0.9 0");
}

TEST(ServerBodyRateTest, ABodyTrickledBelowTheMinimumRateIs408BeforeTheRequestTimeout) {
  ServerThread server(
      {.header_timeout = 1s, .request_timeout = 30s, .min_body_bytes_per_second = 1000}, Echo);
  ASSERT_TRUE(server.listening());
  RawClient slow(server.port());
  ASSERT_TRUE(slow.Send(PostHead(50'000)));
  const auto start = std::chrono::steady_clock::now();
  std::optional<RawResponse> answer;
  // 100 bytes every 200 ms: 500 bytes a second, each piece well within request_timeout.
  while (!answer && std::chrono::steady_clock::now() - start < 10s) {
    (void)slow.Send(std::string(100, 'x'));
    answer = slow.Read(false, 200ms);
  }
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 408);
  // Allowed: 1 s of grace plus 1 s for each 1,000 bytes received, about 2 s in all here.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);

  RawClient fast(server.port());  // the same body at full speed is served
  ASSERT_TRUE(fast.Send(PostHead(50'000) + std::string(50'000, 'x')));
  const auto served = fast.Read(false, 5s);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
}

TEST(ServerBodyMemoryTest, BodiesHeldPastTheMemoryForThemAre503UntilOneIsDone) {
  std::atomic<int> handled{0};
  ServerThread server({.max_body_bytes = 1000, .max_body_memory_bytes = 2000}, [&](Request& req) {
    ++handled;
    return Echo(req);
  });
  ASSERT_TRUE(server.listening());
  RawClient first(server.port());
  RawClient second(server.port());
  ASSERT_TRUE(first.Send(PostHead(1000) + "part"));  // 1,000 bytes each taken from the 2,000
  ASSERT_TRUE(second.Send(PostHead(1000) + "part"));
  std::this_thread::sleep_for(200ms);
  RawClient third(server.port());
  ASSERT_TRUE(third.Send(PostHead(1000)));
  const auto busy = third.Read(false, 2s);
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->Header("retry-after"), "1");

  ASSERT_TRUE(first.Send(std::string(996, 'x')));  // the first body is done: its memory back
  const auto done = first.Read(false, 2s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->body, "127.0.0.1 1000");
  RawClient fourth(server.port());
  ASSERT_TRUE(fourth.Send(PostHead(10) + std::string(10, 'y')));
  const auto served = fourth.Read(false, 2s);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(handled, 2);
}

}  // namespace
}  // namespace tenure::http::server_test

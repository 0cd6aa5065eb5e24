// Issue 13's attacks on the real server, from loopback, bounded in count and time: while one
// address misbehaves, /healthz and a signed-in Home from another answer within a second.
//  - 2,200 half-sent requests from one address (slowloris);
//  - 1,800 connections each sending 960 KB of a 1 MB body and pausing, from one address and
//    from many (RSS stays under 256 MiB);
//  - a flood of tickets from one customer (refused after the limit; SQLite's WAL stays small).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/time.hpp"
#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Enough descriptors for the attack's sockets in this process (the server raises its own).
void RaiseOpenFileLimit() {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_cur, 8192u) << "the hard limit of open files is too low for this test";
}

// A non-blocking TCP connection from `local` (any 127.x.y.z) to the server; -1 on failure.
int ConnectFrom(const std::string& local, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, local.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Sends what fits now; returns the bytes sent (the kernel's buffers fill, then nothing).
size_t SendSome(int fd, std::string_view bytes) {
  const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

// The status of the answer waiting on `fd`, 0 when none has come (yet).
int StatusWaiting(int fd) {
  char buf[64];
  const ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);
  if (n < 12 || std::string_view(buf, 9) != "HTTP/1.1 ") return 0;
  return std::stoi(std::string(buf + 9, 3));
}

class Sockets {
 public:
  ~Sockets() {
    for (int fd : fds_) close(fd);
  }
  void Add(int fd) { fds_.push_back(fd); }
  const std::vector<int>& fds() const { return fds_; }
  // How many have an answer with this status waiting.
  int CountStatus(int status) const {
    int n = 0;
    for (int fd : fds_) n += StatusWaiting(fd) == status;
    return n;
  }

 private:
  std::vector<int> fds_;
};

class HardeningHttpTest : public PerTestServer {
 protected:
  // A short head deadline, so that the test sees the held connections end too.
  explicit HardeningHttpTest(bool test_clock = false)
      : PerTestServer({.env = {{"TENURE_HTTP_HEADER_TIMEOUT_SECONDS", "3"},
                               {"TENURE_HTTP_REQUEST_TIMEOUT_SECONDS", "5"}},
                       .test_clock = test_clock}) {}

  // /healthz and the signed-in customer's Home, each timed; both must answer 200 within 1 s.
  void ExpectServing(Browser& customer, const std::string& during) {
    Browser probe(Base());
    probe.SetLocalAddress("127.0.0.1");
    auto started = Clock::now();
    const HttpResponse health = probe.Get("/healthz");
    const auto health_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    started = Clock::now();
    const HttpResponse home = customer.Get("/home");
    const auto home_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    EXPECT_EQ(health.status, 200) << during << ": " << ::testing::PrintToString(health);
    EXPECT_EQ(home.status, 200) << during << ": " << ::testing::PrintToString(home);
    EXPECT_LT(health_ms, milliseconds(1000)) << during;
    EXPECT_LT(home_ms, milliseconds(1000)) << during;
  }
};

TEST_F(HardeningHttpTest, HalfSentRequestsFromOneAddressDoNotTakeTheServerOffline) {
  RaiseOpenFileLimit();
  Browser customer = As(kDemoCustomer);
  customer.SetLocalAddress("127.0.0.1");
  constexpr int kAttack = 2200;  // more than the server's 2,048 connections
  Sockets attack;
  for (int i = 0; i < kAttack; ++i) {
    const int fd = ConnectFrom("127.0.0.2", server().port());
    ASSERT_GE(fd, 0) << "connection " << i;
    SendSome(fd, "GET /home HTTP/1.1\r\nHost: t\r\nX-Slow: ");  // and never the rest
    attack.Add(fd);
  }
  ExpectServing(customer, "during the attack");

  // The address's 64 connections wait for their head; every other one was told 429 at once.
  std::this_thread::sleep_for(milliseconds(500));
  const int told_429 = attack.CountStatus(429);
  EXPECT_EQ(told_429, kAttack - 64);
  // The 64 held ones are answered 408 when their head's deadline (3 s here) passes.
  const auto deadline = Clock::now() + std::chrono::seconds(8);
  while (attack.CountStatus(408) < 64 && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(attack.CountStatus(408), 64);
  ExpectServing(customer, "after the attack");
  EXPECT_THAT(server().Stdout(), ::testing::Not(::testing::HasSubstr("status=500")));
}

// Sends `body_bytes` of a body announced as `length` bytes on every socket, as far as the
// kernel takes it within `budget`, then stops (and holds the connections).
void SendBodies(Sockets& sockets, const std::string& head, size_t body_bytes,
                Clock::duration budget) {
  const std::string chunk(64 << 10, 'x');
  std::vector<size_t> sent(sockets.fds().size(), 0);
  for (size_t i = 0; i < sent.size(); ++i) SendSome(sockets.fds()[i], head);
  const auto until = Clock::now() + budget;
  bool progress = true;
  while (progress && Clock::now() < until) {
    progress = false;
    for (size_t i = 0; i < sent.size(); ++i) {
      if (sent[i] >= body_bytes) continue;
      const size_t n =
          SendSome(sockets.fds()[i], std::string_view(chunk).substr(0, body_bytes - sent[i]));
      sent[i] += n;
      progress = progress || n > 0;
    }
  }
}

std::string BodyHead(std::string_view path) {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
         "1000000\r\n\r\n";
}

TEST_F(HardeningHttpTest, BodiesSentNearlyWholeAndHeldCannotFillTheServersMemory) {
  RaiseOpenFileLimit();
  Browser customer = As(kDemoCustomer);
  customer.SetLocalAddress("127.0.0.1");
  const uint64_t rss_before = server().ResidentBytes();
  // 1,800 connections with 960 KB of a 1 MB body each: 900 to a form (refused 413 at its
  // Content-Length), 900 to the webhook (1 MiB allowed), from one address...
  Sockets one_address;
  for (int i = 0; i < 1800; ++i) {
    const int fd = ConnectFrom("127.0.0.3", server().port());
    ASSERT_GE(fd, 0);
    one_address.Add(fd);
  }
  for (size_t i = 0; i < one_address.fds().size(); ++i)
    SendSome(one_address.fds()[i], BodyHead(i % 2 ? "/support/tickets" : "/stripe/webhook"));
  SendBodies(one_address, "", 960'000, std::chrono::seconds(4));
  ExpectServing(customer, "one address holding bodies");
  const uint64_t rss_one = server().ResidentBytes();
  EXPECT_LT(rss_one, uint64_t{256} << 20);
  EXPECT_GT(one_address.CountStatus(429), 1800 - 64 - 10);

  // ...and from 30 addresses at once (64 connections each would hold 1.9 GB): the memory for
  // bodies runs out first and the rest are told 503.
  Sockets many;
  for (int a = 0; a < 30; ++a)
    for (int i = 0; i < 60; ++i) {
      const int fd = ConnectFrom("127.0.3." + std::to_string(a + 1), server().port());
      ASSERT_GE(fd, 0);
      many.Add(fd);
    }
  SendBodies(many, BodyHead("/stripe/webhook"), 960'000, std::chrono::seconds(6));
  ExpectServing(customer, "many addresses holding bodies");
  const uint64_t rss_many = server().ResidentBytes();
  EXPECT_LT(rss_many, uint64_t{256} << 20);
  EXPECT_GT(many.CountStatus(503), 0);
  std::cout << "RSS: before " << (rss_before >> 20) << " MiB, one address " << (rss_one >> 20)
            << " MiB, 30 addresses " << (rss_many >> 20) << " MiB\n";
  EXPECT_THAT(server().Stdout(), ::testing::Not(::testing::HasSubstr("status=500")));
}

// The server's clock is the test's, so that the flood can straddle the end of a rate-limit
// window: the limit is over the last ten minutes, not per clock-aligned ten minutes (where the
// limit spent just before a window ends would be there again just after).
class TicketFloodHttpTest : public HardeningHttpTest {
 protected:
  TicketFloodHttpTest() : HardeningHttpTest(/*test_clock=*/true) {}
};

TEST_F(TicketFloodHttpTest, ATicketFloodIsRefusedAfterTheLimitAndTheWalStaysSmall) {
  // A second before a window of the default 600 s ends; moved past it while the flood runs.
  const int64_t window_end = (ToUnix(tenure::SystemClock().Now()) / 600 + 1) * 600;
  ASSERT_TRUE(server().RunCommand({"clock", "set", FormatRfc3339(FromUnix(window_end - 1))}));
  Browser customer = As(kDemoCustomer);
  customer.SetLocalAddress("127.0.0.1");
  const std::string csrf = SessionCsrf(customer);
  const auto wal = server().DatabasePath().string() + "-wal";
  std::atomic<int> created{0}, limited{0}, other{0};
  std::atomic<uint64_t> wal_peak{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> flood;
  // Eight connections of the same customer post tickets as fast as they are answered.
  for (int t = 0; t < 8; ++t) {
    flood.emplace_back([&, t] {
      Browser b(Base());
      b.SetLocalAddress("127.0.0.4");
      b.SetCookie("tenure_session", customer.Cookie("tenure_session").value_or(""));
      for (int k = 0; !stop; ++k) {
        const HttpResponse r =
            b.Post("/support/tickets", {{"csrf", csrf},
                                        {"category", "other"},
                                        {"subject", "Flood " + std::to_string(t * 100000 + k)},
                                        {"message", std::string(2000, 'm')}});
        if (r.status == 303) {
          ++created;
        } else if (r.status == 429 && !r.Header("retry-after").empty()) {
          ++limited;
        } else {
          ++other;
        }
      }
    });
  }
  std::thread watch([&] {
    while (!stop) {
      std::error_code ec;
      const uint64_t size = std::filesystem::file_size(wal, ec);
      if (!ec && size > wal_peak) wal_peak = size;
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  const auto until = Clock::now() + std::chrono::seconds(8);
  for (int round = 0; Clock::now() < until; ++round) {
    ExpectServing(customer, "during the ticket flood");
    std::this_thread::sleep_for(milliseconds(500));
    if (round == 4) {
      EXPECT_EQ(created.load(), 60) << "the limit was reached before the window ended";
      EXPECT_TRUE(server().AdvanceClock("5s")) << "into the next window";
    }
  }
  stop = true;
  for (auto& t : flood) t.join();
  watch.join();

  EXPECT_EQ(created.load(), 60) << "the default limit: 60 writes an account in 10 minutes";
  EXPECT_GT(limited.load(), 1000) << "the flood went on and was refused";
  EXPECT_EQ(other.load(), 0);
  Database db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM tickets WHERE subject LIKE 'Flood %'"), created.load());
  EXPECT_LT(wal_peak.load(), uint64_t{64} << 20);
  std::cout << "tickets created " << created << ", refused " << limited << ", WAL peak "
            << (wal_peak >> 10) << " KiB\n";
}

// Issue 13 item 3: writes that never pause, and read transactions that always overlap (a
// reporting tool on the database file: SQLite's own checkpoints can then never reset the
// log): the write-ahead log is still truncated and stays small.
class SustainedWritesHttpTest : public PerTestServer {
 protected:
  SustainedWritesHttpTest()
      : PerTestServer({.env = {{"TENURE_RATE_LIMIT_WRITES_PER_ACCOUNT", "1000000"},
                               {"TENURE_RATE_LIMIT_WRITES_PER_ADDRESS", "1000000"}},
                       .demo_customers = 4}) {}
};

TEST_F(SustainedWritesHttpTest, TheWalStaysUnder64MiBWhileWritersAndReadersNeverPause) {
  const auto wal = server().DatabasePath().string() + "-wal";
  std::atomic<bool> stop{false};
  std::atomic<int> written{0}, read{0}, failed{0};
  std::atomic<uint64_t> wal_peak{0};
  // Signed in one at a time first: hashing admits only a few sign-ins per address at once.
  std::vector<Browser> writers, readers;
  for (int k = 1; k <= 4; ++k) {
    writers.push_back(SignedIn(Base(), DemoCustomerEmail(k)));
    readers.push_back(SignedIn(Base(), DemoCustomerEmail(k)));
  }
  std::vector<std::thread> load;
  for (int k = 0; k < 4; ++k) {
    load.emplace_back([&, k] {  // a writer: tickets with a long message, as fast as answered
      Browser& b = writers[static_cast<size_t>(k)];
      const std::string csrf = SessionCsrf(b);
      for (int i = 0; !stop; ++i) {
        const HttpResponse r = b.Post("/support/tickets", {{"csrf", csrf},
                                                           {"category", "other"},
                                                           {"subject", "Load " + std::to_string(i)},
                                                           {"message", std::string(8000, 'w')}});
        (r.status == 303 ? written : failed)++;
      }
    });
    load.emplace_back([&, k] {  // a reader: the same customer's Support tab, over and over
      Browser& b = readers[static_cast<size_t>(k)];
      while (!stop) (b.Get("/support").status == 200 ? read : failed)++;
    });
  }
  // Two readers outside the server, each holding a read transaction 40 ms and taking turns,
  // so that one is always open.
  for (int r = 0; r < 2; ++r) {
    load.emplace_back([&, r] {
      sqlite3* db = nullptr;
      ASSERT_EQ(
          sqlite3_open_v2(server().DatabasePath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
          SQLITE_OK);
      sqlite3_busy_timeout(db, 5000);
      std::this_thread::sleep_for(milliseconds(20 * r));
      while (!stop) {
        sqlite3_exec(db, "BEGIN; SELECT COUNT(*) FROM tickets;", nullptr, nullptr, nullptr);
        std::this_thread::sleep_for(milliseconds(40));
        sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr);
      }
      sqlite3_close(db);
    });
  }
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(wal, ec);
    if (!ec && size > wal_peak) wal_peak = size;
    std::this_thread::sleep_for(milliseconds(20));
  }
  stop = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(written.load(), 500) << "the writes were sustained";
  EXPECT_LT(wal_peak.load(), uint64_t{64} << 20);
  std::cout << "tickets written " << written << ", pages read " << read << ", WAL peak "
            << (wal_peak >> 10) << " KiB\n";
}

}  // namespace
}  // namespace tenure::http_test

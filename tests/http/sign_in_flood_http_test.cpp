// Hashing work is admitted fairly (issue 10, item 6): slow requests (sign-up, sign-in, the
// program's sign-in) wait in one queue per client address, taken in turn, and one address may
// have only a few waiting. A flood of sign-ups from one address then gets 429s of its own and
// cannot starve a sign-in from another address into a 503; every refusal is in the access log.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;

class SignInFloodHttpTest : public PerTestServer {
 protected:
  // One hashing thread: the flood's jobs outnumber it many times over.
  SignInFloodHttpTest() : PerTestServer({.env = {{"TENURE_HASH_THREADS", "1"}}}) {}
};

TEST_F(SignInFloodHttpTest, AFloodFromOneAddressCannotStarveASignInFromAnother) {
  constexpr int kFlooders = 24;
  constexpr int kRequestsEach = 4;
  std::atomic<int> limited{0}, busy{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> flood;
  for (int i = 0; i < kFlooders; ++i) {
    flood.emplace_back([&, i] {
      Browser b(Base());
      b.SetLocalAddress("127.0.0.2");
      const HttpResponse form = b.Get("/sign-up");
      const std::string csrf = b.Cookie("tenure_csrf").value_or("");
      while (!go) std::this_thread::yield();
      for (int k = 0; k < kRequestsEach; ++k) {
        const HttpResponse r =
            b.Post("/sign-up", {{"csrf", csrf},
                                {"email", FreshEmail("flood" + std::to_string(i))},
                                {"password", kCustomerPassword},
                                {"terms", "yes"}});
        if (r.status == 429) {
          ++limited;
          EXPECT_EQ(r.Header("retry-after"), "2");
        } else if (r.status == 503) {
          ++busy;
        } else {
          ++other;
        }
      }
    });
  }
  go = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the flood is queued
  // Meanwhile the owner signs in from their own address, and gets in.
  Browser owner(Base());
  owner.SetLocalAddress("127.0.0.1");
  ASSERT_EQ(owner.Get("/sign-in").status, 200);
  const std::string owner_csrf = owner.Cookie("tenure_csrf").value_or("");
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse signed_in = owner.Post(
      "/sign-in", {{"csrf", owner_csrf}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
  const auto waited = std::chrono::steady_clock::now() - started;
  for (auto& t : flood) t.join();

  EXPECT_EQ(signed_in.status, 303) << ::testing::PrintToString(signed_in);
  EXPECT_TRUE(owner.Cookie("tenure_session").has_value());
  // With the flood's four jobs at most ahead of it in turn, the owner waits for a few hashes,
  // not for the whole flood's (96).
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_GT(limited.load(), 0) << "the flooding address was told to slow down";
  EXPECT_EQ(busy.load(), 0) << "no one saw the queue full: the flood could not fill it";
  EXPECT_EQ(limited + busy + other, kFlooders * kRequestsEach);
  // Every refusal is in the access log, from the flooding address.
  EXPECT_THAT(server().Stdout(),
              HasSubstr("remote=127.0.0.2 method=POST path=/sign-up status=429"));
}

// The program's sign-in shares the queue: too many at once from one address answer 429
// rate_limited (Retry-After 2), and beyond the whole queue's limit 503 unavailable, both as
// problem JSON and both in the access log.
TEST_F(SignInFloodHttpTest, TheApiAnswers429ForABusyAddressAnd503WhenTheQueueIsFull) {
  constexpr int kAddresses = 20;  // 20 addresses x 5 > the queue's 64
  constexpr int kEach = 5;        // one more than an address may have waiting
  std::atomic<int> busy_address{0}, queue_full{0}, answered{0}, unexpected{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> flood;
  for (int a = 0; a < kAddresses; ++a) {
    for (int k = 0; k < kEach; ++k) {
      flood.emplace_back([&, a, k] {
        Browser b(Base());
        // The queue's 64 hashes on one thread take ~16 s here, longer on a loaded machine.
        b.SetTimeout(std::chrono::seconds(120));
        b.SetLocalAddress("127.0.1." + std::to_string(10 + a));
        const nlohmann::json body = {{"email", "nobody" + std::to_string(a) + "@example.com"},
                                     {"password", "not a password " + std::to_string(k)},
                                     {"machine",
                                      {{"fingerprint", "f" + std::to_string(k)},
                                       {"name", "n"},
                                       {"os", "o"},
                                       {"app_version", "1"}}}};
        while (!go) std::this_thread::yield();
        const HttpResponse r =
            b.Send("POST", "/api/v1/sessions", body.dump(), {{"Content-Type", "application/json"}});
        const auto problem = nlohmann::json::parse(r.body, nullptr, false);
        const std::string code = problem.is_object() ? problem.value("code", "") : "";
        if (r.status == 429 && code == "rate_limited" && r.Header("retry-after") == "2") {
          ++busy_address;
        } else if (r.status == 503 && code == "unavailable" && !r.Header("retry-after").empty()) {
          ++queue_full;
        } else if (r.status == 401 || r.status == 429) {
          ++answered;  // the password was checked (wrong), or the throttle slowed it down
        } else {
          ++unexpected;
          ADD_FAILURE() << ::testing::PrintToString(r);
        }
      });
    }
  }
  go = true;
  for (auto& t : flood) t.join();
  EXPECT_GT(busy_address.load(), 0);
  EXPECT_GT(queue_full.load(), 0);
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(busy_address + queue_full + answered, kAddresses * kEach);
  EXPECT_THAT(server().Stdout(), HasSubstr("method=POST path=/api/v1/sessions status=429"));
  EXPECT_THAT(server().Stdout(), HasSubstr("method=POST path=/api/v1/sessions status=503"));
}

}  // namespace
}  // namespace tenure::http_test

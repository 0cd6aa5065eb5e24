// Issue 13's logs: with log.format = json every line the server prints is one JSON object
// (time, level, event), one per request with its request id, and one per job step that did
// something; and nothing a customer typed, no password and no token is ever in them.
#include <gmock/gmock.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class JsonLogsHttpTest : public PerTestServer {
 protected:
  JsonLogsHttpTest()
      : PerTestServer(
            {.env = {{"TENURE_LOG_FORMAT", "json"}, {"TENURE_RENEWAL_INTERVAL_SECONDS", "1"}},
             .demo_customers = 2,
             .test_clock = true}) {}

  std::vector<nlohmann::json> Lines() {
    std::vector<nlohmann::json> lines;
    std::istringstream in(server().Stdout());
    for (std::string line; std::getline(in, line);) {
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
      if (!parsed.is_object()) continue;
      EXPECT_TRUE(parsed["time"].is_string()) << line;
      EXPECT_TRUE(parsed["level"].is_string()) << line;
      EXPECT_TRUE(parsed["event"].is_string()) << line;
      lines.push_back(std::move(parsed));
    }
    return lines;
  }
};

TEST_F(JsonLogsHttpTest, EveryLineIsJsonWithRequestIdsAndNothingACustomerTyped) {
  constexpr char kSubject[] = "Subject-nobody-logs-4242";
  constexpr char kMessage[] = "Message-nobody-logs-9911";
  constexpr char kWrongPassword[] = "wrong-password-nobody-logs-7777";
  Browser customer = As(kDemoCustomer);
  const HttpResponse opened = customer.Post("/support/tickets", {{"csrf", SessionCsrf(customer)},
                                                                 {"category", "other"},
                                                                 {"subject", kSubject},
                                                                 {"message", kMessage}});
  ASSERT_EQ(opened.status, 303);
  Browser stranger(Base());
  const HttpResponse form = stranger.Get("/sign-in");
  const HttpResponse refused = stranger.Post(
      "/sign-in",
      {{"csrf", CsrfField(form.body)}, {"email", kDemoCustomer}, {"password", kWrongPassword}});
  EXPECT_EQ(refused.status, 401);
  const std::string request_id = refused.Header("x-request-id");

  // A month on, the renewal job charges the demo customers: a job step with a line of its own.
  ASSERT_TRUE(server().AdvanceClock("31d"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (server().Stdout().find(R"("event":"job")") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

  bool saw_refusal = false, saw_job = false;
  for (const auto& line : Lines()) {
    if (line["event"] == "access" && line["request_id"] == request_id) {
      saw_refusal = true;
      EXPECT_EQ(line["status"], 401);
      EXPECT_EQ(line["method"], "POST");
      EXPECT_EQ(line["path"], "/sign-in");
      EXPECT_EQ(line["remote"], "127.0.0.1");
      EXPECT_TRUE(line["ms"].is_number());
    }
    if (line["event"] == "job" && line["job"] == "renewal job") {
      saw_job = true;
      EXPECT_GE(line["handled"].get<int>(), 1);
    }
  }
  EXPECT_TRUE(saw_refusal) << "the refused sign-in's access line, by its X-Request-Id";
  EXPECT_TRUE(saw_job) << server().Stdout();
  for (const std::string& output : {server().Stdout(), server().Stderr()}) {
    EXPECT_THAT(output, Not(HasSubstr(kSubject)));
    EXPECT_THAT(output, Not(HasSubstr(kMessage)));
    EXPECT_THAT(output, Not(HasSubstr(kWrongPassword)));
    EXPECT_THAT(output, Not(HasSubstr(kDemoPassword)));
    EXPECT_THAT(output, Not(HasSubstr(*customer.Cookie("tenure_session"))));
  }
}

}  // namespace
}  // namespace tenure::http_test

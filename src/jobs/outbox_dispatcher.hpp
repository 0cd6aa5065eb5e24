#pragma once
// Runs the outbox (ENGINEERING.md habit 4): side effects written in a transaction are sent
// after commit, here, and each outcome is recorded in its own unit of work with an audit row.
// One sender per kind of message (email, and the calls of other services); it sees only app
// ports: which SMTP library sends the mail is serve.cpp's choice.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/ports.hpp"
#include "app/store/outbox.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::jobs {

struct OutboxDispatcherOptions {
  int batch = 20;               // messages claimed per pass
  Seconds lease = Seconds(60);  // how long a claim keeps other workers off a message
  // The wait after the 1st, 2nd, ... failed attempt; the attempt after the last one is the
  // final one (so 6 attempts), then the message is dead-lettered.
  std::vector<Seconds> backoff = {std::chrono::minutes(1), std::chrono::minutes(5),
                                  std::chrono::minutes(30), std::chrono::hours(2),
                                  std::chrono::hours(12)};
};

// Runs one message's side effect. Its error decides what follows: kUnavailable retries on
// the backoff schedule, kRateLimited retries after its retry_after_seconds however many
// attempts came before (a storm of 429s loses nothing), anything else is a dead letter.
using OutboxSender = std::function<Result<void>(const nlohmann::json& payload)>;
struct OutboxRoute {
  std::string kind;
  OutboxSender send;
};

// Sends "email" messages with `mailer`.
OutboxRoute MailRoute(app::Mailer& mailer);

class OutboxDispatcher {
 public:
  OutboxDispatcher(app::Store& store, const Clock& clock, std::vector<OutboxRoute> routes,
                   OutboxDispatcherOptions options = {});
  // Email only.
  OutboxDispatcher(app::Store& store, const Clock& clock, app::Mailer& mailer,
                   OutboxDispatcherOptions options = {});

  // Claims the due messages (one unit of work), sends each outside any transaction, records
  // each outcome (one unit of work per message). Returns the number of messages handled.
  // Delivery is at least once: a crash between sending and recording sends again once the
  // lease lapses.
  int RunOnce();

 private:
  Result<void> Deliver(const OutboxRoute& route, const app::OutboxMessage& message);
  void Record(const app::OutboxMessage& message, const Result<void>& outcome);

  app::Store& store_;
  const Clock& clock_;
  std::vector<OutboxRoute> routes_;
  OutboxDispatcherOptions options_;
};

}  // namespace tenure::jobs

#pragma once
// Runs the outbox (ENGINEERING.md habit 4): side effects written in a transaction are sent
// after commit, here, and each outcome is recorded in its own unit of work with an audit row.
// Sees only app ports: which SMTP library sends the mail is main.cpp's choice.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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

class OutboxDispatcher {
 public:
  OutboxDispatcher(app::Store& store, const Clock& clock, app::Mailer& mailer,
                   OutboxDispatcherOptions options = {});

  // Claims the due messages (one unit of work), sends each outside any transaction, records
  // each outcome (one unit of work per message). Returns the number of messages handled.
  // Delivery is at least once: a crash between sending and recording sends again once the
  // lease lapses.
  int RunOnce();

 private:
  Result<void> Deliver(const app::OutboxMessage& message);
  void Record(const app::OutboxMessage& message, const Result<void>& outcome);

  app::Store& store_;
  const Clock& clock_;
  app::Mailer& mailer_;
  OutboxDispatcherOptions options_;
};

}  // namespace tenure::jobs

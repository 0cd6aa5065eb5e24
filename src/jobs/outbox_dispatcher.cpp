#include "jobs/outbox_dispatcher.hpp"

#include "app/emails.hpp"
#include "app/store/actor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace tenure::jobs {
namespace {

std::string Subject(const app::OutboxMessage& message) {
  return fmt::format("outbox:{}", message.id);
}

}  // namespace

OutboxRoute MailRoute(app::Mailer& mailer) {
  return {.kind = "email", .send = [&mailer](const nlohmann::json& payload) -> Result<void> {
            auto email = app::FromPayload(payload);
            if (!email) return std::unexpected(email.error());
            return mailer.Send(*email);
          }};
}

OutboxDispatcher::OutboxDispatcher(app::Store& store, const Clock& clock,
                                   std::vector<OutboxRoute> routes, OutboxDispatcherOptions options)
    : store_(store), clock_(clock), routes_(std::move(routes)), options_(std::move(options)) {}

OutboxDispatcher::OutboxDispatcher(app::Store& store, const Clock& clock, app::Mailer& mailer,
                                   OutboxDispatcherOptions options)
    : OutboxDispatcher(store, clock, {MailRoute(mailer)}, std::move(options)) {}

int OutboxDispatcher::RunOnce() {
  int handled = 0;
  for (const OutboxRoute& route : routes_) {
    std::vector<app::OutboxMessage> claimed;
    {
      auto uow = store_.Begin(app::Actor::System());
      claimed = uow->outbox().ClaimDue(clock_.Now(), options_.lease, options_.batch, route.kind);
      // Nothing due: roll back the empty claim rather than audit every idle poll.
      if (claimed.empty()) continue;
      nlohmann::json ids = nlohmann::json::array();
      for (const auto& message : claimed) ids.push_back(message.id);
      uow->Audit("outbox.claim", "outbox", nullptr, {{"kind", route.kind}, {"ids", ids}});
      uow->Commit();
    }
    // Habit 4: the network is called with no transaction open.
    for (const auto& message : claimed) Record(message, Deliver(route, message));
    handled += static_cast<int>(claimed.size());
  }
  return handled;
}

Result<void> OutboxDispatcher::Deliver(const OutboxRoute& route,
                                       const app::OutboxMessage& message) {
  try {
    return route.send(message.payload);
  } catch (const std::exception& e) {
    // A bug or broken infrastructure in the sender: count the attempt so that a message that
    // always throws ends as a dead letter instead of blocking the queue.
    return Fail(ErrorCode::kUnavailable, fmt::format("{} sender threw: {}", route.kind, e.what()));
  }
}

void OutboxDispatcher::Record(const app::OutboxMessage& message, const Result<void>& outcome) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(app::Actor::System());
  // `attempts` already counts this one (ClaimDue counts it).
  nlohmann::json after = {{"attempts", message.attempts}, {"error", ""}};
  const nlohmann::json before = {{"status", message.status}, {"attempts", message.attempts - 1}};
  if (outcome) {
    uow->outbox().MarkSent(message.id, now);
    after["status"] = "sent";
    uow->Audit("outbox.sent", Subject(message), before, after);
  } else {
    const Error& error = outcome.error();
    std::optional<Instant> retry_at;
    // Attempt n failed: wait backoff[n - 1]; past the schedule, or on a permanent error, stop.
    // A rate limit says when to come back, and is no failure of the message: always retried.
    const auto step = static_cast<size_t>(std::max(message.attempts, 1)) - 1;
    if (error.code == ErrorCode::kRateLimited)
      retry_at = now + Seconds(std::max<int64_t>(error.retry_after_seconds, 1));
    else if (error.code == ErrorCode::kUnavailable && step < options_.backoff.size())
      retry_at = now + options_.backoff[step];
    uow->outbox().MarkFailed(message.id, error.message, retry_at);
    after["error"] = error.message;
    after["status"] = retry_at ? "pending" : "dead";
    if (retry_at) after["retry_at"] = FormatRfc3339(*retry_at);
    uow->Audit(retry_at ? "outbox.retry" : "outbox.dead", Subject(message), before, after);
  }
  uow->Commit();
}

}  // namespace tenure::jobs

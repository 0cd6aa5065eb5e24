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

OutboxDispatcher::OutboxDispatcher(app::Store& store, const Clock& clock, app::Mailer& mailer,
                                   OutboxDispatcherOptions options)
    : store_(store), clock_(clock), mailer_(mailer), options_(std::move(options)) {}

int OutboxDispatcher::RunOnce() {
  std::vector<app::OutboxMessage> claimed;
  {
    auto uow = store_.Begin(app::Actor::System());
    claimed = uow->outbox().ClaimDue(clock_.Now(), options_.lease, options_.batch);
    // Nothing due: roll back the empty claim rather than audit every idle poll.
    if (claimed.empty()) return 0;
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& message : claimed) ids.push_back(message.id);
    uow->Audit("outbox.claim", "outbox", nullptr, {{"ids", ids}});
    uow->Commit();
  }
  // Habit 4: the network is called with no transaction open.
  for (const auto& message : claimed) Record(message, Deliver(message));
  return static_cast<int>(claimed.size());
}

Result<void> OutboxDispatcher::Deliver(const app::OutboxMessage& message) {
  if (message.kind != "email")
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("unknown outbox kind \"{}\": no sender for it", message.kind));
  auto email = app::FromPayload(message.payload);
  if (!email) return std::unexpected(email.error());
  try {
    return mailer_.Send(*email);
  } catch (const std::exception& e) {
    // A bug or broken infrastructure in the mailer: count the attempt so that a message that
    // always throws ends as a dead letter instead of blocking the queue.
    return Fail(ErrorCode::kUnavailable, fmt::format("mailer threw: {}", e.what()));
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
    const auto step = static_cast<size_t>(std::max(message.attempts, 1)) - 1;
    if (error.code == ErrorCode::kUnavailable && step < options_.backoff.size())
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

#include "jobs/outbox_dispatcher.hpp"
#include "jobs/periodic_worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>

#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/outbox.hpp"
#include "integrations/email/smtp_mailer.hpp"
#include "integrations/smtp_sink_process.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::jobs {
namespace {

using namespace std::chrono;
using nlohmann::json;

const Instant kStart = sys_days(2026y / November / 27) + hours(9);

SmtpConfig ConfigFor(int port) {
  return SmtpConfig{
      .host = "127.0.0.1", .port = port, .from = "Tenure <no-reply@tenure.test>", .tls = "none"};
}

// Counts and keeps what it is asked to send; optionally runs a hook inside Send.
class RecordingMailer final : public app::Mailer {
 public:
  Result<void> Send(const app::Email& email) override {
    sent.push_back(email);
    if (on_send) on_send();
    return {};
  }
  std::vector<app::Email> sent;
  std::function<void()> on_send;
};

class OutboxDispatcherTest : public ::testing::Test {
 protected:
  OutboxDispatcherTest() : store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)) {
    store_->Migrate();
  }

  int64_t Enqueue(std::string_view kind, const json& payload) {
    auto uow = store_->Begin(app::Actor::System());
    uow->Enqueue(kind, payload);
    uow->Audit("test.enqueue", "test", nullptr, nullptr);
    uow->Commit();
    return store_->Read()->outbox().List("", 1).at(0).id;
  }

  int64_t EnqueueEmail(const json& to) {
    return Enqueue("email", {{"to", to},
                             {"subject", "Your license renews on December 1"},
                             {"text", "Hello,\nthe body is private: 4242 4242.\n"}});
  }

  app::OutboxMessage Find(int64_t id) {
    for (auto& m : store_->Read()->outbox().List("", 100))
      if (m.id == id) return m;
    throw std::runtime_error("no such outbox message");
  }

  // The outcome audit rows of a message, oldest first.
  std::vector<app::AuditEntry> History(int64_t id) {
    auto rows = store_->Read()->audit_log().ForSubject("outbox:" + std::to_string(id), 100);
    std::reverse(rows.begin(), rows.end());
    return rows;
  }
  std::vector<std::string> Actions(int64_t id) {
    std::vector<std::string> out;
    for (const auto& row : History(id)) out.push_back(row.action);
    return out;
  }

  tenure::testing::TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<storage::SqlStore> store_;
};

TEST_F(OutboxDispatcherTest, SendsPendingMailOnceAndMarksItSent) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  integrations::SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  const int64_t id = EnqueueEmail(json::array({"alice@example.com", "bob@example.com"}));

  EXPECT_EQ(dispatcher.RunOnce(), 1);
  const auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].to, (std::vector<std::string>{"alice@example.com", "bob@example.com"}));
  EXPECT_EQ(messages[0].from, "no-reply@tenure.test");
  EXPECT_NE(messages[0].raw.find("Subject: Your license renews on December 1\r\n"),
            std::string::npos);
  const auto message = Find(id);
  EXPECT_EQ(message.status, "sent");
  EXPECT_EQ(message.attempts, 1);

  EXPECT_EQ(dispatcher.RunOnce(), 0);
  clock_.Advance(hours(48));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  EXPECT_EQ(sink.Messages().size(), 1u);

  const auto history = History(id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "outbox.sent");
  EXPECT_EQ(history[0].actor, "system");
  EXPECT_EQ(json::parse(history[0].after).at("attempts"), 1);
  // The claim is audited too, and no audit row carries the body (it may hold private data).
  const auto recent = store_->Read()->audit_log().Recent(100);
  EXPECT_TRUE(std::ranges::any_of(recent, [](auto& r) { return r.action == "outbox.claim"; }));
  for (const auto& row : recent) EXPECT_EQ(row.after.find("4242"), std::string::npos);
}

// Issue 11's groundwork: one sender per kind. A kind whose service answers 429 comes back
// after the retry_after it gave, however long the storm, and is run exactly once when it
// passes; email with no sender configured waits untouched.
TEST_F(OutboxDispatcherTest, EachKindHasItsSenderAndRateLimitsRetryAfterTheirWaitForever) {
  int calls = 0, done = 0;
  const OutboxSender limited = [&](const json& payload) -> Result<void> {
    ++calls;
    if (calls <= 12) {
      Error error{.code = ErrorCode::kRateLimited, .message = "429: You are being rate limited."};
      error.retry_after_seconds = 7;
      return std::unexpected(error);
    }
    done += payload.at("n").get<int>();
    return {};
  };
  OutboxDispatcher dispatcher(*store_, clock_, {{.kind = "service.call", .send = limited}});
  const int64_t mail = EnqueueEmail("alice@example.com");
  int64_t id = 0;
  {
    auto uow = store_->Begin(app::Actor::System());
    uow->Enqueue("service.call", {{"n", 1}});
    uow->Audit("test", "outbox", nullptr, nullptr);
    uow->Commit();
    id = store_->Read()->outbox().List("pending", 1).at(0).id;
  }
  for (int pass = 0; pass < 12; ++pass) {
    EXPECT_EQ(dispatcher.RunOnce(), 1) << pass;
    EXPECT_EQ(Find(id).status, "pending") << "a rate limit never dead-letters";
    EXPECT_EQ(Find(id).next_attempt_at, clock_.Now() + seconds(7));
    EXPECT_EQ(dispatcher.RunOnce(), 0) << "not before retry_after";
    clock_.Advance(seconds(7));
  }
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(Find(id).status, "sent");
  EXPECT_EQ(done, 1) << "run once";
  EXPECT_EQ(Find(mail).status, "pending") << "no email sender here: the mail waits";
  EXPECT_EQ(Find(mail).attempts, 0);
}

TEST_F(OutboxDispatcherTest, RetriesOnTheBackoffScheduleAndSucceedsOnTheThirdAttempt) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"), {.fail_first = 2});
  integrations::SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  const int64_t id = EnqueueEmail("alice@example.com");

  EXPECT_EQ(dispatcher.RunOnce(), 1);  // attempt 1: 451
  auto message = Find(id);
  EXPECT_EQ(message.status, "pending");
  EXPECT_EQ(message.attempts, 1);
  EXPECT_NE(message.last_error.find("451"), std::string::npos) << message.last_error;
  EXPECT_EQ(message.next_attempt_at, clock_.Now() + minutes(1));

  EXPECT_EQ(dispatcher.RunOnce(), 0);  // not due yet
  clock_.Advance(seconds(59));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  clock_.Advance(seconds(1));
  EXPECT_EQ(dispatcher.RunOnce(), 1);  // attempt 2: 451 again
  message = Find(id);
  EXPECT_EQ(message.attempts, 2);
  EXPECT_EQ(message.next_attempt_at, clock_.Now() + minutes(5));

  clock_.Advance(minutes(5) - seconds(1));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  clock_.Advance(seconds(1));
  EXPECT_EQ(dispatcher.RunOnce(), 1);  // attempt 3: delivered
  message = Find(id);
  EXPECT_EQ(message.status, "sent");
  EXPECT_EQ(message.attempts, 3);
  EXPECT_EQ(message.last_error, "");
  EXPECT_EQ(sink.Messages().size(), 1u);

  EXPECT_EQ(Actions(id), (std::vector<std::string>{"outbox.retry", "outbox.retry", "outbox.sent"}));
  const auto first = json::parse(History(id)[0].after);
  EXPECT_EQ(first.at("attempts"), 1);
  EXPECT_NE(first.at("error").get<std::string>().find("451"), std::string::npos);
}

TEST_F(OutboxDispatcherTest, PermanentlyRejectedRecipientIsDeadLetteredAtOnce) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"), {.reject_rcpt = {"gone@example.com"}});
  integrations::SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  const int64_t id = EnqueueEmail("gone@example.com");

  EXPECT_EQ(dispatcher.RunOnce(), 1);
  const auto message = Find(id);
  EXPECT_EQ(message.status, "dead");
  EXPECT_EQ(message.attempts, 1);
  EXPECT_NE(message.last_error.find("550"), std::string::npos) << message.last_error;
  clock_.Advance(hours(24 * 7));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  EXPECT_TRUE(sink.Messages().empty());

  EXPECT_EQ(Actions(id), std::vector<std::string>{"outbox.dead"});
  const auto after = json::parse(History(id)[0].after);
  EXPECT_EQ(after.at("attempts"), 1);
  EXPECT_NE(after.at("error").get<std::string>().find("550"), std::string::npos);
}

TEST_F(OutboxDispatcherTest, UnreachableServerIsRetriedSixTimesThenDeadLettered) {
  tenure::testing::RefusingPort port;
  integrations::SmtpMailer mailer(ConfigFor(port.port()), clock_);
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  const int64_t id = EnqueueEmail("alice@example.com");

  const std::vector<Seconds> schedule = {minutes(1), minutes(5), minutes(30), hours(2), hours(12)};
  for (size_t i = 0; i < schedule.size(); ++i) {
    ASSERT_EQ(dispatcher.RunOnce(), 1) << "attempt " << i + 1;
    const auto message = Find(id);
    EXPECT_EQ(message.status, "pending");
    EXPECT_EQ(message.attempts, static_cast<int>(i) + 1);
    EXPECT_EQ(message.next_attempt_at, clock_.Now() + schedule[i]);
    clock_.Advance(schedule[i] - seconds(1));
    EXPECT_EQ(dispatcher.RunOnce(), 0) << "early after attempt " << i + 1;
    clock_.Advance(seconds(1));
  }
  ASSERT_EQ(dispatcher.RunOnce(), 1);  // attempt 6, the last
  const auto message = Find(id);
  EXPECT_EQ(message.status, "dead");
  EXPECT_EQ(message.attempts, 6);
  EXPECT_FALSE(message.last_error.empty());
  clock_.Advance(hours(24 * 30));
  EXPECT_EQ(dispatcher.RunOnce(), 0);

  EXPECT_EQ(Actions(id), (std::vector<std::string>{"outbox.retry", "outbox.retry", "outbox.retry",
                                                   "outbox.retry", "outbox.retry", "outbox.dead"}));
  EXPECT_EQ(json::parse(History(id).back().after).at("attempts"), 6);
}

TEST_F(OutboxDispatcherTest, MessageEnqueuedInARolledBackUnitOfWorkIsNeverSent) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  integrations::SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  {
    auto uow = store_->Begin(app::Actor::System());
    uow->Enqueue("email", {{"to", "alice@example.com"}, {"subject", "s"}, {"text", "t"}});
    uow->Audit("test.enqueue", "test", nullptr, nullptr);
  }  // no Commit(): rolled back
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  clock_.Advance(hours(1));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  EXPECT_TRUE(store_->Read()->outbox().List("", 10).empty());
  EXPECT_TRUE(sink.Messages().empty());
}

// A kind no sender runs waits for one (a server configured later, another process); a
// malformed email can never become valid and is dead-lettered at once.
TEST_F(OutboxDispatcherTest, UnknownKindWaitsAndMalformedPayloadIsDeadLettered) {
  RecordingMailer mailer;
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  const int64_t pigeon = Enqueue("carrier_pigeon", {{"to", "alice@example.com"}});
  const int64_t no_text = Enqueue("email", {{"to", "alice@example.com"}, {"subject", "s"}});
  const int64_t bad_to =
      Enqueue("email", {{"to", json::array({1, 2})}, {"subject", "s"}, {"text", "t"}});

  EXPECT_EQ(dispatcher.RunOnce(), 2);
  EXPECT_TRUE(mailer.sent.empty());
  for (int64_t id : {no_text, bad_to}) {
    EXPECT_EQ(Find(id).status, "dead") << id;
    EXPECT_EQ(Actions(id), std::vector<std::string>{"outbox.dead"}) << id;
  }
  EXPECT_EQ(Find(pigeon).status, "pending");
  EXPECT_EQ(Find(pigeon).attempts, 0);
  EXPECT_TRUE(Actions(pigeon).empty());
}

TEST_F(OutboxDispatcherTest, AMessageBeingSentIsNotClaimedAgainWithinItsLease) {
  RecordingMailer mailer;
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  RecordingMailer other_mailer;
  OutboxDispatcher other(*store_, clock_, other_mailer);
  int other_handled = -1;
  // While the first dispatcher sends (its claim committed), a second worker finds nothing.
  mailer.on_send = [&] { other_handled = other.RunOnce(); };
  EnqueueEmail("alice@example.com");
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(other_handled, 0);
  EXPECT_EQ(mailer.sent.size(), 1u);
  EXPECT_TRUE(other_mailer.sent.empty());
}

TEST_F(OutboxDispatcherTest, ClaimsAtMostABatchPerPass) {
  RecordingMailer mailer;
  OutboxDispatcher dispatcher(*store_, clock_, mailer, {.batch = 2});
  for (int i = 0; i < 5; ++i) EnqueueEmail("alice@example.com");
  EXPECT_EQ(dispatcher.RunOnce(), 2);
  EXPECT_EQ(dispatcher.RunOnce(), 2);
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  EXPECT_EQ(mailer.sent.size(), 5u);
}

TEST_F(OutboxDispatcherTest, WorkerSendsWhenWokenAndStopsAtOnce) {
  RecordingMailer mailer;
  std::promise<void> sent;
  std::atomic<bool> signalled = false;
  mailer.on_send = [&] {
    if (!signalled.exchange(true)) sent.set_value();
  };
  OutboxDispatcher dispatcher(*store_, clock_, mailer);
  // An hour between passes: only Wake() can get the mail out within the test.
  PeriodicWorker worker(
      "outbox", [&] { return dispatcher.RunOnce(); }, hours(1));
  EnqueueEmail("alice@example.com");
  worker.Wake();
  ASSERT_EQ(sent.get_future().wait_for(seconds(30)), std::future_status::ready);

  const auto before = steady_clock::now();
  worker.Stop();
  EXPECT_LT(steady_clock::now() - before, seconds(10));  // not the hour
  worker.Stop();                                         // idempotent
  EXPECT_EQ(mailer.sent.size(), 1u);
}

TEST(PeriodicWorker, KeepsGoingAfterAPassThrows) {
  std::atomic<int> passes = 0;
  std::promise<void> second;
  PeriodicWorker worker(
      "test",
      [&] {
        const int n = ++passes;
        if (n == 1) throw std::runtime_error("database went away (test)");
        if (n == 2) second.set_value();
        return 0;
      },
      hours(1));
  worker.Wake();
  ASSERT_EQ(second.get_future().wait_for(seconds(30)), std::future_status::ready);
  worker.Stop();
  EXPECT_GE(passes.load(), 2);
}

}  // namespace
}  // namespace tenure::jobs

// The storage contract of issue 4's billing (ENGINEERING.md habits 4, 6, 12), on SQLite and
// PostgreSQL: the license's dunning and email markers survive a round trip, the renewal job's
// claim takes only due licenses and honours leases, and a period is paid at most once.
// PostgreSQL runs in a schema of its own inside TENURE_TEST_POSTGRES_URL's database, so the
// main contract suite (which empties `public` between tests) can run beside it.
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/charges.hpp"
#include "app/store/disputes.hpp"
#include "app/store/licenses.hpp"
#include "app/store/stripe_events.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;

const Instant kNow = sys_days(2027y / March / 1) + hours(12);
constexpr Seconds kLead{24 * 3600};

class BillingContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      url = "sqlite://" + dir_.File("billing.db");
    } else {
      const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
      ASSERT_TRUE(pg && *pg) << "PostgreSQL contract tests need TENURE_TEST_POSTGRES_URL "
                                "(scripts/pg-test-db prints one)";
      base_url_ = pg;
      schema_ = "billing_contract_" + Sha256Hex(RandomToken()).substr(0, 12);
      OpenPostgres(base_url_)->ExecScript("CREATE SCHEMA " + schema_);
      url = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    url_ = url;
    store_ = OpenStore(url, clock_);
    store_->Migrate();
  }
  void TearDown() override {
    second_.reset();
    store_.reset();
    if (!schema_.empty())
      OpenPostgres(base_url_)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE");
  }

  // A customer and its license; returns the license as stored.
  domain::License NewLicense(const std::string& email, std::optional<Instant> expires_at,
                             bool auto_renew = true) {
    auto uow = store_->Begin(Actor::Cli());
    const UserId user =
        *uow->users().Insert(domain::User{.email = email,
                                          .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$fake",
                                          .terms_version = "2026-11-01",
                                          .terms_accepted_at = kNow - days(60),
                                          .created_at = kNow - days(60)});
    domain::License l{.user_id = user,
                      .expires_at = expires_at,
                      .auto_renew = auto_renew,
                      .created_at = kNow - days(60),
                      .updated_at = kNow - days(60)};
    l.id = uow->licenses().Insert(l);
    uow->Audit("test.license", email, nullptr, nullptr);
    uow->Commit();
    return l;
  }
  void Save(const domain::License& l) {
    auto uow = store_->Begin(Actor::Cli());
    uow->licenses().Update(l);
    uow->Audit("test.update", "license", nullptr, nullptr);
    uow->Commit();
  }
  std::vector<UserId> Claim(Instant now, Seconds lease = minutes(5), int limit = 100) {
    auto uow = store_->Begin(Actor::System());
    auto claimed = uow->licenses().ClaimDueRenewals(now, kLead, now + lease, limit);
    uow->Audit("test.claim", "renewal_job", nullptr, nullptr);
    uow->Commit();
    return claimed;
  }
  app::Charge NewCharge(const domain::License& l, int attempt, std::string kind = "auto_renewal") {
    return app::Charge{.user_id = l.user_id,
                       .license_id = l.id,
                       .kind = std::move(kind),
                       .period_key = ToUnix(*l.expires_at),
                       .attempt = attempt,
                       .idempotency_key = "renewal:" + std::to_string(l.id.value) + ":" +
                                          std::to_string(ToUnix(*l.expires_at)) + ":" +
                                          std::to_string(attempt) + ":" + RandomToken(4),
                       .amount = Money::Cents(5000),
                       .provider = "offline",
                       .payment_method_ref = "pm_card_visa",
                       .terms_version = "2026-11-01",
                       .created_at = kNow,
                       .updated_at = kNow};
  }

  testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::string base_url_, schema_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<SqlStore> second_;  // another server on the same database
  std::string url_;
};

// Regression (issue 4): ToLicense (storage/sql_store.cpp) selected dunning_failures,
// dunning_first_failed_at, next_attempt_at, reminded_period and expired_notice_period but did
// not read them, so every License came back with dunning reset and no email markers, and the
// next Update wrote those defaults back: auto-renew never turned off after the last retry,
// and a declined card was charged again, with two emails, on every pass of the renewal job.
TEST_P(BillingContract, TheDunningStateAndEmailMarkersRoundTrip) {
  auto l = NewLicense("dunning@example.com", kNow + days(1));
  l.dunning_failures = 2;
  l.dunning_first_failed_at = kNow - days(3);
  l.next_attempt_at = kNow + days(2);
  l.reminded_period = ToUnix(*l.expires_at);
  l.expired_notice_period = ToUnix(kNow - days(40));
  Save(l);
  auto read = store_->Read()->licenses().FindByUser(l.user_id);
  auto locked = store_->Begin(Actor::Cli())->licenses().FindByUser(l.user_id);
  auto by_id = store_->Read()->licenses().Find(l.id);
  auto listed = store_->Read()->licenses().All(10, 0);
  ASSERT_TRUE(read && locked && by_id && listed.size() == 1);
  for (const domain::License& got : {*read, *locked, *by_id, listed[0]}) {
    EXPECT_EQ(got.dunning_failures, 2);
    EXPECT_EQ(got.dunning_first_failed_at, kNow - days(3));
    EXPECT_EQ(got.next_attempt_at, kNow + days(2));
    EXPECT_EQ(got.reminded_period, ToUnix(kNow + days(1)));
    EXPECT_EQ(got.expired_notice_period, ToUnix(kNow - days(40)));
  }
  // And back to empty.
  l.dunning_failures = 0;
  l.dunning_first_failed_at.reset();
  l.next_attempt_at.reset();
  l.reminded_period.reset();
  l.expired_notice_period.reset();
  Save(l);
  read = store_->Read()->licenses().FindByUser(l.user_id);
  EXPECT_EQ(read->dunning_failures, 0);
  EXPECT_FALSE(read->dunning_first_failed_at);
  EXPECT_FALSE(read->next_attempt_at);
  EXPECT_FALSE(read->reminded_period);
  EXPECT_FALSE(read->expired_notice_period);
}

TEST_P(BillingContract, TheClaimTakesOnlyDueLicensesAndHonoursLeases) {
  const auto due = NewLicense("due@example.com", kNow + kLead);
  const auto lapsed = NewLicense("lapsed@example.com", kNow - days(20));
  NewLicense("early@example.com", kNow + kLead + hours(1));
  NewLicense("off@example.com", kNow, /*auto_renew=*/false);
  NewLicense("never@example.com", std::nullopt, false);
  auto suspended = NewLicense("suspended@example.com", kNow);
  suspended.suspended_at = kNow - days(1);
  Save(suspended);
  auto retrying = NewLicense("retrying@example.com", kNow);
  retrying.next_attempt_at = kNow + seconds(1);
  Save(retrying);

  auto claimed = Claim(kNow);
  std::sort(claimed.begin(), claimed.end(), [](UserId a, UserId b) { return a.value < b.value; });
  EXPECT_EQ(claimed, (std::vector<UserId>{due.user_id, lapsed.user_id}));
  EXPECT_TRUE(Claim(kNow).empty()) << "leased";
  EXPECT_EQ(Claim(kNow + seconds(1)), std::vector<UserId>{retrying.user_id}) << "retry due";
  EXPECT_TRUE(Claim(kNow + minutes(5) - seconds(1)).empty()) << "still leased";
  EXPECT_EQ(Claim(kNow + minutes(5)).size(), 2u) << "the first lease lapsed";
  {
    auto uow = store_->Begin(Actor::System());
    uow->licenses().ReleaseLease(due.id);
    uow->Audit("test.release", "license", nullptr, nullptr);
    uow->Commit();
  }
  EXPECT_EQ(Claim(kNow + minutes(5)), std::vector<UserId>{due.user_id}) << "released";
  EXPECT_EQ(Claim(kNow + hours(2), minutes(5), 1).size(), 1u) << "the limit holds";
}

TEST_P(BillingContract, APeriodIsPaidAtMostOnce) {
  const auto l = NewLicense("paid@example.com", kNow + days(1));
  auto uow = store_->Begin(Actor::System());
  auto first = NewCharge(l, 1);
  first.id = uow->charges().Insert(first);
  EXPECT_THROW(uow->charges().Insert(NewCharge(l, 1)), UniqueViolation) << "attempt 1 twice";
  uow.reset();  // PostgreSQL aborted that transaction

  uow = store_->Begin(Actor::System());
  first.id = uow->charges().Insert(first);
  auto second = NewCharge(l, 2);
  second.id = uow->charges().Insert(second);
  auto reused = NewCharge(l, 3);
  reused.idempotency_key = first.idempotency_key;
  EXPECT_THROW(uow->charges().Insert(reused), UniqueViolation) << "a key names one charge";
  uow.reset();

  uow = store_->Begin(Actor::System());
  first.id = uow->charges().Insert(first);
  second.id = uow->charges().Insert(second);
  for (int n = 0; n < 3; ++n) {  // instances share the period, any number of them
    auto extra = NewCharge(l, 1, "instances");
    extra.status = "succeeded";
    uow->charges().Insert(extra);
  }
  first.status = "succeeded";
  uow->charges().Update(first);
  second.status = "succeeded";
  EXPECT_THROW(uow->charges().Update(second), UniqueViolation) << "two paid charges, one period";
  uow.reset();

  uow = store_->Begin(Actor::System());
  first.id = uow->charges().Insert(first);
  uow->Audit("test.charge", "charge", nullptr, nullptr);
  uow->Commit();
  const auto period = store_->Read()->charges().ForPeriod(l.id, ToUnix(*l.expires_at));
  ASSERT_EQ(period.size(), 1u);
  EXPECT_EQ(period[0].status, "succeeded");
  EXPECT_EQ(period[0].idempotency_key, first.idempotency_key);
}

TEST_P(BillingContract, PendingChargesAreFoundForRecovery) {
  const auto l = NewLicense("pending@example.com", kNow + days(1));
  auto charge = NewCharge(l, 1);
  auto uow = store_->Begin(Actor::System());
  charge.id = uow->charges().Insert(charge);
  uow->Audit("test.charge", "charge", nullptr, nullptr);
  uow->Commit();
  EXPECT_TRUE(store_->Read()->charges().PendingSince(kNow - seconds(1), 10).empty());
  const auto pending = store_->Read()->charges().PendingSince(kNow, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, charge.id);
  EXPECT_EQ(pending[0].idempotency_key, charge.idempotency_key);
  EXPECT_EQ(pending[0].amount.cents(), 5000);
}

// Issue 8: disputes, one row each, so a suspension lifts only when none of the license's is
// open.
TEST_P(BillingContract, DisputesRoundTripAndCountOpenPerLicense) {
  const auto l = NewLicense("disputed@example.com", kNow + days(10));
  const auto other = NewLicense("other@example.com", kNow + days(10));
  auto uow = store_->Begin(Actor::System());
  auto charge = NewCharge(l, 1, "renewal");
  charge.id = uow->charges().Insert(charge);
  app::Dispute first{.provider = "stripe",
                     .provider_dispute_id = "dp_first",
                     .charge_id = charge.id,
                     .license_id = l.id,
                     .status = "needs_response",
                     .opened_at = kNow,
                     .updated_at = kNow};
  first.id = uow->disputes().Insert(first);
  app::Dispute second = first;
  second.provider_dispute_id = "dp_second";
  second.id = uow->disputes().Insert(second);
  EXPECT_THROW(uow->disputes().Insert(first), UniqueViolation) << "one row per dispute";
  uow.reset();  // PostgreSQL aborted that transaction

  uow = store_->Begin(Actor::System());
  charge.id = uow->charges().Insert(charge);
  first.charge_id = second.charge_id = charge.id;
  first.id = uow->disputes().Insert(first);
  second.id = uow->disputes().Insert(second);
  uow->Audit("test.dispute", "dispute", nullptr, nullptr);
  uow->Commit();
  EXPECT_EQ(store_->Read()->disputes().CountOpen(l.id), 2);
  EXPECT_EQ(store_->Read()->disputes().CountOpen(other.id), 0);
  EXPECT_FALSE(store_->Read()->disputes().Find("stripe", "dp_none"));
  EXPECT_FALSE(store_->Read()->disputes().Find("offline", "dp_first")) << "per provider";

  first.status = "won";
  first.outcome = app::DisputeOutcome::kPaymentKept;
  first.closed_at = kNow + hours(5);
  first.updated_at = kNow + hours(5);
  second.status = "lost";
  second.outcome = app::DisputeOutcome::kPaymentReversed;
  second.closed_at = kNow + hours(6);
  uow = store_->Begin(Actor::System());
  uow->disputes().Update(first);
  EXPECT_EQ(uow->disputes().CountOpen(l.id), 1) << "read inside the writing transaction";
  uow->disputes().Update(second);
  uow->Audit("test.dispute", "dispute", nullptr, nullptr);
  uow->Commit();
  EXPECT_EQ(store_->Read()->disputes().CountOpen(l.id), 0);
  const auto got = store_->Read()->disputes().Find("stripe", "dp_first");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, first.id);
  EXPECT_EQ(got->charge_id, charge.id);
  EXPECT_EQ(got->license_id, l.id);
  EXPECT_EQ(got->status, "won");
  EXPECT_EQ(got->outcome, app::DisputeOutcome::kPaymentKept);
  EXPECT_EQ(got->opened_at, kNow);
  EXPECT_EQ(got->closed_at, kNow + hours(5));
  EXPECT_EQ(got->updated_at, kNow + hours(5));
  EXPECT_EQ(store_->Read()->disputes().Find("stripe", "dp_second")->outcome,
            app::DisputeOutcome::kPaymentReversed);
}

INSTANTIATE_TEST_SUITE_P(Backends, BillingContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

// Issue 8: Stripe events were applied under an in-process mutex only; two servers could apply
// one event at once. They are claimed in the database now.
TEST_P(BillingContract, AStripeEventClaimedByOneServerIsNotGivenToAnother) {
  second_ = OpenStore(url_, clock_);
  {
    auto uow = store_->Begin(Actor::System());
    for (const char* id : {"evt_1", "evt_2"})
      ASSERT_TRUE(uow->stripe_events().InsertIfNew(app::StripeEvent{
          .id = id, .type = "payment_intent.succeeded", .payload = "{}", .received_at = kNow}));
    uow->Audit("test.events", "stripe_events", nullptr, nullptr);
    uow->Commit();
  }
  auto claim = [&](SqlStore& server, Instant now, int limit = 10) {
    auto uow = server.Begin(Actor::System());
    auto events = uow->stripe_events().ClaimDue(now, now + minutes(5), limit);
    std::vector<std::string> ids;
    for (const auto& e : events) ids.push_back(e.id);
    uow->Audit("test.claim", "stripe_events", nullptr, nullptr);
    uow->Commit();
    return ids;
  };
  auto mark = [&](auto&& change) {
    auto uow = store_->Begin(Actor::System());
    change(uow->stripe_events());
    uow->Audit("test.mark", "stripe_events", nullptr, nullptr);
    uow->Commit();
  };
  EXPECT_EQ(claim(*store_, kNow, 1), std::vector<std::string>{"evt_1"});
  EXPECT_EQ(claim(*second_, kNow), std::vector<std::string>{"evt_2"}) << "evt_1 is leased";
  EXPECT_TRUE(claim(*second_, kNow + minutes(4)).empty()) << "both leased";
  // A server that died mid-event: its lease lapses and another takes the event.
  EXPECT_EQ(claim(*second_, kNow + minutes(5)), (std::vector<std::string>{"evt_1", "evt_2"}));
  mark([&](app::StripeEventRepository& events) { events.MarkProcessed("evt_1", kNow); });
  mark([&](app::StripeEventRepository& events) {
    events.MarkFailed("evt_2", "stripe unreachable", kNow + minutes(20));
  });
  EXPECT_TRUE(claim(*store_, kNow + minutes(19)).empty()) << "processed, and failed until 20 min";
  EXPECT_EQ(claim(*store_, kNow + minutes(20)), std::vector<std::string>{"evt_2"});
  EXPECT_EQ(store_->Read()->stripe_events().Unprocessed(10).at(0).attempts, 1);
}

}  // namespace
}  // namespace tenure::storage

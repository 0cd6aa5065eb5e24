// Regression (issue 8, "The money race"): BillingService::RecordOutcome read the charge before
// it locked the license, so on PostgreSQL (READ COMMITTED) two recorders of one payment (the
// renewal job and the Stripe webhook worker, or two servers) could both see `pending`; the
// second waited for the license lock and then extended the license again: one payment, two
// months. Two threads record the same successful payment at once, many times over; each
// payment must extend the license once, send one receipt and write one renewal audit row.
//
// Needs PostgreSQL (TENURE_TEST_POSTGRES_URL; fails without it), in a schema of its own.
#include <gtest/gtest.h>

#include <barrier>
#include <cstdlib>
#include <thread>

#include "app/billing.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/outbox.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "integrations/offline/offline_gateway.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

const Instant kNow = sys_days(2027y / May / 1) + hours(9);
constexpr int kRounds = 40;

class RecordOutcomeRace : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
    ASSERT_TRUE(pg && *pg) << "needs TENURE_TEST_POSTGRES_URL (scripts/pg-test-db prints one)";
    base_url_ = pg;
    schema_ = "outcome_race_" + Sha256Hex(RandomToken()).substr(0, 12);
    storage::OpenPostgres(base_url_)->ExecScript("CREATE SCHEMA " + schema_);
    store_ = storage::OpenStore(base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
                                    "options=-csearch_path%3D" + schema_,
                                clock_);
    store_->Migrate();
    billing_.emplace(*store_, clock_, policy_, gateway_, EmailContext{"http://tenure.test"});
  }
  void TearDown() override {
    billing_.reset();
    store_.reset();
    if (!schema_.empty())
      storage::OpenPostgres(base_url_)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE");
  }

  struct Pending {
    UserId user;
    LicenseId license;
    int64_t charge_id;
  };

  // A customer whose license expires in ten days and a pending renewal charge for it, as
  // BillingService::Renew leaves it just before the gateway call.
  Pending NewPendingRenewal(int round) {
    auto uow = store_->Begin(Actor::Cli());
    const std::string email = "race" + std::to_string(round) + "@example.com";
    const UserId user = *uow->users().Insert(domain::User{.email = email,
                                                          .password_hash = "x",
                                                          .terms_version = "2026-11-01",
                                                          .terms_accepted_at = kNow,
                                                          .created_at = kNow});
    domain::License license{.user_id = user,
                            .expires_at = kNow + days(10),
                            .auto_renew = true,
                            .created_at = kNow,
                            .updated_at = kNow};
    license.id = uow->licenses().Insert(license);
    const int64_t period = ToUnix(*license.expires_at);
    const int64_t charge_id = uow->charges().Insert(Charge{
        .user_id = user,
        .license_id = license.id,
        .kind = domain::ChargeKind::kRenewal,
        .period_key = period,
        .idempotency_key =
            "renewal:" + std::to_string(license.id.value) + ":" + std::to_string(period) + ":1",
        .amount = Money::Cents(5000),
        .provider = "offline",
        .payment_method_ref = "pm_card_visa",
        .created_at = kNow,
        .updated_at = kNow});
    uow->Audit("test.setup", email, nullptr, nullptr);
    uow->Commit();
    return {user, license.id, charge_id};
  }

  FakeClock clock_{kNow};
  domain::LicensePolicy policy_;
  integrations::OfflineGateway gateway_;
  std::string base_url_, schema_;
  std::unique_ptr<storage::SqlStore> store_;
  std::optional<BillingService> billing_;
};

TEST_F(RecordOutcomeRace, TwoRecordersOfOnePaymentExtendTheLicenseOnce) {
  for (int round = 0; round < kRounds; ++round) {
    const Pending p = NewPendingRenewal(round);
    const ChargeOutcome paid{.succeeded = true, .payment_id = "pi_race" + std::to_string(round)};
    std::barrier start(2);
    auto record = [&] {
      start.arrive_and_wait();
      auto recorded = billing_->RecordOutcome(p.charge_id, paid);
      ASSERT_TRUE(recorded) << recorded.error().message;
      EXPECT_EQ(recorded->status, domain::ChargeStatus::kSucceeded);
    };
    std::thread a(record), b(record);
    a.join();
    b.join();

    auto read = store_->Read();
    const auto license = read->licenses().Find(p.license);
    ASSERT_TRUE(license);
    EXPECT_EQ(FormatRfc3339(*license->expires_at), FormatRfc3339(kNow + days(10) + days(31)))
        << "round " << round << ": one payment, one month (May 11 -> June 11)";
    int renewals = 0;
    for (const auto& entry :
         read->audit_log().ForSubject("license:" + std::to_string(p.license.value), 50))
      renewals += entry.action == "license.renew";
    EXPECT_EQ(renewals, 1) << "round " << round;
    int succeeded = 0;
    for (const auto& entry :
         read->audit_log().ForSubject("charge:" + std::to_string(p.charge_id), 50))
      succeeded += entry.action == "charge.succeeded";
    EXPECT_EQ(succeeded, 1) << "round " << round;
    int receipts = 0;
    const std::string email = "race" + std::to_string(round) + "@example.com";
    for (const auto& message : read->outbox().List("", 1000))
      receipts += message.payload.value("to", nlohmann::json()) == nlohmann::json::array({email}) &&
                  message.payload.value("subject", "").starts_with("Receipt");
    EXPECT_EQ(receipts, 1) << "round " << round;
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace tenure::app

// The storage contract of the business figures' reads and the cancel funnel (issue 14;
// migration 0012), on SQLite and PostgreSQL: every succeeded charge whatever its age and every
// charge since a date, with each field the figures need; grants, licenses and cancellations;
// funnel steps recorded without an audit row (no change of state), refused in a read-only unit
// of work, and read back since a date in order.
#include <gtest/gtest.h>

#include <string>

#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/charges.hpp"
#include "app/store/license_grants.hpp"
#include "app/store/licenses.hpp"
#include "app/store/reports.hpp"
#include "app/store/users.hpp"
#include "test_database.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;
using domain::ChargeKind;
using domain::ChargeStatus;
using domain::FunnelStep;

const Instant kNow = sys_days(2027y / May / 3) + hours(9);

class ReportsContract : public StoreContract {
 protected:
  ReportsContract() : StoreContract("reports_contract", kNow) {}

  domain::License NewLicense(UserId user, std::optional<Instant> expires_at) {
    domain::License l{.user_id = user,
                      .expires_at = expires_at,
                      .created_at = kNow - days(90),
                      .updated_at = kNow - days(90)};
    l.id = Write([&](app::UnitOfWork& uow) { return uow.licenses().Insert(l); });
    return l;
  }

  void Charge(const domain::License& l, ChargeKind kind, ChargeStatus status, Instant at,
              int64_t period, int attempt, std::optional<Instant> until) {
    Write([&](app::UnitOfWork& uow) {
      return uow.charges().Insert(app::Charge{.user_id = l.user_id,
                                              .license_id = l.id,
                                              .kind = kind,
                                              .period_key = period,
                                              .attempt = attempt,
                                              .idempotency_key = "k" + std::to_string(++keys_),
                                              .amount = Money::Cents(5000 + keys_),
                                              .status = status,
                                              .provider = "offline",
                                              .payment_method_ref = "pm_card_visa",
                                              .terms_version = "2026-11-01",
                                              .new_expires_at = until,
                                              .created_at = at,
                                              .updated_at = at});
    });
  }

  int keys_ = 0;
};

TEST_P(ReportsContract, ChargesSinceADateAndEverySucceededOne) {
  const UserId user = NewUser("payer@example.com");
  const auto l = NewLicense(user, kNow + days(20));
  const Instant since = kNow - days(30);
  Charge(l, ChargeKind::kPurchase, ChargeStatus::kSucceeded, kNow - days(100), 0, 1,
         kNow - days(70));  // old, paid
  Charge(l, ChargeKind::kAutoRenewal, ChargeStatus::kFailed, kNow - days(71), 1, 1, {});  // old
  Charge(l, ChargeKind::kAutoRenewal, ChargeStatus::kFailed, kNow - days(11), 2, 1, {});
  Charge(l, ChargeKind::kAutoRenewal, ChargeStatus::kSucceeded, kNow - days(10), 2, 2,
         kNow + days(20));
  Charge(l, ChargeKind::kInstances, ChargeStatus::kPending, kNow - days(1), 3, 1, {});

  const auto charges = store_->Read()->reports().Charges(since);
  ASSERT_EQ(charges.size(), 4u) << "the old decline is left out";
  EXPECT_EQ(charges[0].kind, ChargeKind::kPurchase);
  EXPECT_EQ(charges[0].at, kNow - days(100));
  EXPECT_EQ(charges[0].new_expires_at, kNow - days(70));
  EXPECT_EQ(charges[0].amount_cents, 5001);
  EXPECT_EQ(charges[0].license_id, l.id.value);
  EXPECT_EQ(charges[1].status, ChargeStatus::kFailed);
  EXPECT_EQ(charges[1].period_key, 2);
  EXPECT_EQ(charges[1].new_expires_at, std::nullopt);
  EXPECT_EQ(charges[2].attempt, 2);
  EXPECT_EQ(charges[2].kind, ChargeKind::kAutoRenewal);
  EXPECT_EQ(charges[3].status, ChargeStatus::kPending);
  EXPECT_EQ(charges[3].kind, ChargeKind::kInstances);
}

TEST_P(ReportsContract, GrantsLicensesAndCancellations) {
  const UserId staff = NewUser("staff@example.com");
  const UserId user = NewUser("c@example.com");
  const auto l = NewLicense(user, kNow + days(3));
  const auto none = NewLicense(NewUser("none@example.com"), std::nullopt);
  Write([&](app::UnitOfWork& uow) {
    uow.license_grants().Insert(app::LicenseGrant{.license_id = l.id,
                                                  .days = 3,
                                                  .reason = "sorry",
                                                  .staff_id = staff,
                                                  .expires_before = kNow,
                                                  .expires_after = kNow + days(3),
                                                  .created_at = kNow - hours(1)});
    uow.cancellations().Insert(app::Cancellation{.user_id = user,
                                                 .license_id = l.id,
                                                 .reason = domain::CancelReason::kTooComplex,
                                                 .license_ends_at = kNow + days(3),
                                                 .created_at = kNow - days(40)});
    uow.cancellations().Insert(app::Cancellation{.user_id = user,
                                                 .license_id = l.id,
                                                 .reason = domain::CancelReason::kUnused,
                                                 .license_ends_at = kNow + days(3),
                                                 .created_at = kNow - days(2)});
    return 0;
  });
  auto read = store_->Read();
  const auto grants = read->reports().Grants();
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].license_id, l.id.value);
  EXPECT_EQ(grants[0].at, kNow - hours(1));
  EXPECT_EQ(grants[0].expires_after, kNow + days(3));
  const auto licenses = read->reports().Licenses();
  ASSERT_EQ(licenses.size(), 2u);
  EXPECT_EQ(licenses[0].license_id, l.id.value);
  EXPECT_EQ(licenses[0].created_at, kNow - days(90));
  EXPECT_EQ(licenses[0].expires_at, kNow + days(3));
  EXPECT_EQ(licenses[1].license_id, none.id.value);
  EXPECT_EQ(licenses[1].expires_at, std::nullopt);
  const auto cancellations = read->reports().Cancellations(kNow - days(30));
  ASSERT_EQ(cancellations.size(), 1u);
  EXPECT_EQ(cancellations[0].reason, domain::CancelReason::kUnused);
  EXPECT_EQ(cancellations[0].at, kNow - days(2));
}

TEST_P(ReportsContract, FunnelStepsNeedNoAuditRowAndComeBackInOrder) {
  const UserId a = NewUser("a@example.com");
  const UserId b = NewUser("b@example.com");
  // A unit of work that only records steps commits without an audit row: no state changed.
  {
    auto uow = store_->Begin(Actor::User(a, "req-1", "192.0.2.1"));
    uow->reports().RecordFunnelStep(a, FunnelStep::kOpened, kNow - days(40));
    uow->reports().RecordFunnelStep(a, FunnelStep::kOpened, kNow - minutes(10));
    uow->reports().RecordFunnelStep(b, FunnelStep::kTicket, kNow - minutes(5));
    uow->reports().RecordFunnelStep(a, FunnelStep::kContinued, kNow - minutes(9));
    EXPECT_NO_THROW(uow->Commit());
  }
  {
    auto read = store_->Read();
    EXPECT_THROW(read->reports().RecordFunnelStep(a, FunnelStep::kConfirmed, kNow),
                 std::logic_error);
  }
  const auto steps = store_->Read()->reports().Funnel(kNow - days(30));
  ASSERT_EQ(steps.size(), 3u) << "the step 40 days ago is before the date";
  EXPECT_EQ(steps[0].user_id, a.value);
  EXPECT_EQ(steps[0].step, FunnelStep::kOpened);
  EXPECT_EQ(steps[1].step, FunnelStep::kContinued);  // by time
  EXPECT_EQ(steps[1].at, kNow - minutes(9));
  EXPECT_EQ(steps[2].user_id, b.value);
  EXPECT_EQ(steps[2].step, FunnelStep::kTicket);
  // Nothing about the license or the audit log: the record is the funnel's own.
  EXPECT_EQ(store_->Read()->audit_log().Recent(100).size(), 2u) << "the two users' rows only";
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage

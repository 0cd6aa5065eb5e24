// Time-travel scenarios for the license's money and time (issue 4, item 7; PRODUCT.md: The
// license, "License rules in one table", Payments), through the app layer: BillingService,
// RenewalService and RenewalJob on SQLite with the offline provider and a FakeClock that the
// tests move (habit 1: never sleep). Every charge is checked to the cent and every state to
// the second.
//
// Each scenario runs on every calendar below: a plain date, a month end (Jan 31 -> Feb 28),
// the leap year 2028 (Jan 31 -> Feb 29, and Feb 29 itself), a customer in New York renewing
// across the March DST change (local time kept), and customers in UTC-12 and UTC+14 whose
// local date differs from the UTC one. The expected instants were computed independently of
// the product (Python's zoneinfo: local date + 1 month, clamped to the month's last day,
// same local time of day) and checked by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "app/accounts.hpp"
#include "app/billing.hpp"
#include "app/renewal.hpp"
#include "app/store/actor.hpp"
#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/outbox.hpp"
#include "app/store/users.hpp"
#include "domain/terms.hpp"
#include "integrations/offline/offline_gateway.hpp"
#include "jobs/renewal_job.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;
using domain::AutoRenewOffReason;
using domain::LicenseStatus;

constexpr Seconds kDay{24 * 3600};

// The offline provider's test cards (Stripe's numbers).
constexpr const char* kSucceeds = "4242424242424242";
constexpr const char* kDeclined = "4000000000000002";        // generic_decline
constexpr const char* kNoFunds = "4000000000009995";         // insufficient_funds
constexpr const char* kAttachThenFail = "4000000000000341";  // card_declined

// Email subjects (app/emails.cpp).
constexpr const char* kReminder = "Your license renews soon";
constexpr const char* kFailed = "Your payment didn't go through";
constexpr const char* kExpired = "Your license has expired";
constexpr const char* kCanceled = "Your license will not renew";
constexpr const char* kResubscribed = "Your license will renew automatically";
std::string ReceiptFor(int64_t cents) {
  return "Receipt: " + Money::Cents(cents).Format() + " paid";
}

// Instants compare as RFC 3339 text so that a failure reads as a date.
std::string Rfc(Instant t) { return FormatRfc3339(t); }
std::string Rfc(const std::optional<Instant>& t) { return t ? FormatRfc3339(*t) : "(none)"; }

Instant At(const char* rfc3339) {
  const auto t = ParseRfc3339(rfc3339);
  if (!t) throw std::invalid_argument(std::string("bad instant in the table: ") + rfc3339);
  return *t;
}

// Where a license's expiration date falls and what the product must compute from it.
struct Calendar {
  const char* name;
  const char* zone;       // IANA name saved on the customer; "" leaves it unset (UTC)
  const char* e0;         // expires_at when the scenario starts
  const char* e1;         // e0 + 1 month on the customer's calendar
  const char* e2;         // e1 + 1 month
  const char* grace_end;  // (e0 + 1 day) + 1 month: renewed at the first second past grace
  const char* late14;     // (e0 + 14 days) + 1 month
  const char* late15;     // (e0 + 15 days) + 1 month
  const char* lapsed20;   // (e0 + 20 days) + 1 month
};

// Local times in the comments.
const Calendar kCalendars[] = {
    // May 10 10:00 UTC: no edge at all.
    {"Utc", "", "2027-05-10T10:00:00Z", "2027-06-10T10:00:00Z", "2027-07-10T10:00:00Z",
     "2027-06-11T10:00:00Z", "2027-06-24T10:00:00Z", "2027-06-25T10:00:00Z",
     "2027-06-30T10:00:00Z"},
    // Jan 31 -> Feb 28 -> Mar 28 (one month on the current date, PRODUCT.md).
    {"MonthEnd", "", "2027-01-31T10:00:00Z", "2027-02-28T10:00:00Z", "2027-03-28T10:00:00Z",
     "2027-03-01T10:00:00Z", "2027-03-14T10:00:00Z", "2027-03-15T10:00:00Z",
     "2027-03-20T10:00:00Z"},
    // Leap year: Jan 31 -> Feb 29 -> Mar 29.
    {"LeapYear", "", "2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z", "2028-03-29T10:00:00Z",
     "2028-03-01T10:00:00Z", "2028-03-14T10:00:00Z", "2028-03-15T10:00:00Z",
     "2028-03-20T10:00:00Z"},
    // Expiring on Feb 29 itself -> Mar 29; Mar 1 + 1 month = Apr 1.
    {"Feb29", "", "2028-02-29T10:00:00Z", "2028-03-29T10:00:00Z", "2028-04-29T10:00:00Z",
     "2028-04-01T10:00:00Z", "2028-04-14T10:00:00Z", "2028-04-15T10:00:00Z",
     "2028-04-20T10:00:00Z"},
    // New York, 10:00 EST on Feb 20 -> 10:00 EDT on Mar 20 (DST began Mar 14, 2027): 23 h
    // less in UTC. Every "from now" date also crosses the change.
    {"DstNewYork", "America/New_York", "2027-02-20T15:00:00Z", "2027-03-20T14:00:00Z",
     "2027-04-20T14:00:00Z", "2027-03-21T14:00:00Z", "2027-04-06T14:00:00Z", "2027-04-07T14:00:00Z",
     "2027-04-12T14:00:00Z"},
    // UTC-12: Jan 30 20:00 local is Jan 31 in UTC. Local Jan 30 -> Feb 28 (clamped) = Mar 1
    // 08:00 UTC; UTC arithmetic would give Feb 28.
    {"UtcMinus12", "Etc/GMT+12", "2027-01-31T08:00:00Z", "2027-03-01T08:00:00Z",
     "2027-03-29T08:00:00Z", "2027-03-01T08:00:00Z", "2027-03-14T08:00:00Z", "2027-03-15T08:00:00Z",
     "2027-03-20T08:00:00Z"},
    // UTC+14: Mar 31 08:00 local is Mar 30 in UTC. Local Mar 31 -> Apr 30 = Apr 29 18:00 UTC;
    // UTC arithmetic would give Apr 30.
    {"UtcPlus14", "Pacific/Kiritimati", "2027-03-30T18:00:00Z", "2027-04-29T18:00:00Z",
     "2027-05-29T18:00:00Z", "2027-04-30T18:00:00Z", "2027-05-13T18:00:00Z", "2027-05-14T18:00:00Z",
     "2027-05-19T18:00:00Z"},
};

void PrintTo(const Calendar& c, std::ostream* os) { *os << c.name << " (expires " << c.e0 << ")"; }

std::string CalendarName(const ::testing::TestParamInfo<Calendar>& param_info) {
  return param_info.param.name;
}

class BillingScenario : public ::testing::TestWithParam<Calendar> {
 protected:
  BillingScenario()
      : cal_(GetParam()),
        e0_(At(cal_.e0)),
        e1_(At(cal_.e1)),
        e2_(At(cal_.e2)),
        clock_(e0_ - 90 * kDay),
        store_(storage::OpenStore("sqlite://" + dir_.File("billing.db"), clock_)),
        hasher_(PasswordHasher::Minimum()),
        accounts_(*store_, clock_, hasher_, EmailContext{kUrl}),
        billing_(*store_, clock_, policy_, gateway_, EmailContext{kUrl}),
        renewal_(*store_, clock_, policy_, EmailContext{kUrl}),
        job_(*store_, billing_, clock_, policy_) {
    store_->Migrate();
  }

  static constexpr const char* kUrl = "https://licenses.example.com";

  // A customer who signed up 90 days before e0, in the calendar's zone, with a license that
  // expires at e0 (`expires` false: never bought) and `card` saved on the offline provider.
  domain::User Customer(const std::string& email, bool auto_renew, const char* card = kSucceeds,
                        bool expires = true) {
    clock_.Set(e0_ - 90 * kDay);
    auto signed_up = accounts_.SignUp(
        {.email = email, .password = "long enough pw", .accepted_terms = true}, {});
    EXPECT_TRUE(signed_up) << signed_up.error().message;
    const UserId id = signed_up->user.id;
    {
      auto uow = store_->Begin(Actor::Cli());
      auto license = *uow->licenses().FindByUser(id);
      if (expires) license.expires_at = e0_;
      license.auto_renew = auto_renew;
      license.auto_renew_off_reason = auto_renew || !expires
                                          ? AutoRenewOffReason::kNone
                                          : AutoRenewOffReason::kCancellationRequested;
      uow->licenses().Update(license);
      if (*cal_.zone) uow->users().SetTimeZone(id, cal_.zone);
      uow->users().SetEmailVerified(id, clock_.Now());  // as its link would (issue 10)
      uow->Audit("test.setup", "license", nullptr, nullptr);
      uow->Commit();
    }
    domain::User user = *store_->Read()->users().Find(id);
    EXPECT_EQ(user.time_zone, cal_.zone);
    if (card) SaveCard(user, card);
    mail_seen_ = AllMail().size();  // the sign-up's own mail is not this test's business
    return user;
  }

  void SaveCard(const domain::User& user, const char* number) {
    auto saved = billing_.SaveTestCard(Actor::User(user.id), user,
                                       {.number = number, .exp_month = 12, .exp_year = 2040});
    ASSERT_TRUE(saved) << saved.error().message;
  }

  domain::License License(const domain::User& user) {
    return *store_->Read()->licenses().FindByUser(user.id);
  }
  LicenseStatus Status(const domain::User& user) {
    auto quote = billing_.QuoteRenewal(user.id);
    EXPECT_TRUE(quote);
    return quote->status;
  }
  // Oldest first.
  std::vector<Charge> Charges(const domain::User& user) {
    auto list = billing_.History(user.id);
    std::reverse(list.begin(), list.end());
    return list;
  }
  std::vector<OutboxMessage> AllMail() {
    auto list = store_->Read()->outbox().List("", 1000);
    std::reverse(list.begin(), list.end());
    return list;
  }
  // Subjects of the emails queued since the customers were set up, oldest first.
  std::vector<std::string> Mail() {
    std::vector<std::string> subjects;
    const auto all = AllMail();
    for (size_t i = mail_seen_; i < all.size(); ++i)
      subjects.push_back(all[i].payload["subject"].get<std::string>());
    return subjects;
  }
  std::string MailText(size_t index) {  // `index` into Mail()
    return AllMail().at(mail_seen_ + index).payload["text"].get<std::string>();
  }
  // A date as the customer's emails write it: on their calendar (issue 14 item 5), so that
  // UTC-12's and UTC+14's customers read their own day, not UTC's.
  std::string LocalDate(Instant t) const { return FormatLongDate(t, TimeZone::OrUtc(cal_.zone)); }

  jobs::RenewalSummary JobAt(Instant t) {
    clock_.Set(t);
    return job_.RunOnce();
  }

  Result<Charge> Renew(const domain::User& user, Instant period, bool terms = true) {
    return billing_.Renew(Actor::User(user.id), user, ToUnix(period), terms);
  }

  static void ExpectCharge(const Charge& c, const std::string& kind, int64_t cents, Instant period,
                           int attempt, const std::string& status,
                           const std::string& failure_code = "") {
    // The words storage and receipts use, so each call below reads as the table it checks.
    EXPECT_EQ(domain::ChargeKindName(c.kind), kind);
    EXPECT_EQ(c.amount.cents(), cents) << kind << " attempt " << attempt;
    EXPECT_EQ(c.period_key, ToUnix(period)) << FormatRfc3339(FromUnix(c.period_key));
    EXPECT_EQ(c.attempt, attempt);
    EXPECT_EQ(domain::ChargeStatusName(c.status), status) << kind << " attempt " << attempt;
    EXPECT_EQ(c.failure_code, failure_code);
    EXPECT_EQ(c.currency, "usd");
    EXPECT_EQ(c.provider, "offline");
    EXPECT_EQ(c.terms_version, domain::kTermsVersion) << "the terms are stored with each payment";
    if (status != "pending") {
      EXPECT_FALSE(c.provider_payment_id.empty());
    }
  }

  static void ExpectNoDunning(const domain::License& l) {
    EXPECT_EQ(l.dunning_failures, 0);
    EXPECT_FALSE(l.dunning_first_failed_at);
    EXPECT_FALSE(l.next_attempt_at);
  }

  const Calendar cal_;
  const Instant e0_, e1_, e2_;
  testing::TempDir dir_;
  FakeClock clock_;
  domain::LicensePolicy policy_;  // PRODUCT.md defaults; held by reference by the services
  std::unique_ptr<storage::SqlStore> store_;
  PasswordHasher hasher_;
  AccountService accounts_;
  integrations::OfflineGateway gateway_;
  BillingService billing_;
  RenewalService renewal_;
  jobs::RenewalJob job_;
  size_t mail_seen_ = 0;
};

// ---- Manual renewals --------------------------------------------------------------------

TEST_P(BillingScenario, RenewEarlyAddsAMonthToTheDateAndTheAutoChargeMovesWithIt) {
  const auto ada = Customer("ada@example.com", /*auto_renew=*/true);
  clock_.Set(e0_ - 10 * kDay);
  auto quote = billing_.QuoteRenewal(ada.id);
  ASSERT_TRUE(quote);
  EXPECT_EQ(quote->status, LicenseStatus::kActive);
  EXPECT_EQ(quote->plan.period_key, ToUnix(e0_));
  EXPECT_EQ(Rfc(quote->plan.extends_from), Rfc(e0_));
  EXPECT_EQ(Rfc(quote->plan.new_expires_at), Rfc(e1_));
  EXPECT_EQ(quote->plan.amount().cents(), 5000);

  auto paid = Renew(ada, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  ExpectCharge(*paid, "renewal", 5000, e0_, 1, "succeeded");
  EXPECT_EQ(Rfc(paid->new_expires_at), Rfc(e1_));
  auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_));
  EXPECT_TRUE(license.auto_renew);
  EXPECT_EQ(Status(ada), LicenseStatus::kActive);

  // PRODUCT.md: a manual renewal while auto-renew is on moves the next automatic charge.
  auto pass = JobAt(e0_ - kDay);
  EXPECT_EQ(pass.claimed, 0);
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(JobAt(e1_ - 3 * kDay).reminders, 1);
  pass = JobAt(e1_ - kDay);
  EXPECT_EQ(pass.succeeded, 1);
  const auto charges = Charges(ada);
  ASSERT_EQ(charges.size(), 2u);
  ExpectCharge(charges[0], "renewal", 5000, e0_, 1, "succeeded");
  ExpectCharge(charges[1], "auto_renewal", 5000, e1_, 1, "succeeded");
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e2_));
  EXPECT_EQ(Mail(), (std::vector<std::string>{ReceiptFor(5000), kReminder, ReceiptFor(5000)}));
}

TEST_P(BillingScenario, RenewLapsedPastGraceAddsAMonthToNow) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ + 20 * kDay);
  EXPECT_EQ(Status(ada), LicenseStatus::kExpired);
  auto quote = billing_.QuoteRenewal(ada.id);
  EXPECT_EQ(Rfc(quote->plan.extends_from), Rfc(clock_.Now()));
  EXPECT_EQ(Rfc(quote->plan.new_expires_at), Rfc(At(cal_.lapsed20)));
  EXPECT_EQ(quote->plan.reactivation_fee.cents(), 0) << "the fee is 0 by default";

  auto paid = Renew(ada, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  ExpectCharge(*paid, "renewal", 5000, e0_, 1, "succeeded");
  const auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(At(cal_.lapsed20)));
  EXPECT_FALSE(license.auto_renew) << "a manual renewal does not subscribe";
  EXPECT_EQ(Status(ada), LicenseStatus::kActive);
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(Mail(), std::vector<std::string>{ReceiptFor(5000)});
}

TEST_P(BillingScenario, RenewInGraceExtendsFromTheExpirationDateSoNoDayIsLost) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ + kDay - 1s);  // the last second of grace
  EXPECT_EQ(Status(ada), LicenseStatus::kGrace);
  auto paid = Renew(ada, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  ExpectCharge(*paid, "renewal", 5000, e0_, 1, "succeeded");
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_));
  EXPECT_EQ(Status(ada), LicenseStatus::kActive);
}

TEST_P(BillingScenario, RenewAtTheFirstSecondPastGraceExtendsFromNow) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ + kDay);
  EXPECT_EQ(Status(ada), LicenseStatus::kExpired);
  auto paid = Renew(ada, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(At(cal_.grace_end)));
}

TEST_P(BillingScenario, FirstPurchaseStartsAMonthFromNowAndSubscribes) {
  const auto ada = Customer("ada@example.com", false, kSucceeds, /*expires=*/false);
  clock_.Set(e0_);
  auto quote = billing_.QuoteRenewal(ada.id);
  EXPECT_EQ(quote->status, LicenseStatus::kNone);
  EXPECT_EQ(quote->plan.period_key, 0);
  auto paid = billing_.Renew(Actor::User(ada.id), ada, 0, true);
  ASSERT_TRUE(paid) << paid.error().message;
  EXPECT_EQ(paid->kind, domain::ChargeKind::kPurchase);
  EXPECT_EQ(paid->amount.cents(), 5000);
  const auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_));
  EXPECT_TRUE(license.auto_renew) << "a purchase is a subscription, cancel anytime";
  EXPECT_FALSE(billing_.Renew(Actor::User(ada.id), ada, 0, true)) << "bought twice";
  EXPECT_EQ(Charges(ada).size(), 1u);
}

// ---- The renewal job ----------------------------------------------------------------------

TEST_P(BillingScenario, AutoRenewChargesOnceAtExpiryMinusTheLead) {
  const auto ada = Customer("ada@example.com", true);
  EXPECT_EQ(JobAt(e0_ - 3 * kDay - 1s).reminders, 0);
  EXPECT_EQ(JobAt(e0_ - 3 * kDay).reminders, 1);
  EXPECT_EQ(JobAt(e0_ - 2 * kDay).reminders, 0) << "one reminder per period";
  EXPECT_NE(MailText(0).find(LocalDate(e0_ - kDay)), std::string::npos) << MailText(0);

  auto pass = JobAt(e0_ - kDay - 1s);
  EXPECT_EQ(pass.claimed, 0);
  EXPECT_TRUE(Charges(ada).empty());

  pass = JobAt(e0_ - kDay);
  EXPECT_EQ(pass.claimed, 1);
  EXPECT_EQ(pass.succeeded, 1);
  auto charges = Charges(ada);
  ASSERT_EQ(charges.size(), 1u);
  ExpectCharge(charges[0], "auto_renewal", 5000, e0_, 1, "succeeded");
  EXPECT_EQ(Rfc(charges[0].new_expires_at), Rfc(e1_));
  auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_));
  EXPECT_TRUE(license.auto_renew);
  ExpectNoDunning(license);

  // A second pass, at the same instant or later in the period, charges nothing.
  for (Instant t : {e0_ - kDay, e0_ - kDay + 1s, e0_, e0_ + kDay, e1_ - 3 * kDay - 1s}) {
    pass = JobAt(t);
    EXPECT_EQ(pass.succeeded + pass.declined + pass.errors, 0) << FormatRfc3339(t);
  }
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_));
  EXPECT_EQ(Mail(), (std::vector<std::string>{kReminder, ReceiptFor(5000)}));
}

// The dunning scenarios (these two, and BillingGuards.ARenewByHandDuringDunningEndsIt) also pin
// a storage regression: when ToLicense did not read the dunning columns and email markers back,
// each pass forgot the failures (auto-renew never turned off), the reminder phase re-sent
// "renews soon" and wiped the retry time, and the next pass charged the declined card again
// (tests/storage/billing_contract_test.cpp: TheDunningStateAndEmailMarkersRoundTrip).
TEST_P(BillingScenario, DeclineThenRetryWithANewCardSucceedsWithoutLosingADay) {
  const auto ada = Customer("ada@example.com", true, kDeclined);
  JobAt(e0_ - 3 * kDay);
  auto pass = JobAt(e0_ - kDay);
  EXPECT_EQ(pass.declined, 1);
  auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_)) << "a decline changes no date";
  EXPECT_TRUE(license.auto_renew);
  EXPECT_EQ(license.dunning_failures, 1);
  EXPECT_EQ(Rfc(license.dunning_first_failed_at), Rfc(e0_ - kDay));
  EXPECT_EQ(Rfc(license.next_attempt_at), Rfc(e0_)) << "first retry 1 day after the first failure";
  EXPECT_NE(MailText(1).find("We will try again on " + LocalDate(e0_)), std::string::npos)
      << MailText(1);
  EXPECT_NE(MailText(1).find("/billing/card"), std::string::npos) << "a link to update the card";

  EXPECT_EQ(JobAt(e0_ - 1s).claimed, 0) << "not before the retry time";
  clock_.Set(e0_ - 12h);
  SaveCard(ada, kSucceeds);

  pass = JobAt(e0_);
  EXPECT_EQ(pass.succeeded, 1);
  const auto charges = Charges(ada);
  ASSERT_EQ(charges.size(), 2u);
  ExpectCharge(charges[0], "auto_renewal", 5000, e0_, 1, "failed", "generic_decline");
  ExpectCharge(charges[1], "auto_renewal", 5000, e0_, 2, "succeeded");
  EXPECT_NE(charges[0].idempotency_key, charges[1].idempotency_key);
  license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_)) << "paid in grace: extends from expires_at";
  EXPECT_TRUE(license.auto_renew);
  ExpectNoDunning(license);
  EXPECT_EQ(JobAt(e0_ + 2 * kDay).claimed, 0);
  EXPECT_EQ(Mail(), (std::vector<std::string>{kReminder, kFailed, ReceiptFor(5000)}));
}

TEST_P(BillingScenario, DeclinesUntilTheScheduleEndsTurnAutoRenewOff) {
  const auto ada = Customer("ada@example.com", true, kNoFunds);
  JobAt(e0_ - 3 * kDay);
  // Attempts at +0, +1, +3 and +5 days from the first (expires_at - 1 day).
  struct Step {
    Instant at;
    int failures_after;                 // 0: the schedule is used up
    std::optional<Instant> next_after;  // the retry it schedules
  };
  const Step steps[] = {{e0_ - kDay, 1, e0_},
                        {e0_, 2, e0_ + 2 * kDay},
                        {e0_ + 2 * kDay, 3, e0_ + 4 * kDay},
                        {e0_ + 4 * kDay, 0, std::nullopt}};
  int attempt = 0;
  for (const Step& step : steps) {
    SCOPED_TRACE(FormatRfc3339(step.at));
    if (attempt > 0) {
      EXPECT_EQ(JobAt(step.at - 1s).declined, 0) << "nothing before the retry time";
      EXPECT_EQ(Charges(ada).size(), static_cast<size_t>(attempt));
    }
    EXPECT_EQ(JobAt(step.at).declined, 1);
    ++attempt;
    const auto charges = Charges(ada);
    ASSERT_EQ(charges.size(), static_cast<size_t>(attempt));
    ExpectCharge(charges.back(), "auto_renewal", 5000, e0_, attempt, "failed",
                 "insufficient_funds");
    const auto license = License(ada);
    EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_)) << "never shortened, never moved by a decline";
    EXPECT_EQ(license.dunning_failures, step.failures_after);
    EXPECT_EQ(Rfc(license.next_attempt_at), Rfc(step.next_after));
    if (step.failures_after > 0) {
      EXPECT_TRUE(license.auto_renew);
      EXPECT_EQ(Rfc(license.dunning_first_failed_at), Rfc(e0_ - kDay));
    } else {
      EXPECT_FALSE(license.auto_renew);
      EXPECT_EQ(license.auto_renew_off_reason, AutoRenewOffReason::kPaymentFailed);
      EXPECT_FALSE(license.dunning_first_failed_at);
    }
  }
  EXPECT_EQ(Status(ada), LicenseStatus::kExpired);
  for (Instant t : {e0_ + 4 * kDay, e0_ + 6 * kDay, e0_ + 30 * kDay})
    EXPECT_EQ(JobAt(t).claimed, 0) << FormatRfc3339(t);
  EXPECT_EQ(Charges(ada).size(), 4u);
  // The expiry notice went out at e0 + grace, between the second and third attempts.
  EXPECT_EQ(Mail(),
            (std::vector<std::string>{kReminder, kFailed, kFailed, kExpired, kFailed, kFailed}));
  EXPECT_NE(MailText(5).find("We will not try again, and automatic renewal is now off"),
            std::string::npos)
      << MailText(5);
  EXPECT_NE(MailText(5).find("50.00 USD"), std::string::npos);
}

TEST_P(BillingScenario, GraceThenExpiryAtTheExactSecondsWithOneNotice) {
  const auto ada = Customer("ada@example.com", false);
  const std::pair<Instant, LicenseStatus> table[] = {
      {e0_ - 1s, LicenseStatus::kActive},
      {e0_, LicenseStatus::kGrace},
      {e0_ + kDay - 1s, LicenseStatus::kGrace},
      {e0_ + kDay, LicenseStatus::kExpired},
  };
  for (const auto& [t, status] : table) {
    clock_.Set(t);
    EXPECT_EQ(Status(ada), status) << FormatRfc3339(t);
  }
  EXPECT_EQ(JobAt(e0_ + kDay - 1s).expiry_notices, 0);
  EXPECT_EQ(JobAt(e0_ + kDay).expiry_notices, 1);
  EXPECT_EQ(JobAt(e0_ + kDay).expiry_notices, 0);
  EXPECT_EQ(JobAt(e0_ + 10 * kDay).expiry_notices, 0);
  EXPECT_EQ(Mail(), std::vector<std::string>{kExpired});
  EXPECT_NE(MailText(0).find(LocalDate(e0_)), std::string::npos) << MailText(0);
  EXPECT_TRUE(Charges(ada).empty());
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e0_));
}

TEST_P(BillingScenario, ReactivationFeeOnlyMoreThan14DaysAfterExpiry) {
  policy_.reactivation_fee = Money::Cents(1500);
  const auto on_day_14 = Customer("fourteen@example.com", false);
  const auto just_after = Customer("justafter@example.com", false);
  const auto on_day_15 = Customer("fifteen@example.com", false);

  clock_.Set(e0_ + 14 * kDay);
  auto paid = Renew(on_day_14, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  ExpectCharge(*paid, "renewal", 5000, e0_, 1, "succeeded");
  EXPECT_EQ(Rfc(License(on_day_14).expires_at), Rfc(At(cal_.late14)));

  clock_.Set(e0_ + 14 * kDay + 1s);
  auto quote = billing_.QuoteRenewal(just_after.id);
  EXPECT_EQ(quote->plan.reactivation_fee.cents(), 1500);
  EXPECT_EQ(quote->plan.amount().cents(), 6500);

  clock_.Set(e0_ + 15 * kDay);
  paid = Renew(on_day_15, e0_);
  ASSERT_TRUE(paid) << paid.error().message;
  ExpectCharge(*paid, "renewal", 6500, e0_, 1, "succeeded");
  EXPECT_EQ(Rfc(License(on_day_15).expires_at), Rfc(At(cal_.late15)));
  EXPECT_EQ(Mail(), (std::vector<std::string>{ReceiptFor(5000), ReceiptFor(6500)}));
}

TEST_P(BillingScenario, InstancesAt60And15DaysAreProratedAndJoinTheNextRenewal) {
  const auto ada = Customer("ada@example.com", true);
  clock_.Set(e0_ - 60 * kDay);
  auto quote = billing_.QuoteInstances(ada.id);
  ASSERT_TRUE(quote);
  EXPECT_EQ(quote->days_remaining, 60);
  EXPECT_EQ(quote->price_each.cents(), 10000);
  auto bought = billing_.AddInstances(Actor::User(ada.id), ada, 1, "form-token-60-days-0001", true);
  ASSERT_TRUE(bought) << bought.error().message;
  EXPECT_EQ(bought->kind, domain::ChargeKind::kInstances);
  EXPECT_EQ(bought->amount.cents(), 10000);
  EXPECT_EQ(bought->status, domain::ChargeStatus::kSucceeded);
  EXPECT_EQ(License(ada).instances, 2);
  // The same form posted twice buys once.
  EXPECT_FALSE(billing_.AddInstances(Actor::User(ada.id), ada, 1, "form-token-60-days-0001", true));
  EXPECT_EQ(License(ada).instances, 2);

  clock_.Set(e0_ - 15 * kDay);
  quote = billing_.QuoteInstances(ada.id);
  EXPECT_EQ(quote->days_remaining, 15);
  EXPECT_EQ(quote->price_each.cents(), 2500);
  bought = billing_.AddInstances(Actor::User(ada.id), ada, 1, "form-token-15-days-0001", true);
  ASSERT_TRUE(bought) << bought.error().message;
  EXPECT_EQ(bought->amount.cents(), 2500);
  auto license = License(ada);
  EXPECT_EQ(license.instances, 3);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_)) << "all instances expire together";

  EXPECT_EQ(billing_.QuoteRenewal(ada.id)->plan.amount().cents(), 15000);
  EXPECT_EQ(JobAt(e0_ - kDay).succeeded, 1);
  const auto charges = Charges(ada);
  ASSERT_EQ(charges.size(), 3u);
  EXPECT_EQ(charges[0].amount.cents(), 10000);
  EXPECT_EQ(charges[0].instances_added, 1);
  EXPECT_EQ(charges[1].amount.cents(), 2500);
  ExpectCharge(charges[2], "auto_renewal", 15000, e0_, 1, "succeeded");
  license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_));
  EXPECT_EQ(license.instances, 3);
  EXPECT_EQ(Mail(),
            (std::vector<std::string>{ReceiptFor(10000), ReceiptFor(2500), ReceiptFor(15000)}));
}

TEST_P(BillingScenario, CancelThenTheLicenseExpiresOnItsDateWithoutACharge) {
  const auto ada = Customer("ada@example.com", true);
  clock_.Set(e0_ - 10 * kDay);
  auto canceled = renewal_.ConfirmCancel(Actor::User(ada.id), ada, {.reason = "too_expensive"});
  ASSERT_TRUE(canceled) << canceled.error().message;
  auto license = License(ada);
  EXPECT_FALSE(license.auto_renew);
  EXPECT_EQ(license.auto_renew_off_reason, AutoRenewOffReason::kCancellationRequested);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_));
  EXPECT_NE(MailText(0).find(LocalDate(e0_)), std::string::npos) << MailText(0);

  EXPECT_EQ(JobAt(e0_ - 3 * kDay).reminders, 0);
  EXPECT_EQ(JobAt(e0_ - kDay).claimed, 0);
  EXPECT_EQ(JobAt(e0_).claimed, 0);
  EXPECT_EQ(Status(ada), LicenseStatus::kGrace);
  EXPECT_EQ(JobAt(e0_ + kDay).expiry_notices, 1);
  EXPECT_EQ(Status(ada), LicenseStatus::kExpired);
  EXPECT_TRUE(Charges(ada).empty());
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e0_));
  EXPECT_EQ(Mail(), (std::vector<std::string>{kCanceled, kExpired}));
}

TEST_P(BillingScenario, ResubscribeAfterLapseChargesFromNowWithTheFee) {
  policy_.reactivation_fee = Money::Cents(1500);
  const auto ada = Customer("ada@example.com", false);
  EXPECT_EQ(JobAt(e0_ + kDay).expiry_notices, 1);
  clock_.Set(e0_ + 20 * kDay);
  auto on = renewal_.Resubscribe(Actor::User(ada.id), ada);
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->changed);
  EXPECT_TRUE(License(ada).auto_renew);

  auto pass = JobAt(e0_ + 20 * kDay);
  EXPECT_EQ(pass.succeeded, 1);
  const auto charges = Charges(ada);
  ASSERT_EQ(charges.size(), 1u);
  ExpectCharge(charges[0], "auto_renewal", 6500, e0_, 1, "succeeded");
  const auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(At(cal_.lapsed20)));
  EXPECT_TRUE(license.auto_renew);
  EXPECT_EQ(Status(ada), LicenseStatus::kActive);
  EXPECT_EQ(JobAt(e0_ + 20 * kDay).claimed, 0);
  EXPECT_EQ(Mail(), (std::vector<std::string>{kExpired, kResubscribed, ReceiptFor(6500)}));
}

INSTANTIATE_TEST_SUITE_P(Calendars, BillingScenario, ::testing::ValuesIn(kCalendars), CalendarName);

// ---- Guards: double clicks, stale tabs, the terms tick, declines -------------------------
// Calendar-independent: run on the first calendar only.
class BillingGuards : public BillingScenario {};

TEST_P(BillingGuards, ADoubleClickedRenewChargesOnce) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ - 5 * kDay);
  ASSERT_TRUE(Renew(ada, e0_));
  auto again = Renew(ada, e0_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_)) << "one month, not two";
}

TEST_P(BillingGuards, TwoTabsRenewingAtOnceChargeOnce) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ - 5 * kDay);
  std::atomic<int> paid = 0;
  std::vector<std::thread> tabs;
  for (int i = 0; i < 4; ++i)
    tabs.emplace_back([&] {
      if (auto r = Renew(ada, e0_); r && r->status == domain::ChargeStatus::kSucceeded) ++paid;
    });
  for (auto& t : tabs) t.join();
  EXPECT_EQ(paid, 1);
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_));
}

TEST_P(BillingGuards, AStalePeriodKeyIsRefused) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ - 5 * kDay);
  ASSERT_TRUE(Renew(ada, e0_));
  // A tab opened before the renewal, and a key that never was a period.
  for (Instant stale : {e0_, e0_ - 31 * kDay, e1_ + kDay}) {
    auto r = Renew(ada, stale);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().message;
  }
  EXPECT_EQ(Charges(ada).size(), 1u);
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_));
  // The current period still renews.
  ASSERT_TRUE(Renew(ada, e1_));
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e2_));
}

TEST_P(BillingGuards, WithoutTheTermsTickNothingIsCharged) {
  const auto ada = Customer("ada@example.com", false);
  clock_.Set(e0_ - 5 * kDay);
  auto r = Renew(ada, e0_, /*terms=*/false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().field, "terms");
  auto i = billing_.AddInstances(Actor::User(ada.id), ada, 1, "form-token-no-terms-01", false);
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().field, "terms");
  EXPECT_TRUE(Charges(ada).empty()) << "not even a pending row";
  const auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_));
  EXPECT_EQ(license.instances, 1);
  EXPECT_TRUE(Mail().empty());
}

TEST_P(BillingGuards, ADeclinedRenewalChangesNothingAndCanBeRetried) {
  const auto ada = Customer("ada@example.com", false, kAttachThenFail);
  clock_.Set(e0_ - 5 * kDay);
  auto r = Renew(ada, e0_);
  ASSERT_TRUE(r) << r.error().message;
  ExpectCharge(*r, "renewal", 5000, e0_, 1, "failed", "card_declined");
  auto i = billing_.AddInstances(Actor::User(ada.id), ada, 2, "form-token-declined-01", true);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->status, domain::ChargeStatus::kFailed);
  auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e0_));
  EXPECT_EQ(license.instances, 1);
  ExpectNoDunning(license);  // dunning is for automatic charges
  EXPECT_TRUE(Mail().empty()) << "the customer saw the decline on the page";

  SaveCard(ada, kSucceeds);
  r = Renew(ada, e0_);
  ASSERT_TRUE(r) << r.error().message;
  ExpectCharge(*r, "renewal", 5000, e0_, 2, "succeeded");
  EXPECT_EQ(Rfc(License(ada).expires_at), Rfc(e1_));
}

TEST_P(BillingGuards, ARenewByHandDuringDunningEndsIt) {
  const auto ada = Customer("ada@example.com", true, kDeclined);
  JobAt(e0_ - 3 * kDay);
  EXPECT_EQ(JobAt(e0_ - kDay).declined, 1);
  clock_.Set(e0_ - 12h);
  SaveCard(ada, kSucceeds);
  auto r = Renew(ada, e0_);
  ASSERT_TRUE(r) << r.error().message;
  ExpectCharge(*r, "renewal", 5000, e0_, 2, "succeeded");
  auto license = License(ada);
  EXPECT_EQ(Rfc(license.expires_at), Rfc(e1_));
  EXPECT_TRUE(license.auto_renew);
  ExpectNoDunning(license);
  EXPECT_EQ(JobAt(e0_).claimed, 0) << "the retry is not needed any more";
  EXPECT_EQ(Charges(ada).size(), 2u);
  EXPECT_EQ(Mail(), (std::vector<std::string>{kReminder, kFailed, ReceiptFor(5000)}));
}

INSTANTIATE_TEST_SUITE_P(Utc, BillingGuards, ::testing::Values(kCalendars[0]), CalendarName);

}  // namespace
}  // namespace tenure::app

#pragma once
// The license's whole lifecycle, on one screen (PRODUCT.md: The license, "License rules in one
// table"; issue 8). Every way a license changes is a LicenseEvent; Decide() says what an event
// does in each state, Apply() makes it so. Use cases ask Decide() before they act and never
// move a date, the auto-renew flag or a suspension by hand.
//
// Two questions per event, answered together:
// - `refusal`: may a person or a job start it now? Refused requests change nothing and move
//   no money.
// - the effects: what happens when it has happened. A payment that went through is always
//   applied, whatever its refusal says now (payments are final: a dispute opened while a
//   renewal was being charged does not swallow the month that was paid).
#include <optional>
#include <span>
#include <string_view>

#include "core/time_zone.hpp"
#include "domain/charge.hpp"
#include "domain/license.hpp"

namespace tenure::domain {

enum class LicenseEvent {
  kPurchase,          // the first month was paid
  kRenew,             // a manual renewal was paid (Renew now)
  kAutoRenewCharged,  // an automatic renewal was paid
  kPaymentFailed,     // an automatic renewal was declined; dunning retries it
  kDunningExhausted,  // the last retry was declined
  kCancel,            // Confirm Cancel
  kResubscribe,       // Subscribe (cancel anytime)
  kGrantDays,         // staff granted days (never money)
  kDisputeOpened,     // the payment processor reported a dispute
  kDisputeClosed,     // ... and closed it in the customer's favour
  kSuspensionLifted,  // staff lifted a suspension
  kInstancesAdded,    // extra instances were paid
  kInstancesRemoved,  // fewer instances, from the next renewal
  kDeactivated,       // Deactivate license: every machine signed out
  kDue,               // time: an automatic renewal is due (expires_at - lead)
  kGraceBegan,        // time: expires_at passed
  kExpired,           // time: the grace period ended
};

// The status with the auto-renew flag beside it (PRODUCT.md: "a flag beside the status").
enum class LicenseState {
  kNone,  // never bought (auto-renew is off)
  kActiveRenewing,
  kActiveEnding,
  kGraceRenewing,
  kGraceEnding,
  kExpiredRenewing,  // dunning may still be retrying
  kExpiredEnding,
  kSuspendedRenewing,
  kSuspendedEnding,
};

// Why a request is turned down; each has one message for people (RefusalMessage).
enum class Refusal {
  kNone,
  kNoLicense,        // nothing bought yet
  kAlreadyLicensed,  // a purchase on a license that has a date: it is a renewal
  kSuspended,        // a dispute is open
  kLapsed,           // instances share the date: renew first
  kNotSuspended,     // nothing to lift
  kNotNow,           // a time event that does not apply in this state
};

enum class DateChange { kKeep, kOneMonth, kDays };  // both from RenewalBase()
enum class AutoRenewChange { kKeep, kOn, kOffCanceled, kOffPaymentFailed };
enum class SuspensionChange { kKeep, kSuspend, kLift };
enum class DunningChange { kKeep, kRecordFailure, kReset };
// What the use case does beside the record: charge, email, machines.
enum class Action {
  kNone,
  kChargeAutoRenewal,
  kSendExpiryNotice,
  kAddInstances,
  kRemoveInstancesAtRenewal,
  kSignOutMachines,
};

struct Transition {
  Refusal refusal = Refusal::kNone;
  DateChange date = DateChange::kKeep;
  AutoRenewChange auto_renew = AutoRenewChange::kKeep;
  SuspensionChange suspension = SuspensionChange::kKeep;
  DunningChange dunning = DunningChange::kKeep;
  Action action = Action::kNone;

  bool refused() const { return refusal != Refusal::kNone; }
  // False when the event leaves the record as it is (confirming twice cancels once).
  bool ChangesRecord() const;
};

std::span<const LicenseEvent> AllLicenseEvents();
std::span<const LicenseState> AllLicenseStates();
std::string_view LicenseEventName(LicenseEvent event);  // "auto_renew_charged"
std::string_view LicenseStateName(LicenseState state);  // "active_renewing"
std::string_view RefusalMessage(Refusal refusal);       // for people

LicenseState StateOf(const License& license, Instant now, Seconds grace);
Transition Decide(LicenseState state, LicenseEvent event);

// What Apply() needs besides the record: the moment, the seller's terms, the customer's
// calendar, and the days of a grant.
struct EventContext {
  Instant now;
  const LicensePolicy& policy;
  const TimeZone& zone;
  int days = 0;  // kDays
};

// Where a paid month or granted days start: expires_at while the license is active or in
// grace (no day lost or gained), now once it lapsed or was never bought (PRODUCT.md).
Instant RenewalBase(const License& license, Instant now, Seconds grace);

// Applies the transition's effects to the record. Actions are the caller's.
void Apply(License& license, const Transition& transition, const EventContext& context);

// A declined automatic renewal is kPaymentFailed while the dunning schedule has a retry left,
// kDunningExhausted once it has none (PRODUCT.md: dunning).
LicenseEvent DeclinedAutoRenewal(const License& license, Instant now, const LicensePolicy& policy);

// What a succeeded charge of `kind` is: kPurchase, kRenew, kAutoRenewCharged, kInstancesAdded.
LicenseEvent PaidEvent(ChargeKind kind);

// The instants the time events are selected by in SQL, so the queries and the table agree:
// an auto-renewal is due once expires_at <= DueBefore(now); its reminder goes out once
// expires_at <= ReminderBefore(now); the grace period is over once
// expires_at <= ExpiredBefore(now).
Instant DueBefore(Instant now, const LicensePolicy& policy);
Instant ReminderBefore(Instant now, const LicensePolicy& policy);
Instant ExpiredBefore(Instant now, const LicensePolicy& policy);

}  // namespace tenure::domain

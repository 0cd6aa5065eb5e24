#include "domain/lifecycle.hpp"

#include <array>

#include "domain/billing.hpp"

namespace tenure::domain {
namespace {

constexpr std::array kEvents{LicenseEvent::kPurchase,
                             LicenseEvent::kRenew,
                             LicenseEvent::kAutoRenewCharged,
                             LicenseEvent::kPaymentFailed,
                             LicenseEvent::kDunningExhausted,
                             LicenseEvent::kCancel,
                             LicenseEvent::kResubscribe,
                             LicenseEvent::kGrantDays,
                             LicenseEvent::kDisputeOpened,
                             LicenseEvent::kDisputeClosed,
                             LicenseEvent::kSuspensionLifted,
                             LicenseEvent::kInstancesAdded,
                             LicenseEvent::kInstancesRemoved,
                             LicenseEvent::kDeactivated,
                             LicenseEvent::kDue,
                             LicenseEvent::kGraceBegan,
                             LicenseEvent::kExpired};

constexpr std::array kStates{
    LicenseState::kNone,          LicenseState::kActiveRenewing,    LicenseState::kActiveEnding,
    LicenseState::kGraceRenewing, LicenseState::kGraceEnding,       LicenseState::kExpiredRenewing,
    LicenseState::kExpiredEnding, LicenseState::kSuspendedRenewing, LicenseState::kSuspendedEnding};

LicenseStatus StatusPart(LicenseState s) {
  switch (s) {
    case LicenseState::kNone: return LicenseStatus::kNone;
    case LicenseState::kActiveRenewing:
    case LicenseState::kActiveEnding: return LicenseStatus::kActive;
    case LicenseState::kGraceRenewing:
    case LicenseState::kGraceEnding: return LicenseStatus::kGrace;
    case LicenseState::kExpiredRenewing:
    case LicenseState::kExpiredEnding: return LicenseStatus::kExpired;
    case LicenseState::kSuspendedRenewing:
    case LicenseState::kSuspendedEnding: return LicenseStatus::kSuspended;
  }
  return LicenseStatus::kNone;
}

bool Renewing(LicenseState s) {
  return s == LicenseState::kActiveRenewing || s == LicenseState::kGraceRenewing ||
         s == LicenseState::kExpiredRenewing || s == LicenseState::kSuspendedRenewing;
}

// Paid events keep their effects when their refusal would now turn them down (see header).
bool Paid(LicenseEvent e) {
  return e == LicenseEvent::kPurchase || e == LicenseEvent::kRenew ||
         e == LicenseEvent::kAutoRenewCharged || e == LicenseEvent::kInstancesAdded;
}

}  // namespace

std::span<const LicenseEvent> AllLicenseEvents() { return kEvents; }
std::span<const LicenseState> AllLicenseStates() { return kStates; }

bool Transition::ChangesRecord() const {
  return date != DateChange::kKeep || auto_renew != AutoRenewChange::kKeep ||
         suspension != SuspensionChange::kKeep || dunning != DunningChange::kKeep;
}

LicenseState StateOf(const License& license, Instant now, Seconds grace) {
  const bool on = license.auto_renew;
  switch (StatusAt(license, now, grace)) {
    case LicenseStatus::kNone: return LicenseState::kNone;
    case LicenseStatus::kActive:
      return on ? LicenseState::kActiveRenewing : LicenseState::kActiveEnding;
    case LicenseStatus::kGrace:
      return on ? LicenseState::kGraceRenewing : LicenseState::kGraceEnding;
    case LicenseStatus::kExpired:
      return on ? LicenseState::kExpiredRenewing : LicenseState::kExpiredEnding;
    case LicenseStatus::kSuspended:
      return on ? LicenseState::kSuspendedRenewing : LicenseState::kSuspendedEnding;
  }
  return LicenseState::kNone;
}

// The rules, one event at a time. tests/domain/lifecycle_test.cpp holds the same answers
// written out as a table for every (state, event) pair.
Transition Decide(LicenseState state, LicenseEvent event) {
  using enum LicenseStatus;
  const LicenseStatus status = StatusPart(state);
  const bool on = Renewing(state);
  const bool none = status == kNone;
  const bool suspended = status == kSuspended;
  Transition t;
  switch (event) {
    case LicenseEvent::kPurchase:
      if (!none) t.refusal = Refusal::kAlreadyLicensed;
      t.date = DateChange::kOneMonth;
      t.auto_renew = AutoRenewChange::kOn;  // a purchase is a subscription, cancel anytime
      t.dunning = DunningChange::kReset;
      break;
    case LicenseEvent::kRenew:
      if (none) t.refusal = Refusal::kNoLicense;  // the first payment is a purchase
      if (suspended) t.refusal = Refusal::kSuspended;
      t.date = DateChange::kOneMonth;  // auto-renew stays as it is: the next charge moves along
      t.dunning = DunningChange::kReset;
      break;
    case LicenseEvent::kAutoRenewCharged:
      t.date = DateChange::kOneMonth;
      t.dunning = DunningChange::kReset;
      break;
    case LicenseEvent::kPaymentFailed: t.dunning = DunningChange::kRecordFailure; break;
    case LicenseEvent::kDunningExhausted:
      if (on) t.auto_renew = AutoRenewChange::kOffPaymentFailed;
      t.dunning = DunningChange::kReset;
      break;
    case LicenseEvent::kCancel:  // stopping future charges is never refused
      if (on) t.auto_renew = AutoRenewChange::kOffCanceled;
      break;
    case LicenseEvent::kResubscribe:
      if (none) t.refusal = Refusal::kNoLicense;
      if (suspended) t.refusal = Refusal::kSuspended;
      if (!on) t.auto_renew = AutoRenewChange::kOn;
      break;
    case LicenseEvent::kGrantDays: t.date = DateChange::kDays; break;
    case LicenseEvent::kDisputeOpened:
      if (!suspended) t.suspension = SuspensionChange::kSuspend;
      break;
    case LicenseEvent::kDisputeClosed:
      if (suspended) t.suspension = SuspensionChange::kLift;
      break;
    case LicenseEvent::kSuspensionLifted:
      if (!suspended) t.refusal = Refusal::kNotSuspended;
      t.suspension = SuspensionChange::kLift;
      break;
    case LicenseEvent::kInstancesAdded:
      if (status != kActive) t.refusal = suspended ? Refusal::kSuspended : Refusal::kLapsed;
      t.action = Action::kAddInstances;
      break;
    case LicenseEvent::kInstancesRemoved:
      if (none) t.refusal = Refusal::kNoLicense;
      t.action = Action::kRemoveInstancesAtRenewal;
      break;
    case LicenseEvent::kDeactivated:
      if (none) t.refusal = Refusal::kNoLicense;
      t.action = Action::kSignOutMachines;
      break;
    case LicenseEvent::kDue:  // dunning retries are due again in grace and after
      if (!on || suspended) t.refusal = Refusal::kNotNow;
      t.action = Action::kChargeAutoRenewal;
      break;
    case LicenseEvent::kGraceBegan:  // the program warns; nothing stored changes
      if (status != kGrace) t.refusal = Refusal::kNotNow;
      break;
    case LicenseEvent::kExpired:
      if (status != kExpired) t.refusal = Refusal::kNotNow;
      t.action = Action::kSendExpiryNotice;
      break;
  }
  if (t.refused() && !Paid(event)) t = Transition{.refusal = t.refusal};
  return t;
}

Instant RenewalBase(const License& license, Instant now, Seconds grace) {
  const bool extends_date = license.expires_at && now < *license.expires_at + grace;
  return extends_date ? *license.expires_at : now;
}

void Apply(License& license, const Transition& t, const EventContext& c) {
  const LicensePolicy& policy = c.policy;
  switch (t.date) {
    case DateChange::kKeep: break;
    case DateChange::kOneMonth:
      license.expires_at = c.zone.AddMonths(RenewalBase(license, c.now, policy.grace), 1);
      // A paid month starts with the instances chosen for it (Edit Instances, issue 9).
      license.instances = InstancesAtRenewal(license);
      license.instances_at_renewal.reset();
      break;
    case DateChange::kDays:
      license.expires_at = RenewalBase(license, c.now, policy.grace) + std::chrono::days(c.days);
      break;
  }
  switch (t.auto_renew) {
    case AutoRenewChange::kKeep: break;
    case AutoRenewChange::kOn:
      license.auto_renew = true;
      license.auto_renew_off_reason = AutoRenewOffReason::kNone;
      break;
    case AutoRenewChange::kOffCanceled:
      license.auto_renew = false;
      license.auto_renew_off_reason = AutoRenewOffReason::kCancellationRequested;
      break;
    case AutoRenewChange::kOffPaymentFailed:
      license.auto_renew = false;
      license.auto_renew_off_reason = AutoRenewOffReason::kPaymentFailed;
      break;
  }
  switch (t.suspension) {
    case SuspensionChange::kKeep: break;
    case SuspensionChange::kSuspend: license.suspended_at = c.now; break;
    case SuspensionChange::kLift: license.suspended_at.reset(); break;
  }
  switch (t.dunning) {
    case DunningChange::kKeep: break;
    case DunningChange::kRecordFailure:
      license.dunning_failures += 1;
      if (!license.dunning_first_failed_at) license.dunning_first_failed_at = c.now;
      license.next_attempt_at =
          NextDunningAttempt(*license.dunning_first_failed_at, license.dunning_failures, policy);
      break;
    case DunningChange::kReset:
      license.dunning_failures = 0;
      license.dunning_first_failed_at.reset();
      license.next_attempt_at.reset();
      break;
  }
  if (t.ChangesRecord()) license.updated_at = c.now;
}

LicenseEvent DeclinedAutoRenewal(const License& license, Instant now, const LicensePolicy& policy) {
  const Instant first = license.dunning_first_failed_at.value_or(now);
  return NextDunningAttempt(first, license.dunning_failures + 1, policy)
             ? LicenseEvent::kPaymentFailed
             : LicenseEvent::kDunningExhausted;
}

Instant DueBefore(Instant now, const LicensePolicy& policy) { return now + policy.renewal_lead; }
Instant ReminderBefore(Instant now, const LicensePolicy& policy) {
  return now + policy.reminder_before;
}
Instant ExpiredBefore(Instant now, const LicensePolicy& policy) { return now - policy.grace; }

std::string_view LicenseEventName(LicenseEvent event) {
  switch (event) {
    case LicenseEvent::kPurchase: return "purchase";
    case LicenseEvent::kRenew: return "renew";
    case LicenseEvent::kAutoRenewCharged: return "auto_renew_charged";
    case LicenseEvent::kPaymentFailed: return "payment_failed";
    case LicenseEvent::kDunningExhausted: return "dunning_exhausted";
    case LicenseEvent::kCancel: return "cancel";
    case LicenseEvent::kResubscribe: return "resubscribe";
    case LicenseEvent::kGrantDays: return "grant_days";
    case LicenseEvent::kDisputeOpened: return "dispute_opened";
    case LicenseEvent::kDisputeClosed: return "dispute_closed";
    case LicenseEvent::kSuspensionLifted: return "suspension_lifted";
    case LicenseEvent::kInstancesAdded: return "instances_added";
    case LicenseEvent::kInstancesRemoved: return "instances_removed";
    case LicenseEvent::kDeactivated: return "deactivated";
    case LicenseEvent::kDue: return "due";
    case LicenseEvent::kGraceBegan: return "grace_began";
    case LicenseEvent::kExpired: return "expired";
  }
  return "";
}

std::string_view LicenseStateName(LicenseState state) {
  switch (state) {
    case LicenseState::kNone: return "none";
    case LicenseState::kActiveRenewing: return "active_renewing";
    case LicenseState::kActiveEnding: return "active_ending";
    case LicenseState::kGraceRenewing: return "grace_renewing";
    case LicenseState::kGraceEnding: return "grace_ending";
    case LicenseState::kExpiredRenewing: return "expired_renewing";
    case LicenseState::kExpiredEnding: return "expired_ending";
    case LicenseState::kSuspendedRenewing: return "suspended_renewing";
    case LicenseState::kSuspendedEnding: return "suspended_ending";
  }
  return "";
}

std::string_view RefusalMessage(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone: return "";
    case Refusal::kNoLicense:
      return "You don't have a license yet. Buy one first; it renews automatically.";
    case Refusal::kAlreadyLicensed: return "This account already has a license; renew it instead.";
    case Refusal::kSuspended:
      return "Your license is suspended while a payment dispute is open. Please contact support.";
    case Refusal::kLapsed: return "Renew your license first; instances share its date.";
    case Refusal::kNotSuspended: return "This license is not suspended.";
    case Refusal::kNotNow: return "Nothing to do for this license now.";
  }
  return "";
}

LicenseEvent PaidEvent(ChargeKind kind) {
  switch (kind) {
    case ChargeKind::kPurchase: return LicenseEvent::kPurchase;
    case ChargeKind::kRenewal: return LicenseEvent::kRenew;
    case ChargeKind::kAutoRenewal: return LicenseEvent::kAutoRenewCharged;
    case ChargeKind::kInstances: return LicenseEvent::kInstancesAdded;
  }
  return LicenseEvent::kRenew;
}

}  // namespace tenure::domain

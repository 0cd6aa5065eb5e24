#include "app/customer_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/store/audit_log.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/outbox.hpp"
#include "app/store/tickets.hpp"
#include "app/store/unit_of_work.hpp"
#include "app/store/users.hpp"
#include "core/money.hpp"
#include "domain/cancellation.hpp"
#include "domain/ticket.hpp"

namespace tenure::app {
namespace {

// What each audited change reads as; changes missing here read as their action's name, and
// bookkeeping nobody asks about (a password rehash, refreshed Discord tokens) is left out.
const std::map<std::string_view, std::pair<const char*, const char*>>& Sentences() {
  static const std::map<std::string_view, std::pair<const char*, const char*>> kSentences = {
      // action -> {kind, sentence}
      {"user.sign_up", {"account", "Signed up"}},
      {"user.sign_in_failed", {"account", "A sign-in failed"}},
      {"user.password_change", {"account", "Changed the password"}},
      {"user.password_reset", {"account", "Reset the password"}},
      {"user.email_verified", {"account", "Confirmed the email address"}},
      {"user.time_zone", {"account", "Set the time zone"}},
      {"user.role", {"account", "Role changed"}},
      {"two_factor.enable", {"account", "Turned on two-factor authentication"}},
      {"two_factor.disable", {"account", "Turned off two-factor authentication"}},
      {"two_factor.recovery_code_used", {"account", "Signed in with a recovery code"}},
      {"session.create", {"account", "Signed in"}},
      {"session.delete", {"account", "Signed out a session"}},
      {"session.delete_all", {"account", "Every session signed out"}},
      {"session.delete_others", {"account", "Signed out everywhere else"}},
      {"payment_method.add", {"payment", "Saved a card"}},
      {"discord.bind", {"account", "Bound Discord"}},
      {"discord.unbind", {"account", "Unbound Discord"}},
      {"discord.resync", {"account", "Discord roles re-synced by staff"}},
      {"license.create", {"license", "License created"}},
      {"license.renew", {"license", "License renewed"}},
      {"license.cancel_renewal", {"license", "Cancelled auto-renew (Confirm Cancel)"}},
      {"license.resubscribe", {"license", "Turned auto-renew back on (Subscribe)"}},
      {"license.auto_renew_off", {"license", "Auto-renew turned off after declined payments"}},
      {"license.dunning_retry", {"license", "A declined renewal will be tried again"}},
      {"license.reminder_sent", {"email", "Renewal reminder sent"}},
      {"license.expired", {"license", "License expired"}},
      {"license.grant_days", {"license", "Days granted"}},
      {"license.suspend", {"license", "Suspended: a payment is disputed"}},
      {"license.unsuspend", {"license", "Suspension lifted"}},
      {"license.deactivate", {"machine", "Deactivate license: every machine signed out"}},
      {"license.add_instances", {"license", "Instances added"}},
      {"license.instances_at_renewal", {"license", "Instances from the next renewal changed"}},
      {"charge.receipt_resent", {"email", "Receipt sent again by staff"}},
  };
  return kSentences;
}

bool Skipped(std::string_view action) {
  return action == "user.password_rehash" || action == "discord.tokens" ||
         action == "discord.sync" || action == "discord.license_changed";
}

std::string ChargeSentence(const Charge& c) {
  const char* what = c.kind == domain::ChargeKind::kPurchase      ? "the first month"
                     : c.kind == domain::ChargeKind::kRenewal     ? "a month (Renew)"
                     : c.kind == domain::ChargeKind::kAutoRenewal ? "a month (automatic renewal)"
                                                                  : "extra instances";
  std::string amount = c.amount.Format();
  switch (c.status) {
    case domain::ChargeStatus::kSucceeded: return fmt::format("Paid {} for {}", amount, what);
    case domain::ChargeStatus::kFailed:
      return fmt::format("A charge of {} for {} was declined", amount, what);
    case domain::ChargeStatus::kPending:
      return fmt::format("A charge of {} for {} is waiting for the provider", amount, what);
  }
  return amount;
}

}  // namespace

std::vector<TimelineEvent> CustomerTimeline(UnitOfWork& read, UserId customer, size_t limit) {
  std::vector<TimelineEvent> out;
  const auto user = read.users().Find(customer);
  if (!user) return out;
  const auto license = read.licenses().FindByUser(customer);
  const std::string self = fmt::format("user:{}", customer.value);
  const int each = static_cast<int>(limit);

  // Who made a change, when it was not the customer.
  std::map<std::string, std::string> names;
  auto by = [&](const AuditEntry& e) -> std::string {
    if (e.actor == self) return "";
    if (e.actor == "system") return "by Tenure";
    if (e.actor == "cli") return "from the command line";
    if (!e.actor.starts_with("user:")) return "";
    auto [it, added] = names.try_emplace(e.actor);
    if (added) {
      const auto id = std::stoll(e.actor.substr(5));
      const auto who = read.users().Find(UserId{id});
      it->second = who ? "by " + who->email : "by " + e.actor;
    }
    return it->second;
  };

  std::vector<AuditEntry> audit = read.audit_log().ForSubject(self, each);
  if (license) {
    auto more = read.audit_log().ForSubject(fmt::format("license:{}", license->id.value), each);
    audit.insert(audit.end(), more.begin(), more.end());
  }
  for (const AuditEntry& e : audit) {
    if (Skipped(e.action)) continue;
    const auto sentence = Sentences().find(e.action);
    TimelineEvent ev{.at = e.at,
                     .kind = sentence != Sentences().end() ? sentence->second.first : "account",
                     .what = sentence != Sentences().end() ? sentence->second.second : e.action};
    const auto after = nlohmann::json::parse(e.after, nullptr, false);
    std::vector<std::string> detail;
    if (const std::string who = by(e); !who.empty()) detail.push_back(who);
    if (after.is_object()) {
      if (after.contains("days") && after["days"].is_number_integer())
        ev.what = fmt::format("{} days granted", after["days"].get<int64_t>());
      if (after.contains("reason") && after["reason"].is_string()) {
        const std::string reason = after["reason"].get<std::string>();
        const auto parsed = domain::ParseCancelReason(reason);
        detail.push_back("Reason: " +
                         (parsed ? std::string(domain::CancelReasonLabel(*parsed)) : reason));
      }
      if (after.contains("cancellation") && after["cancellation"].is_number_integer()) {
        const auto c =
            read.cancellations().Find(CancellationId{after["cancellation"].get<int64_t>()});
        if (c && !c->comment.empty()) detail.push_back("Comment: " + c->comment);
        if (c && c->ticket_id) ev.link = fmt::format("/staff/tickets/{}", c->ticket_id->value);
      }
    }
    ev.detail = fmt::format("{}", fmt::join(detail, " · "));
    out.push_back(std::move(ev));
  }

  for (const Charge& c : read.charges().ForUser(customer, each)) {
    TimelineEvent ev{.at = c.created_at, .kind = "payment", .what = ChargeSentence(c)};
    if (c.status == domain::ChargeStatus::kFailed && !c.failure_message.empty())
      ev.detail = c.failure_message;
    out.push_back(std::move(ev));
  }
  for (const TicketRow& t : read.tickets().ForCustomer(customer, each))
    out.push_back(
        {.at = t.ticket.created_at,
         .kind = "ticket",
         .what = fmt::format("Opened ticket #{}: {}", t.ticket.id.value, t.ticket.subject),
         .detail =
             fmt::format("{}{}", domain::TicketStatusLabel(t.ticket.status),
                         t.ticket.opened_in_cancel_flow ? " · opened on the Cancel screen" : ""),
         .link = fmt::format("/staff/tickets/{}", t.ticket.id.value)});
  auto machines = read.machines().Live(customer);
  auto ended = read.machines().Ended(customer, each);
  machines.insert(machines.end(), ended.begin(), ended.end());
  for (const domain::Machine& m : machines) {
    const std::string name = m.info.name.empty() ? m.info.fingerprint : m.info.name;
    out.push_back(
        {.at = m.signed_in_at,
         .kind = "machine",
         .what = fmt::format("The program signed in on {}", name),
         .detail = fmt::format("{} · version {} · {}", m.info.os, m.info.app_version, m.address)});
    if (m.ended_at)
      out.push_back({.at = *m.ended_at,
                     .kind = "machine",
                     .what = fmt::format("{} left its instance", name),
                     .detail = m.end ? std::string(domain::MachineEndName(*m.end)) : ""});
  }
  for (const OutboxMessage& m : read.outbox().ForRecipient(user->email, each)) {
    const auto subject = m.payload.find("subject");
    out.push_back({.at = m.created_at,
                   .kind = "email",
                   .what = "Email: " + (subject != m.payload.end() && subject->is_string()
                                            ? subject->get<std::string>()
                                            : std::string("(no subject)")),
                   .detail = m.status == "sent"   ? "sent"
                             : m.status == "dead" ? "not delivered: " + m.last_error
                                                  : "queued"});
  }

  std::ranges::stable_sort(
      out, [](const TimelineEvent& a, const TimelineEvent& b) { return a.at > b.at; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace tenure::app

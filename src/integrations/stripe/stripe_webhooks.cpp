#include "integrations/stripe/stripe_webhooks.hpp"

#include "integrations/stripe/json_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <vector>

#include "app/billing.hpp"
#include "app/store/actor.hpp"
#include "app/store/charges.hpp"
#include "app/store/payments.hpp"
#include "integrations/stripe/stripe_gateway.hpp"

namespace tenure::integrations {
namespace {

using nlohmann::json;

constexpr Seconds kFirstRetry{5};
constexpr Seconds kLongestRetry{3600};
constexpr Seconds kClaimLease{300};  // longer than Stripe's retried reads of one event

using stripe_json::Member;
using stripe_json::Str;

// An expandable field: the id as a string, or the expanded object's id.
std::string IdOf(const json& field) {
  if (field.is_string()) return field.get<std::string>();
  return Str(field, "id");
}

std::optional<int64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

// Stripe's dispute statuses (API reference: The Dispute object, `status`) as what they mean
// for the license; nothing for a word this code does not know, rather than a guess.
std::optional<app::DisputeOutcome> DisputeOutcomeOf(std::string_view status) {
  for (std::string_view open :
       {"warning_needs_response", "warning_under_review", "needs_response", "under_review"})
    if (status == open) return app::DisputeOutcome::kOpen;
  // `won`: the seller kept the payment; `warning_closed`: an inquiry closed without becoming
  // a chargeback; `prevented`: stopped before it became one.
  for (std::string_view kept : {"won", "warning_closed", "prevented"})
    if (status == kept) return app::DisputeOutcome::kPaymentKept;
  if (status == "lost") return app::DisputeOutcome::kPaymentReversed;
  return std::nullopt;
}

}  // namespace

StripeWebhooks::StripeWebhooks(app::Store& store, app::BillingService& billing, const Clock& clock,
                               StripeClientOptions api, std::string endpoint_secret)
    : store_(store),
      billing_(billing),
      clock_(clock),
      client_(std::move(api)),
      secret_(std::move(endpoint_secret)) {
  if (secret_.empty()) throw std::invalid_argument("stripe: a webhook signing secret is required");
}

Result<void> StripeWebhooks::Receive(std::string_view raw_body, std::string_view signature_header,
                                     Instant wall_now) {
  if (auto verified = VerifyStripeSignature(raw_body, signature_header, secret_, wall_now);
      !verified)
    return verified;
  // Only the id and the type are read here; the raw bytes are what is stored.
  auto head = ReadStripeEvent(raw_body);
  if (!head) return std::unexpected(head.error());
  const std::string& id = head->id;
  const std::string& type = head->type;

  auto uow = store_.Begin(app::Actor{.label = "stripe"});
  // STRIPE.md: Delivery is at least once: a stored id is a replay, accepted and not stored again.
  if (!uow->stripe_events().InsertIfNew(app::StripeEvent{
          .id = id, .type = type, .payload = std::string(raw_body), .received_at = clock_.Now()}))
    return {};
  uow->Audit("stripe.event_received", "stripe_event:" + id, nullptr, {{"type", type}});
  uow->Commit();
  return {};
}

int StripeWebhooks::ProcessPending(int limit) {
  const Instant now = clock_.Now();
  // Claimed in the database, not under a mutex: two servers never apply one event at once
  // (issue 8). A worker that dies mid-event leaves a lease that lapses after kClaimLease.
  std::vector<app::StripeEvent> events;
  {
    auto uow = store_.Begin(app::Actor::System());
    events = uow->stripe_events().ClaimDue(now, now + kClaimLease, limit);
    if (events.empty()) return 0;  // nothing due: roll back rather than audit every idle poll
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& event : events) ids.push_back(event.id);
    uow->Audit("stripe.events_claimed", "stripe_events", nullptr, {{"ids", ids}});
    uow->Commit();
  }
  int processed = 0;
  for (const auto& event : events) {
    Result<std::string> result = [&]() -> Result<std::string> {
      try {
        return Apply(event);
      } catch (const std::exception& e) {  // one bad event must not stop the others
        return Fail(ErrorCode::kUnavailable, e.what());
      }
    }();
    Finish(event, result);
    if (result) ++processed;
  }
  return processed;
}

void StripeWebhooks::Finish(const app::StripeEvent& event, const Result<std::string>& result) {
  const std::string subject = "stripe_event:" + event.id;
  auto uow = store_.Begin(app::Actor::System());
  if (result) {
    uow->stripe_events().MarkProcessed(event.id, clock_.Now());
    uow->Audit("stripe.event_processed", subject, nullptr,
               {{"type", event.type}, {"result", *result}});
  } else {
    Seconds pause = kFirstRetry;  // doubles with every failed attempt, up to an hour
    for (int i = 0; i < event.attempts && pause < kLongestRetry; ++i) pause *= 2;
    uow->stripe_events().MarkFailed(event.id, result.error().message,
                                    clock_.Now() + std::min(pause, kLongestRetry));
    uow->Audit(
        "stripe.event_failed", subject, nullptr,
        {{"type", event.type}, {"attempt", event.attempts + 1}, {"error", result.error().message}});
    std::cerr << fmt::format("stripe: event {} ({}) failed, attempt {}: {}\n", event.id, event.type,
                             event.attempts + 1, result.error().message);
  }
  uow->Commit();
}

Result<json> StripeWebhooks::Fetch(const std::string& path, const StripeParams& query) {
  auto response = client_.Get(path, query);
  if (!response) return std::unexpected(response.error());
  if (!response->ok()) {
    const StripeApiError e = ParseStripeError(*response);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("GET {}: HTTP {} type={} code={} request_id={}", path, e.status, e.type,
                            e.code, e.request_id));
  }
  return std::move(response->body);
}

Result<std::string> StripeWebhooks::Apply(const app::StripeEvent& event) {
  // Stored only after ReadStripeEvent accepted it; an unreadable one names no object.
  const auto head = ReadStripeEvent(event.payload);
  const std::string object_id = head ? head->object_id : std::string();
  const std::string& type = event.type;
  const bool payment = type == "payment_intent.succeeded" ||
                       type == "payment_intent.payment_failed" || type == "payment_intent.canceled";
  const bool checkout = type == "checkout.session.completed";
  const bool dispute = type == "charge.dispute.created" || type == "charge.dispute.updated" ||
                       type == "charge.dispute.closed";
  if (!payment && !checkout && !dispute) return std::string("ignored: not an event Tenure acts on");
  if (!IsStripeId(object_id)) return std::string("ignored: the event names no object");
  // STRIPE.md: Delivery: events come in any order, so none is trusted for state: each names an
  // object whose current state is read again from the API.
  if (payment) return ApplyPaymentIntent(object_id);
  if (checkout) return ApplyCheckoutSession(object_id);
  return ApplyDispute(object_id);
}

Result<std::string> StripeWebhooks::ApplyPaymentIntent(const std::string& intent_id) {
  auto intent = Fetch("/v1/payment_intents/" + intent_id);
  if (!intent) return std::unexpected(intent.error());
  const json& metadata = Member(*intent, "metadata");
  std::optional<app::Charge> charge;
  std::optional<std::string> customer;
  {
    auto read = store_.Read();
    if (auto id = ParseDigits(Str(metadata, "charge_id"))) charge = read->charges().Find(*id);
    if (!charge) charge = read->charges().FindByProviderPayment(billing_.provider(), intent_id);
    if (charge) customer = read->payment_customers().Find(charge->user_id, billing_.provider());
  }
  // metadata[charge_id] is a row id of some database: make sure it is this one's charge
  // (another installation may share the Stripe account, test mode above all).
  const bool ours =
      charge && charge->provider == billing_.provider() &&
      (charge->provider_payment_id.empty() || charge->provider_payment_id == intent_id) &&
      (Str(metadata, "license_id").empty() ||
       Str(metadata, "license_id") == std::to_string(charge->license_id.value)) &&
      (IdOf(Member(*intent, "customer")).empty() ||
       IdOf(Member(*intent, "customer")) == customer.value_or("")) &&
      Member(*intent, "amount") == json(charge->amount.cents());
  if (!ours) return fmt::format("ignored: payment {} is not a charge of this Tenure", intent_id);

  auto outcome = OutcomeOfPaymentIntent(*intent);
  if (!outcome) return fmt::format("ignored: payment {} is {}", intent_id, Str(*intent, "status"));
  const std::string_view status = domain::ChargeStatusName(charge->status);
  if (charge->status != domain::ChargeStatus::kPending) {
    // Recorded already (by the charging call, or an earlier event): replays change nothing.
    if ((charge->status == domain::ChargeStatus::kSucceeded) != outcome->succeeded) {
      std::cerr << fmt::format(
          "stripe: charge {} is {} here but payment {} is {} at Stripe: needs a person\n",
          charge->id, status, intent_id, Str(*intent, "status"));
      return fmt::format("charge {} stays {}; Stripe says {}", charge->id, status,
                         Str(*intent, "status"));
    }
    return fmt::format("charge {} already {}", charge->id, status);
  }
  auto recorded = billing_.RecordOutcome(charge->id, *outcome);
  if (!recorded) return std::unexpected(recorded.error());
  return fmt::format("charge {} {}", recorded->id, domain::ChargeStatusName(recorded->status));
}

Result<std::string> StripeWebhooks::ApplyCheckoutSession(const std::string& session_id) {
  auto session = Fetch("/v1/checkout/sessions/" + session_id, {{"expand[]", "setup_intent"}});
  if (!session) return std::unexpected(session.error());
  if (Str(*session, "mode") != "setup") return std::string("ignored: not a setup session");
  if (Str(*session, "status") != "complete")
    return fmt::format("ignored: session {} is {}", session_id, Str(*session, "status"));
  const std::string customer = IdOf(Member(*session, "customer"));
  json setup = Member(*session, "setup_intent");
  if (setup.is_string()) {  // not expanded after all
    if (!IsStripeId(setup.get<std::string>())) return std::string("ignored: no setup intent");
    auto fetched = Fetch("/v1/setup_intents/" + setup.get<std::string>());
    if (!fetched) return std::unexpected(fetched.error());
    setup = std::move(*fetched);
  }
  if (Str(setup, "status") != "succeeded")
    return fmt::format("ignored: setup intent is {}", Str(setup, "status"));
  const std::string method_id = IdOf(Member(setup, "payment_method"));
  if (!IsStripeId(method_id) || !IsStripeId(customer))
    return std::string("ignored: no card or no customer");
  auto method = Fetch("/v1/payment_methods/" + method_id);
  if (!method) return std::unexpected(method.error());
  const json& card = Member(*method, "card");
  if (Str(*method, "type") != "card" || !card.is_object())
    return std::string("ignored: not a card");
  const std::string owner = IdOf(Member(*method, "customer"));
  if (!owner.empty() && owner != customer)
    return fmt::format("ignored: {} belongs to another customer", method_id);
  auto number = [&](std::string_view key) {
    const json& v = Member(card, key);
    return v.is_number_integer() ? v.get<int>() : 0;
  };
  auto saved = billing_.RecordSavedCard(customer, app::SavedCard{.ref = method_id,
                                                                 .brand = Str(card, "brand"),
                                                                 .last4 = Str(card, "last4"),
                                                                 .exp_month = number("exp_month"),
                                                                 .exp_year = number("exp_year")});
  if (!saved) {
    if (saved.error().code == ErrorCode::kNotFound)
      return fmt::format("ignored: {} is not a customer of this Tenure", customer);
    return std::unexpected(saved.error());
  }
  return fmt::format("card {} saved for {}", method_id, customer);
}

Result<std::string> StripeWebhooks::ApplyDispute(const std::string& dispute_id) {
  auto dispute = Fetch("/v1/disputes/" + dispute_id);
  if (!dispute) return std::unexpected(dispute.error());
  std::string intent_id = IdOf(Member(*dispute, "payment_intent"));
  if (intent_id.empty()) {  // a dispute on a charge made without an intent names the charge
    const std::string charge_id = IdOf(Member(*dispute, "charge"));
    if (!IsStripeId(charge_id)) return std::string("ignored: the dispute names no payment");
    auto charge = Fetch("/v1/charges/" + charge_id);
    if (!charge) return std::unexpected(charge.error());
    intent_id = IdOf(Member(*charge, "payment_intent"));
  }
  if (!IsStripeId(intent_id)) return std::string("ignored: the dispute names no payment");
  const std::string status = Str(*dispute, "status");
  const auto outcome = DisputeOutcomeOf(status);
  if (!outcome) return fmt::format("ignored: dispute {} has status '{}'", dispute_id, status);
  // PRODUCT.md: Refunds and terms: a dispute suspends the license while it is open.
  auto change = billing_.RecordDispute(intent_id, dispute_id, status, *outcome);
  if (!change) {
    if (change.error().code == ErrorCode::kNotFound)
      return fmt::format("ignored: payment {} is not a charge of this Tenure", intent_id);
    return std::unexpected(change.error());
  }
  using Change = app::BillingService::DisputeChange;
  switch (*change) {
    case Change::kSuspended: return fmt::format("license suspended for payment {}", intent_id);
    case Change::kLifted:
      return fmt::format("suspension lifted: dispute {} is {}", dispute_id, status);
    case Change::kRecorded: return fmt::format("dispute {} is {}", dispute_id, status);
    case Change::kNone: break;
  }
  return fmt::format("dispute {} unchanged ({})", dispute_id, status);
}

}  // namespace tenure::integrations

#include "app/emails.hpp"

#include <fmt/format.h>

namespace tenure::app {
namespace {

// Quoted so a reader sees where the customer's words start and end.
std::string Quote(const std::string& text) {
  std::string out = "> ";
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') out += "> ";
  }
  return out;
}

}  // namespace

Email CancellationConfirmation(const EmailContext& ctx, const Recipient& to, Instant ends_at) {
  return Email{
      .to = {to.email},
      .subject = "Your license will not renew",
      .text = fmt::format(
          "Hello,\n\n"
          "You canceled the renewal of your license. Nothing more will be charged.\n\n"
          "Your license keeps working until {} ({}). After that date the program stops, "
          "and your account stays: you can sign in and renew at any time.\n\n"
          "Changed your mind? Choose \"Subscribe (cancel anytime)\" on your dashboard:\n{}/home\n\n"
          "Payments are final and nothing is refunded; you keep the time you paid for.\n\n"
          "Thank you for being with us.\n",
          FormatLongDate(ends_at, to.zone), FormatTimeOfDay(ends_at, to.zone), ctx.public_url)};
}

Email ResubscribeConfirmation(const EmailContext& ctx, const Recipient& to,
                              std::optional<Instant> next_charge_at, Money price) {
  const std::string when = next_charge_at
                               ? fmt::format("on {}", FormatLongDate(*next_charge_at, to.zone))
                               : "when it is due";
  return Email{
      .to = {to.email},
      .subject = "Your license will renew automatically",
      .text = fmt::format(
          "Hello,\n\n"
          "Automatic renewal is on again. We will charge {} to your saved payment method {}, "
          "and every month after that.\n\n"
          "You can cancel anytime from your dashboard:\n{}/home\n",
          price.Format(), when, ctx.public_url)};
}

Email TicketReplyToCustomer(const EmailContext& ctx, const std::string& to,
                            const domain::Ticket& ticket, const std::string& reply) {
  return Email{.to = {to},
               .subject = fmt::format("Re: {} [ticket #{}]", ticket.subject, ticket.id.value),
               .text = fmt::format("Hello,\n\nSupport answered your ticket \"{}\":\n\n{}\n\n"
                                   "Reply or close the ticket here:\n{}/support/tickets/{}\n",
                                   ticket.subject, Quote(reply), ctx.public_url, ticket.id.value)};
}

Email TicketMessageToStaff(const EmailContext& ctx, std::vector<std::string> to,
                           const std::string& customer_email, const domain::Ticket& ticket,
                           const std::string& message, bool is_new) {
  return Email{
      .to = std::move(to),
      .subject = fmt::format("{} [ticket #{}] {}", is_new ? "New ticket" : "Customer replied",
                             ticket.id.value, ticket.subject),
      .text = fmt::format("{} wrote ({}):\n\n{}\n\nAnswer it here:\n{}/staff/tickets/{}\n",
                          customer_email, domain::TicketCategoryLabel(ticket.category),
                          Quote(message), ctx.public_url, ticket.id.value)};
}

Email DaysGranted(const EmailContext& ctx, const Recipient& to, int days, Instant new_expiry,
                  const std::string& reason) {
  return Email{
      .to = {to.email},
      .subject = fmt::format("We added {} day{} to your license", days, days == 1 ? "" : "s"),
      .text = fmt::format("Hello,\n\nWe added {} day{} to your license, free of charge. "
                          "It now runs until {}.\n\nWhy: {}\n\n{}/home\n",
                          days, days == 1 ? "" : "s", FormatLongDate(new_expiry, to.zone), reason,
                          ctx.public_url)};
}

Email Receipt(const EmailContext& ctx, const Recipient& to, const Charge& charge) {
  const std::string what = charge.kind == domain::ChargeKind::kInstances
                               ? fmt::format("{} extra instance{}", charge.instances_added,
                                             charge.instances_added == 1 ? "" : "s")
                               : std::string("one month of your license");
  const std::string until = charge.new_expires_at
                                ? fmt::format("Your license now runs until {}.\n\n",
                                              FormatLongDate(*charge.new_expires_at, to.zone))
                                : std::string();
  return Email{
      .to = {to.email},
      .subject = fmt::format("Receipt: {} paid", charge.amount.Format()),
      .text = fmt::format("Hello,\n\nThank you. We received {} for {} on {}.\n\n{}"
                          "Payment reference: {}\nTerms accepted: version {}\n"
                          "Payments are final and not refunded.\n\n"
                          "Your receipt, to view or print: {}/billing/receipts/{}\n"
                          "Your payment history: {}/billing\n",
                          charge.amount.Format(), what, FormatLongDate(charge.updated_at, to.zone),
                          until, charge.provider_payment_id, charge.terms_version, ctx.public_url,
                          charge.id, ctx.public_url)};
}

Email RenewalReminder(const EmailContext& ctx, const Recipient& to, Instant charge_at, Money amount,
                      Instant expires_at) {
  return Email{
      .to = {to.email},
      .subject = "Your license renews soon",
      .text = fmt::format("Hello,\n\nYour license runs until {}. On {} we will charge {} "
                          "to your saved payment method to renew it for another month."
                          "\n\nNothing to do if that suits you. To stop renewal, "
                          "choose Cancel in the Account Renewal section:\n{}/home\n",
                          FormatLongDate(expires_at, to.zone), FormatLongDate(charge_at, to.zone),
                          amount.Format(), ctx.public_url)};
}

Email PaymentFailed(const EmailContext& ctx, const Recipient& to, const Charge& charge,
                    std::optional<Instant> retry_at, Instant expires_at) {
  const std::string next =
      retry_at ? fmt::format("We will try again on {}. ", FormatLongDate(*retry_at, to.zone))
               : std::string("We will not try again, and automatic renewal is now off. ");
  return Email{
      .to = {to.email},
      .subject = "Your payment didn't go through",
      .text = fmt::format("Hello,\n\nWe couldn't charge {} to renew your license: {}\n\n{}"
                          "Your license runs until {}.\n\nUpdate your card here:\n"
                          "{}/billing/card\n",
                          charge.amount.Format(),
                          charge.failure_message.empty() ? std::string("the card was declined.")
                                                         : charge.failure_message,
                          next, FormatLongDate(expires_at, to.zone), ctx.public_url)};
}

Email LicenseExpired(const EmailContext& ctx, const Recipient& to, Instant expired_at) {
  return Email{.to = {to.email},
               .subject = "Your license has expired",
               .text = fmt::format("Hello,\n\nYour license expired on {}, and the program has "
                                   "stopped. Your account and settings are kept: renew any time "
                                   "and it works again at once.\n\n{}/billing/renew\n",
                                   FormatLongDate(expired_at, to.zone), ctx.public_url)};
}

nlohmann::json ToPayload(const Email& email) {
  return {{"to", email.to}, {"subject", email.subject}, {"text", email.text}};
}

Result<Email> FromPayload(const nlohmann::json& payload) {
  if (!payload.is_object()) return Fail(ErrorCode::kInvalidInput, "email payload is not an object");
  Email email;
  const auto to = payload.find("to");
  if (to != payload.end() && to->is_string()) {
    email.to.push_back(to->get<std::string>());
  } else if (to != payload.end() && to->is_array()) {
    for (const auto& address : *to) {
      if (!address.is_string())
        return Fail(ErrorCode::kInvalidInput, "email payload: \"to\" holds a non-string");
      email.to.push_back(address.get<std::string>());
    }
  }
  if (email.to.empty()) return Fail(ErrorCode::kInvalidInput, "email payload has no recipient");
  const auto subject = payload.find("subject");
  const auto text = payload.find("text");
  if (subject == payload.end() || !subject->is_string())
    return Fail(ErrorCode::kInvalidInput, "email payload has no \"subject\" string");
  if (text == payload.end() || !text->is_string())
    return Fail(ErrorCode::kInvalidInput, "email payload has no \"text\" string");
  email.subject = subject->get<std::string>();
  email.text = text->get<std::string>();
  return email;
}

Email LicenseDeactivated(const EmailContext& ctx, const Recipient& to, int machines,
                         Instant available_again_at) {
  return Email{
      .to = {to.email},
      .subject = "Your license was deactivated on every machine",
      .text = fmt::format(
          "Hello,\n\n"
          "Deactivate license was used on your account. The program was signed out on {} "
          "machine{}, and every instance slot is free. Your license keeps its dates.\n\n"
          "Sign in again in the program on the machines you use. Deactivate license can be used "
          "again from {} ({}).\n\n"
          "If this was not you, contact support:\n{}/support\n",
          machines, machines == 1 ? "" : "s", FormatLongDate(available_again_at, to.zone),
          FormatTimeOfDay(available_again_at, to.zone), ctx.public_url)};
}

Email Signed(const EmailContext& ctx, Email email) {
  email.text += ctx.seller.name.empty()
                    ? fmt::format("\n-- \n{}\n", ctx.product_name)
                    : fmt::format("\n-- \n{}, seller of {}\n", ctx.seller.name, ctx.product_name);
  return email;
}

void Queue(UnitOfWork& uow, const EmailContext& ctx, const Email& email) {
  if (email.to.empty()) return;  // e.g. no staff to tell yet
  uow.Enqueue("email", ToPayload(Signed(ctx, email)));
}

}  // namespace tenure::app

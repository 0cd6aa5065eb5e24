#pragma once
// The emails Tenure sends, composed here as plain text and queued in the outbox with the
// state change that causes them (habit 4). Each names the dates and amounts it is about.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/ports.hpp"
#include "app/store/charges.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/money.hpp"
#include "core/time_zone.hpp"
#include "domain/account.hpp"
#include "domain/ticket.hpp"

namespace tenure::app {

// Who sells, as receipts name them (config seller.*; issue 14 item 7). Any may be empty.
struct Seller {
  std::string name;
  std::string address;  // may span lines
  std::string tax_id;
};

// Links in emails point at the seller's public URL; every email is signed with the product's
// name and, when set, the seller's (issue 14 item 10).
struct EmailContext {
  std::string public_url;
  Seller seller;
  std::string product_name = "Tenure";
};

// A customer an email is for: the address, and the time zone its dates and times are written
// in (issue 14 item 5: the customer's, UTC when they have none).
struct Recipient {
  std::string email;
  TimeZone zone = TimeZone::Utc();
  static Recipient Of(const domain::User& user) {
    return {.email = user.email, .zone = TimeZone::OrUtc(user.time_zone)};
  }
};

Email CancellationConfirmation(const EmailContext& ctx, const Recipient& to, Instant ends_at);
Email ResubscribeConfirmation(const EmailContext& ctx, const Recipient& to,
                              std::optional<Instant> next_charge_at, Money price);
Email TicketReplyToCustomer(const EmailContext& ctx, const std::string& to,
                            const domain::Ticket& ticket, const std::string& reply);
Email TicketMessageToStaff(const EmailContext& ctx, std::vector<std::string> to,
                           const std::string& customer_email, const domain::Ticket& ticket,
                           const std::string& message, bool is_new);
// A succeeded charge, with the link to its receipt page (issue 14 item 7).
Email Receipt(const EmailContext& ctx, const Recipient& to, const Charge& charge);
Email RenewalReminder(const EmailContext& ctx, const Recipient& to, Instant charge_at, Money amount,
                      Instant expires_at);
Email PaymentFailed(const EmailContext& ctx, const Recipient& to, const Charge& charge,
                    std::optional<Instant> retry_at, Instant expires_at);
Email LicenseExpired(const EmailContext& ctx, const Recipient& to, Instant expired_at);
// Deactivate license (issue 9): every machine signed out; when it can be used again.
Email LicenseDeactivated(const EmailContext& ctx, const Recipient& to, int machines,
                         Instant available_again_at);
// The reason staff gave is in it: staff are told so beside the field.
Email DaysGranted(const EmailContext& ctx, const Recipient& to, int days, Instant new_expiry,
                  const std::string& reason);

// `email` with its signature: "-- " on a line of its own (so mail programs can tell it from
// the message), then "<seller>, seller of <product>", or the product alone without a seller.
Email Signed(const EmailContext& ctx, Email email);

// Queues `email`, signed (the one way every email leaves: none goes unsigned), in the unit of
// work's outbox (kind "email").
void Queue(UnitOfWork& uow, const EmailContext& ctx, const Email& email);
// The payload as the outbox stores it ({"to": "a@x" | [...], "subject", "text"}), and back.
// A malformed payload can never become valid by retrying: kInvalidInput.
nlohmann::json ToPayload(const Email& email);
Result<Email> FromPayload(const nlohmann::json& payload);

}  // namespace tenure::app

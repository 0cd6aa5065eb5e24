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
#include "domain/ticket.hpp"

namespace tenure::app {

// Links in emails point at the seller's public URL.
struct EmailContext {
  std::string public_url;
};

Email CancellationConfirmation(const EmailContext& ctx, const std::string& to, Instant ends_at);
Email ResubscribeConfirmation(const EmailContext& ctx, const std::string& to,
                              std::optional<Instant> next_charge_at, Money price);
Email TicketReplyToCustomer(const EmailContext& ctx, const std::string& to,
                            const domain::Ticket& ticket, const std::string& reply);
Email TicketMessageToStaff(const EmailContext& ctx, std::vector<std::string> to,
                           const std::string& customer_email, const domain::Ticket& ticket,
                           const std::string& message, bool is_new);
Email Receipt(const EmailContext& ctx, const std::string& to, const Charge& charge);
Email RenewalReminder(const EmailContext& ctx, const std::string& to, Instant charge_at,
                      Money amount, Instant expires_at);
Email PaymentFailed(const EmailContext& ctx, const std::string& to, const Charge& charge,
                    std::optional<Instant> retry_at, Instant expires_at);
Email LicenseExpired(const EmailContext& ctx, const std::string& to, Instant expired_at);
// Deactivate license (issue 9): every machine signed out; when it can be used again.
Email LicenseDeactivated(const EmailContext& ctx, const std::string& to, int machines,
                         Instant available_again_at);
// The reason staff gave is in it: staff are told so beside the field.
Email DaysGranted(const EmailContext& ctx, const std::string& to, int days, Instant new_expiry,
                  const std::string& reason);

// Queues `email` in the unit of work's outbox (kind "email").
void Queue(UnitOfWork& uow, const Email& email);
// The payload as the outbox stores it ({"to": "a@x" | [...], "subject", "text"}), and back.
// A malformed payload can never become valid by retrying: kInvalidInput.
nlohmann::json ToPayload(const Email& email);
Result<Email> FromPayload(const nlohmann::json& payload);

}  // namespace tenure::app

#pragma once
// Support tickets, for customers and for staff (PRODUCT.md: Support tickets). A customer only
// ever sees their own tickets: another's answers kNotFound, never kForbidden.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/emails.hpp"
#include "app/licenses.hpp"
#include "app/store/actor.hpp"
#include "app/store/tickets.hpp"
#include "domain/account.hpp"
#include "domain/ticket.hpp"

namespace tenure::app {

struct NewTicket {
  std::string category;  // as posted
  std::string subject;
  std::string message;
  bool from_cancel_flow = false;  // opened on the Cancel screen
};

struct TicketThread {
  domain::Ticket ticket;
  std::string customer_email;
  std::vector<domain::TicketMessage> messages;
};

// What staff see beside a ticket.
struct StaffTicketView {
  TicketThread thread;
  std::optional<LicenseOverview> license;
  std::vector<domain::User> staff;  // who it can be assigned to
};

class SupportService {
 public:
  SupportService(Store& store, const Clock& clock, LicenseService& licenses, EmailContext email)
      : store_(store), clock_(clock), licenses_(licenses), email_(std::move(email)) {}

  // Customers.
  Result<TicketId> Open(const Actor& actor, const domain::User& customer, const NewTicket& t);
  std::vector<TicketRow> MyTickets(const domain::User& customer);
  Result<TicketThread> MyTicket(const domain::User& customer, TicketId id);
  Result<void> CustomerReply(const Actor& actor, const domain::User& customer, TicketId id,
                             std::string_view raw_message);
  Result<void> Close(const Actor& actor, const domain::User& customer, TicketId id);
  Result<void> Reopen(const Actor& actor, const domain::User& customer, TicketId id);

  // Staff.
  Result<std::vector<TicketRow>> Queue(const domain::User& viewer, const TicketQueueFilter& f);
  Result<StaffTicketView> StaffTicket(const domain::User& viewer, TicketId id);
  Result<void> StaffReply(const Actor& actor, const domain::User& staff, TicketId id,
                          std::string_view raw_message);
  // `assignee` empty: unassign.
  Result<void> Assign(const Actor& actor, const domain::User& staff, TicketId id,
                      std::optional<UserId> assignee);
  Result<void> SetStatus(const Actor& actor, const domain::User& staff, TicketId id,
                         std::string_view status);

 private:
  Result<domain::Ticket> OwnTicket(UnitOfWork& uow, const domain::User& customer, TicketId id);
  Result<void> CustomerEvent(const Actor& actor, const domain::User& customer, TicketId id,
                             domain::TicketEvent event, const char* action);
  void NotifyStaff(UnitOfWork& uow, const domain::Ticket& ticket, const std::string& customer_email,
                   const std::string& message, bool is_new);

  Store& store_;
  const Clock& clock_;
  LicenseService& licenses_;
  EmailContext email_;
};

nlohmann::json AuditView(const domain::Ticket& ticket);

}  // namespace tenure::app

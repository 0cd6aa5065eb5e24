#include "app/support.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/store/reports.hpp"
#include "app/store/users.hpp"

namespace tenure::app {
namespace {

using domain::TicketEvent;

std::string Subject(const domain::Ticket& t) { return fmt::format("ticket:{}", t.id.value); }

Result<void> RequireStaff(const domain::User& viewer) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  return {};
}

}  // namespace

nlohmann::json AuditView(const domain::Ticket& t) {
  return {{"id", t.id.value},
          {"status", domain::TicketStatusName(t.status)},
          {"category", domain::TicketCategoryName(t.category)},
          {"assignee", t.assignee ? nlohmann::json(t.assignee->value) : nullptr}};
}

void SupportService::NotifyStaff(UnitOfWork& uow, const domain::Ticket& ticket,
                                 const std::string& customer_email, const std::string& message,
                                 bool is_new) {
  // The assignee hears about it; an unassigned ticket goes to every staff member.
  std::vector<std::string> to;
  for (const auto& staff : uow.users().Staff())
    if (!ticket.assignee || *ticket.assignee == staff.id) to.push_back(staff.email);
  app::Queue(uow, email_,
             TicketMessageToStaff(email_, std::move(to), customer_email, ticket, message, is_new));
}

Result<TicketId> SupportService::Open(const Actor& actor, const domain::User& customer,
                                      const NewTicket& input) {
  auto category = domain::ParseTicketCategory(input.category);
  if (input.from_cancel_flow) category = domain::TicketCategory::kThinkingAboutCanceling;
  if (!category) return Fail(ErrorCode::kInvalidInput, "Please choose a topic.", "category");
  auto subject = domain::CheckSubject(input.subject);
  if (!subject) return std::unexpected(subject.error());
  auto message = domain::CheckMessage(input.message);
  if (!message) return std::unexpected(message.error());

  const Instant now = clock_.Now();
  domain::Ticket ticket{.user_id = customer.id,
                        .category = *category,
                        .subject = *subject,
                        .opened_in_cancel_flow = input.from_cancel_flow,
                        .created_at = now,
                        .updated_at = now};
  // A message is never refused (only reopening and closing are): the Result is always ok.
  (void)domain::ApplyTicketEvent(ticket, TicketEvent::kCustomerWrote, now);
  auto uow = store_.Begin(actor);
  ticket.id = uow->tickets().Insert(ticket);
  uow->tickets().AddMessage({.ticket_id = ticket.id,
                             .author = customer.id,
                             .from_staff = false,
                             .body = *message,
                             .created_at = now});
  uow->Audit("ticket.open", Subject(ticket), nullptr, AuditView(ticket));
  if (input.from_cancel_flow)
    uow->reports().RecordFunnelStep(customer.id, domain::FunnelStep::kTicket, now);
  NotifyStaff(*uow, ticket, customer.email, *message, /*is_new=*/true);
  uow->Commit();
  return ticket.id;
}

std::vector<TicketRow> SupportService::MyTickets(const domain::User& customer) {
  return store_.Read()->tickets().ForCustomer(customer.id, 200);
}

Result<domain::Ticket> SupportService::OwnTicket(UnitOfWork& uow, const domain::User& customer,
                                                 TicketId id) {
  auto ticket = uow.tickets().Find(id);
  // Another customer's ticket does not exist for this one (404, not 403).
  if (!ticket || ticket->user_id != customer.id)
    return Fail(ErrorCode::kNotFound, "There is no such ticket on your account.");
  return *ticket;
}

Result<TicketThread> SupportService::MyTicket(const domain::User& customer, TicketId id) {
  auto read = store_.Read();
  auto ticket = OwnTicket(*read, customer, id);
  if (!ticket) return std::unexpected(ticket.error());
  return TicketThread{*ticket, customer.email, read->tickets().Messages(id)};
}

Result<void> SupportService::CustomerReply(const Actor& actor, const domain::User& customer,
                                           TicketId id, std::string_view raw_message) {
  auto message = domain::CheckMessage(raw_message);
  if (!message) return std::unexpected(message.error());
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto ticket = OwnTicket(*uow, customer, id);
  if (!ticket) return std::unexpected(ticket.error());
  const auto before = AuditView(*ticket);
  (void)domain::ApplyTicketEvent(*ticket, TicketEvent::kCustomerWrote, now);  // never refused
  uow->tickets().Update(*ticket);
  uow->tickets().AddMessage({.ticket_id = id,
                             .author = customer.id,
                             .from_staff = false,
                             .body = *message,
                             .created_at = now});
  uow->Audit("ticket.customer_reply", Subject(*ticket), before, AuditView(*ticket));
  NotifyStaff(*uow, *ticket, customer.email, *message, /*is_new=*/false);
  uow->Commit();
  return {};
}

Result<void> SupportService::CustomerEvent(const Actor& actor, const domain::User& customer,
                                           TicketId id, TicketEvent event, const char* action) {
  auto uow = store_.Begin(actor);
  auto ticket = OwnTicket(*uow, customer, id);
  if (!ticket) return std::unexpected(ticket.error());
  const auto before = AuditView(*ticket);
  if (auto ok = domain::ApplyTicketEvent(*ticket, event, clock_.Now()); !ok) return ok;
  uow->tickets().Update(*ticket);
  uow->Audit(action, Subject(*ticket), before, AuditView(*ticket));
  uow->Commit();
  return {};
}

Result<void> SupportService::Close(const Actor& actor, const domain::User& customer, TicketId id) {
  return CustomerEvent(actor, customer, id, TicketEvent::kCustomerClosed, "ticket.close");
}

Result<void> SupportService::Reopen(const Actor& actor, const domain::User& customer, TicketId id) {
  return CustomerEvent(actor, customer, id, TicketEvent::kCustomerReopened, "ticket.reopen");
}

Result<std::vector<TicketRow>> SupportService::Queue(const domain::User& viewer,
                                                     const TicketQueueFilter& filter) {
  if (auto ok = RequireStaff(viewer); !ok) return std::unexpected(ok.error());
  return store_.Read()->tickets().Queue(filter);
}

Result<StaffTicketView> SupportService::StaffTicket(const domain::User& viewer, TicketId id) {
  if (auto ok = RequireStaff(viewer); !ok) return std::unexpected(ok.error());
  auto read = store_.Read();
  auto ticket = read->tickets().Find(id);
  if (!ticket) return Fail(ErrorCode::kNotFound, "There is no such ticket.");
  auto customer = read->users().Find(ticket->user_id);
  StaffTicketView view{
      .thread = {*ticket, customer ? customer->email : std::string(), read->tickets().Messages(id)},
      .staff = read->users().Staff()};
  if (auto overview = licenses_.Overview(ticket->user_id)) view.license = *overview;
  return view;
}

Result<void> SupportService::StaffReply(const Actor& actor, const domain::User& staff, TicketId id,
                                        std::string_view raw_message) {
  if (auto ok = RequireStaff(staff); !ok) return ok;
  auto message = domain::CheckMessage(raw_message);
  if (!message) return std::unexpected(message.error());
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto ticket = uow->tickets().Find(id);
  if (!ticket) return Fail(ErrorCode::kNotFound, "There is no such ticket.");
  const auto before = AuditView(*ticket);
  // A message is never refused (only reopening and closing are): the Result is always ok.
  (void)domain::ApplyTicketEvent(*ticket, TicketEvent::kStaffWrote, now);
  if (!ticket->assignee) ticket->assignee = staff.id;  // who answers, owns it
  uow->tickets().Update(*ticket);
  uow->tickets().AddMessage({.ticket_id = id,
                             .author = staff.id,
                             .from_staff = true,
                             .body = *message,
                             .created_at = now});
  uow->Audit("ticket.staff_reply", Subject(*ticket), before, AuditView(*ticket));
  if (auto customer = uow->users().Find(ticket->user_id))
    app::Queue(*uow, email_, TicketReplyToCustomer(email_, customer->email, *ticket, *message));
  uow->Commit();
  return {};
}

Result<void> SupportService::Assign(const Actor& actor, const domain::User& staff, TicketId id,
                                    std::optional<UserId> assignee) {
  if (auto ok = RequireStaff(staff); !ok) return ok;
  auto uow = store_.Begin(actor);
  if (assignee) {
    auto who = uow->users().Find(*assignee);
    if (!who || !domain::IsStaff(who->role))
      return Fail(ErrorCode::kInvalidInput, "Tickets can only be assigned to staff.", "assignee");
  }
  auto ticket = uow->tickets().Find(id);
  if (!ticket) return Fail(ErrorCode::kNotFound, "There is no such ticket.");
  const auto before = AuditView(*ticket);
  ticket->assignee = assignee;
  ticket->updated_at = clock_.Now();
  uow->tickets().Update(*ticket);
  uow->Audit("ticket.assign", Subject(*ticket), before, AuditView(*ticket));
  uow->Commit();
  return {};
}

Result<void> SupportService::SetStatus(const Actor& actor, const domain::User& staff, TicketId id,
                                       std::string_view status_name) {
  if (auto ok = RequireStaff(staff); !ok) return ok;
  const auto status = domain::ParseTicketStatus(status_name);
  if (!status) return Fail(ErrorCode::kInvalidInput, "Choose a status from the list.", "status");
  const TicketEvent event = *status == domain::TicketStatus::kOpen ? TicketEvent::kStaffSetOpen
                            : *status == domain::TicketStatus::kClosed
                                ? TicketEvent::kStaffSetClosed
                                : TicketEvent::kStaffSetWaiting;
  auto uow = store_.Begin(actor);
  auto ticket = uow->tickets().Find(id);
  if (!ticket) return Fail(ErrorCode::kNotFound, "There is no such ticket.");
  const auto before = AuditView(*ticket);
  if (auto ok = domain::ApplyTicketEvent(*ticket, event, clock_.Now()); !ok) return ok;
  uow->tickets().Update(*ticket);
  uow->Audit("ticket.status", Subject(*ticket), before, AuditView(*ticket));
  uow->Commit();
  return {};
}

}  // namespace tenure::app

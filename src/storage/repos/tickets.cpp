#include "storage/repos/tickets.hpp"

#include <string>

namespace tenure::storage {
namespace {

domain::Ticket ToTicket(const Row& r) {
  auto assignee = r.OptInt(5);
  return domain::Ticket{
      .id = TicketId{r.Int(0)},
      .user_id = UserId{r.Int(1)},
      .category = domain::ParseTicketCategory(r.Text(2)).value_or(domain::TicketCategory::kOther),
      .subject = r.Text(3),
      .status = domain::ParseTicketStatus(r.Text(4)).value_or(domain::TicketStatus::kOpen),
      .assignee = assignee ? std::optional(UserId{*assignee}) : std::nullopt,
      .opened_in_cancel_flow = r.Int(6) != 0,
      .waiting_since = OptInstant(r, 7),
      .created_at = FromUnix(r.Int(8)),
      .updated_at = FromUnix(r.Int(9))};
}

app::TicketRow ToTicketRow(const Row& r) {
  return app::TicketRow{.ticket = ToTicket(r),
                        .customer_email = r.Text(10),
                        .assignee_email = r.IsNull(11) ? std::string() : r.Text(11),
                        .messages = static_cast<int>(r.Int(12))};
}

domain::TicketMessage ToMessage(const Row& r) {
  return domain::TicketMessage{.id = r.Int(0),
                               .ticket_id = TicketId{r.Int(1)},
                               .author = UserId{r.Int(2)},
                               .from_staff = r.Int(3) != 0,
                               .body = r.Text(4),
                               .created_at = FromUnix(r.Int(5))};
}

Value OptId(const std::optional<UserId>& id) { return id ? Value(id->value) : Value(nullptr); }

}  // namespace

TicketId SqlTickets::Insert(const domain::Ticket& t) {
  static constexpr Query q{"tickets.insert",
                           "INSERT INTO tickets (user_id, category, subject, status, assignee_id, "
                           "opened_in_cancel_flow, waiting_since, created_at, updated_at) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"};
  return TicketId{Run(writer(), q,
                      {t.user_id.value, std::string(domain::TicketCategoryName(t.category)),
                       t.subject, std::string(domain::TicketStatusName(t.status)),
                       OptId(t.assignee), int64_t{t.opened_in_cancel_flow}, Opt(t.waiting_since),
                       ToUnix(t.created_at), ToUnix(t.updated_at)})
                      .rows.at(0)
                      .Int(0)};
}

void SqlTickets::Update(const domain::Ticket& t) {
  static constexpr Query q{"tickets.update",
                           "UPDATE tickets SET status = $2, assignee_id = $3, "
                           "waiting_since = $4, updated_at = $5 WHERE id = $1"};
  Run(writer(), q,
      {t.id.value, std::string(domain::TicketStatusName(t.status)), OptId(t.assignee),
       Opt(t.waiting_since), ToUnix(t.updated_at)});
}

std::optional<domain::Ticket> SqlTickets::Find(TicketId id) {
  static constexpr Query q{
      "tickets.find",
      "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
      "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at "
      "FROM tickets t WHERE t.id = $1"};
  static constexpr Query locked{
      "tickets.find_locked",
      "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
      "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at "
      "FROM tickets t WHERE t.id = $1 FOR UPDATE"};
  return ReadFirst(Run(conn(), locking() ? locked : q, {id.value}), ToTicket);
}

std::vector<app::TicketRow> SqlTickets::ForCustomer(UserId user, int limit) {
  static constexpr Query q{
      "tickets.for_customer",
      "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
      "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at, u.email, a.email, "
      "(SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id) "
      "FROM tickets t JOIN users u ON u.id = t.user_id LEFT JOIN users a ON a.id = t.assignee_id "
      "WHERE t.user_id = $1 ORDER BY t.id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {user.value, int64_t{limit}}), ToTicketRow);
}

std::vector<app::TicketRow> SqlTickets::Queue(const app::TicketQueueFilter& f) {
  static constexpr Query q{
      "tickets.queue",
      "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
      "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at, u.email, a.email, "
      "(SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id) "
      "FROM tickets t JOIN users u ON u.id = t.user_id LEFT JOIN users a ON a.id = t.assignee_id "
      "WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.category = $2) "
      "ORDER BY (t.waiting_since IS NULL), t.waiting_since, t.id "
      "LIMIT $3 OFFSET $4"};
  const std::string status(f.status ? domain::TicketStatusName(*f.status) : "");
  const std::string category(f.category ? domain::TicketCategoryName(*f.category) : "");
  return ReadAll(Run(conn(), q, {status, category, int64_t{f.limit}, int64_t{f.offset}}),
                 ToTicketRow);
}

int64_t SqlTickets::AddMessage(const domain::TicketMessage& m) {
  static constexpr Query q{"ticket_messages.insert",
                           "INSERT INTO ticket_messages (ticket_id, author_id, from_staff, body, "
                           "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"};
  return Run(writer(), q,
             {m.ticket_id.value, m.author.value, int64_t{m.from_staff}, m.body,
              ToUnix(m.created_at)})
      .rows.at(0)
      .Int(0);
}

std::vector<domain::TicketMessage> SqlTickets::Messages(TicketId id) {
  static constexpr Query q{"ticket_messages.for_ticket",
                           "SELECT id, ticket_id, author_id, from_staff, body, created_at "
                           "FROM ticket_messages WHERE ticket_id = $1 ORDER BY id"};
  return ReadAll(Run(conn(), q, {id.value}), ToMessage);
}

}  // namespace tenure::storage

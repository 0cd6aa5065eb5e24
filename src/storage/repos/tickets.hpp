#pragma once
// Support tickets and their messages over SQL; the queries are in tickets.cpp.
#include "app/store/tickets.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlTickets final : public app::TicketRepository, Repository {
 public:
  using Repository::Repository;
  TicketId Insert(const domain::Ticket& t) override;
  void Update(const domain::Ticket& t) override;
  std::optional<domain::Ticket> Find(TicketId id) override;
  std::vector<app::TicketRow> ForCustomer(UserId user, int limit) override;
  std::vector<app::TicketRow> Queue(const app::TicketQueueFilter& f) override;
  int64_t AddMessage(const domain::TicketMessage& m) override;
  std::vector<domain::TicketMessage> Messages(TicketId id) override;
};

}  // namespace tenure::storage

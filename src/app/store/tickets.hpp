#pragma once
// Support tickets in storage (PRODUCT.md: Support tickets).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "domain/ticket.hpp"

namespace tenure::app {

// A ticket as the queue and lists show it: with the people's emails.
struct TicketRow {
  domain::Ticket ticket;
  std::string customer_email;
  std::string assignee_email;  // empty when unassigned
  int messages = 0;
};

struct TicketQueueFilter {
  std::optional<domain::TicketStatus> status;
  std::optional<domain::TicketCategory> category;
  int limit = 50;
  int offset = 0;
};

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;
  virtual TicketId Insert(const domain::Ticket& ticket) = 0;
  virtual void Update(const domain::Ticket& ticket) = 0;
  virtual std::optional<domain::Ticket> Find(TicketId id) = 0;
  virtual std::vector<TicketRow> ForCustomer(UserId user, int limit) = 0;  // newest first
  // Oldest waiting first, then the rest by last change.
  virtual std::vector<TicketRow> Queue(const TicketQueueFilter& filter) = 0;
  virtual int64_t AddMessage(const domain::TicketMessage& message) = 0;
  virtual std::vector<domain::TicketMessage> Messages(TicketId id) = 0;  // oldest first
};

}  // namespace tenure::app

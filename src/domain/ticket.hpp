#pragma once
// Support tickets (PRODUCT.md: Support tickets): who may move a ticket where. Ticket text is
// untrusted input: kept as typed, always shown escaped.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::domain {

enum class TicketStatus { kOpen, kWaitingOnCustomer, kClosed };
enum class TicketCategory { kThinkingAboutCanceling, kBilling, kTechnical, kAccount, kOther };

std::span<const TicketCategory> AllTicketCategories();
std::string_view TicketCategoryName(TicketCategory c);   // "thinking_about_canceling"
std::string_view TicketCategoryLabel(TicketCategory c);  // "Thinking about canceling"
std::optional<TicketCategory> ParseTicketCategory(std::string_view name);
std::string_view TicketStatusName(TicketStatus s);   // "waiting_on_customer"
std::string_view TicketStatusLabel(TicketStatus s);  // "Waiting on customer"
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);

struct Ticket {
  TicketId id;
  UserId user_id;
  TicketCategory category = TicketCategory::kOther;
  std::string subject;
  TicketStatus status = TicketStatus::kOpen;
  std::optional<UserId> assignee;
  bool opened_in_cancel_flow = false;
  std::optional<Instant> waiting_since;  // set while the customer waits for staff
  Instant created_at;
  Instant updated_at;
};

struct TicketMessage {
  int64_t id = 0;
  TicketId ticket_id;
  UserId author;
  bool from_staff = false;
  std::string body;
  Instant created_at;
};

inline constexpr size_t kMaxSubjectLength = 200;
inline constexpr size_t kMaxMessageLength = 20000;

Result<std::string> CheckSubject(std::string_view subject);
Result<std::string> CheckMessage(std::string_view body);

enum class TicketEvent {
  kCustomerWrote,  // opening or replying: the customer now waits for staff
  kStaffWrote,     // a staff reply: now waiting on the customer
  kCustomerClosed,
  kCustomerReopened,
  kStaffSetOpen,
  kStaffSetWaiting,
  kStaffSetClosed,
};

// The transition table. kConflict when the event makes no sense in this status (reopening an
// open ticket); writing to a closed ticket reopens it.
Result<void> ApplyTicketEvent(Ticket& ticket, TicketEvent event, Instant now);

}  // namespace tenure::domain

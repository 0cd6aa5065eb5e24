#include "domain/ticket.hpp"

#include <array>

#include "domain/text.hpp"

namespace tenure::domain {
namespace {

constexpr std::array<TicketCategory, 5> kCategories{
    TicketCategory::kThinkingAboutCanceling, TicketCategory::kBilling, TicketCategory::kTechnical,
    TicketCategory::kAccount, TicketCategory::kOther};

}  // namespace

std::span<const TicketCategory> AllTicketCategories() { return kCategories; }

std::string_view TicketCategoryName(TicketCategory c) {
  switch (c) {
    case TicketCategory::kThinkingAboutCanceling: return "thinking_about_canceling";
    case TicketCategory::kBilling: return "billing";
    case TicketCategory::kTechnical: return "technical";
    case TicketCategory::kAccount: return "account";
    case TicketCategory::kOther: return "other";
  }
  return "other";
}

std::string_view TicketCategoryLabel(TicketCategory c) {
  switch (c) {
    case TicketCategory::kThinkingAboutCanceling: return "Thinking about canceling";
    case TicketCategory::kBilling: return "Billing and renewal";
    case TicketCategory::kTechnical: return "The program isn't working";
    case TicketCategory::kAccount: return "My account";
    case TicketCategory::kOther: return "Something else";
  }
  return "Something else";
}

std::optional<TicketCategory> ParseTicketCategory(std::string_view name) {
  for (auto c : kCategories)
    if (TicketCategoryName(c) == name) return c;
  return std::nullopt;
}

std::string_view TicketStatusName(TicketStatus s) {
  switch (s) {
    case TicketStatus::kOpen: return "open";
    case TicketStatus::kWaitingOnCustomer: return "waiting_on_customer";
    case TicketStatus::kClosed: return "closed";
  }
  return "open";
}

std::string_view TicketStatusLabel(TicketStatus s) {
  switch (s) {
    case TicketStatus::kOpen: return "Open";
    case TicketStatus::kWaitingOnCustomer: return "Waiting on customer";
    case TicketStatus::kClosed: return "Closed";
  }
  return "Open";
}

std::optional<TicketStatus> ParseTicketStatus(std::string_view name) {
  for (auto s : {TicketStatus::kOpen, TicketStatus::kWaitingOnCustomer, TicketStatus::kClosed})
    if (TicketStatusName(s) == name) return s;
  return std::nullopt;
}

Result<std::string> CheckSubject(std::string_view subject) {
  const auto s = Trim(subject);
  if (s.empty()) return Fail(ErrorCode::kInvalidInput, "Please add a subject.", "subject");
  if (Utf8Length(s) > kMaxSubjectLength)
    return Fail(ErrorCode::kInvalidInput, "Please keep the subject under 200 characters.",
                "subject");
  for (unsigned char c : s)
    if (c < 0x20) return Fail(ErrorCode::kInvalidInput, "The subject must be one line.", "subject");
  return std::string(s);
}

Result<std::string> CheckMessage(std::string_view body) {
  const auto s = Trim(body);
  if (s.empty()) return Fail(ErrorCode::kInvalidInput, "Please write a message.", "message");
  if (Utf8Length(s) > kMaxMessageLength)
    return Fail(ErrorCode::kInvalidInput, "Please keep the message under 20,000 characters.",
                "message");
  return std::string(s);
}

Result<void> ApplyTicketEvent(Ticket& t, TicketEvent event, Instant now) {
  const auto waiting = [&] {
    t.status = TicketStatus::kOpen;
    if (!t.waiting_since) t.waiting_since = now;
  };
  switch (event) {
    case TicketEvent::kCustomerWrote:
    case TicketEvent::kStaffSetOpen: waiting(); break;
    case TicketEvent::kCustomerReopened:
      if (t.status != TicketStatus::kClosed)
        return Fail(ErrorCode::kConflict, "This ticket is already open.");
      waiting();
      break;
    case TicketEvent::kStaffWrote:
    case TicketEvent::kStaffSetWaiting:
      t.status = TicketStatus::kWaitingOnCustomer;
      t.waiting_since.reset();
      break;
    case TicketEvent::kCustomerClosed:
      if (t.status == TicketStatus::kClosed)
        return Fail(ErrorCode::kConflict, "This ticket is already closed.");
      [[fallthrough]];
    case TicketEvent::kStaffSetClosed:
      t.status = TicketStatus::kClosed;
      t.waiting_since.reset();
      break;
  }
  t.updated_at = now;
  return {};
}

}  // namespace tenure::domain

#include "domain/ticket.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

using enum TicketStatus;
using enum TicketEvent;

const Instant kT0 = Instant(Seconds(1'800'000'000));
const Instant kT1 = kT0 + Seconds(60);

Ticket InStatus(TicketStatus s, std::optional<Instant> waiting) {
  Ticket t;
  t.status = s;
  t.waiting_since = waiting;
  return t;
}

// Habit 10: every (status, event) pair.
TEST(TicketTransitions, EveryStatusAndEvent) {
  struct Expect {
    bool ok;
    TicketStatus status;
    bool waiting;
  };
  auto expect = [](TicketStatus from, TicketEvent event) -> Expect {
    switch (event) {
      case kCustomerWrote:
      case kStaffSetOpen: return {true, kOpen, true};
      case kCustomerReopened:
        return from == kClosed ? Expect{true, kOpen, true} : Expect{false, from, from == kOpen};
      case kStaffWrote:
      case kStaffSetWaiting: return {true, kWaitingOnCustomer, false};
      case kCustomerClosed:
        return from == kClosed ? Expect{false, kClosed, false} : Expect{true, kClosed, false};
      case kStaffSetClosed: return {true, kClosed, false};
    }
    return {};
  };
  for (TicketStatus from : {kOpen, kWaitingOnCustomer, kClosed})
    for (TicketEvent e : {kCustomerWrote, kStaffWrote, kCustomerClosed, kCustomerReopened,
                          kStaffSetOpen, kStaffSetWaiting, kStaffSetClosed}) {
      Ticket t = InStatus(from, from == kOpen ? std::optional(kT0) : std::nullopt);
      const auto r = ApplyTicketEvent(t, e, kT1);
      const Expect x = expect(from, e);
      SCOPED_TRACE(::testing::Message() << TicketStatusName(from) << " + " << static_cast<int>(e));
      EXPECT_EQ(r.has_value(), x.ok);
      EXPECT_EQ(t.status, x.status);
      EXPECT_EQ(t.waiting_since.has_value(), x.waiting);
    }
}

TEST(TicketTransitions, WaitingSinceKeepsTheFirstUnansweredMessage) {
  Ticket t = InStatus(kOpen, kT0);
  ASSERT_TRUE(ApplyTicketEvent(t, kCustomerWrote, kT1));
  EXPECT_EQ(t.waiting_since, kT0) << "a second message does not move the customer back in line";
  ASSERT_TRUE(ApplyTicketEvent(t, kStaffWrote, kT1));
  EXPECT_FALSE(t.waiting_since);
  ASSERT_TRUE(ApplyTicketEvent(t, kCustomerWrote, kT1 + Seconds(5)));
  EXPECT_EQ(t.waiting_since, kT1 + Seconds(5));
  EXPECT_EQ(t.updated_at, kT1 + Seconds(5));
}

TEST(TicketText, SubjectAndMessageRules) {
  EXPECT_EQ(CheckSubject("  Crash on start ").value(), "Crash on start");
  EXPECT_EQ(CheckSubject("").error().field, "subject");
  EXPECT_EQ(CheckSubject("two\nlines").error().field, "subject");
  EXPECT_FALSE(CheckSubject(std::string(201, 'x')));
  EXPECT_EQ(CheckMessage(" line one\nline two \n").value(), "line one\nline two");
  EXPECT_EQ(CheckMessage(" \n ").error().field, "message");
  EXPECT_FALSE(CheckMessage(std::string(20001, 'x')));
}

TEST(TicketText, CategoriesAndStatusesRoundTrip) {
  for (auto c : AllTicketCategories()) EXPECT_EQ(ParseTicketCategory(TicketCategoryName(c)), c);
  for (auto s : {kOpen, kWaitingOnCustomer, kClosed})
    EXPECT_EQ(ParseTicketStatus(TicketStatusName(s)), s);
  EXPECT_FALSE(ParseTicketCategory("refund"));
}

}  // namespace
}  // namespace tenure::domain

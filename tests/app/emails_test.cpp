// Every email is signed with the product's name and the seller's (issue 14 item 10), after a
// "-- " line so that mail programs fold it as a signature; without a seller, the product's.
#include "app/emails.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/account_emails.hpp"

namespace tenure::app {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

const Instant kAt = Instant(std::chrono::seconds(1'800'000'000));

EmailContext Branded() {
  return {.public_url = "https://licenses.example.com",
          .seller = {.name = "Example Software Ltd"},
          .product_name = "Acme Render"};
}

// One of each kind of email, as `ctx` composes it.
std::vector<Email> EveryEmail(const EmailContext& ctx) {
  const Recipient to{.email = "c@example.com"};
  Charge charge;
  charge.amount = Money::Cents(5000);
  domain::Ticket ticket;
  ticket.subject = "Help";
  const ChangeContext change{.at = kAt, .address = "127.0.0.1", .user_agent = "Firefox"};
  return {CancellationConfirmation(ctx, to, kAt),
          ResubscribeConfirmation(ctx, to, kAt, Money::Cents(5000)),
          TicketReplyToCustomer(ctx, to.email, ticket, "Hi"),
          TicketMessageToStaff(ctx, {"s@example.com"}, to.email, ticket, "Hi", true),
          Receipt(ctx, to, charge),
          RenewalReminder(ctx, to, kAt, Money::Cents(5000), kAt),
          PaymentFailed(ctx, to, charge, std::nullopt, kAt),
          LicenseExpired(ctx, to, kAt),
          LicenseDeactivated(ctx, to, 2, kAt),
          DaysGranted(ctx, to, 3, kAt, "outage"),
          PasswordResetLink(ctx, to, "token", kAt, change),
          EmailVerificationLink(ctx, to, "token", kAt),
          PasswordChanged(ctx, to, false, change),
          NewSignIn(ctx, to, change),
          TwoFactorTurned(ctx, to, true, change),
          RecoveryCodeUsed(ctx, to, 3, change)};
}

TEST(Emails, EverySignedBySellerOfProduct) {
  const std::vector<Email> emails = EveryEmail(Branded());
  ASSERT_EQ(emails.size(), 16u);
  for (const Email& e : emails) {
    EXPECT_THAT(e.text, EndsWith("\n\n-- \nExample Software Ltd, seller of Acme Render\n"))
        << e.subject;
    // Signed once, whatever the body's own ending.
    EXPECT_EQ(e.text.find("\n-- \n"), e.text.rfind("\n-- \n")) << e.subject;
  }
}

TEST(Emails, WithoutASellerTheProductSigns) {
  EmailContext ctx = Branded();
  ctx.seller.name.clear();
  for (const Email& e : EveryEmail(ctx))
    EXPECT_THAT(e.text, EndsWith("\n\n-- \nAcme Render\n")) << e.subject;
  // Unconfigured, as before the brand: Tenure.
  EXPECT_THAT(LicenseExpired(EmailContext{}, Recipient{.email = "c@example.com"}, kAt).text,
              EndsWith("\n-- \nTenure\n"));
}

TEST(Emails, SubjectsAndLinksAreUnchangedByTheBrand) {
  const Email plain = Receipt(EmailContext{.public_url = "https://licenses.example.com"},
                              Recipient{.email = "c@example.com"}, Charge{});
  const Email branded = Receipt(Branded(), Recipient{.email = "c@example.com"}, Charge{});
  EXPECT_EQ(plain.subject, branded.subject);
  EXPECT_THAT(branded.text, HasSubstr("https://licenses.example.com/billing"));
}

}  // namespace
}  // namespace tenure::app

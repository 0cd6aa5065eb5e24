// Every email is signed with the product's name and the seller's (issue 14 item 10), after a
// "-- " line so that mail programs fold it as a signature; without a seller, the product's.
// Queue signs, the one way an email reaches the outbox: each kind is queued here on a real
// store and read back as the outbox keeps it.
#include "app/emails.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/account_emails.hpp"
#include "app/store/actor.hpp"
#include "app/store/outbox.hpp"
#include "core/clock.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

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

// The texts of `emails` as Queue leaves them in an outbox, in order.
std::vector<std::string> QueuedTexts(const EmailContext& ctx, const std::vector<Email>& emails) {
  testing::TempDir dir;
  FakeClock clock(kAt);
  auto store = storage::OpenStore("sqlite://" + dir.File("t.db"), clock);
  store->Migrate();
  auto uow = store->Begin(Actor::System());
  for (const Email& e : emails) Queue(*uow, ctx, e);
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();
  std::vector<std::string> texts;
  auto outbox = store->Read()->outbox().List("", 100);
  for (auto it = outbox.rbegin(); it != outbox.rend(); ++it)
    texts.push_back(it->payload.at("text").get<std::string>());
  return texts;
}

TEST(Emails, EveryKindLeavesSignedBySellerOfProduct) {
  const std::vector<Email> emails = EveryEmail(Branded());
  ASSERT_EQ(emails.size(), 16u);
  const std::vector<std::string> texts = QueuedTexts(Branded(), emails);
  ASSERT_EQ(texts.size(), emails.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(texts[i], emails[i].text + "\n-- \nExample Software Ltd, seller of Acme Render\n")
        << emails[i].subject;  // signed once, at the end
  }
}

TEST(Emails, WithoutASellerTheProductSigns) {
  EmailContext ctx = Branded();
  ctx.seller.name.clear();
  const Email e = LicenseExpired(ctx, Recipient{.email = "c@example.com"}, kAt);
  EXPECT_THAT(Signed(ctx, e).text, EndsWith("\n\n-- \nAcme Render\n"));
  // Unconfigured, as before the brand: Tenure.
  EXPECT_THAT(Signed(EmailContext{}, e).text, EndsWith("\n-- \nTenure\n"));
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

// Machine slots and checkouts as rules (domain/machine.hpp, domain/checkout.hpp; issue 9).
#include "domain/machine.hpp"

#include <gtest/gtest.h>

#include "domain/checkout.hpp"
#include "domain/text.hpp"

namespace tenure::domain {
namespace {

using namespace std::chrono;

const Instant kNow = sys_days(2027y / March / 1) + hours(9);

Machine Seen(int64_t id, std::string fingerprint, Seconds ago) {
  return Machine{.id = MachineId{id},
                 .info = {.fingerprint = std::move(fingerprint)},
                 .signed_in_at = kNow - hours(5),
                 .last_seen_at = kNow - ago};
}

TEST(Slots, TheSameFingerprintReusesItsSlotEvenWhenAllAreTaken) {
  const std::vector<Machine> holding{Seen(1, "a", seconds(5)), Seen(2, "b", seconds(9))};
  const auto again = DecideSlot(holding, "b", 2);
  EXPECT_EQ(again.choice, SlotChoice::kReuse);
  EXPECT_EQ(again.reused, MachineId{2});
  EXPECT_EQ(DecideSlot(holding, "c", 2).choice, SlotChoice::kFull);
  EXPECT_EQ(DecideSlot(holding, "c", 3).choice, SlotChoice::kTake);
  EXPECT_EQ(DecideSlot({}, "c", 1).choice, SlotChoice::kTake);
}

TEST(Slots, ASlotIsHeldUntilTheHeartbeatTimeoutAndNotAfterTheMachineEnded) {
  const ProgramPolicy policy;
  Machine m = Seen(1, "a", policy.heartbeat_timeout - seconds(1));
  EXPECT_TRUE(HoldsSlot(m, kNow, policy));
  EXPECT_FALSE(HoldsSlot(m, kNow + seconds(1), policy));
  EXPECT_EQ(SlotLapsesAt(m, policy), kNow + seconds(1));
  m = Seen(1, "a", seconds(0));
  m.ended_at = kNow;
  m.end = MachineEnd::kSignedOut;
  EXPECT_FALSE(HoldsSlot(m, kNow, policy));
  EXPECT_EQ(policy.heartbeat_interval(), seconds(150)) << "four beats per timeout";
}

TEST(Slots, FewerInstancesKeepTheMostRecentlySeen) {
  const std::vector<Machine> live{Seen(1, "a", minutes(3)), Seen(2, "b", minutes(1)),
                                  Seen(3, "c", minutes(2)), Seen(4, "d", minutes(1))};
  EXPECT_EQ(MachinesOverLimit(live, 2), (std::vector<MachineId>{MachineId{3}, MachineId{1}}))
      << "d and b were seen last (d signed in later); c and a go";
  EXPECT_TRUE(MachinesOverLimit(live, 4).empty());
  EXPECT_EQ(MachinesOverLimit(live, 0).size(), 4u);
}

TEST(Leases, EndAfterTheirDurationOrAtTheEndOfGraceWhicheverComesFirst) {
  const ProgramPolicy policy;
  EXPECT_EQ(LeaseEnd(kNow, kNow + days(10), policy), kNow + hours(24));
  EXPECT_EQ(LeaseEnd(kNow, kNow + hours(3), policy), kNow + hours(3));
}

TEST(Deactivation, IsAvailableAgainAfterTheCooldown) {
  const ProgramPolicy policy;
  EXPECT_EQ(DeactivateAvailableAt(std::nullopt, kNow, policy), std::nullopt);
  EXPECT_EQ(DeactivateAvailableAt(kNow - hours(23), kNow, policy), kNow + hours(1));
  EXPECT_EQ(DeactivateAvailableAt(kNow - hours(24), kNow, policy), std::nullopt);
}

TEST(MachineInfo, BadFieldsAreNamed) {
  const MachineInfo good{.fingerprint = "3f9a-11",
                         .name = "Alice's laptop",
                         .os = "Windows 11",
                         .app_version = "2.4.1"};
  EXPECT_TRUE(ValidateMachine(good));
  const auto field_of = [&](auto change) {
    MachineInfo m = good;
    change(m);
    auto r = ValidateMachine(m);
    return r ? std::string("ok") : r.error().field;
  };
  EXPECT_EQ(field_of([](MachineInfo& m) { m.fingerprint = ""; }), "machine.fingerprint");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.fingerprint = "has space"; }), "machine.fingerprint");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.fingerprint = std::string(129, 'f'); }),
            "machine.fingerprint");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.name = std::string(101, 'n'); }), "machine.name");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.name = "\xC3\xA9t\xC3\xA9"; }), "ok") << "UTF-8 names";
  EXPECT_EQ(field_of([](MachineInfo& m) { m.name = "bad \xFF byte"; }), "machine.name");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.os = "a\nb"; }), "machine.os");
  EXPECT_EQ(field_of([](MachineInfo& m) { m.app_version = ""; }), "machine.app_version");
}

TEST(Checkouts, EachBadMemberIsNamed) {
  const Checkout good{.client_id = "order-1",
                      .store = "Nike",
                      .product = "Dunk Low",
                      .price_cents = 11500,
                      .currency = "USD",
                      .quantity = 1,
                      .at = kNow};
  EXPECT_TRUE(ValidateCheckout(good, kNow));
  const auto field_of = [&](auto change) {
    Checkout c = good;
    change(c);
    auto r = ValidateCheckout(c, kNow);
    return r ? std::string("ok") : r.error().field;
  };
  EXPECT_EQ(field_of([](Checkout& c) { c.price_cents = -1; }), "price_cents");
  EXPECT_EQ(field_of([](Checkout& c) { c.price_cents = kMaxCheckoutPriceCents + 1; }),
            "price_cents");
  EXPECT_EQ(field_of([](Checkout& c) { c.price_cents = 0; }), "ok") << "a free item";
  EXPECT_EQ(field_of([](Checkout& c) { c.currency = "usd"; }), "currency");
  EXPECT_EQ(field_of([](Checkout& c) { c.currency = "XYZ"; }), "currency");
  EXPECT_EQ(field_of([](Checkout& c) { c.currency = "EUR"; }), "ok");
  EXPECT_EQ(field_of([](Checkout& c) { c.quantity = 0; }), "quantity");
  EXPECT_EQ(field_of([](Checkout& c) { c.at = kNow + seconds(61); }), "at");
  EXPECT_EQ(field_of([](Checkout& c) { c.at = kNow + seconds(60); }), "ok") << "clock skew";
  EXPECT_EQ(field_of([](Checkout& c) { c.store = std::string(101, 's'); }), "store");
  EXPECT_EQ(field_of([](Checkout& c) { c.product = ""; }), "product");
  EXPECT_EQ(field_of([](Checkout& c) { c.client_id = std::string(101, 'i'); }), "id");
}

TEST(Text, Utf8IsCheckedAsRfc3629Says) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC \xF0\x9F\x98\x80"));  // euro sign, an emoji
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));                  // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));              // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));                      // cut short
  EXPECT_TRUE(HasControlCharacters("a\tb"));
  EXPECT_FALSE(HasControlCharacters("a b"));
  EXPECT_TRUE(
      HasControlCharacters("a\xc2\x85"
                           "b"))
      << "NEL, a C1 control";
  EXPECT_TRUE(HasControlCharacters("\xc2\x9f")) << "the last C1 control";
  EXPECT_FALSE(HasControlCharacters("\xc2\xa0")) << "no-break space is not a control";
  EXPECT_FALSE(HasControlCharacters("caf\xc3\xa9"));
}

}  // namespace
}  // namespace tenure::domain

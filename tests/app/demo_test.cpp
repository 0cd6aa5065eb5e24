#include "app/demo.hpp"

#include <gtest/gtest.h>

#include "app/accounts.hpp"
#include "app/store/checkouts.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/payments.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

TEST(DemoSeeder, CreatesTheDemoWorldOnceAndOnlyOnce) {
  testing::TempDir dir;
  FakeClock clock(sys_days(2026y / November / 27));
  auto store = storage::OpenStore("sqlite://" + dir.File("demo.db"), clock);
  store->Migrate();
  const PasswordHasher hasher(PasswordHasher::Minimum());
  DemoSeeder seeder(*store, clock, hasher);

  auto first = seeder.Seed("demo password 1", false, 10);
  EXPECT_EQ(first.created, (std::vector<std::string>{"demo@example.com", "staff@example.com",
                                                     "admin@example.com"}));
  EXPECT_EQ(first.customers_created, 10);
  auto again = seeder.Seed("demo password 1", false, 12);
  EXPECT_TRUE(again.created.empty());
  EXPECT_EQ(again.customers_created, 2);

  auto read = store->Read();
  EXPECT_EQ(read->users().Count(), 3 + 12);
  auto demo = read->users().FindByEmail("demo@example.com");
  ASSERT_TRUE(demo);
  auto license = read->licenses().FindByUser(demo->id);
  ASSERT_TRUE(license && license->expires_at);
  EXPECT_EQ(*license->expires_at, clock.Now() + days(20));
  EXPECT_TRUE(license->auto_renew);
  // Issue 9: three instances, two held by machines seen a minute ago, and 320 checkouts over
  // the last 60 days, seeded once (the second Seed above added none).
  EXPECT_EQ(license->instances, 3);
  const auto machines = read->machines().Live(demo->id);
  ASSERT_EQ(machines.size(), 2u);
  for (const auto& m : machines) {
    EXPECT_GE(m.last_seen_at, clock.Now() - minutes(2));
    EXPECT_TRUE(read->sessions().Find(m.session_hash)) << "each machine holds a program session";
  }
  int64_t checkouts = 0;
  int64_t in_the_last_60_days = 0;
  int64_t in_the_future = 0;
  for (const auto& sum :
       read->checkouts().Sums(demo->id, clock.Now() - days(60), clock.Now() + seconds(1))) {
    checkouts += sum.all_time.checkouts;
    in_the_last_60_days += sum.last_30_days.checkouts;
    in_the_future += sum.last_7_days.checkouts;
  }
  EXPECT_EQ(checkouts, 320);
  EXPECT_EQ(in_the_last_60_days, 320) << "all within the last 60 days";
  EXPECT_EQ(in_the_future, 0) << "none in the future";
  auto card = read->payment_methods().FindDefault(demo->id);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->provider, "offline");
  EXPECT_EQ(card->last4, "4242");
  EXPECT_EQ(read->users().FindByEmail("staff@example.com")->role, domain::Role::kSupport);
  EXPECT_EQ(read->users().FindByEmail("admin@example.com")->role, domain::Role::kAdmin);

  // Every customer expires within the next 30 days, auto-renewing.
  for (int k = 1; k <= 12; ++k) {
    auto u = read->users().FindByEmail("customer" + std::to_string(k) + "@example.com");
    ASSERT_TRUE(u) << k;
    auto l = read->licenses().FindByUser(u->id);
    ASSERT_TRUE(l && l->expires_at);
    EXPECT_GT(*l->expires_at, clock.Now());
    EXPECT_LE(*l->expires_at, clock.Now() + days(30));
    EXPECT_TRUE(l->auto_renew);
  }

  AccountService accounts(*store, clock, hasher, EmailContext{});
  EXPECT_TRUE(accounts.SignIn("demo@example.com", "demo password 1", {}));
  // A chosen password is set again on the named accounts.
  seeder.Seed("demo password 2", true, 0);
  EXPECT_TRUE(accounts.SignIn("admin@example.com", "demo password 2", {}));
}

}  // namespace
}  // namespace tenure::app

// The program's side of the license through the app layer (issue 9), on SQLite and on
// PostgreSQL: machines racing for the last slot, a machine signing in again, heartbeats that
// lapse on the test clock, leases that never outlive the grace period, Deactivate license,
// fewer instances from a renewal, and checkouts taken whole or not at all.
// PostgreSQL needs TENURE_TEST_POSTGRES_URL (fails without it) and runs in a schema of its own.
#include <gtest/gtest.h>
#include <sodium.h>

#include <barrier>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/accounts.hpp"
#include "app/billing.hpp"
#include "app/checkouts.hpp"
#include "app/leases.hpp"
#include "app/machines.hpp"
#include "app/program.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "integrations/offline/offline_gateway.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;
using domain::MachineEnd;

const Instant kNow = sys_days(2027y / March / 1) + hours(9);
constexpr char kPassword[] = "program-test-password";

class ProgramTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
      ASSERT_TRUE(pg && *pg) << "needs TENURE_TEST_POSTGRES_URL (scripts/pg-test-db prints one)";
      base_url_ = pg;
      schema_ = "program_" + Sha256Hex(RandomToken()).substr(0, 12);
      storage::OpenPostgres(base_url_)->ExecScript("CREATE SCHEMA " + schema_);
      store_ =
          storage::OpenStore(base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
                                 "options=-csearch_path%3D" + schema_,
                             clock_);
    } else {
      store_ = storage::OpenStore("sqlite://" + dir_.File("program.db"), clock_);
    }
    store_->Migrate();
    accounts_.emplace(*store_, clock_, hasher_, EmailContext{});
    leases_.emplace(*store_, clock_, "https://tenure.test", policy_.lease_duration);
    program_.emplace(*store_, clock_, *accounts_, *leases_, license_policy_, policy_);
    machines_.emplace(*store_, clock_, policy_, EmailContext{"https://tenure.test"});
    checkouts_.emplace(*store_, clock_);
    billing_.emplace(*store_, clock_, license_policy_, gateway_,
                     EmailContext{"https://tenure.test"});
  }
  void TearDown() override {
    billing_.reset();
    checkouts_.reset();
    machines_.reset();
    program_.reset();
    leases_.reset();
    accounts_.reset();
    store_.reset();
    if (!schema_.empty())
      storage::OpenPostgres(base_url_)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE");
  }

  // A customer whose license runs until `expires_at` with `instances` slots.
  domain::User Customer(const std::string& email, int instances,
                        std::optional<Instant> expires_at = kNow + days(20)) {
    auto uow = store_->Begin(Actor::Cli());
    domain::User user{.email = email,
                      .password_hash = hasher_.Hash(kPassword),
                      .terms_version = "2026-11-01",
                      .terms_accepted_at = kNow,
                      .created_at = kNow};
    user.id = *uow->users().Insert(user);
    uow->licenses().Insert(domain::License{.user_id = user.id,
                                           .expires_at = expires_at,
                                           .auto_renew = true,
                                           .instances = instances,
                                           .created_at = kNow,
                                           .updated_at = kNow});
    uow->Audit("test.setup", email, nullptr, nullptr);
    uow->Commit();
    return user;
  }

  ProgramResult<ProgramSignIn> SignIn(const std::string& email, const std::string& fingerprint) {
    return program_->SignIn(email, kPassword, /*otp=*/"",
                            {.fingerprint = fingerprint,
                             .name = "Machine " + fingerprint,
                             .os = "Linux",
                             .app_version = "1.0.0"},
                            {.address = "192.0.2.7", .user_agent = "test", .request_id = "r"});
  }

  int Holding(UserId user) { return static_cast<int>(machines_->Holding(user).size()); }

  ::tenure::testing::TempDir dir_;
  FakeClock clock_{kNow};
  PasswordHasher hasher_{PasswordHasher::Minimum()};
  domain::LicensePolicy license_policy_;
  domain::ProgramPolicy policy_;
  integrations::OfflineGateway gateway_;
  std::string base_url_, schema_;
  std::unique_ptr<storage::SqlStore> store_;
  std::optional<AccountService> accounts_;
  std::optional<LeaseSigner> leases_;
  std::optional<ProgramService> program_;
  std::optional<MachineService> machines_;
  std::optional<CheckoutService> checkouts_;
  std::optional<BillingService> billing_;
};

TEST_P(ProgramTest, MachinesRacingForTheLastSlotLetExactlyOneIn) {
  constexpr int kRounds = 8;
  constexpr int kRacers = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string email = "race" + std::to_string(round) + "@example.com";
    const domain::User user = Customer(email, 2);
    ASSERT_TRUE(SignIn(email, "first")) << "one slot taken before the race";
    std::barrier start(kRacers);
    std::atomic<int> won{0}, full{0}, other{0};
    std::vector<std::thread> racers;
    for (int i = 0; i < kRacers; ++i)
      racers.emplace_back([&, i] {
        start.arrive_and_wait();
        auto r = SignIn(email, "racer-" + std::to_string(i));
        if (r) {
          ++won;
        } else if (r.error().problem == ProgramProblem::kNoFreeInstance) {
          ++full;
        } else {
          ++other;
        }
      });
    for (auto& t : racers) t.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(full.load(), kRacers - 1) << "round " << round;
    EXPECT_EQ(other.load(), 0) << "round " << round;
    EXPECT_EQ(Holding(user.id), 2) << "round " << round;
    if (HasFailure()) break;
  }
}

TEST_P(ProgramTest, TheSameMachineSigningInAgainTakesOverItsOwnSlot) {
  const domain::User user = Customer("again@example.com", 1);
  auto first = SignIn("again@example.com", "box");
  ASSERT_TRUE(first);
  auto second = SignIn("again@example.com", "box");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->license.machines_in_use, 1);
  auto old = program_->Authenticate(first->token);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().problem, ProgramProblem::kSessionRevoked);
  EXPECT_EQ(old.error().end, MachineEnd::kReplaced);
  EXPECT_TRUE(program_->Authenticate(second->token));
  auto other = SignIn("again@example.com", "other-box");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().problem, ProgramProblem::kNoFreeInstance);
  ASSERT_EQ(other.error().machines.size(), 1u);
  EXPECT_EQ(other.error().machines[0].info.name, "Machine box");
}

TEST_P(ProgramTest, AMachineWithoutHeartbeatsLosesItsSlotAndSession) {
  const domain::User user = Customer("quiet@example.com", 1);
  auto signed_in = SignIn("quiet@example.com", "quiet-box");
  ASSERT_TRUE(signed_in);
  clock_.Advance(policy_.heartbeat_timeout - seconds(1));
  auto caller = program_->Authenticate(signed_in->token);
  ASSERT_TRUE(caller);
  ASSERT_TRUE(program_->Heartbeat(*caller));  // just in time: the slot is kept
  clock_.Advance(policy_.heartbeat_timeout - seconds(1));
  ASSERT_TRUE(program_->Authenticate(signed_in->token)) << "the heartbeat moved the deadline";
  clock_.Advance(seconds(2));
  auto lapsed = program_->Authenticate(signed_in->token);
  ASSERT_FALSE(lapsed);
  EXPECT_EQ(lapsed.error().end, MachineEnd::kHeartbeatTimeout);
  EXPECT_EQ(Holding(user.id), 0) << "a lapsed machine holds no slot, swept or not";
  EXPECT_EQ(machines_->EndLapsed(), 1);
  EXPECT_EQ(machines_->EndLapsed(), 0) << "the sweep ends a machine once";
  EXPECT_FALSE(store_->Read()->sessions().Find(Sha256Hex(signed_in->token)));
  EXPECT_TRUE(SignIn("quiet@example.com", "new-box")) << "the slot is free again";
}

TEST_P(ProgramTest, HeartbeatsWriteAtMostOncePerCoalescingWindow) {
  Customer("beat@example.com", 1);
  auto signed_in = SignIn("beat@example.com", "beat-box");
  ASSERT_TRUE(signed_in);
  const auto last_seen = [&] {
    return store_->Read()
        ->machines()
        .FindSession(Sha256Hex(signed_in->token), Instant{})
        ->machine.last_seen_at;
  };
  clock_.Advance(policy_.heartbeat_coalesce - seconds(1));
  ASSERT_TRUE(program_->Heartbeat(*program_->Authenticate(signed_in->token)));
  EXPECT_EQ(last_seen(), kNow) << "a heartbeat inside the window writes nothing";
  clock_.Advance(seconds(1));
  ASSERT_TRUE(program_->Heartbeat(*program_->Authenticate(signed_in->token)));
  EXPECT_EQ(last_seen(), kNow + policy_.heartbeat_coalesce);
}

// The lease's claims, after checking its Ed25519 signature with the published key.
nlohmann::json VerifiedClaims(const std::string& lease, const nlohmann::json& jwks) {
  const auto first = lease.find('.');
  const auto second = lease.find('.', first + 1);
  const auto header = nlohmann::json::parse(FromBase64Url(lease.substr(0, first)));
  const std::string signature = FromBase64Url(lease.substr(second + 1));
  for (const auto& key : jwks["keys"]) {
    if (key["kid"] != header["kid"]) continue;
    const std::string pk = FromBase64Url(key["x"].get<std::string>());
    const std::string input = lease.substr(0, second);
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                    reinterpret_cast<const unsigned char*>(input.data()),
                                    input.size(),
                                    reinterpret_cast<const unsigned char*>(pk.data())) != 0)
      return nullptr;
    return nlohmann::json::parse(FromBase64Url(lease.substr(first + 1, second - first - 1)));
  }
  return nullptr;
}

TEST_P(ProgramTest, ALeaseIsSignedAndNeverOutlivesTheGracePeriod) {
  // Two hours into the grace period: 22 hours of it are left, less than a lease's 24.
  Customer("lease@example.com", 1, kNow - hours(2));
  auto signed_in = SignIn("lease@example.com", "lease-box");
  ASSERT_TRUE(signed_in);
  const auto claims = VerifiedClaims(signed_in->license.lease, leases_->Jwks());
  ASSERT_TRUE(claims.is_object()) << "the signature verifies with the JWKS key";
  EXPECT_EQ(claims["aud"], "tenure-program");
  EXPECT_EQ(claims["fingerprint"], "lease-box");
  EXPECT_EQ(claims["status"], "grace");
  EXPECT_EQ(claims["iat"], ToUnix(kNow));
  EXPECT_EQ(claims["exp"], ToUnix(kNow - hours(2) + license_policy_.grace))
      << "24 h would pass the end of grace";
  EXPECT_EQ(claims["grace_ends_at"], FormatRfc3339(kNow + hours(22)));

  std::string tampered = signed_in->license.lease;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_TRUE(VerifiedClaims(tampered, leases_->Jwks()).is_null());

  // A rotation: the new key signs, the old one stays published until its leases end.
  const std::string kid = leases_->Rotate(Actor::Cli());
  auto caller = program_->Authenticate(signed_in->token);
  auto renewed = program_->License(*caller);
  ASSERT_TRUE(renewed);
  EXPECT_TRUE(VerifiedClaims(signed_in->license.lease, leases_->Jwks()).is_object());
  EXPECT_TRUE(VerifiedClaims(renewed->lease, leases_->Jwks()).is_object());
  EXPECT_EQ(leases_->Jwks()["keys"].size(), 2u);
  clock_.Advance(policy_.lease_duration - seconds(1));
  EXPECT_EQ(leases_->Jwks()["keys"].size(), 2u) << "a lease of the old key may still run";
  clock_.Advance(seconds(2));
  EXPECT_EQ(leases_->Jwks()["keys"].size(), 1u) << "every lease of the old key has ended";
  EXPECT_EQ(leases_->Jwks()["keys"][0]["kid"], kid);
}

// Regression (fuzz/lease_jws_fuzz.cpp, issue 13): libsodium 1.0.18 decodes every byte from
// 0x80 up as base64url's '_', so a token with such a byte in place of a '_' of its signature
// verified (a download token in a URL is checked this way).
TEST_P(ProgramTest, ATokenWithAHighByteForAnUnderscoreIsRefused) {
  EXPECT_EQ(FromBase64Url("A_AA"), std::string("\x03\xf0\x00", 3));
  EXPECT_EQ(FromBase64Url("A\xdf"
                          "AA"),
            "");
  // Signed until a signature holds a '_' (about three in four do).
  for (int i = 0; i < 100; ++i) {
    const std::string token = leases_->SignClaims({{"sub", std::to_string(i)}}, "JWT");
    const size_t underscore = token.find('_', token.rfind('.'));
    if (underscore == std::string::npos) continue;
    ASSERT_TRUE(leases_->Verify(token));
    std::string tampered = token;
    tampered[underscore] = '\xdf';
    EXPECT_FALSE(leases_->Verify(tampered)) << tampered;
    return;
  }
  FAIL() << "no signature with a '_' in 100 tokens";
}

// Regression (fuzz/lease_jws_fuzz.cpp, issue 13): a header whose alg or kid is not a string
// made Verify throw (json::value()) on a token from a URL instead of refusing it.
TEST_P(ProgramTest, ATokenWhoseHeaderMembersAreNotStringsIsRefused) {
  const std::string token = leases_->SignClaims({{"sub", "1"}}, "JWT");
  const std::string rest = token.substr(token.find('.'));
  for (const char* header : {R"({"alg":1,"kid":"k"})", R"({"alg":"EdDSA","kid":7})",
                             R"({"alg":["EdDSA"],"kid":null})"}) {
    std::optional<nlohmann::json> claims;
    EXPECT_NO_THROW(claims = leases_->Verify(Base64Url(header) + rest)) << header;
    EXPECT_FALSE(claims) << header;
  }
}

TEST_P(ProgramTest, ALeaseIsReusedForAMinuteWhileTheFactsStayTheSame) {
  const domain::User user = Customer("reuse@example.com", 2);
  auto signed_in = SignIn("reuse@example.com", "reuse-box");
  ASSERT_TRUE(signed_in);
  const auto lease = [&] {
    return program_->License(*program_->Authenticate(signed_in->token))->lease;
  };
  const std::string first = lease();
  EXPECT_EQ(first, signed_in->license.lease) << "signed at sign-in, handed out again";
  clock_.Advance(seconds(59));
  EXPECT_EQ(lease(), first);
  {  // new facts: another instance
    auto uow = store_->Begin(Actor::Cli());
    auto license = uow->licenses().FindByUser(user.id);
    license->instances = 3;
    uow->licenses().Update(*license);
    uow->Audit("test.instances", "license", nullptr, nullptr);
    uow->Commit();
  }
  const std::string changed = lease();
  EXPECT_NE(changed, first);
  EXPECT_EQ(VerifiedClaims(changed, leases_->Jwks())["instances"], 3);
  clock_.Advance(seconds(60));
  EXPECT_NE(lease(), changed) << "a minute later, a new lease";
}

TEST_P(ProgramTest, UnusableLicensesAreRefusedAndTakeNoSlot) {
  Customer("never@example.com", 1, std::nullopt);
  Customer("lapsed@example.com", 1, kNow - days(3));
  const domain::User suspended = Customer("disputed@example.com", 1);
  {
    auto uow = store_->Begin(Actor::Cli());
    auto license = uow->licenses().FindByUser(suspended.id);
    license->suspended_at = kNow;
    uow->licenses().Update(*license);
    uow->Audit("test.suspend", "license", nullptr, nullptr);
    uow->Commit();
  }
  EXPECT_EQ(SignIn("never@example.com", "a").error().problem, ProgramProblem::kNoLicense);
  auto expired = SignIn("lapsed@example.com", "a");
  EXPECT_EQ(expired.error().problem, ProgramProblem::kLicenseExpired);
  ASSERT_TRUE(expired.error().license);
  EXPECT_EQ(expired.error().license->expires_at, kNow - days(3));
  EXPECT_EQ(SignIn("disputed@example.com", "a").error().problem, ProgramProblem::kLicenseSuspended);
  auto wrong = program_->SignIn("lapsed@example.com", "not the password", /*otp=*/"",
                                {.fingerprint = "a", .name = "a", .os = "a", .app_version = "1"},
                                {.address = "192.0.2.7"});
  EXPECT_EQ(wrong.error().problem, ProgramProblem::kInvalidCredentials);
  auto read = store_->Read();
  for (const char* email : {"never@example.com", "lapsed@example.com", "disputed@example.com"}) {
    const auto user = read->users().FindByEmail(email);
    EXPECT_TRUE(read->machines().Live(user->id).empty()) << email;
  }
}

TEST_P(ProgramTest, DeactivateSignsEveryMachineOutOncePerCooldown) {
  const domain::User user = Customer("deactivate@example.com", 3);
  auto a = SignIn("deactivate@example.com", "a");
  auto b = SignIn("deactivate@example.com", "b");
  ASSERT_TRUE(a && b);
  const Actor actor = Actor::User(user.id);
  auto ended = machines_->Deactivate(actor, user);
  ASSERT_TRUE(ended) << ended.error().message;
  EXPECT_EQ(*ended, 2);
  EXPECT_EQ(program_->Authenticate(a->token).error().end, MachineEnd::kDeactivated);
  EXPECT_EQ(Holding(user.id), 0);
  auto license = store_->Read()->licenses().FindByUser(user.id);
  EXPECT_EQ(license->expires_at, kNow + days(20)) << "the license keeps its dates";

  clock_.Advance(hours(23));
  auto again = machines_->Deactivate(actor, user);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("March 2, 2027"), std::string::npos)
      << again.error().message;
  EXPECT_EQ(machines_->Deactivation(user.id).available_at, kNow + hours(24));
  clock_.Advance(hours(1));
  EXPECT_TRUE(machines_->Deactivate(actor, user));
}

TEST_P(ProgramTest, FewerInstancesFromTheRenewalSignOutTheLeastRecentlySeen) {
  const domain::User user = Customer("fewer@example.com", 3, kNow + days(1));
  auto oldest = SignIn("fewer@example.com", "oldest");
  clock_.Advance(minutes(1));
  auto middle = SignIn("fewer@example.com", "middle");
  clock_.Advance(minutes(1));
  auto newest = SignIn("fewer@example.com", "newest");
  ASSERT_TRUE(oldest && middle && newest);
  ASSERT_TRUE(billing_->ScheduleInstances(Actor::User(user.id), user, 2));
  ASSERT_TRUE(program_->Heartbeat(*program_->Authenticate(oldest->token)))
      << "the oldest sign-in is now the most recently seen";
  EXPECT_EQ(store_->Read()->licenses().FindByUser(user.id)->instances, 3)
      << "nothing changes before the renewal";

  const auto quote = billing_->QuoteRenewal(user.id);
  ASSERT_TRUE(quote);
  EXPECT_EQ(quote->plan.price, Money::Cents(10000)) << "the renewal charges the new count";
  ASSERT_TRUE(
      billing_->SaveTestCard(Actor::User(user.id), user,
                             {.number = "4242424242424242", .exp_month = 12, .exp_year = 2030}));
  auto renewed = billing_->Renew(Actor::User(user.id), user, quote->plan.period_key, true);
  ASSERT_TRUE(renewed) << renewed.error().message;

  const auto license = store_->Read()->licenses().FindByUser(user.id);
  EXPECT_EQ(license->instances, 2);
  EXPECT_FALSE(license->instances_at_renewal);
  EXPECT_TRUE(program_->Authenticate(oldest->token));
  EXPECT_TRUE(program_->Authenticate(newest->token));
  auto dropped = program_->Authenticate(middle->token);
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error().end, MachineEnd::kInstancesRemoved);
}

TEST_P(ProgramTest, ACheckoutReportIsTakenWholeOrNotAtAll) {
  const domain::User user = Customer("shopper@example.com", 1);
  auto signed_in = SignIn("shopper@example.com", "shop-box");
  ASSERT_TRUE(signed_in);
  const auto machine = program_->Authenticate(signed_in->token)->machine.id;
  const auto item = [](std::string id, int64_t cents) {
    return domain::Checkout{.client_id = std::move(id),
                            .store = "Nike",
                            .product = "Dunk Low",
                            .price_cents = cents,
                            .currency = "USD",
                            .quantity = 2,
                            .at = kNow - hours(1)};
  };
  auto bad = checkouts_->Report(user.id, machine, {item("a", 100), item("b", -1)});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().item, 1u);
  EXPECT_EQ(bad.error().error.field, "price_cents");
  auto good = checkouts_->Report(user.id, machine, {item("a", 100), item("b", 250)});
  ASSERT_TRUE(good);
  EXPECT_EQ(good->accepted, 2) << "nothing of the bad report was stored";
  auto again = checkouts_->Report(user.id, machine, {item("a", 100), item("c", 5)});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->accepted, 1);
  EXPECT_EQ(again->duplicates, 1);
  const auto stats = checkouts_->Stats(user.id, TimeZone::Utc());
  EXPECT_EQ(stats.all_time.checkouts, 3);
  EXPECT_EQ(stats.all_time.spent.at("USD"), (100 + 250 + 5) * 2);
  ASSERT_EQ(stats.per_day.size(), 30u);
  EXPECT_EQ(stats.per_day.back().checkouts, 3) << "all of them today";
  EXPECT_EQ(checkouts_->Stats(std::nullopt, TimeZone::Utc()).all_time.checkouts, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, ProgramTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::app

#pragma once
// A Store holding only the lease signing keys, one fixed Ed25519 key, for the JWS fuzz target:
// app/leases.cpp signs and verifies through the storage port, and the real stores (SQLite,
// PostgreSQL) would bring all of src/storage/ into the fuzz build. Every other repository
// throws: the signer must not reach them.
#include <sodium.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/leases.hpp"
#include "app/store/signing_keys.hpp"
#include "app/store/unit_of_work.hpp"

namespace tenure::fuzz {

class FixedKeyRepository final : public app::SigningKeyRepository {
 public:
  explicit FixedKeyRepository(app::SigningKey key) : key_(std::move(key)) {}
  void Insert(const app::SigningKey&) override { throw std::logic_error("read-only key store"); }
  std::optional<app::SigningKey> Current() override { return key_; }
  std::vector<app::SigningKey> Published(Instant) override { return {key_}; }
  void RetireAllBut(const std::string&, Instant) override {
    throw std::logic_error("read-only key store");
  }

 private:
  app::SigningKey key_;
};

class SigningKeyOnlyUnitOfWork final : public app::UnitOfWork {
 public:
  explicit SigningKeyOnlyUnitOfWork(FixedKeyRepository& keys) : keys_(keys) {}
  app::SigningKeyRepository& signing_keys() override { return keys_; }

  [[noreturn]] static void Unused() { throw std::logic_error("not in the fuzz store"); }
  app::UserRepository& users() override { Unused(); }
  app::SessionRepository& sessions() override { Unused(); }
  app::SignInAttemptRepository& sign_in_attempts() override { Unused(); }
  app::LicenseRepository& licenses() override { Unused(); }
  app::PaymentMethodRepository& payment_methods() override { Unused(); }
  app::AuditLog& audit_log() override { Unused(); }
  app::OutboxRepository& outbox() override { Unused(); }
  app::TicketRepository& tickets() override { Unused(); }
  app::CancellationRepository& cancellations() override { Unused(); }
  app::LicenseGrantRepository& license_grants() override { Unused(); }
  app::ChargeRepository& charges() override { Unused(); }
  app::PaymentCustomerRepository& payment_customers() override { Unused(); }
  app::StripeEventRepository& stripe_events() override { Unused(); }
  app::DisputeRepository& disputes() override { Unused(); }
  app::MachineRepository& machines() override { Unused(); }
  app::CheckoutRepository& checkouts() override { Unused(); }
  app::AccountTokenRepository& account_tokens() override { Unused(); }
  app::RecoveryCodeRepository& recovery_codes() override { Unused(); }
  app::RateLimitRepository& rate_limits() override { Unused(); }
  app::DiscordLinkRepository& discord_links() override { Unused(); }
  app::ReleaseRepository& releases() override { Unused(); }
  app::ReportRepository& reports() override { Unused(); }
  void Audit(std::string_view, std::string_view, const nlohmann::json&,
             const nlohmann::json&) override {
    Unused();
  }
  void Enqueue(std::string_view, const nlohmann::json&) override { Unused(); }
  void Commit() override { Unused(); }

 private:
  FixedKeyRepository& keys_;
};

// The key pair comes from a fixed seed, so the corpus's tokens (signed with it by
// fuzz/make_corpus) verify run after run.
class FixedKeyStore final : public app::Store {
 public:
  static constexpr char kKid[] = "fuzz-key-1";

  FixedKeyStore() : keys_(MakeKey()) {}
  std::unique_ptr<app::UnitOfWork> Begin(const app::Actor&) override {
    return std::make_unique<SigningKeyOnlyUnitOfWork>(keys_);
  }
  std::unique_ptr<app::UnitOfWork> Read() override {
    return std::make_unique<SigningKeyOnlyUnitOfWork>(keys_);
  }
  bool Ping() override { return true; }
  const std::string& public_key() const { return public_key_; }  // base64url

 private:
  app::SigningKey MakeKey() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(7 * i + 1);
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
    public_key_ = app::Base64Url({reinterpret_cast<const char*>(pk.data()), pk.size()});
    return app::SigningKey{
        .kid = kKid,
        .public_key = public_key_,
        .secret_key = app::Base64Url({reinterpret_cast<const char*>(sk.data()), sk.size()}),
        .created_at = FromUnix(1'767'225'600)};
  }

  std::string public_key_;
  FixedKeyRepository keys_;
};

}  // namespace tenure::fuzz

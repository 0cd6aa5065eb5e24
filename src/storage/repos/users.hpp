#pragma once
// Users and sign-in attempts over SQL; the queries are in users.cpp.
#include "app/store/users.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

// A user from a row of TENURE_USER_COLUMNS (also read in joins: machines.cpp).
#define TENURE_USER_COLUMNS                                                                   \
  "id, email, password_hash, role, terms_version, terms_accepted_at, created_at, time_zone, " \
  "email_verified_at, must_change_password, password_changed_at, totp_secret, "               \
  "totp_enabled_at, totp_last_step"
inline constexpr size_t kUserColumns = 14;
domain::User ToUser(const Row& r);

class SqlUsers final : public app::UserRepository, Repository {
 public:
  using Repository::Repository;
  std::optional<domain::User> FindByEmail(std::string_view email) override;
  std::optional<domain::User> Find(UserId id) override;
  Result<UserId> Insert(const domain::User& u) override;
  void UpdatePasswordHash(UserId id, std::string_view hash) override;
  void SetPassword(UserId id, std::string_view hash, Instant at, bool must_change) override;
  void SetEmailVerified(UserId id, Instant at) override;
  void SetTotpSecret(UserId id, std::string_view secret) override;
  void EnableTotp(UserId id, Instant at, int64_t step) override;
  void DisableTotp(UserId id) override;
  bool AcceptTotpStep(UserId id, int64_t step) override;
  std::vector<domain::User> List(int limit, int offset) override;
  std::vector<domain::User> Staff() override;
  void SetTimeZone(UserId id, std::string_view iana_name) override;
  void SetRole(UserId id, domain::Role role) override;
  std::vector<domain::User> Search(std::string_view text, int limit) override;
  int64_t Count() override;
};

class SqlSignInAttempts final : public app::SignInAttemptRepository, Repository {
 public:
  using Repository::Repository;
  void Insert(std::string_view email, std::string_view address, bool success, Instant at) override;
  domain::SignInHistory History(std::string_view email, std::string_view address, Instant since,
                                Instant known_since) override;
};

}  // namespace tenure::storage

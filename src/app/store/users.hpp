#pragma once
// Accounts in storage (PRODUCT.md: Accounts): users, and the sign-in attempts that throttle
// guessing.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/account.hpp"

namespace tenure::app {

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<domain::User> FindByEmail(std::string_view email) = 0;
  virtual std::optional<domain::User> Find(UserId id) = 0;
  // kConflict when the email is taken.
  virtual Result<UserId> Insert(const domain::User& user) = 0;
  // The same password, hashed anew (stronger parameters): not a change of password.
  virtual void UpdatePasswordHash(UserId id, std::string_view hash) = 0;
  // A new password: by its owner (must_change false) or chosen for them (true).
  virtual void SetPassword(UserId id, std::string_view hash, Instant at, bool must_change) = 0;
  virtual void SetEmailVerified(UserId id, Instant at) = 0;
  // Two-factor (issue 10): the secret is set while turning it on, and counts once enabled.
  virtual void SetTotpSecret(UserId id, std::string_view secret) = 0;
  virtual void EnableTotp(UserId id, Instant at, int64_t step) = 0;
  virtual void DisableTotp(UserId id) = 0;  // forgets the secret too
  // Records `step` as the newest accepted; false when it is not newer than the last one (a
  // replayed code), atomically.
  virtual bool AcceptTotpStep(UserId id, int64_t step) = 0;
  virtual std::vector<domain::User> List(int limit, int offset) = 0;
  virtual std::vector<domain::User> Staff() = 0;  // support and admin, by email
  virtual void SetTimeZone(UserId id, std::string_view iana_name) = 0;
  virtual void SetRole(UserId id, domain::Role role) = 0;
  // Staff's search (issue 14): accounts whose email or bound Discord username holds `text`
  // (any case), or whose Stripe customer or payment id is `text`; by email.
  virtual std::vector<domain::User> Search(std::string_view text, int limit) = 0;
  virtual int64_t Count() = 0;
};

class SignInAttemptRepository {
 public:
  virtual ~SignInAttemptRepository() = default;
  virtual void Insert(std::string_view email, std::string_view address, bool success,
                      Instant at) = 0;
  // The failures that throttle a sign-in (domain::SignInHistory): those since `since`, and
  // whether the account signed in from `address` since `known_since`.
  virtual domain::SignInHistory History(std::string_view email, std::string_view address,
                                        Instant since, Instant known_since) = 0;
};

}  // namespace tenure::app

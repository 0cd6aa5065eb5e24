#pragma once
// Accounts and sessions (PRODUCT.md: Accounts). Each public method is one unit of work.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "app/current_user.hpp"
#include "app/passwords.hpp"
#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/account.hpp"
#include "domain/session_policy.hpp"

namespace tenure::domain {
struct License;  // for AuditView only: what a license is stays out of the accounts header
}  // namespace tenure::domain

namespace tenure::app {

struct SignUpForm {
  std::string email;
  std::string password;
  bool accepted_terms = false;
};

// A new dashboard session: `token` goes into the cookie and is never stored; the database
// keeps its hash.
struct NewSession {
  std::string token;
  std::string csrf_token;
  domain::User user;
};

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock, const PasswordHasher& hasher,
                 domain::SignInLimits limits = {}, domain::SessionPolicy sessions = {});

  // Creates the account, its license record and a first session.
  Result<NewSession> SignUp(const SignUpForm& form, const ClientInfo& client);
  // `previous_token` is the visitor's session, if any: it is replaced (rotation).
  Result<NewSession> SignIn(std::string_view email, std::string_view password,
                            const ClientInfo& client, std::string_view previous_token = {});
  void SignOut(std::string_view token, const ClientInfo& client);

  // The password step of every sign-in, the dashboard's and the program's (issue 9: one
  // throttle, shared counters). On success the unit of work that recorded the attempt comes
  // back open, acting as the user, so the caller's session commits with it; the caller must
  // audit what it adds, or commit an audit row of its own.
  struct VerifiedPassword {
    domain::User user;
    std::unique_ptr<UnitOfWork> uow;
  };
  Result<VerifiedPassword> VerifyPassword(std::string_view email, std::string_view password,
                                          const ClientInfo& client);
  // The live session of `token` and its user, when it is a session of `kind`: the dashboard
  // asks for kDashboard (cookies), the API for kProgram (bearer tokens), so neither
  // credential opens the other door (issue 8).
  std::optional<CurrentUser> Authenticate(std::string_view token, SessionKind kind);

  // `tenure user add`: a staff account with a generated password, shown once.
  struct StaffAccount {
    domain::User user;
    std::string password;
  };
  Result<StaffAccount> AddStaff(std::string_view email, domain::Role role);

  // Housekeeping: expired and idle sessions leave the table (run hourly by `serve`).
  int64_t PruneExpiredSessions();

  // The customer's time zone (IANA name; empty for UTC): renewals add calendar months on it.
  Result<void> SetTimeZone(const Actor& actor, const domain::User& user, std::string_view name);

  // How long dashboard sessions live (`sessions.*`; the cookie's Max-Age is the lifetime).
  const domain::SessionPolicy& session_policy() const { return sessions_; }

 private:
  NewSession StartSession(UnitOfWork& uow, const domain::User& user, const ClientInfo& client);

  Store& store_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  domain::SignInLimits limits_;
  domain::SessionPolicy sessions_;
};

// JSON snapshots for audit rows: never the password hash.
nlohmann::json AuditView(const domain::User& user);
nlohmann::json AuditView(const domain::License& license);

}  // namespace tenure::app

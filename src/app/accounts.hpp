#pragma once
// Accounts and sessions (PRODUCT.md: Accounts). Each public method is one unit of work.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "app/current_user.hpp"
#include "app/emails.hpp"
#include "app/passwords.hpp"
#include "app/rate_limits.hpp"
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

// A sign-in's answer: a session, or (two-factor on) the pending second step, whose token
// the browser keeps until it sends the code.
struct SignInStep {
  std::optional<NewSession> session;
  std::string second_step_token;
};

// What sign-in allows beyond the throttle's limits (domain::SignInLimits).
struct SignInPolicy {
  domain::SignInLimits limits;
  RateLimit sign_up_per_address{.scope = "sign_up.address", .limit = 10};
  Seconds second_step_lifetime{5 * 60};
  int second_step_attempts = 5;    // wrong codes before the password must be typed again
  domain::SessionPolicy sessions;  // dashboard sessions' lifetime and idle timeout (sessions.*)
};

// Issue 13: a failed sign-in, counted for /metrics by why (wrong_password, wrong_code,
// throttled), whichever way it came (the dashboard, the program's API, the code step).
void CountSignInFailure(std::string_view reason);

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock, const PasswordHasher& hasher, EmailContext email,
                 SignInPolicy policy = {});

  // Creates the account, its license record and a first session. Every sign-up pays for a
  // password hash, taken or not, so its timing does not tell whether an account exists;
  // `previous_token` (someone signed in on this browser) ends.
  Result<NewSession> SignUp(const SignUpForm& form, const ClientInfo& client,
                            std::string_view previous_token = {});
  // `previous_token` is the visitor's session, if any: it is replaced (rotation).
  Result<SignInStep> SignIn(std::string_view email, std::string_view password,
                            const ClientInfo& client, std::string_view previous_token = {});
  // The second step: a code from the authenticator app or a recovery code, from the same
  // address as the password, within SignInPolicy::second_step_lifetime.
  Result<NewSession> SignInWithCode(std::string_view second_step_token, std::string_view code,
                                    const ClientInfo& client, std::string_view previous_token = {});
  // Whether a second step's token is still pending (the code page shows only then).
  bool SecondStepPending(std::string_view second_step_token, const ClientInfo& client);
  void SignOut(std::string_view token, const ClientInfo& client);

  // The password step of every sign-in, the dashboard's and the program's (issue 9: one
  // throttle, shared counters). On success the unit of work that recorded the attempt comes
  // back open, acting as the user, so the caller's session commits with it; the caller must
  // audit what it adds, or commit an audit row of its own.
  // Two-factor on: the attempt is recorded only once the second factor is known (a right
  // password alone resets no failure count). `known_address`: signed in from here lately.
  struct VerifiedPassword {
    domain::User user;
    std::unique_ptr<UnitOfWork> uow;
    bool known_address = false;
  };
  Result<VerifiedPassword> VerifyPassword(std::string_view email, std::string_view password,
                                          const ClientInfo& client);
  // The live session of `token` and its user, when it is a session of `kind`: the dashboard
  // asks for kDashboard (cookies), the API for kProgram (bearer tokens), so neither
  // credential opens the other door (issue 8).
  std::optional<CurrentUser> Authenticate(std::string_view token, SessionKind kind);

  // The second factor of a sign-in (dashboard or program), in its unit of work: the attempt
  // is recorded either way (wrong codes are throttled as wrong passwords are); a recovery
  // code's use is audited and emailed. `step` names it in the audit row.
  Result<void> VerifySecondFactor(UnitOfWork& uow, const domain::User& user, std::string_view code,
                                  const ClientInfo& client, std::string_view step);
  // Queues the notice of a sign-in from an address the account had not used lately.
  void NoticeNewSignIn(UnitOfWork& uow, const domain::User& user, const ClientInfo& client);

  // `tenure user add`: a staff account with a generated password, shown once, which its
  // owner must change at first sign-in.
  struct StaffAccount {
    domain::User user;
    std::string password;
  };
  Result<StaffAccount> AddStaff(std::string_view email, domain::Role role);

  // Housekeeping: expired and idle sessions leave the table (run hourly by `serve`).
  int64_t PruneExpiredSessions();

  // The customer's time zone, chosen in Settings (an IANA name; empty chooses UTC, saved as
  // "UTC" so that the browser's zone is not detected over it): renewals add calendar months
  // on it, and every date they read is written in it (issue 14 item 5).
  Result<void> SetTimeZone(const Actor& actor, const domain::User& user, std::string_view name);
  // The zone the browser reported on a visit while the account had none (issue 14 item 5):
  // saved only if the account still has none, so it never replaces a choice made in Settings.
  // True when it was saved.
  Result<bool> AdoptBrowserTimeZone(const Actor& actor, UserId user, std::string_view name);

  // How long dashboard sessions live (`sessions.*`; the cookie's Max-Age is the lifetime).
  const domain::SessionPolicy& session_policy() const { return policy_.sessions; }

 private:
  NewSession StartSession(UnitOfWork& uow, const domain::User& user, const ClientInfo& client,
                          SessionStrength strength);
  void EndPrevious(UnitOfWork& uow, std::string_view previous_token);

  Store& store_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  EmailContext email_;
  SignInPolicy policy_;
};

// JSON snapshots for audit rows: never the password hash.
nlohmann::json AuditView(const domain::User& user);
nlohmann::json AuditView(const domain::License& license);

}  // namespace tenure::app

#include "app/accounts.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/account_emails.hpp"
#include "app/sessions.hpp"
#include "app/store/account_security.hpp"
#include "app/store/licenses.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "app/two_factor.hpp"
#include "core/metrics.hpp"
#include "core/secure_random.hpp"
#include "core/time_zone.hpp"
#include "domain/terms.hpp"

namespace tenure::app {

using domain::License;
using domain::Role;
using domain::User;

nlohmann::json AuditView(const User& user) {
  return {{"id", user.id.value},
          {"email", user.email},
          {"role", domain::RoleName(user.role)},
          {"terms_version", user.terms_version},
          {"terms_accepted_at", FormatRfc3339(user.terms_accepted_at)}};
}

nlohmann::json AuditView(const License& l) {
  return {
      {"id", l.id.value},
      {"user_id", l.user_id.value},
      {"expires_at", l.expires_at ? nlohmann::json(FormatRfc3339(*l.expires_at)) : nullptr},
      {"auto_renew", l.auto_renew},
      {"auto_renew_off_reason", domain::AutoRenewOffReasonName(l.auto_renew_off_reason)},
      {"instances", l.instances},
      {"instances_at_renewal",
       l.instances_at_renewal ? nlohmann::json(*l.instances_at_renewal) : nullptr},
      {"suspended_at", l.suspended_at ? nlohmann::json(FormatRfc3339(*l.suspended_at)) : nullptr}};
}

AccountService::AccountService(Store& store, const Clock& clock, const PasswordHasher& hasher,
                               EmailContext email, SignInPolicy policy)
    : store_(store), clock_(clock), hasher_(hasher), email_(std::move(email)), policy_(policy) {}

NewSession AccountService::StartSession(UnitOfWork& uow, const User& user, const ClientInfo& client,
                                        SessionStrength strength) {
  const Instant now = clock_.Now();
  NewSession out{.token = RandomToken(), .csrf_token = RandomToken(), .user = user};
  const Session session{.token_hash = Sha256Hex(out.token),
                        .user_id = user.id,
                        .kind = SessionKind::kDashboard,
                        .strength = strength,
                        .csrf_token = out.csrf_token,
                        .created_at = now,
                        .last_seen_at = now,
                        .expires_at = now + policy_.sessions.lifetime,
                        .user_agent = client.user_agent.substr(0, 300),
                        .address = client.address};
  uow.sessions().Insert(session);
  uow.Audit("session.create", fmt::format("user:{}", user.id.value), nullptr,
            {{"session", session.token_hash.substr(0, 12)},
             {"address", client.address},
             {"strength", strength == SessionStrength::kTwoFactor ? "two_factor" : "password"}});
  return out;
}

// Rotation: the session this browser had before never survives a sign-in or sign-up
// (session fixation, and a sign-up must not leave the previous account signed in). Only a
// dashboard session: a program's token planted in the cookie is not this browser's.
void AccountService::EndPrevious(UnitOfWork& uow, std::string_view previous_token) {
  if (previous_token.empty() || previous_token.size() > 128) return;
  const std::string previous = Sha256Hex(previous_token);
  auto planted = uow.sessions().Find(previous);
  if (!planted || planted->kind != SessionKind::kDashboard) return;
  uow.sessions().Delete(previous);
  uow.Audit("session.delete", fmt::format("user:{}", planted->user_id.value),
            {{"session", previous.substr(0, 12)}}, {{"why", "replaced"}});
}

Result<void> AccountService::VerifySecondFactor(UnitOfWork& uow, const User& user,
                                                std::string_view code, const ClientInfo& client,
                                                std::string_view step) {
  return app::VerifySecondFactor(uow, email_, user, code, client, clock_.Now(), step);
}

void AccountService::NoticeNewSignIn(UnitOfWork& uow, const User& user, const ClientInfo& client) {
  Queue(
      uow, email_,
      NewSignIn(email_, Recipient::Of(user),
                {.at = clock_.Now(), .address = client.address, .user_agent = client.user_agent}));
}

Result<NewSession> AccountService::SignUp(const SignUpForm& form, const ClientInfo& client,
                                          std::string_view previous_token) {
  auto email = domain::NormalizeEmail(form.email);
  if (!email) return std::unexpected(email.error());
  if (auto ok = domain::CheckNewPassword(form.password, *email); !ok)
    return std::unexpected(ok.error());
  if (!form.accepted_terms)
    return Fail(ErrorCode::kInvalidInput, "Please accept the Terms & Conditions to continue.",
                "terms");
  const Instant now = clock_.Now();
  if (auto ok = Throttle(store_, policy_.sign_up_per_address, client.address, now,
                         "Too many accounts were created from your network lately. Try again "
                         "later.");
      !ok)
    return std::unexpected(ok.error());
  // Hashed whether or not the email is taken: a duplicate answers as slowly as a new account,
  // so timing does not tell who has one (issue 10). Insert finds the duplicate.
  const std::string hash = hasher_.Hash(form.password);
  auto uow = store_.Begin(Actor::Anonymous(client.request_id, client.address));
  User user{.email = *email,
            .password_hash = hash,
            .role = Role::kCustomer,
            .terms_version = domain::kTermsVersion,
            .terms_accepted_at = now,
            .created_at = now};
  auto id = uow->users().Insert(user);
  if (!id) return std::unexpected(id.error());
  user.id = *id;
  uow->Audit("user.sign_up", fmt::format("user:{}", id->value), nullptr, AuditView(user));

  // PRODUCT.md: one license per account, created with the account; unpaid until purchase.
  License license{.user_id = user.id, .created_at = now, .updated_at = now};
  license.id = uow->licenses().Insert(license);
  uow->Audit("license.create", fmt::format("license:{}", license.id.value), nullptr,
             AuditView(license));

  EndPrevious(*uow, previous_token);
  // This address is the account's own from the start: signing in from it again is no news.
  uow->sign_in_attempts().Insert(*email, client.address, true, now);
  NewSession session = StartSession(*uow, user, client, SessionStrength::kPassword);
  uow->Commit();
  return session;
}

void CountSignInFailure(std::string_view reason) {
  static auto& failures = metrics::Metrics().Counters("tenure_sign_in_failures_total",
                                                      "Failed sign-ins, by reason.", {"reason"});
  failures.With({reason}).Add();
}

Result<AccountService::VerifiedPassword> AccountService::VerifyPassword(std::string_view raw_email,
                                                                        std::string_view password,
                                                                        const ClientInfo& client) {
  static constexpr char kWrong[] = "The email or password is not right. Check them and try again.";
  auto email = domain::NormalizeEmail(raw_email);
  if (!email) return std::unexpected(email.error());
  if (password.empty()) return Fail(ErrorCode::kInvalidInput, "Enter your password.", "password");
  if (password.size() > domain::kMaxPasswordLength)
    return Fail(ErrorCode::kUnauthenticated, kWrong);

  const Instant now = clock_.Now();
  const domain::SignInLimits& limits = policy_.limits;
  domain::SignInHistory history;
  std::optional<User> user;
  {
    auto read = store_.Read();
    history = read->sign_in_attempts().History(*email, client.address, now - limits.window,
                                               now - limits.known_address_memory);
    if (auto allowed = domain::CheckSignInAllowed(history, limits, now); !allowed) {
      CountSignInFailure("throttled");
      return std::unexpected(allowed.error());
    }
    user = read->users().FindByEmail(*email);
  }

  bool ok = false;
  if (user) {
    ok = hasher_.Verify(user->password_hash, password);
  } else {
    hasher_.VerifyDummy(password);
  }

  auto uow = store_.Begin(
      Actor{.user = user ? std::optional(user->id) : std::nullopt,
            .label = user ? fmt::format("user:{}", user->id.value) : std::string("anonymous"),
            .request_id = client.request_id,
            .address = client.address});
  // With two-factor on, a right password is not yet a success (SignInWithCode records it).
  if (!ok || !user->two_factor_enabled())
    uow->sign_in_attempts().Insert(*email, client.address, ok, now);
  const std::string subject =
      user ? fmt::format("user:{}", user->id.value) : fmt::format("email:{}", *email);
  if (!ok) {
    CountSignInFailure("wrong_password");
    uow->Audit("user.sign_in_failed", subject, nullptr, {{"address", client.address}});
    uow->Commit();
    return Fail(ErrorCode::kUnauthenticated, kWrong);
  }
  if (hasher_.NeedsRehash(user->password_hash)) {
    uow->users().UpdatePasswordHash(user->id, hasher_.Hash(password));
    uow->Audit("user.password_rehash", subject, nullptr, nullptr);
  }
  return VerifiedPassword{std::move(*user), std::move(uow), history.known_address};
}

Result<SignInStep> AccountService::SignIn(std::string_view email, std::string_view password,
                                          const ClientInfo& client,
                                          std::string_view previous_token) {
  auto verified = VerifyPassword(email, password, client);
  if (!verified) return std::unexpected(verified.error());
  UnitOfWork& uow = *verified->uow;
  const User& user = verified->user;
  if (user.two_factor_enabled()) {
    // The second step: short-lived, bound to this account and this address, single-use.
    const Instant now = clock_.Now();
    SignInStep step{.second_step_token = RandomToken()};
    uow.account_tokens().Insert(AccountToken{.token_hash = Sha256Hex(step.second_step_token),
                                             .user_id = user.id,
                                             .purpose = AccountTokenPurpose::kTwoFactor,
                                             .created_at = now,
                                             .expires_at = now + policy_.second_step_lifetime,
                                             .address = client.address});
    uow.Audit("sign_in.second_step", fmt::format("user:{}", user.id.value), nullptr,
              {{"address", client.address}});
    uow.Commit();
    return step;
  }
  EndPrevious(uow, previous_token);
  if (!verified->known_address) NoticeNewSignIn(uow, user, client);
  SignInStep step{.session = StartSession(uow, user, client, SessionStrength::kPassword)};
  uow.Commit();
  return step;
}

namespace {

// A sign-in's second step that may still be finished: unused, not expired, from its address.
bool StillPending(const std::optional<AccountToken>& step, const ClientInfo& client, Instant now) {
  return step && step->purpose == AccountTokenPurpose::kTwoFactor && !step->used_at &&
         step->expires_at > now && step->address == client.address;
}

}  // namespace

bool AccountService::SecondStepPending(std::string_view token, const ClientInfo& client) {
  if (token.empty() || token.size() > 128) return false;
  return StillPending(store_.Read()->account_tokens().Find(Sha256Hex(token)), client, clock_.Now());
}

Result<NewSession> AccountService::SignInWithCode(std::string_view token, std::string_view code,
                                                  const ClientInfo& client,
                                                  std::string_view previous_token) {
  constexpr char kStartAgain[] =
      "Your sign-in timed out or had too many wrong codes. Enter your email and password again.";
  if (token.empty() || token.size() > 128) return Fail(ErrorCode::kUnauthenticated, kStartAgain);
  const Instant now = clock_.Now();
  const std::string token_hash = Sha256Hex(token);
  std::optional<User> user;
  domain::SignInHistory history;
  {
    auto read = store_.Read();
    auto pending = read->account_tokens().Find(token_hash);
    if (StillPending(pending, client, now)) user = read->users().Find(pending->user_id);
    if (!user) return Fail(ErrorCode::kUnauthenticated, kStartAgain);
    if (code.empty())
      return Fail(ErrorCode::kInvalidInput,
                  "Type the 6-digit code from your authenticator app, or a recovery code.", "code");
    // Wrong codes count as failed sign-ins: the same slow-down as wrong passwords.
    const auto& limits = policy_.limits;
    history = read->sign_in_attempts().History(user->email, client.address, now - limits.window,
                                               now - limits.known_address_memory);
    if (auto allowed = domain::CheckSignInAllowed(history, limits, now); !allowed)
      return std::unexpected(allowed.error());
  }
  auto uow = store_.Begin(Actor::User(user->id, client.request_id, client.address));
  // Again, locked: of two codes sent at once for one step, the second sees the first's end.
  if (!StillPending(uow->account_tokens().Find(token_hash), client, now))
    return Fail(ErrorCode::kUnauthenticated, kStartAgain);
  if (auto ok = VerifySecondFactor(*uow, *user, code, client, "code"); !ok) {
    const int attempts = uow->account_tokens().AddAttempt(token_hash);
    if (attempts >= policy_.second_step_attempts) uow->account_tokens().MarkUsed(token_hash, now);
    uow->Commit();
    if (attempts >= policy_.second_step_attempts)
      return Fail(ErrorCode::kUnauthenticated, kStartAgain);
    return std::unexpected(ok.error());
  }
  uow->account_tokens().MarkUsed(token_hash, now);
  EndPrevious(*uow, previous_token);
  if (!history.known_address) NoticeNewSignIn(*uow, *user, client);
  NewSession session = StartSession(*uow, *user, client, SessionStrength::kTwoFactor);
  uow->Commit();
  return session;
}

void AccountService::SignOut(std::string_view token, const ClientInfo& client) {
  auto current = Authenticate(token, SessionKind::kDashboard);
  if (!current) return;
  auto uow = store_.Begin(Actor::User(current->user.id, client.request_id, client.address));
  uow->sessions().Delete(current->session.token_hash);
  uow->Audit("session.delete", fmt::format("user:{}", current->user.id.value),
             {{"session", current->session.token_hash.substr(0, 12)}}, nullptr);
  uow->Commit();
}

std::optional<CurrentUser> AccountService::Authenticate(std::string_view token, SessionKind kind) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  auto read = store_.Read();
  auto session = read->sessions().Find(Sha256Hex(token));
  if (!session || session->kind != kind || session->expires_at <= clock_.Now()) return std::nullopt;
  auto user = read->users().Find(session->user_id);
  if (!user) return std::nullopt;
  read.reset();
  // Issue 10 item 5: a dashboard session also ends when unused for the idle timeout.
  if (kind == SessionKind::kDashboard &&
      !KeepDashboardSessionAlive(store_, *session, clock_.Now(), policy_.sessions))
    return std::nullopt;
  return CurrentUser{std::move(*user), std::move(*session)};
}

int64_t AccountService::PruneExpiredSessions() {
  auto uow = store_.Begin(Actor::System());
  const Instant now = clock_.Now();
  const int64_t removed = uow->sessions().DeleteExpired(now, now - policy_.sessions.idle_timeout);
  if (removed == 0) return 0;  // rolls back: nothing to record
  uow->Audit("session.prune", "sessions", nullptr, {{"removed", removed}});
  uow->Commit();
  return removed;
}

namespace {
Result<void> CheckTimeZone(std::string_view name) {
  if (name.size() > 64 || !TimeZone::Find(name))
    return Fail(ErrorCode::kInvalidInput,
                "That is not a time zone we know. Choose yours from the list, by its region and "
                "city, such as Europe/Paris or America/New_York.",
                "time_zone");
  return {};
}
}  // namespace

Result<void> AccountService::SetTimeZone(const Actor& actor, const domain::User& user,
                                         std::string_view name) {
  const std::string chosen = name.empty() ? std::string("UTC") : std::string(name);
  if (auto valid = CheckTimeZone(chosen); !valid) return valid;
  auto uow = store_.Begin(actor);
  uow->users().SetTimeZone(user.id, chosen);
  uow->Audit("user.time_zone", fmt::format("user:{}", user.id.value),
             {{"time_zone", user.time_zone}}, {{"time_zone", chosen}});
  uow->Commit();
  return {};
}

Result<bool> AccountService::AdoptBrowserTimeZone(const Actor& actor, UserId user,
                                                  std::string_view name) {
  if (auto valid = CheckTimeZone(name); !valid) return std::unexpected(valid.error());
  auto uow = store_.Begin(actor);
  const auto current = uow->users().Find(user);
  if (!current) return Fail(ErrorCode::kNotFound, "No such account.");
  if (!current->time_zone.empty()) return false;  // chosen or detected already: kept
  uow->users().SetTimeZone(user, name);
  uow->Audit("user.time_zone", fmt::format("user:{}", user.value), {{"time_zone", ""}},
             {{"time_zone", name}, {"from", "browser"}});
  uow->Commit();
  return true;
}

Result<AccountService::StaffAccount> AccountService::AddStaff(std::string_view raw_email,
                                                              Role role) {
  auto email = domain::NormalizeEmail(raw_email);
  if (!email) return std::unexpected(email.error());
  if (!domain::IsStaff(role))
    return Fail(ErrorCode::kInvalidInput, "Staff roles are support and admin.", "role");
  StaffAccount out{.password = RandomToken(15)};
  const Instant now = clock_.Now();
  out.user = User{.email = *email,
                  .password_hash = hasher_.Hash(out.password),
                  .role = role,
                  .terms_version = domain::kTermsVersion,
                  .terms_accepted_at = now,
                  .created_at = now,
                  .email_verified_at = now,  // the operator typed it for their own staff
                  .must_change_password = true};
  auto uow = store_.Begin(Actor::Cli());
  auto id = uow->users().Insert(out.user);
  if (!id) return std::unexpected(id.error());
  out.user.id = *id;
  uow->Audit("user.create_staff", fmt::format("user:{}", id->value), nullptr, AuditView(out.user));
  uow->Commit();
  return out;
}

}  // namespace tenure::app

#include "app/accounts.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/sessions.hpp"
#include "app/store/licenses.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
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
                               domain::SignInLimits limits, domain::SessionPolicy sessions)
    : store_(store), clock_(clock), hasher_(hasher), limits_(limits), sessions_(sessions) {}

NewSession AccountService::StartSession(UnitOfWork& uow, const User& user,
                                        const ClientInfo& client) {
  const Instant now = clock_.Now();
  NewSession out{.token = RandomToken(), .csrf_token = RandomToken(), .user = user};
  // The dashboard signs in with a password alone so far (no second factor yet).
  const Session session{.token_hash = Sha256Hex(out.token),
                        .user_id = user.id,
                        .kind = SessionKind::kDashboard,
                        .strength = SessionStrength::kPassword,
                        .csrf_token = out.csrf_token,
                        .created_at = now,
                        .last_seen_at = now,
                        .expires_at = now + sessions_.lifetime,
                        .user_agent = client.user_agent.substr(0, 300),
                        .address = client.address};
  uow.sessions().Insert(session);
  uow.Audit("session.create", fmt::format("user:{}", user.id.value), nullptr,
            {{"session", session.token_hash.substr(0, 12)}, {"address", client.address}});
  return out;
}

Result<NewSession> AccountService::SignUp(const SignUpForm& form, const ClientInfo& client) {
  auto email = domain::NormalizeEmail(form.email);
  if (!email) return std::unexpected(email.error());
  if (auto ok = domain::CheckNewPassword(form.password, *email); !ok)
    return std::unexpected(ok.error());
  if (!form.accepted_terms)
    return Fail(ErrorCode::kInvalidInput, "Please accept the Terms & Conditions to continue.",
                "terms");
  // Cheap check first so a duplicate answers without paying for a hash; Insert re-checks.
  if (store_.Read()->users().FindByEmail(*email))
    return Fail(ErrorCode::kConflict, "An account with this email already exists. Sign in instead.",
                "email");

  const std::string hash = hasher_.Hash(form.password);
  const Instant now = clock_.Now();
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

  NewSession session = StartSession(*uow, user, client);
  uow->Commit();
  return session;
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
  std::optional<User> user;
  {
    auto read = store_.Read();
    if (auto allowed = domain::CheckSignInAllowed(
            read->sign_in_attempts().History(*email, client.address, now - limits_.window,
                                             now - limits_.known_address_memory),
            limits_, now);
        !allowed)
      return std::unexpected(allowed.error());
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
  uow->sign_in_attempts().Insert(*email, client.address, ok, now);
  const std::string subject =
      user ? fmt::format("user:{}", user->id.value) : fmt::format("email:{}", *email);
  if (!ok) {
    uow->Audit("user.sign_in_failed", subject, nullptr, {{"address", client.address}});
    uow->Commit();
    return Fail(ErrorCode::kUnauthenticated, kWrong);
  }
  if (hasher_.NeedsRehash(user->password_hash)) {
    uow->users().UpdatePasswordHash(user->id, hasher_.Hash(password));
    uow->Audit("user.password_rehash", subject, nullptr, nullptr);
  }
  return VerifiedPassword{std::move(*user), std::move(uow)};
}

Result<NewSession> AccountService::SignIn(std::string_view email, std::string_view password,
                                          const ClientInfo& client,
                                          std::string_view previous_token) {
  auto verified = VerifyPassword(email, password, client);
  if (!verified) return std::unexpected(verified.error());
  UnitOfWork& uow = *verified->uow;
  // Rotation: the pre-sign-in session (if any) never survives sign-in (session fixation).
  // Only a dashboard session: a program's token planted in the cookie is not this browser's.
  if (!previous_token.empty()) {
    const std::string previous = Sha256Hex(previous_token);
    if (auto planted = uow.sessions().Find(previous);
        planted && planted->kind == SessionKind::kDashboard)
      uow.sessions().Delete(previous);
  }
  NewSession session = StartSession(uow, verified->user, client);
  uow.Commit();
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
      !KeepDashboardSessionAlive(store_, *session, clock_.Now(), sessions_))
    return std::nullopt;
  return CurrentUser{std::move(*user), std::move(*session)};
}

int64_t AccountService::PruneExpiredSessions() {
  auto uow = store_.Begin(Actor::System());
  const Instant now = clock_.Now();
  const int64_t removed = uow->sessions().DeleteExpired(now, now - sessions_.idle_timeout);
  if (removed == 0) return 0;  // rolls back: nothing to record
  uow->Audit("session.prune", "sessions", nullptr, {{"removed", removed}});
  uow->Commit();
  return removed;
}

Result<void> AccountService::SetTimeZone(const Actor& actor, const domain::User& user,
                                         std::string_view name) {
  if (!name.empty() && (name.size() > 64 || !TimeZone::Find(name)))
    return Fail(ErrorCode::kInvalidInput,
                "Choose a time zone by its name, such as Europe/Paris or America/New_York.",
                "time_zone");
  auto uow = store_.Begin(actor);
  uow->users().SetTimeZone(user.id, name);
  uow->Audit("user.time_zone", fmt::format("user:{}", user.id.value),
             {{"time_zone", user.time_zone}}, {{"time_zone", name}});
  uow->Commit();
  return {};
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
                  .created_at = now};
  auto uow = store_.Begin(Actor::Cli());
  auto id = uow->users().Insert(out.user);
  if (!id) return std::unexpected(id.error());
  out.user.id = *id;
  uow->Audit("user.create_staff", fmt::format("user:{}", id->value), nullptr, AuditView(out.user));
  uow->Commit();
  return out;
}

}  // namespace tenure::app

#include "app/account_security.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/account_emails.hpp"
#include "app/sessions.hpp"
#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"
#include "app/store/users.hpp"
#include "app/two_factor.hpp"
#include "core/secure_random.hpp"
#include "domain/account.hpp"

namespace tenure::app {
namespace {

constexpr char kLinkUsed[] =
    "This link does not work any more: it was used, replaced by a newer one, or is more than an "
    "hour old. Ask for a new one.";

std::string Subject(UserId user) { return fmt::format("user:{}", user.value); }

ChangeContext Where(const ClientInfo& client, Instant now) {
  return {.at = now, .address = client.address, .user_agent = client.user_agent};
}

// A new password ends the account's other sessions (all of them after a reset), audited
// with why.
void EndSessionsFor(UnitOfWork& uow, UserId user, std::string_view keep_hash, Instant now,
                    std::string_view why) {
  const EndedSessions ended = EndSessions(uow, user, keep_hash, now);
  uow.Audit("session.delete_all", Subject(user), nullptr,
            {{"why", why}, {"sessions", ended.sessions}, {"machines", ended.machines}});
}

}  // namespace

AccountSecurityService::AccountSecurityService(Store& store, const Clock& clock,
                                               const PasswordHasher& hasher, EmailContext email,
                                               AccountSecurityPolicy policy)
    : store_(store), clock_(clock), hasher_(hasher), email_(std::move(email)), policy_(policy) {}

Result<void> AccountSecurityService::RequestPasswordReset(std::string_view raw_email,
                                                          const ClientInfo& client) {
  auto email = domain::NormalizeEmail(raw_email);
  if (!email) return std::unexpected(email.error());
  const Instant now = clock_.Now();
  if (auto ok = Throttle(store_, policy_.reset_per_address, client.address, now,
                         "Too many password reset requests from your network. Try again later.");
      !ok)
    return ok;
  // Over the account's own limit, the answer stays the same and no email goes out: the
  // inbox is not flooded, and the answer tells nobody whether the account exists.
  if (!Throttle(store_, policy_.reset_per_account, *email, now, "")) return {};

  auto uow = store_.Begin(Actor::Anonymous(client.request_id, client.address));
  const auto user = uow->users().FindByEmail(*email);
  if (!user) return {};  // rolls back: nothing was written
  const std::string token = RandomToken();
  uow->account_tokens().Revoke(user->id, AccountTokenPurpose::kPasswordReset, now);
  uow->account_tokens().Insert(AccountToken{.token_hash = Sha256Hex(token),
                                            .user_id = user->id,
                                            .purpose = AccountTokenPurpose::kPasswordReset,
                                            .created_at = now,
                                            .expires_at = now + policy_.reset_link_lifetime,
                                            .address = client.address});
  uow->Audit("password_reset.request", Subject(user->id), nullptr, {{"address", client.address}});
  Queue(*uow, email_,
        PasswordResetLink(email_, Recipient::Of(*user), token, now + policy_.reset_link_lifetime,
                          Where(client, now)));
  uow->Commit();
  return {};
}

Result<ResetLink> AccountSecurityService::OpenResetLink(std::string_view token) {
  if (token.empty() || token.size() > 128) return Fail(ErrorCode::kNotFound, kLinkUsed);
  auto read = store_.Read();
  const auto found = read->account_tokens().Find(Sha256Hex(token));
  if (!found || found->purpose != AccountTokenPurpose::kPasswordReset || found->used_at ||
      found->expires_at <= clock_.Now())
    return Fail(ErrorCode::kNotFound, kLinkUsed);
  const auto user = read->users().Find(found->user_id);
  if (!user) return Fail(ErrorCode::kNotFound, kLinkUsed);
  return ResetLink{.email = user->email, .needs_code = user->two_factor_enabled()};
}

Result<void> AccountSecurityService::ResetPassword(std::string_view token,
                                                   std::string_view password, std::string_view code,
                                                   const ClientInfo& client) {
  auto link = OpenResetLink(token);
  if (!link) return std::unexpected(link.error());
  if (auto ok = domain::CheckNewPassword(password, link->email); !ok)
    return std::unexpected(ok.error());
  if (link->needs_code && code.empty())
    return Fail(ErrorCode::kInvalidInput,
                "Type the 6-digit code from your authenticator app, or a recovery code.", "code");
  const std::string hash = hasher_.Hash(password);  // before the transaction: it is slow

  const Instant now = clock_.Now();
  auto uow = store_.Begin(Actor::Anonymous(client.request_id, client.address));
  const std::string token_hash = Sha256Hex(token);
  const auto found = uow->account_tokens().Find(token_hash);  // locked: one reset per link
  if (!found || found->used_at || found->expires_at <= now)
    return Fail(ErrorCode::kNotFound, kLinkUsed);
  auto user = uow->users().Find(found->user_id);
  if (!user) return Fail(ErrorCode::kNotFound, kLinkUsed);
  if (user->two_factor_enabled()) {
    if (auto ok = VerifySecondFactor(*uow, email_, *user, code, client, now, "password_reset");
        !ok) {
      // Counted on the link as on the sign-in's code step: a few wrong codes end it.
      const int attempts = uow->account_tokens().AddAttempt(token_hash);
      if (attempts >= policy_.reset_code_attempts) uow->account_tokens().MarkUsed(token_hash, now);
      uow->Commit();
      if (attempts >= policy_.reset_code_attempts)
        return Fail(ErrorCode::kNotFound,
                    "Too many wrong codes: this link does not work any more. Ask for a new one.");
      Error error = ok.error();
      error.code = ErrorCode::kInvalidInput;  // the form comes back: the link still works
      return std::unexpected(std::move(error));
    }
  }
  uow->account_tokens().MarkUsed(token_hash, now);
  uow->account_tokens().Revoke(user->id, AccountTokenPurpose::kPasswordReset, now);
  uow->users().SetPassword(user->id, hash, now, /*must_change=*/false);
  // The link proves the owner reads this inbox, as a verification link would.
  if (!user->email_verified_at) uow->users().SetEmailVerified(user->id, now);
  uow->Audit("user.password_reset", Subject(user->id), nullptr,
             {{"address", client.address}, {"email_verified", true}});
  EndSessionsFor(*uow, user->id, "", now, "password_reset");
  Queue(*uow, email_,
        PasswordChanged(email_, Recipient::Of(*user), /*reset=*/true, Where(client, now)));
  uow->Commit();
  return {};
}

Result<void> AccountSecurityService::ChangePassword(const CurrentUser& current,
                                                    std::string_view current_password,
                                                    std::string_view new_password,
                                                    const ClientInfo& client) {
  const domain::User& user = current.user;
  if (current_password.empty())
    return Fail(ErrorCode::kInvalidInput, "Enter your current password.", "current_password");
  if (current_password.size() > domain::kMaxPasswordLength ||
      !hasher_.Verify(user.password_hash, current_password))
    return Fail(ErrorCode::kInvalidInput, "That is not your current password.", "current_password");
  if (auto ok = domain::CheckNewPassword(new_password, user.email); !ok) {
    Error error = ok.error();
    error.field = "new_password";
    return std::unexpected(std::move(error));
  }
  if (new_password == current_password)
    return Fail(ErrorCode::kInvalidInput, "Choose a password other than your current one.",
                "new_password");
  const std::string hash = hasher_.Hash(new_password);
  const Instant now = clock_.Now();
  auto uow = store_.Begin(Actor::User(user.id, client.request_id, client.address));
  uow->users().SetPassword(user.id, hash, now, /*must_change=*/false);
  uow->Audit("user.password_change", Subject(user.id),
             {{"must_change_password", user.must_change_password}},
             {{"must_change_password", false}});
  EndSessionsFor(*uow, user.id, current.session.token_hash, now, "password_change");
  Queue(*uow, email_,
        PasswordChanged(email_, Recipient::Of(user), /*reset=*/false, Where(client, now)));
  uow->Commit();
  return {};
}

Result<void> AccountSecurityService::SendEmailVerification(const domain::User& user,
                                                           const ClientInfo& client) {
  if (user.email_verified_at) return {};
  const Instant now = clock_.Now();
  if (auto ok =
          Throttle(store_, policy_.verification_per_account, std::to_string(user.id.value), now,
                   "We sent several links in the last hour. Use the newest one, or try "
                   "again later.");
      !ok)
    return ok;
  const std::string token = RandomToken();
  auto uow = store_.Begin(Actor::User(user.id, client.request_id, client.address));
  uow->account_tokens().Revoke(user.id, AccountTokenPurpose::kEmailVerification, now);
  uow->account_tokens().Insert(AccountToken{.token_hash = Sha256Hex(token),
                                            .user_id = user.id,
                                            .purpose = AccountTokenPurpose::kEmailVerification,
                                            .created_at = now,
                                            .expires_at = now + policy_.verification_link_lifetime,
                                            .address = client.address});
  uow->Audit("email_verification.send", Subject(user.id), nullptr, {{"email", user.email}});
  Queue(*uow, email_,
        EmailVerificationLink(email_, Recipient::Of(user), token,
                              now + policy_.verification_link_lifetime));
  uow->Commit();
  return {};
}

Result<std::string> AccountSecurityService::VerifyEmail(std::string_view token,
                                                        const ClientInfo& client) {
  constexpr char kExpired[] =
      "This link does not work any more: it was used, replaced by a newer one, or is too old. "
      "Sign in and choose Send the link again.";
  if (token.empty() || token.size() > 128) return Fail(ErrorCode::kNotFound, kExpired);
  const Instant now = clock_.Now();
  auto uow = store_.Begin(Actor::Anonymous(client.request_id, client.address));
  const std::string hash = Sha256Hex(token);
  const auto found = uow->account_tokens().Find(hash);
  if (!found || found->purpose != AccountTokenPurpose::kEmailVerification || found->used_at ||
      found->expires_at <= now)
    return Fail(ErrorCode::kNotFound, kExpired);
  const auto user = uow->users().Find(found->user_id);
  if (!user) return Fail(ErrorCode::kNotFound, kExpired);
  uow->account_tokens().MarkUsed(hash, now);
  if (!user->email_verified_at) uow->users().SetEmailVerified(user->id, now);
  uow->Audit("user.email_verified", Subject(user->id), nullptr, {{"email", user->email}});
  uow->Commit();
  return user->email;
}

int64_t AccountSecurityService::PruneExpiredTokens() {
  auto uow = store_.Begin(Actor::System());
  const int64_t removed = uow->account_tokens().DeleteExpired(clock_.Now());
  if (removed == 0) return 0;
  uow->Audit("account_token.prune", "account_tokens", nullptr, {{"removed", removed}});
  uow->Commit();
  return removed;
}

}  // namespace tenure::app

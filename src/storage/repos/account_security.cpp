#include "storage/repos/account_security.hpp"

#include <stdexcept>

namespace tenure::storage {
namespace {

using app::AccountToken;
using app::AccountTokenPurpose;

// The column's words (migration 0009); the app knows only the enum.
std::string PurposeName(AccountTokenPurpose purpose) {
  switch (purpose) {
    case AccountTokenPurpose::kPasswordReset: return "password_reset";
    case AccountTokenPurpose::kEmailVerification: return "email_verification";
    case AccountTokenPurpose::kTwoFactor: return "two_factor";
  }
  throw std::logic_error("unknown account token purpose");
}

// A word the CHECK constraint does not allow means a damaged database: never guess, or a
// verification link could reset a password.
AccountTokenPurpose ParsePurpose(const std::string& name) {
  if (name == "password_reset") return AccountTokenPurpose::kPasswordReset;
  if (name == "email_verification") return AccountTokenPurpose::kEmailVerification;
  if (name == "two_factor") return AccountTokenPurpose::kTwoFactor;
  throw std::runtime_error("account_tokens.purpose holds '" + name + "'");
}

#define TENURE_ACCOUNT_TOKEN_COLUMNS \
  "token_hash, user_id, purpose, created_at, expires_at, used_at, attempts, address"

AccountToken ToAccountToken(const Row& r) {
  return AccountToken{.token_hash = r.Text(0),
                      .user_id = UserId{r.Int(1)},
                      .purpose = ParsePurpose(r.Text(2)),
                      .created_at = FromUnix(r.Int(3)),
                      .expires_at = FromUnix(r.Int(4)),
                      .used_at = OptInstant(r, 5),
                      .attempts = static_cast<int>(r.Int(6)),
                      .address = r.Text(7)};
}

}  // namespace

void SqlAccountTokens::Insert(const AccountToken& t) {
  static constexpr Query q{
      "account_tokens.insert",
      "INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at, "
      "used_at, attempts, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
  Run(writer(), q,
      {t.token_hash, t.user_id.value, PurposeName(t.purpose), ToUnix(t.created_at),
       ToUnix(t.expires_at), Opt(t.used_at), int64_t{t.attempts}, t.address});
}

std::optional<AccountToken> SqlAccountTokens::Find(std::string_view token_hash) {
  static constexpr Query q{"account_tokens.find", "SELECT " TENURE_ACCOUNT_TOKEN_COLUMNS
                                                  " FROM account_tokens WHERE token_hash = $1"};
  static constexpr Query locked{"account_tokens.find_locked",
                                "SELECT " TENURE_ACCOUNT_TOKEN_COLUMNS
                                " FROM account_tokens WHERE token_hash = $1 FOR UPDATE"};
  return ReadFirst(Run(conn(), locking() ? locked : q, {std::string(token_hash)}), ToAccountToken);
}

bool SqlAccountTokens::MarkUsed(std::string_view token_hash, Instant at) {
  static constexpr Query q{"account_tokens.mark_used",
                           "UPDATE account_tokens SET used_at = $2 WHERE token_hash = $1 AND "
                           "used_at IS NULL"};
  return Run(writer(), q, {std::string(token_hash), ToUnix(at)}).affected == 1;
}

int SqlAccountTokens::AddAttempt(std::string_view token_hash) {
  static constexpr Query q{"account_tokens.add_attempt",
                           "UPDATE account_tokens SET attempts = attempts + 1 WHERE token_hash = "
                           "$1 RETURNING attempts"};
  const auto res = Run(writer(), q, {std::string(token_hash)});
  return res.rows.empty() ? 0 : static_cast<int>(res.rows[0].Int(0));
}

int64_t SqlAccountTokens::Revoke(UserId user, AccountTokenPurpose purpose, Instant at) {
  static constexpr Query q{"account_tokens.revoke",
                           "UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND "
                           "purpose = $2 AND used_at IS NULL"};
  return Run(writer(), q, {user.value, PurposeName(purpose), ToUnix(at)}).affected;
}

int64_t SqlAccountTokens::DeleteExpired(Instant now) {
  static constexpr Query q{"account_tokens.delete_expired",
                           "DELETE FROM account_tokens WHERE expires_at <= $1"};
  return Run(writer(), q, {ToUnix(now)}).affected;
}

void SqlRecoveryCodes::Replace(UserId user, const std::vector<std::string>& code_hashes,
                               Instant at) {
  DeleteAll(user);
  static constexpr Query q{"recovery_codes.insert",
                           "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES "
                           "($1, $2, $3)"};
  for (const std::string& hash : code_hashes) Run(writer(), q, {user.value, hash, ToUnix(at)});
}

bool SqlRecoveryCodes::Use(UserId user, std::string_view code_hash, Instant at) {
  static constexpr Query q{"recovery_codes.use",
                           "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND "
                           "code_hash = $2 AND used_at IS NULL"};
  return Run(writer(), q, {user.value, std::string(code_hash), ToUnix(at)}).affected == 1;
}

int SqlRecoveryCodes::CountUnused(UserId user) {
  static constexpr Query q{"recovery_codes.count_unused",
                           "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at "
                           "IS NULL"};
  return static_cast<int>(Run(conn(), q, {user.value}).rows.at(0).Int(0));
}

void SqlRecoveryCodes::DeleteAll(UserId user) {
  static constexpr Query q{"recovery_codes.delete_all",
                           "DELETE FROM recovery_codes WHERE user_id = $1"};
  Run(writer(), q, {user.value});
}

int SqlRateLimits::Hit(std::string_view scope, std::string_view key, Instant window_start) {
  // A counter, not a change of state: no audit row (the refusal it causes is logged).
  static constexpr Query q{
      "rate_limits.hit",
      "INSERT INTO rate_limits (scope, key, window_start, hits) VALUES ($1, $2, $3, 1) "
      "ON CONFLICT (scope, key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 "
      "RETURNING hits"};
  return static_cast<int>(
      Run(unaudited_writer(), q, {std::string(scope), std::string(key), ToUnix(window_start)})
          .rows.at(0)
          .Int(0));
}

int SqlRateLimits::Count(std::string_view scope, std::string_view key, Instant window_start) {
  static constexpr Query q{"rate_limits.count",
                           "SELECT hits FROM rate_limits WHERE scope = $1 AND key = $2 AND "
                           "window_start = $3"};
  const auto rows =
      Run(conn(), q, {std::string(scope), std::string(key), ToUnix(window_start)}).rows;
  return rows.empty() ? 0 : static_cast<int>(rows.at(0).Int(0));
}

int64_t SqlRateLimits::DeleteBefore(Instant window_start) {
  static constexpr Query q{"rate_limits.delete_before",
                           "DELETE FROM rate_limits WHERE window_start < $1"};
  return Run(unaudited_writer(), q, {ToUnix(window_start)}).affected;
}

}  // namespace tenure::storage

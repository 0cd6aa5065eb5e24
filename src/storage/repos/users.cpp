#include "storage/repos/users.hpp"

#include <cctype>
#include <string>

namespace tenure::storage {

using domain::User;

User ToUser(const Row& r) {
  return User{.id = UserId{r.Int(0)},
              .email = r.Text(1),
              .password_hash = r.Text(2),
              .role = domain::ParseRole(r.Text(3)).value_or(domain::Role::kCustomer),
              .terms_version = r.Text(4),
              .terms_accepted_at = FromUnix(r.Int(5)),
              .created_at = FromUnix(r.Int(6)),
              .time_zone = r.Text(7),
              .email_verified_at = OptInstant(r, 8),
              .must_change_password = r.Int(9) != 0,
              .password_changed_at = OptInstant(r, 10),
              .totp_secret = r.Text(11),
              .totp_enabled_at = OptInstant(r, 12),
              .totp_last_step = r.Int(13)};
}

std::optional<User> SqlUsers::FindByEmail(std::string_view email) {
  static constexpr Query q{"users.by_email",
                           "SELECT " TENURE_USER_COLUMNS " FROM users WHERE email = $1"};
  return ReadFirst(Run(conn(), q, {std::string(email)}), ToUser);
}

std::optional<User> SqlUsers::Find(UserId id) {
  static constexpr Query q{"users.by_id",
                           "SELECT " TENURE_USER_COLUMNS " FROM users WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id.value}), ToUser);
}

Result<UserId> SqlUsers::Insert(const User& u) {
  static constexpr Query q{
      "users.insert",
      "INSERT INTO users (email, password_hash, role, terms_version, terms_accepted_at, "
      "created_at, email_verified_at, must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8) ON CONFLICT (email) DO NOTHING RETURNING id"};
  auto res = Run(writer(), q,
                 {u.email, u.password_hash, std::string(domain::RoleName(u.role)), u.terms_version,
                  ToUnix(u.terms_accepted_at), ToUnix(u.created_at), Opt(u.email_verified_at),
                  int64_t{u.must_change_password}});
  if (res.rows.empty())
    return Fail(ErrorCode::kConflict, "An account with this email already exists. Sign in instead.",
                "email");
  return UserId{res.rows[0].Int(0)};
}

void SqlUsers::UpdatePasswordHash(UserId id, std::string_view hash) {
  static constexpr Query q{"users.set_password",
                           "UPDATE users SET password_hash = $2 WHERE id = $1"};
  Run(writer(), q, {id.value, std::string(hash)});
}

void SqlUsers::SetPassword(UserId id, std::string_view hash, Instant at, bool must_change) {
  static constexpr Query q{"users.change_password",
                           "UPDATE users SET password_hash = $2, password_changed_at = $3, "
                           "must_change_password = $4 WHERE id = $1"};
  Run(writer(), q, {id.value, std::string(hash), ToUnix(at), int64_t{must_change}});
}

void SqlUsers::SetEmailVerified(UserId id, Instant at) {
  static constexpr Query q{"users.set_email_verified",
                           "UPDATE users SET email_verified_at = $2 WHERE id = $1"};
  Run(writer(), q, {id.value, ToUnix(at)});
}

void SqlUsers::SetTotpSecret(UserId id, std::string_view secret) {
  static constexpr Query q{"users.set_totp_secret",
                           "UPDATE users SET totp_secret = $2 WHERE id = $1"};
  Run(writer(), q, {id.value, std::string(secret)});
}

void SqlUsers::EnableTotp(UserId id, Instant at, int64_t step) {
  static constexpr Query q{"users.enable_totp",
                           "UPDATE users SET totp_enabled_at = $2, totp_last_step = $3 "
                           "WHERE id = $1"};
  Run(writer(), q, {id.value, ToUnix(at), step});
}

void SqlUsers::DisableTotp(UserId id) {
  static constexpr Query q{"users.disable_totp",
                           "UPDATE users SET totp_secret = '', totp_enabled_at = NULL, "
                           "totp_last_step = 0 WHERE id = $1"};
  Run(writer(), q, {id.value});
}

bool SqlUsers::AcceptTotpStep(UserId id, int64_t step) {
  // One statement, so two requests with the same code cannot both pass (RFC 6238 5.2).
  static constexpr Query q{"users.accept_totp_step",
                           "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND "
                           "totp_last_step < $2"};
  return Run(writer(), q, {id.value, step}).affected == 1;
}

std::vector<User> SqlUsers::List(int limit, int offset) {
  static constexpr Query q{"users.list", "SELECT " TENURE_USER_COLUMNS
                                         " FROM users ORDER BY id "
                                         "LIMIT $1 OFFSET $2"};
  return ReadAll(Run(conn(), q, {int64_t{limit}, int64_t{offset}}), ToUser);
}

std::vector<User> SqlUsers::Staff() {
  static constexpr Query q{"users.staff", "SELECT " TENURE_USER_COLUMNS
                                          " FROM users WHERE role <> $1 "
                                          "ORDER BY email"};
  return ReadAll(Run(conn(), q, {std::string("customer")}), ToUser);
}

void SqlUsers::SetTimeZone(UserId id, std::string_view iana_name) {
  static constexpr Query q{"users.set_time_zone", "UPDATE users SET time_zone = $2 WHERE id = $1"};
  Run(writer(), q, {id.value, std::string(iana_name)});
}

void SqlUsers::SetRole(UserId id, domain::Role role) {
  static constexpr Query q{"users.set_role", "UPDATE users SET role = $2 WHERE id = $1"};
  Run(writer(), q, {id.value, std::string(domain::RoleName(role))});
}

std::vector<User> SqlUsers::Search(std::string_view text, int limit) {
  // $1: a LIKE pattern (the text lower-cased, its % _ and \ escaped); $2: the text as typed.
  static constexpr Query q{
      "users.search",
      "SELECT " TENURE_USER_COLUMNS
      " FROM users WHERE lower(email) LIKE $1 ESCAPE '\\' "
      "OR id IN (SELECT user_id FROM discord_links WHERE lower(username) LIKE $1 ESCAPE '\\') "
      "OR id IN (SELECT user_id FROM payment_customers WHERE customer_ref = $2) "
      "OR id IN (SELECT user_id FROM charges WHERE provider_payment_id = $2 AND $2 <> '') "
      "ORDER BY email LIMIT $3"};
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string pattern = "%" + LikeEscaped(lower) + "%";
  return ReadAll(Run(conn(), q, {pattern, std::string(text), int64_t{limit}}), ToUser);
}

int64_t SqlUsers::Count() {
  static constexpr Query q{"users.count", "SELECT COUNT(*) FROM users"};
  return Run(conn(), q).rows.at(0).Int(0);
}

void SqlSignInAttempts::Insert(std::string_view email, std::string_view address, bool success,
                               Instant at) {
  static constexpr Query q{
      "sign_in_attempts.insert",
      "INSERT INTO sign_in_attempts (email, address, success, at) VALUES ($1, $2, $3, $4)"};
  Run(writer(), q, {std::string(email), std::string(address), int64_t{success}, ToUnix(at)});
}

domain::SignInHistory SqlSignInAttempts::History(std::string_view email, std::string_view address,
                                                 Instant since, Instant known_since) {
  // $1 email, $2 address, $3 window start, $4 known_since. The pair's count restarts at its
  // last success; "elsewhere" is every address the account had no success from lately.
  // TRUE and FALSE: a boolean column on PostgreSQL, 0 and 1 on SQLite.
  static constexpr Query q{
      "sign_in_attempts.history",
      "SELECT "
      "(SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND address = $2 AND at >= $3 "
      " AND success = FALSE AND id > COALESCE((SELECT MAX(id) FROM sign_in_attempts WHERE "
      " email = $1 AND address = $2 AND success = TRUE), 0)), "
      "(SELECT MAX(at) FROM sign_in_attempts WHERE email = $1 AND address = $2 AND at >= $3 "
      " AND success = FALSE), "
      "(SELECT COUNT(*) FROM sign_in_attempts WHERE address = $2 AND at >= $3 AND success = "
      "FALSE), "
      "(SELECT MAX(at) FROM sign_in_attempts WHERE address = $2 AND at >= $3 AND success = FALSE), "
      "(SELECT COUNT(*) FROM sign_in_attempts f WHERE f.email = $1 AND f.at >= $3 AND "
      " f.success = FALSE AND NOT EXISTS (SELECT 1 FROM sign_in_attempts s WHERE s.email = $1 AND "
      " s.address = f.address AND s.success = TRUE AND s.at >= $4)), "
      "(SELECT MAX(f.at) FROM sign_in_attempts f WHERE f.email = $1 AND f.at >= $3 AND "
      " f.success = FALSE AND NOT EXISTS (SELECT 1 FROM sign_in_attempts s WHERE s.email = $1 AND "
      " s.address = f.address AND s.success = TRUE AND s.at >= $4)), "
      "(SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND address = $2 AND "
      " success = TRUE AND at >= $4)"};
  const Row r =
      Run(conn(), q, {std::string(email), std::string(address), ToUnix(since), ToUnix(known_since)})
          .rows.at(0);
  const auto failures = [&](size_t count, size_t last) {
    return domain::SignInHistory::Failures{.count = static_cast<int>(r.Int(count)),
                                           .last = OptInstant(r, last)};
  };
  return domain::SignInHistory{.pair = failures(0, 1),
                               .address = failures(2, 3),
                               .account_elsewhere = failures(4, 5),
                               .known_address = r.Int(6) > 0};
}

}  // namespace tenure::storage

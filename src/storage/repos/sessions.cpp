#include "storage/repos/sessions.hpp"

#include <stdexcept>

namespace tenure::storage {
namespace {

// The columns' words (migration 0005); the app knows only the enums.
std::string KindName(app::SessionKind kind) {
  switch (kind) {
    case app::SessionKind::kDashboard: return "dashboard";
    case app::SessionKind::kProgram: return "program";
  }
  throw std::logic_error("unknown session kind");
}

std::string StrengthName(app::SessionStrength strength) {
  switch (strength) {
    case app::SessionStrength::kPassword: return "password";
    case app::SessionStrength::kTwoFactor: return "two_factor";
  }
  throw std::logic_error("unknown session strength");
}

// A word the CHECK constraints don't allow means a damaged database: never guess a kind,
// or a program's token could open the dashboard.
app::SessionKind ParseKind(const std::string& name) {
  if (name == "dashboard") return app::SessionKind::kDashboard;
  if (name == "program") return app::SessionKind::kProgram;
  throw std::runtime_error("sessions.kind holds '" + name + "'");
}

app::SessionStrength ParseStrength(const std::string& name) {
  if (name == "password") return app::SessionStrength::kPassword;
  if (name == "two_factor") return app::SessionStrength::kTwoFactor;
  throw std::runtime_error("sessions.strength holds '" + name + "'");
}

}  // namespace

app::Session ToSession(const Row& r) {
  return app::Session{.token_hash = r.Text(0),
                      .user_id = UserId{r.Int(1)},
                      .kind = ParseKind(r.Text(2)),
                      .strength = ParseStrength(r.Text(3)),
                      .csrf_token = r.Text(4),
                      .created_at = FromUnix(r.Int(5)),
                      .last_seen_at = FromUnix(r.Int(6)),
                      .expires_at = FromUnix(r.Int(7)),
                      .user_agent = r.Text(8),
                      .address = r.Text(9)};
}

void SqlSessions::Insert(const app::Session& s) {
  static constexpr Query q{
      "sessions.insert",
      "INSERT INTO sessions (token_hash, user_id, kind, strength, csrf_token, created_at, "
      "last_seen_at, expires_at, user_agent, address) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};
  Run(writer(), q,
      {s.token_hash, s.user_id.value, KindName(s.kind), StrengthName(s.strength), s.csrf_token,
       ToUnix(s.created_at), ToUnix(s.last_seen_at), ToUnix(s.expires_at), s.user_agent,
       s.address});
}

std::optional<app::Session> SqlSessions::Find(std::string_view token_hash) {
  static constexpr Query q{"sessions.find",
                           "SELECT " TENURE_SESSION_COLUMNS " FROM sessions WHERE token_hash = $1"};
  return ReadFirst(Run(conn(), q, {std::string(token_hash)}), ToSession);
}

std::vector<app::Session> SqlSessions::ListForUser(UserId user) {
  // sessions_by_user (migration 0001) finds them; an account holds a handful.
  static constexpr Query q{"sessions.list_for_user",
                           "SELECT " TENURE_SESSION_COLUMNS
                           " FROM sessions WHERE user_id = $1 "
                           "ORDER BY last_seen_at DESC, created_at DESC, token_hash"};
  return ReadAll(Run(conn(), q, {user.value}), ToSession);
}

void SqlSessions::Delete(std::string_view token_hash) {
  static constexpr Query q{"sessions.delete", "DELETE FROM sessions WHERE token_hash = $1"};
  Run(writer(), q, {std::string(token_hash)});
}

int64_t SqlSessions::DeleteExpired(Instant now, Instant idle_before) {
  static constexpr Query q{
      "sessions.delete_expired",
      "DELETE FROM sessions WHERE expires_at <= $1 OR (kind = 'dashboard' AND last_seen_at <= $2)"};
  return Run(writer(), q, {ToUnix(now), ToUnix(idle_before)}).affected;
}

void SqlSessions::Touch(std::string_view token_hash, Instant now, Instant stale) {
  static constexpr Query q{
      "sessions.touch",
      "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at <= $3"};
  Run(unaudited_writer(), q, {std::string(token_hash), ToUnix(now), ToUnix(stale)});
}

int64_t SqlSessions::DeleteForUser(UserId user, std::string_view keep_hash) {
  static constexpr Query q{"sessions.delete_for_user",
                           "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2"};
  return Run(writer(), q, {user.value, std::string(keep_hash)}).affected;
}

}  // namespace tenure::storage

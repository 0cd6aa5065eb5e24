#include "storage/repos/sessions.hpp"

namespace tenure::storage {

void SqlSessions::Insert(const app::Session& s) {
  static constexpr Query q{
      "sessions.insert",
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
      "expires_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
  Run(writer(), q,
      {s.token_hash, s.user_id.value, s.csrf_token, ToUnix(s.created_at), ToUnix(s.last_seen_at),
       ToUnix(s.expires_at), s.user_agent, s.address});
}

std::optional<app::Session> SqlSessions::Find(std::string_view token_hash) {
  static constexpr Query q{"sessions.find",
                           "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, "
                           "expires_at, user_agent, address FROM sessions "
                           "WHERE token_hash = $1"};
  return ReadFirst(Run(conn(), q, {std::string(token_hash)}), [](const Row& r) {
    return app::Session{.token_hash = r.Text(0),
                        .user_id = UserId{r.Int(1)},
                        .csrf_token = r.Text(2),
                        .created_at = FromUnix(r.Int(3)),
                        .last_seen_at = FromUnix(r.Int(4)),
                        .expires_at = FromUnix(r.Int(5)),
                        .user_agent = r.Text(6),
                        .address = r.Text(7)};
  });
}

void SqlSessions::Delete(std::string_view token_hash) {
  static constexpr Query q{"sessions.delete", "DELETE FROM sessions WHERE token_hash = $1"};
  Run(writer(), q, {std::string(token_hash)});
}

int64_t SqlSessions::DeleteExpired(Instant now) {
  static constexpr Query q{"sessions.delete_expired",
                           "DELETE FROM sessions WHERE expires_at <= $1"};
  return Run(writer(), q, {ToUnix(now)}).affected;
}

}  // namespace tenure::storage

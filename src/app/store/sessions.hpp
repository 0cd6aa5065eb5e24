#pragma once
// Signed-in sessions in storage: the token (cookie or bearer) is never stored, only its hash.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

// Who holds a session (issue 8): a person in the dashboard, whose browser sends it as a
// cookie, or a program, which sends it as a bearer token. Each chain accepts only its own.
enum class SessionKind { kDashboard, kProgram };

// What proved the session: a password alone, or a password and a second factor. Steps that
// need more assurance can ask for two_factor; every session so far is password.
enum class SessionStrength { kPassword, kTwoFactor };

struct Session {
  std::string token_hash;  // SHA-256 of the token: a leaked table grants nothing
  UserId user_id;
  SessionKind kind = SessionKind::kDashboard;
  SessionStrength strength = SessionStrength::kPassword;
  std::string csrf_token;
  Instant created_at;
  Instant last_seen_at;
  Instant expires_at;
  std::string user_agent;
  std::string address;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void Insert(const Session& session) = 0;
  virtual std::optional<Session> Find(std::string_view token_hash) = 0;
  // Every session of one account, whatever its kind and whether it still counts as live,
  // the most recently seen first (Settings -> Sessions decides which are live).
  virtual std::vector<Session> ListForUser(UserId user) = 0;
  virtual void Delete(std::string_view token_hash) = 0;
  // Sessions past expires_at (`now`), and dashboard sessions last seen at or before
  // `idle_before` (the idle timeout; program sessions follow their machine's heartbeats).
  virtual int64_t DeleteExpired(Instant now, Instant idle_before) = 0;
  // Every session of the user, dashboard and program, but `keep_hash` (empty: every one).
  virtual int64_t DeleteForUser(UserId user, std::string_view keep_hash) = 0;
  // A dashboard session was used: liveness, not a change of state, so no audit row (as
  // MachineRepository::Touch). Writes only when last_seen_at <= `stale`.
  virtual void Touch(std::string_view token_hash, Instant now, Instant stale) = 0;
};

}  // namespace tenure::app

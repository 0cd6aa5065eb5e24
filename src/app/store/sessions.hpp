#pragma once
// Signed-in sessions in storage: the cookie's token is never stored, only its hash.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct Session {
  std::string token_hash;  // SHA-256 of the cookie value: a leaked table grants nothing
  UserId user_id;
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
  virtual void Delete(std::string_view token_hash) = 0;
  virtual int64_t DeleteExpired(Instant now) = 0;
};

}  // namespace tenure::app

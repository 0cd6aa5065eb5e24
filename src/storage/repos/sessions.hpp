#pragma once
// Sessions over SQL; the queries are in sessions.cpp.
#include "app/store/sessions.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

// A session from a row of TENURE_SESSION_COLUMNS (also read in joins: machines.cpp).
#define TENURE_SESSION_COLUMNS                                                  \
  "token_hash, user_id, kind, strength, csrf_token, created_at, last_seen_at, " \
  "expires_at, user_agent, address"
inline constexpr size_t kSessionColumns = 10;
app::Session ToSession(const Row& r);

class SqlSessions final : public app::SessionRepository, Repository {
 public:
  using Repository::Repository;
  void Insert(const app::Session& s) override;
  std::optional<app::Session> Find(std::string_view token_hash) override;
  std::vector<app::Session> ListForUser(UserId user) override;
  void Delete(std::string_view token_hash) override;
  int64_t DeleteExpired(Instant now, Instant idle_before) override;
  int64_t DeleteForUser(UserId user, std::string_view keep_hash) override;
  void Touch(std::string_view token_hash, Instant now, Instant stale) override;
};

}  // namespace tenure::storage

#pragma once
// Discord bindings in storage (issue 11): which Discord account a Tenure account is bound to,
// the OAuth2 tokens that let Tenure add it to the seller's guild (guilds.join), the customer's
// opt-in to checkout posts, and how the last role sync went.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct DiscordTokens {
  std::string access_token;
  std::string refresh_token;  // may be empty (Discord always sends one; a test peer may not)
  Instant expires_at;
};

enum class DiscordSyncStatus { kPending, kOk, kFailed };

struct DiscordLink {
  UserId user_id;
  std::string discord_user_id;  // a snowflake, as text
  std::string username;
  std::string avatar;  // Discord's avatar hash; empty when none
  DiscordTokens tokens;
  bool post_checkouts = false;  // the customer opted in to checkout posts
  Instant bound_at;
  // Whether the license allowed the paid roles when a sync was last asked for: the job that
  // notices licenses crossing the end of grace compares it with the license now.
  bool roles_wanted = false;
  DiscordSyncStatus sync_status = DiscordSyncStatus::kPending;
  std::string sync_error;  // the last failure, for staff; empty when the last sync worked
  std::optional<Instant> synced_at;
};

class DiscordLinkRepository {
 public:
  virtual ~DiscordLinkRepository() = default;
  // Locked for the unit of work when it writes.
  virtual std::optional<DiscordLink> FindByUser(UserId user) = 0;
  virtual std::optional<DiscordLink> FindByDiscordUser(std::string_view discord_user_id) = 0;
  // False, writing nothing, when the user or the Discord account is bound already.
  virtual bool Insert(const DiscordLink& link) = 0;
  // False when the user had no binding.
  virtual bool Delete(UserId user) = 0;
  virtual void UpdateTokens(UserId user, const DiscordTokens& tokens) = 0;
  virtual void SetPostCheckouts(UserId user, bool post) = 0;
  // A sync was asked for: roles_wanted becomes `wanted` and the status pending.
  virtual void RequestSync(UserId user, bool wanted) = 0;
  // How the sync went; `error` empty when it worked.
  virtual void RecordSync(UserId user, DiscordSyncStatus status, std::string_view error,
                          Instant at) = 0;
  // Bindings in user id order, after `after_user` (0: from the start), at most `limit`.
  virtual std::vector<DiscordLink> Page(int64_t after_user, int limit) = 0;
  virtual int64_t Count() = 0;
};

inline std::string_view DiscordSyncStatusName(DiscordSyncStatus status) {
  switch (status) {
    case DiscordSyncStatus::kOk: return "ok";
    case DiscordSyncStatus::kFailed: return "failed";
    case DiscordSyncStatus::kPending: break;
  }
  return "pending";
}

}  // namespace tenure::app

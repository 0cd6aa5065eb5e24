#include "storage/repos/discord_links.hpp"

#include <stdexcept>
#include <string>

namespace tenure::storage {
namespace {

using app::DiscordLink;
using app::DiscordSyncStatus;

// A word the CHECK constraint does not allow means a damaged database: never guess, or staff
// would read a failed sync as a good one.
DiscordSyncStatus ParseSyncStatus(const std::string& name) {
  if (name == "pending") return DiscordSyncStatus::kPending;
  if (name == "ok") return DiscordSyncStatus::kOk;
  if (name == "failed") return DiscordSyncStatus::kFailed;
  throw std::runtime_error("discord_links.sync_status holds '" + name + "'");
}

#define TENURE_DISCORD_LINK_COLUMNS                                                             \
  "user_id, discord_user_id, username, avatar, access_token, refresh_token, token_expires_at, " \
  "post_checkouts, bound_at, roles_wanted, sync_status, sync_error, synced_at"

DiscordLink ToDiscordLink(const Row& r) {
  return DiscordLink{.user_id = UserId{r.Int(0)},
                     .discord_user_id = r.Text(1),
                     .username = r.Text(2),
                     .avatar = r.Text(3),
                     .tokens = {.access_token = r.Text(4),
                                .refresh_token = r.Text(5),
                                .expires_at = FromUnix(r.Int(6))},
                     .post_checkouts = r.Int(7) != 0,
                     .bound_at = FromUnix(r.Int(8)),
                     .roles_wanted = r.Int(9) != 0,
                     .sync_status = ParseSyncStatus(r.Text(10)),
                     .sync_error = r.Text(11),
                     .synced_at = OptInstant(r, 12)};
}

}  // namespace

std::optional<DiscordLink> SqlDiscordLinks::FindByUser(UserId user) {
  static constexpr Query q{"discord_links.by_user", "SELECT " TENURE_DISCORD_LINK_COLUMNS
                                                    " FROM discord_links WHERE user_id = $1"};
  static constexpr Query locked{"discord_links.by_user_locked",
                                "SELECT " TENURE_DISCORD_LINK_COLUMNS
                                " FROM discord_links WHERE user_id = $1 FOR UPDATE"};
  return ReadFirst(Run(conn(), locking() ? locked : q, {user.value}), ToDiscordLink);
}

std::optional<DiscordLink> SqlDiscordLinks::FindByDiscordUser(std::string_view discord_user_id) {
  static constexpr Query q{"discord_links.by_discord_user",
                           "SELECT " TENURE_DISCORD_LINK_COLUMNS
                           " FROM discord_links WHERE discord_user_id = $1"};
  return ReadFirst(Run(conn(), q, {std::string(discord_user_id)}), ToDiscordLink);
}

bool SqlDiscordLinks::Insert(const DiscordLink& l) {
  // DO NOTHING without a target covers both keys (the user, the Discord account), and unlike
  // a caught UniqueViolation it leaves a PostgreSQL transaction usable for the rest of the
  // unit of work.
  static constexpr Query q{
      "discord_links.insert",
      "INSERT INTO discord_links (" TENURE_DISCORD_LINK_COLUMNS
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING"};
  return Run(writer(), q,
             {l.user_id.value, l.discord_user_id, l.username, l.avatar, l.tokens.access_token,
              l.tokens.refresh_token, ToUnix(l.tokens.expires_at), int64_t{l.post_checkouts},
              ToUnix(l.bound_at), int64_t{l.roles_wanted},
              std::string(app::DiscordSyncStatusName(l.sync_status)), l.sync_error,
              Opt(l.synced_at)})
             .affected == 1;
}

bool SqlDiscordLinks::Delete(UserId user) {
  static constexpr Query q{"discord_links.delete", "DELETE FROM discord_links WHERE user_id = $1"};
  return Run(writer(), q, {user.value}).affected == 1;
}

void SqlDiscordLinks::UpdateTokens(UserId user, const app::DiscordTokens& tokens) {
  static constexpr Query q{"discord_links.update_tokens",
                           "UPDATE discord_links SET access_token = $2, refresh_token = $3, "
                           "token_expires_at = $4 WHERE user_id = $1"};
  Run(writer(), q,
      {user.value, tokens.access_token, tokens.refresh_token, ToUnix(tokens.expires_at)});
}

void SqlDiscordLinks::SetPostCheckouts(UserId user, bool post) {
  static constexpr Query q{"discord_links.set_post_checkouts",
                           "UPDATE discord_links SET post_checkouts = $2 WHERE user_id = $1"};
  Run(writer(), q, {user.value, int64_t{post}});
}

void SqlDiscordLinks::RequestSync(UserId user, bool wanted) {
  // sync_error stays: staff still see why the last sync failed while the next one waits.
  static constexpr Query q{"discord_links.request_sync",
                           "UPDATE discord_links SET roles_wanted = $2, sync_status = 'pending' "
                           "WHERE user_id = $1"};
  Run(writer(), q, {user.value, int64_t{wanted}});
}

void SqlDiscordLinks::RecordSync(UserId user, DiscordSyncStatus status, std::string_view error,
                                 Instant at) {
  static constexpr Query q{"discord_links.record_sync",
                           "UPDATE discord_links SET sync_status = $2, sync_error = $3, "
                           "synced_at = $4 WHERE user_id = $1"};
  Run(writer(), q,
      {user.value, std::string(app::DiscordSyncStatusName(status)), std::string(error),
       ToUnix(at)});
}

std::vector<DiscordLink> SqlDiscordLinks::Page(int64_t after_user, int limit) {
  static constexpr Query q{"discord_links.page",
                           "SELECT " TENURE_DISCORD_LINK_COLUMNS
                           " FROM discord_links WHERE user_id > $1 ORDER BY user_id LIMIT $2"};
  return ReadAll(Run(conn(), q, {after_user, int64_t{limit}}), ToDiscordLink);
}

int64_t SqlDiscordLinks::Count() {
  static constexpr Query q{"discord_links.count", "SELECT COUNT(*) FROM discord_links"};
  return Run(conn(), q).rows.at(0).Int(0);
}

}  // namespace tenure::storage

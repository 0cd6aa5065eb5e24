#pragma once
// Discord bindings over SQL (issue 11, migration 0010); the queries are in discord_links.cpp.
#include "app/store/discord_links.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlDiscordLinks final : public app::DiscordLinkRepository, Repository {
 public:
  using Repository::Repository;
  std::optional<app::DiscordLink> FindByUser(UserId user) override;
  std::optional<app::DiscordLink> FindByDiscordUser(std::string_view discord_user_id) override;
  bool Insert(const app::DiscordLink& link) override;
  bool Delete(UserId user) override;
  void UpdateTokens(UserId user, const app::DiscordTokens& tokens) override;
  void SetPostCheckouts(UserId user, bool post) override;
  void RequestSync(UserId user, bool wanted) override;
  void RecordSync(UserId user, app::DiscordSyncStatus status, std::string_view error,
                  Instant at) override;
  std::vector<app::DiscordLink> Page(int64_t after_user, int limit) override;
  int64_t Count() override;
};

}  // namespace tenure::storage

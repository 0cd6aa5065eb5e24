#pragma once
// Account tokens, recovery codes and rate-limit counters over SQL; the queries are in
// account_security.cpp.
#include "app/store/account_security.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlAccountTokens final : public app::AccountTokenRepository, Repository {
 public:
  using Repository::Repository;
  void Insert(const app::AccountToken& token) override;
  std::optional<app::AccountToken> Find(std::string_view token_hash) override;
  bool MarkUsed(std::string_view token_hash, Instant at) override;
  int AddAttempt(std::string_view token_hash) override;
  int64_t Revoke(UserId user, app::AccountTokenPurpose purpose, Instant at) override;
  int64_t DeleteExpired(Instant now) override;
};

class SqlRecoveryCodes final : public app::RecoveryCodeRepository, Repository {
 public:
  using Repository::Repository;
  void Replace(UserId user, const std::vector<std::string>& code_hashes, Instant at) override;
  bool Use(UserId user, std::string_view code_hash, Instant at) override;
  int CountUnused(UserId user) override;
  void DeleteAll(UserId user) override;
};

class SqlRateLimits final : public app::RateLimitRepository, Repository {
 public:
  using Repository::Repository;
  int Hit(std::string_view scope, std::string_view key, Instant window_start) override;
  int Count(std::string_view scope, std::string_view key, Instant window_start) override;
  int64_t DeleteBefore(Instant window_start) override;
};

}  // namespace tenure::storage

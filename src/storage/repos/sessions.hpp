#pragma once
// Sessions over SQL; the queries are in sessions.cpp.
#include "app/store/sessions.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlSessions final : public app::SessionRepository, Repository {
 public:
  using Repository::Repository;
  void Insert(const app::Session& s) override;
  std::optional<app::Session> Find(std::string_view token_hash) override;
  void Delete(std::string_view token_hash) override;
  int64_t DeleteExpired(Instant now) override;
};

}  // namespace tenure::storage

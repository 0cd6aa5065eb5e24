#pragma once
// The outbox over SQL; the queries are in outbox.cpp.
#include "app/store/outbox.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlOutbox final : public app::OutboxRepository, Repository {
 public:
  using Repository::Repository;
  std::vector<app::OutboxMessage> ClaimDue(Instant now, Seconds lease, int limit,
                                           std::string_view kind) override;
  void MarkSent(int64_t id, Instant at) override;
  void MarkFailed(int64_t id, std::string_view error, std::optional<Instant> retry_at) override;
  std::vector<app::OutboxMessage> List(std::string_view status, int limit) override;
  std::optional<app::OutboxMessage> Find(int64_t id) override;
  std::vector<app::OutboxMessage> ForRecipient(std::string_view address, int limit) override;
  bool Retry(int64_t id, Instant now) override;

  // The row behind UnitOfWork::Enqueue() (habit 4): due at once.
  void Add(std::string_view kind, const nlohmann::json& payload, Instant now);
};

}  // namespace tenure::storage

#pragma once
// Cancellations and the feedback inbox's read marks over SQL; the queries are in
// cancellations.cpp.
#include "app/store/cancellations.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlCancellations final : public app::CancellationRepository, Repository {
 public:
  using Repository::Repository;
  CancellationId Insert(const app::Cancellation& c) override;
  std::vector<app::FeedbackRow> List(const app::FeedbackFilter& f, UserId reader) override;
  std::vector<std::pair<domain::CancelReason, int64_t>> CountByReason(Instant from,
                                                                      Instant to) override;
  int64_t CountUnread(UserId reader) override;
  void MarkRead(CancellationId id, UserId reader, Instant at) override;
  std::optional<app::Cancellation> Find(CancellationId id) override;
};

}  // namespace tenure::storage

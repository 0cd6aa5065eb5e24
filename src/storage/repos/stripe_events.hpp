#pragma once
// Stripe's webhook events over SQL; the queries are in stripe_events.cpp.
#include "app/store/stripe_events.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlStripeEvents final : public app::StripeEventRepository, Repository {
 public:
  using Repository::Repository;
  bool InsertIfNew(const app::StripeEvent& e) override;
  std::vector<app::StripeEvent> Unprocessed(int limit) override;
  void MarkProcessed(std::string_view id, Instant at) override;
  std::vector<app::StripeEvent> ClaimDue(Instant now, Instant lease_until, int limit) override;
  void MarkFailed(std::string_view id, std::string_view error, Instant retry_at) override;
};

}  // namespace tenure::storage

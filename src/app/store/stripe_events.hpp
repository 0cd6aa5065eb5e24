#pragma once
// Stripe's webhook events (habit 12): stored raw, deduplicated by event id, then applied.
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace tenure::app {

struct StripeEvent {
  std::string id;
  std::string type;
  std::string payload;  // the raw body as received
  Instant received_at;
  int attempts = 0;
};

class StripeEventRepository {
 public:
  virtual ~StripeEventRepository() = default;
  // False when the event id was already stored (a replay).
  virtual bool InsertIfNew(const StripeEvent& event) = 0;
  virtual std::vector<StripeEvent> Unprocessed(int limit) = 0;
  virtual void MarkProcessed(std::string_view id, Instant at) = 0;
  virtual void MarkFailed(std::string_view id, std::string_view error) = 0;
};

}  // namespace tenure::app

#include "storage/repos/stripe_events.hpp"

namespace tenure::storage {

bool SqlStripeEvents::InsertIfNew(const app::StripeEvent& e) {
  static constexpr Query q{"stripe_events.insert",
                           "INSERT INTO stripe_events (id, type, payload, received_at) VALUES "
                           "($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"};
  return Run(writer(), q, {e.id, e.type, e.payload, ToUnix(e.received_at)}).affected == 1;
}

std::vector<app::StripeEvent> SqlStripeEvents::Unprocessed(int limit) {
  static constexpr Query q{"stripe_events.unprocessed",
                           "SELECT id, type, payload, received_at, attempts FROM stripe_events "
                           "WHERE processed_at IS NULL AND attempts < 20 ORDER BY received_at, "
                           "id LIMIT $1"};
  return ReadAll(Run(conn(), q, {int64_t{limit}}), [](const Row& r) {
    return app::StripeEvent{.id = r.Text(0),
                            .type = r.Text(1),
                            .payload = r.Text(2),
                            .received_at = FromUnix(r.Int(3)),
                            .attempts = static_cast<int>(r.Int(4))};
  });
}

void SqlStripeEvents::MarkProcessed(std::string_view id, Instant at) {
  static constexpr Query q{"stripe_events.processed",
                           "UPDATE stripe_events SET processed_at = $2, last_error = '' "
                           "WHERE id = $1"};
  Run(writer(), q, {std::string(id), ToUnix(at)});
}

void SqlStripeEvents::MarkFailed(std::string_view id, std::string_view error) {
  static constexpr Query q{"stripe_events.failed",
                           "UPDATE stripe_events SET attempts = attempts + 1, last_error = $2 "
                           "WHERE id = $1"};
  Run(writer(), q, {std::string(id), std::string(error)});
}

}  // namespace tenure::storage

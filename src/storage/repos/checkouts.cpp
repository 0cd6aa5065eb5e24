#include "storage/repos/checkouts.hpp"

#include <string>
#include <utility>

// Each statistic has a query for one customer and one for everyone: two constant statements
// keep the customer's index usable (a "$1 = 0 OR user_id = $1" would hide it from the plan).
#define TENURE_CHECKOUT_COLUMNS \
  "id, user_id, client_id, store, product, price_cents, currency, quantity, at, received_at"

namespace tenure::storage {
namespace {

// The customer's query with (user, rest...), or everyone's with (rest...).
QueryResult RunFor(Connection& c, const std::optional<UserId>& user, const Query& one,
                   const Query& all, Value rest) {
  return user ? Run(c, one, {user->value, std::move(rest)}) : Run(c, all, {std::move(rest)});
}

app::StoredCheckout ToStored(const Row& r) {
  return app::StoredCheckout{.id = r.Int(0),
                             .user_id = UserId{r.Int(1)},
                             .checkout = {.client_id = r.Text(2),
                                          .store = r.Text(3),
                                          .product = r.Text(4),
                                          .price_cents = r.Int(5),
                                          .currency = r.Text(6),
                                          .quantity = static_cast<int>(r.Int(7)),
                                          .at = FromUnix(r.Int(8))},
                             .received_at = FromUnix(r.Int(9))};
}

}  // namespace

bool SqlCheckouts::InsertIfNew(UserId user, const domain::Checkout& c, Instant received_at,
                               std::optional<domain::MachineId> machine) {
  static constexpr Query q{
      "checkouts.insert",
      "INSERT INTO checkouts (user_id, client_id, store, product, price_cents, currency, "
      "quantity, at, received_at, machine_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      "ON CONFLICT (user_id, client_id) DO NOTHING"};
  return Run(writer(), q,
             {user.value, c.client_id, c.store, c.product, c.price_cents, c.currency,
              int64_t{c.quantity}, ToUnix(c.at), ToUnix(received_at),
              machine ? Value(machine->value) : Value(nullptr)})
             .affected == 1;
}

// One scan of the customer's rows in the covering index checkouts_stats (migration 0008)
// answers all three periods: Home reads them on every visit. MONTH and WEEK are the
// parameters holding the periods' starts.
#define TENURE_CHECKOUT_SUMS(MONTH, WEEK)                           \
  "SELECT store, currency, COUNT(*), SUM(price_cents * quantity), " \
  "SUM(CASE WHEN at >= " MONTH                                      \
  " THEN 1 ELSE 0 END), "                                           \
  "SUM(CASE WHEN at >= " MONTH                                      \
  " THEN price_cents * quantity ELSE 0 END), "                      \
  "SUM(CASE WHEN at >= " WEEK                                       \
  " THEN 1 ELSE 0 END), "                                           \
  "SUM(CASE WHEN at >= " WEEK " THEN price_cents * quantity ELSE 0 END) FROM checkouts "

std::vector<app::StoreSum> SqlCheckouts::Sums(std::optional<UserId> user, Instant last_30_days,
                                              Instant last_7_days) {
  static constexpr Query one{
      "checkouts.sums",
      TENURE_CHECKOUT_SUMS(
          "$2", "$3") "WHERE user_id = $1 GROUP BY store, currency ORDER BY store, currency"};
  static constexpr Query all{
      "checkouts.sums_all",
      TENURE_CHECKOUT_SUMS("$1", "$2") "GROUP BY store, currency ORDER BY store, currency"};
  const int64_t month = ToUnix(last_30_days);
  const int64_t week = ToUnix(last_7_days);
  auto result =
      user ? Run(conn(), one, {user->value, month, week}) : Run(conn(), all, {month, week});
  return ReadAll(result, [](const Row& r) {
    return app::StoreSum{.store = r.Text(0),
                         .currency = r.Text(1),
                         .all_time = {r.Int(2), r.Int(3)},
                         .last_30_days = {r.Int(4), r.Int(5)},
                         .last_7_days = {r.Int(6), r.Int(7)}};
  });
}

std::vector<app::DaySum> SqlCheckouts::PerDay(std::optional<UserId> user, Instant since) {
  static constexpr Query one{"checkouts.per_day",
                             "SELECT (at - $2) / 86400, COUNT(*) FROM checkouts WHERE "
                             "user_id = $1 AND at >= $2 GROUP BY (at - $2) / 86400 ORDER BY 1"};
  static constexpr Query all{"checkouts.per_day_all",
                             "SELECT (at - $1) / 86400, COUNT(*) FROM checkouts WHERE "
                             "at >= $1 GROUP BY (at - $1) / 86400 ORDER BY 1"};
  const int64_t start = ToUnix(since);
  return ReadAll(RunFor(conn(), user, one, all, start), [start](const Row& r) {
    return app::DaySum{start + r.Int(0) * 86400, r.Int(1)};
  });
}

std::vector<app::StoredCheckout> SqlCheckouts::Latest(std::optional<UserId> user, int limit) {
  static constexpr Query one{"checkouts.latest",
                             "SELECT " TENURE_CHECKOUT_COLUMNS
                             " FROM checkouts WHERE user_id = $1 ORDER BY at DESC, id DESC "
                             "LIMIT $2"};
  static constexpr Query all{"checkouts.latest_all",
                             "SELECT " TENURE_CHECKOUT_COLUMNS
                             " FROM checkouts ORDER BY at DESC, id DESC LIMIT $1"};
  return ReadAll(RunFor(conn(), user, one, all, int64_t{limit}), ToStored);
}

}  // namespace tenure::storage

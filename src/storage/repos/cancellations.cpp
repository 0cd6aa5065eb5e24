#include "storage/repos/cancellations.hpp"

#include <string>

namespace tenure::storage {
namespace {

app::Cancellation ToCancellation(const Row& r) {
  auto ticket = r.OptInt(5);
  return app::Cancellation{
      .id = CancellationId{r.Int(0)},
      .user_id = UserId{r.Int(1)},
      .license_id = LicenseId{r.Int(2)},
      .reason = domain::ParseCancelReason(r.Text(3)).value_or(domain::CancelReason::kOther),
      .comment = r.Text(4),
      .ticket_id = ticket ? std::optional(TicketId{*ticket}) : std::nullopt,
      .license_ends_at = FromUnix(r.Int(6)),
      .created_at = FromUnix(r.Int(7))};
}

}  // namespace

CancellationId SqlCancellations::Insert(const app::Cancellation& c) {
  static constexpr Query q{
      "cancellations.insert",
      "INSERT INTO cancellations (user_id, license_id, reason, comment, ticket_id, "
      "license_ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
  return CancellationId{
      Run(writer(), q,
          {c.user_id.value, c.license_id.value, std::string(domain::CancelReasonName(c.reason)),
           c.comment, c.ticket_id ? Value(c.ticket_id->value) : Value(nullptr),
           ToUnix(c.license_ends_at), ToUnix(c.created_at)})
          .rows.at(0)
          .Int(0)};
}

std::vector<app::FeedbackRow> SqlCancellations::List(const app::FeedbackFilter& f, UserId reader) {
  static constexpr Query q{
      "cancellations.list",
      "SELECT c.id, c.user_id, c.license_id, c.reason, c.comment, c.ticket_id, "
      "c.license_ends_at, c.created_at, u.email, "
      "(SELECT COUNT(*) FROM feedback_reads r WHERE r.cancellation_id = c.id AND r.staff_id = "
      "$5) "
      "FROM cancellations c JOIN users u ON u.id = c.user_id "
      "WHERE ($1 = '' OR c.reason = $1) AND c.created_at >= $2 AND c.created_at < $3 "
      "ORDER BY c.created_at DESC, c.id DESC LIMIT $4 OFFSET $6"};
  const std::string reason(f.reason ? domain::CancelReasonName(*f.reason) : "");
  return ReadAll(Run(conn(), q,
                     {reason, ToUnix(f.from), ToUnix(f.to), int64_t{f.limit}, reader.value,
                      int64_t{f.offset}}),
                 [](const Row& r) {
                   return app::FeedbackRow{ToCancellation(r), r.Text(8), r.Int(9) > 0};
                 });
}

std::vector<std::pair<domain::CancelReason, int64_t>> SqlCancellations::CountByReason(Instant from,
                                                                                      Instant to) {
  static constexpr Query q{"cancellations.by_reason",
                           "SELECT reason, COUNT(*) FROM cancellations WHERE created_at >= $1 "
                           "AND created_at < $2 GROUP BY reason"};
  std::vector<std::pair<domain::CancelReason, int64_t>> out;
  for (auto reason : domain::AllCancelReasons()) out.emplace_back(reason, 0);
  for (const Row& r : Run(conn(), q, {ToUnix(from), ToUnix(to)}).rows)
    if (auto reason = domain::ParseCancelReason(r.Text(0)))
      for (auto& [k, n] : out)
        if (k == *reason) n = r.Int(1);
  return out;
}

int64_t SqlCancellations::CountUnread(UserId reader) {
  static constexpr Query q{"cancellations.unread",
                           "SELECT COUNT(*) FROM cancellations c WHERE NOT EXISTS (SELECT 1 "
                           "FROM feedback_reads r WHERE r.cancellation_id = c.id AND "
                           "r.staff_id = $1)"};
  return Run(conn(), q, {reader.value}).rows.at(0).Int(0);
}

void SqlCancellations::MarkRead(CancellationId id, UserId reader, Instant at) {
  static constexpr Query q{"feedback_reads.insert",
                           "INSERT INTO feedback_reads (cancellation_id, staff_id, read_at) "
                           "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"};
  Run(writer(), q, {id.value, reader.value, ToUnix(at)});
}

std::optional<app::Cancellation> SqlCancellations::Find(CancellationId id) {
  static constexpr Query q{"cancellations.find",
                           "SELECT id, user_id, license_id, reason, comment, ticket_id, "
                           "license_ends_at, created_at FROM cancellations WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id.value}), ToCancellation);
}

}  // namespace tenure::storage

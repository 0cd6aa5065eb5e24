#include "app/reports.hpp"

#include <algorithm>

#include "app/store/reports.hpp"
#include "app/store/unit_of_work.hpp"

namespace tenure::app {

Result<domain::BusinessReport> ReportService::Business(const domain::User& viewer, int months) {
  if (viewer.role != domain::Role::kAdmin)
    return Fail(ErrorCode::kForbidden, "Only admins can see the business figures.");
  domain::BusinessInputs in{
      .grace = policy_.grace, .now = clock_.Now(), .months = std::clamp(months, 1, kMaxMonths)};
  const Instant since =
      domain::MonthStart(domain::MonthOf(in.now) - std::chrono::months(in.months - 1));
  auto read = store_.Read();
  in.charges = read->reports().Charges(since);
  in.grants = read->reports().Grants();
  in.licenses = read->reports().Licenses();
  in.cancellations = read->reports().Cancellations(since);
  in.funnel = read->reports().Funnel(since);
  return domain::ComputeBusinessReport(in);
}

}  // namespace tenure::app

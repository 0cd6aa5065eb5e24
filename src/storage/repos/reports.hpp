#pragma once
// The seller's figures' reads and the cancel funnel's record over SQL; the queries are in
// reports.cpp.
#include "app/store/reports.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlReports final : public app::ReportRepository, Repository {
 public:
  using Repository::Repository;
  std::vector<domain::ChargeRecord> Charges(Instant since) override;
  std::vector<domain::GrantRecord> Grants() override;
  std::vector<domain::LicenseRecord> Licenses() override;
  std::vector<domain::CancellationRecord> Cancellations(Instant since) override;
  std::vector<domain::FunnelRecord> Funnel(Instant since) override;
  void RecordFunnelStep(UserId user, domain::FunnelStep step, Instant at) override;
};

}  // namespace tenure::storage

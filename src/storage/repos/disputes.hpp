#pragma once
// The processor's disputes over SQL; the queries are in disputes.cpp.
#include "app/store/disputes.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlDisputes final : public app::DisputeRepository, Repository {
 public:
  using Repository::Repository;
  int64_t Insert(const app::Dispute& d) override;
  void Update(const app::Dispute& d) override;
  std::optional<app::Dispute> Find(std::string_view provider,
                                   std::string_view provider_dispute_id) override;
  int CountOpen(LicenseId license) override;
};

}  // namespace tenure::storage

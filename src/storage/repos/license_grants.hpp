#pragma once
// Days granted by staff, over SQL; the queries are in license_grants.cpp.
#include "app/store/license_grants.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlLicenseGrants final : public app::LicenseGrantRepository, Repository {
 public:
  using Repository::Repository;
  int64_t Insert(const app::LicenseGrant& g) override;
  std::vector<app::LicenseGrant> ForLicense(LicenseId license) override;
};

}  // namespace tenure::storage

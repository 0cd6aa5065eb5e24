#pragma once
// Days granted by staff (PRODUCT.md: "Staff may grant extra days ... never money").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct LicenseGrant {
  int64_t id = 0;
  LicenseId license_id;
  int days = 0;
  std::string reason;
  UserId staff_id;
  std::string staff_email;  // filled by reads
  std::optional<Instant> expires_before;
  Instant expires_after;
  Instant created_at;
};

class LicenseGrantRepository {
 public:
  virtual ~LicenseGrantRepository() = default;
  virtual int64_t Insert(const LicenseGrant& grant) = 0;
  virtual std::vector<LicenseGrant> ForLicense(LicenseId license) = 0;  // newest first
};

}  // namespace tenure::app

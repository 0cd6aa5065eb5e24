#pragma once
// Lease signing keys over SQL; the queries are in signing_keys.cpp.
#include "app/store/signing_keys.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlSigningKeys final : public app::SigningKeyRepository, Repository {
 public:
  using Repository::Repository;
  void Insert(const app::SigningKey& key) override;
  std::optional<app::SigningKey> Current() override;
  std::vector<app::SigningKey> Published(Instant retired_after) override;
  void RetireAllBut(const std::string& kid, Instant at) override;
};

}  // namespace tenure::storage

#pragma once
// Releases and their files over SQL (issue 12, migration 0011); the queries are in releases.cpp.
#include "app/store/releases.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlReleases final : public app::ReleaseRepository, Repository {
 public:
  using Repository::Repository;
  std::optional<domain::ReleaseId> Insert(const domain::Release& release) override;
  void InsertFile(const domain::ReleaseFile& file) override;
  std::optional<domain::Release> Find(domain::ReleaseId id) override;
  std::optional<domain::Release> FindByVersion(std::string_view version) override;
  std::vector<domain::Release> List(bool include_unpublished, int limit) override;
  std::vector<domain::ReleaseFile> Files(domain::ReleaseId id) override;
  std::optional<domain::ReleaseFile> FindFile(domain::ReleaseId id, domain::ReleaseOs os) override;
  bool SetUnpublished(domain::ReleaseId id, std::optional<Instant> at) override;
  void CountDownload(domain::ReleaseId id, domain::ReleaseOs os) override;
};

}  // namespace tenure::storage

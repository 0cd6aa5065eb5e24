#pragma once
// Releases and their files in storage (domain/release.hpp; issue 12).
#include <optional>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "domain/release.hpp"

namespace tenure::app {

class ReleaseRepository {
 public:
  virtual ~ReleaseRepository() = default;
  // nullopt, writing nothing, when the version is published already (whatever its channel).
  virtual std::optional<domain::ReleaseId> Insert(const domain::Release& release) = 0;
  virtual void InsertFile(const domain::ReleaseFile& file) = 0;
  virtual std::optional<domain::Release> Find(domain::ReleaseId id) = 0;
  virtual std::optional<domain::Release> FindByVersion(std::string_view version) = 0;
  // Newest first (published_at, then id); unpublished ones only when asked.
  virtual std::vector<domain::Release> List(bool include_unpublished, int limit) = 0;
  virtual std::vector<domain::ReleaseFile> Files(domain::ReleaseId id) = 0;
  virtual std::optional<domain::ReleaseFile> FindFile(domain::ReleaseId id,
                                                      domain::ReleaseOs os) = 0;
  // Sets or clears unpublished_at; false when there is no such release.
  virtual bool SetUnpublished(domain::ReleaseId id, std::optional<Instant> at) = 0;
  virtual void CountDownload(domain::ReleaseId id, domain::ReleaseOs os) = 0;
};

}  // namespace tenure::app

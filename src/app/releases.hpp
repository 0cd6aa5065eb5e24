#pragma once
// Releases of the program (issue 12): publishing (from the staff page's upload or `tenure
// release add`), unpublishing, what the Download tab and the update check offer, and who may
// download a file. Files live under the releases directory; Tenure records each one's size and
// SHA-256 and signs them with the lease key (app/leases.hpp), so the program can tell a
// tampered file from the one published.
#include <optional>
#include <string>
#include <vector>

#include "app/leases.hpp"
#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/license_policy.hpp"
#include "domain/release.hpp"

namespace tenure::app {

struct ReleaseUpload {
  domain::ReleaseOs os = domain::ReleaseOs::kWindows;
  std::string path;       // the file to publish, on this machine
  std::string file_name;  // the name customers download it as
  // True: the file is moved into the releases directory (an upload's temporary file); false:
  // copied (the operator's own file, from the command line).
  bool move = false;
};

struct PublishRequest {
  std::string version;
  domain::ReleaseChannel channel = domain::ReleaseChannel::kStable;
  std::string notes;  // Markdown
  std::vector<ReleaseUpload> files;
  bool allow_older = false;  // publish a version lower than the channel's latest
};

struct ReleaseView {
  domain::Release release;
  std::vector<domain::ReleaseFile> files;
};

// A file a customer may download now.
struct Download {
  domain::Release release;
  domain::ReleaseFile file;
  std::string path;  // on disk
};

class ReleaseService {
 public:
  ReleaseService(Store& store, const Clock& clock, LeaseSigner& signer, std::string releases_dir,
                 const domain::LicensePolicy& policy);

  Result<ReleaseView> Publish(const Actor& actor, std::optional<UserId> by,
                              const PublishRequest& request);
  // Unpublish hides a release from customers and the API (its files stay); publish shows it
  // again. Audited.
  Result<void> SetPublished(const Actor& actor, domain::ReleaseId id, bool published);

  std::vector<ReleaseView> List(bool include_unpublished, int limit = 50);
  std::optional<ReleaseView> Latest(domain::ReleaseChannel channel);
  // The release file's signature, re-signed when the key that signed it is no longer the
  // current one (a rotation must not strand old releases).
  std::string Signature(const domain::Release& release, const domain::ReleaseFile& file);

  // kForbidden (with why) unless the customer's license is usable (active or grace), kNotFound
  // for an unpublished or unknown release or OS.
  Result<Download> Authorize(UserId user, domain::ReleaseId id, domain::ReleaseOs os);
  void CountDownload(domain::ReleaseId id, domain::ReleaseOs os);

  // A download link for the program (the update check): valid `ttl`, for this user only.
  std::string DownloadToken(UserId user, domain::ReleaseId id, domain::ReleaseOs os, Seconds ttl);
  // The user a valid token was issued to, for exactly this release and OS.
  std::optional<UserId> CheckDownloadToken(std::string_view token, domain::ReleaseId id,
                                           domain::ReleaseOs os);

  const std::string& releases_dir() const { return dir_; }

 private:
  Store& store_;
  const Clock& clock_;
  LeaseSigner& signer_;
  std::string dir_;
  const domain::LicensePolicy& policy_;
};

// The file's facts a release signature covers (the claims of its JWS).
nlohmann::json ReleaseClaims(const domain::Release& release, const domain::ReleaseFile& file);

}  // namespace tenure::app

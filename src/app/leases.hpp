#pragma once
// Signed leases (issue 9): every license answer carries a compact JWS (RFC 7515) signed with
// EdDSA over Ed25519 (RFC 8037, libsodium), so the program can verify it with the published
// key (JWKS) and run offline until the lease ends. The keys live in the database: every
// server of an installation signs with the same one, and a rotation keeps the old public key
// published until the last lease it signed has ended.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "domain/license.hpp"

namespace tenure::app {

// What a lease says (the claims of issue 9's contract).
struct LeaseClaims {
  UserId user;
  std::string session_id;
  std::string fingerprint;
  domain::LicenseStatus status;
  Instant expires_at;     // the license's
  Instant grace_ends_at;  // the license's
  int instances = 1;
  Instant issued_at;
  Instant ends_at;  // the lease's `exp`
};

class LeaseSigner {
 public:
  // `issuer` is the public URL (the `iss` claim); `lease_duration` is the longest lease, for
  // how long a retired key stays published.
  LeaseSigner(Store& store, const Clock& clock, std::string issuer, Seconds lease_duration);

  // Creates the first key if there is none (`serve` at start, `demo`); returns its kid.
  std::string EnsureKey();
  // `tenure keys rotate`: a new key signs from now on; the others retire.
  std::string Rotate(const Actor& actor);

  std::string Sign(const LeaseClaims& claims);
  // A compact JWS of any claims with the current key; `typ` says what it is ("JWT" for
  // leases, "tenure-release+jwt" for release files: issue 12).
  std::string SignClaims(const nlohmann::json& claims, std::string_view typ);
  std::string CurrentKid();
  // The claims of a JWS signed by a key of this installation still published (the JWKS), or
  // nullopt when it is malformed, forged or its key is gone.
  std::optional<nlohmann::json> Verify(std::string_view jws);
  // Sign(), or the lease signed for the same session and the same license facts less than a
  // minute ago: a program checking its license many times a minute gets one lease, and the
  // server signs about once a minute per machine (heartbeats stay cheap; issue 9).
  std::string Lease(const LeaseClaims& claims);
  // {"keys": [...]} with every key a verifier may still meet.
  nlohmann::json Jwks();

  static constexpr char kAudience[] = "tenure-program";

 private:
  struct LoadedKey {
    std::string kid;
    std::string secret;  // 64 raw bytes
    std::chrono::steady_clock::time_point loaded_at;
  };
  std::shared_ptr<const LoadedKey> CurrentKey();
  std::string CreateKey(UnitOfWork& uow);

  Store& store_;
  const Clock& clock_;
  std::string issuer_;
  Seconds lease_duration_;
  std::mutex mutex_;
  std::shared_ptr<const LoadedKey> current_;  // re-read every minute: another process rotates

  struct Recent {
    LeaseClaims claims;
    std::string kid;
    std::string lease;
  };
  std::mutex recent_mutex_;
  std::unordered_map<std::string, Recent> recent_;  // by session id
};

// Base64url without padding (RFC 4648 section 5), as JOSE writes every binary value.
std::string Base64Url(std::string_view bytes);
std::string FromBase64Url(std::string_view text);  // empty when not base64url

}  // namespace tenure::app

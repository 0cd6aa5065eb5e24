#pragma once
// The Ed25519 keys that sign leases, in storage (app/leases.hpp; issue 9). Kept in the
// database so that every server of one installation signs with the same key.
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace tenure::app {

struct SigningKey {
  std::string kid;
  std::string public_key;  // base64url of the 32-byte key
  std::string
      secret_key;  // base64url of libsodium's 64 bytes (seed, then public key); never logged
  Instant created_at;
  std::optional<Instant> retired_at;
};

class SigningKeyRepository {
 public:
  virtual ~SigningKeyRepository() = default;
  virtual void Insert(const SigningKey& key) = 0;
  // The newest key not retired: the one that signs.
  virtual std::optional<SigningKey> Current() = 0;
  // Keys a verifier still needs: not retired, or retired after `retired_after`.
  virtual std::vector<SigningKey> Published(Instant retired_after) = 0;
  virtual void RetireAllBut(const std::string& kid, Instant at) = 0;
};

}  // namespace tenure::app

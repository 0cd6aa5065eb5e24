#include "storage/repos/signing_keys.hpp"

namespace tenure::storage {
namespace {

app::SigningKey ToKey(const Row& r) {
  return app::SigningKey{.kid = r.Text(0),
                         .public_key = r.Text(1),
                         .secret_key = r.Text(2),
                         .created_at = FromUnix(r.Int(3)),
                         .retired_at = OptInstant(r, 4)};
}

}  // namespace

void SqlSigningKeys::Insert(const app::SigningKey& k) {
  static constexpr Query q{"signing_keys.insert",
                           "INSERT INTO signing_keys (kid, public_key, secret_key, created_at, "
                           "retired_at) VALUES ($1, $2, $3, $4, $5)"};
  Run(writer(), q, {k.kid, k.public_key, k.secret_key, ToUnix(k.created_at), Opt(k.retired_at)});
}

std::optional<app::SigningKey> SqlSigningKeys::Current() {
  static constexpr Query q{"signing_keys.current",
                           "SELECT kid, public_key, secret_key, created_at, retired_at FROM "
                           "signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, "
                           "kid DESC LIMIT 1"};
  return ReadFirst(Run(conn(), q), ToKey);
}

std::vector<app::SigningKey> SqlSigningKeys::Published(Instant retired_after) {
  static constexpr Query q{"signing_keys.published",
                           "SELECT kid, public_key, secret_key, created_at, retired_at FROM "
                           "signing_keys WHERE retired_at IS NULL OR retired_at > $1 "
                           "ORDER BY created_at DESC, kid DESC"};
  return ReadAll(Run(conn(), q, {ToUnix(retired_after)}), ToKey);
}

void SqlSigningKeys::RetireAllBut(const std::string& kid, Instant at) {
  static constexpr Query q{
      "signing_keys.retire",
      "UPDATE signing_keys SET retired_at = $2 WHERE kid <> $1 AND retired_at IS NULL"};
  Run(writer(), q, {kid, ToUnix(at)});
}

}  // namespace tenure::storage

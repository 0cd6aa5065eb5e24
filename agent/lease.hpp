#pragma once
// Verifying what a Tenure server signs with its Ed25519 key: compact JWS (RFC 7515,
// EdDSA per RFC 8037). A lease lets a program run offline until its `exp`; a release
// signature (release.hpp) vouches for an update's file. Standalone (libsodium and
// nlohmann-json only), so a seller can copy it into a program as it is.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::agent {

// The audience every lease names (issue 9: the lease's claims).
inline constexpr std::string_view kLeaseAudience = "tenure-program";

// Why a compact JWS was refused: it is not the server's, whatever it says.
enum class JwsProblem {
  kMalformed,     // not three base64url parts of JSON objects
  kBadAlgorithm,  // header alg is not EdDSA
  kUnknownKey,    // no Ed25519 key with the header's kid in the JWKS
  kBadSignature,  // Ed25519 verification failed, or the key or signature has a wrong size
  kWrongType,     // header typ is not the one asked for (a lease passed as a release, ...)
};

struct JwsError {
  JwsProblem problem;
  std::string message;
};

// A JWS whose signature held: only now are its header and claims worth reading.
struct VerifiedJws {
  nlohmann::json header;
  nlohmann::json claims;
};

// Checks, in this order: shape, alg EdDSA, a JWKS key with the header's kid (kty OKP, crv
// Ed25519), the signature over "header.claims", then (when `typ` is not empty) the header's
// typ, and that the claims are a JSON object. `what` names the token in messages ("lease").
std::expected<VerifiedJws, JwsError> VerifyJws(std::string_view jws, const nlohmann::json& jwks,
                                               std::string_view what, std::string_view typ = {});

// The claims a program acts on; `raw` keeps them all for printing.
struct LeaseClaims {
  std::string iss;
  std::string sub;  // the account id, as a decimal string
  std::string sid;  // the session it was issued to
  std::string fingerprint;
  std::string status;  // "active" | "grace"
  std::string expires_at;
  std::string grace_ends_at;
  std::string jti;
  int64_t instances = 0;
  int64_t iat = 0;
  int64_t exp = 0;  // seconds since the Unix epoch: the program may run offline until then
  nlohmann::json raw;
};

// Why a lease was refused. Only kExpired is "was ours, is over"; every other reason means
// the lease cannot be trusted and the program is not licensed by it.
enum class LeaseProblem {
  kMalformed,     // not three base64url parts of JSON
  kBadAlgorithm,  // header alg is not EdDSA
  kUnknownKey,    // no key with the header's kid in the JWKS
  kBadSignature,  // Ed25519 verification failed
  kWrongAudience,
  kWrongMachine,  // fingerprint is not ours
  kExpired,       // exp is not ahead of now
};

struct LeaseError {
  LeaseProblem problem;
  std::string message;
  int64_t exp = 0;  // set for kExpired: when the (genuine) lease ended
};

// VerifyJws (the typ is not checked: leases say "JWT"), then aud, fingerprint and exp > now.
// Claims are read only after the signature holds: nothing unsigned is ever trusted.
std::expected<LeaseClaims, LeaseError> VerifyLease(std::string_view lease,
                                                   const nlohmann::json& jwks,
                                                   std::string_view fingerprint, int64_t now);

// Whether the JWKS has a key with this kid: a JWS signed by a key the cache has not seen
// yet (a rotation) is a reason to fetch the keys again, once.
bool JwksHasKid(const nlohmann::json& jwks, std::string_view kid);
// The kid of a JWS's header, without verifying anything (to decide whether to refetch).
std::optional<std::string> JwsKid(std::string_view jws);

// base64url without padding (RFC 7515 section 2); decoding rejects padding and stray bytes.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace tenure::agent

#include "lease.hpp"

#include <sodium.h>

#include <stdexcept>

namespace tenure::agent {
namespace {

std::unexpected<LeaseError> Refuse(LeaseProblem problem, std::string message, int64_t exp = 0) {
  return std::unexpected(LeaseError{problem, std::move(message), exp});
}

void EnsureSodium() {
  // sodium_init() is thread-safe and idempotent; it only fails when no entropy source works.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
}

struct Parts {
  std::string_view header;
  std::string_view claims;
  std::string_view signature;
};

std::optional<Parts> Split(std::string_view jws) {
  const size_t first = jws.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = jws.find('.', first + 1);
  if (second == std::string_view::npos || jws.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  return Parts{jws.substr(0, first), jws.substr(first + 1, second - first - 1),
               jws.substr(second + 1)};
}

std::optional<nlohmann::json> DecodeJsonObject(std::string_view segment) {
  auto bytes = Base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  auto value = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

const nlohmann::json* FindKey(const nlohmann::json& jwks, std::string_view kid) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) return nullptr;
  for (const auto& key : jwks["keys"]) {
    if (key.is_object() && key.value("kid", "") == kid) return &key;
  }
  return nullptr;
}

std::string Text(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Number(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// RFC 7519 section 4.1.3: aud is a string or an array of strings.
bool NamesAudience(const nlohmann::json& claims) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return *it == kLeaseAudience;
  if (!it->is_array()) return false;
  for (const auto& a : *it) {
    if (a.is_string() && a == kLeaseAudience) return true;
  }
  return false;
}

// A lease is refused for the JWS's reason; leases are not checked for a typ.
LeaseProblem FromJws(JwsProblem problem) {
  switch (problem) {
    case JwsProblem::kBadAlgorithm: return LeaseProblem::kBadAlgorithm;
    case JwsProblem::kUnknownKey: return LeaseProblem::kUnknownKey;
    case JwsProblem::kBadSignature: return LeaseProblem::kBadSignature;
    case JwsProblem::kMalformed:
    case JwsProblem::kWrongType: return LeaseProblem::kMalformed;
  }
  return LeaseProblem::kMalformed;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoder writes a trailing NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  // libsodium 1.0.18 (Debian 12) decodes every byte from 0x80 up as '_' (found by the fuzz
  // target fuzz/lease_jws_fuzz.cpp): a lease with such a byte in place of a '_' of its
  // signature verified. Only the alphabet reaches it.
  for (char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return std::nullopt;
  EnsureSodium();
  std::string out(text.size() * 3 / 4 + 1, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(length);
  return out;
}

bool JwksHasKid(const nlohmann::json& jwks, std::string_view kid) {
  return FindKey(jwks, kid) != nullptr;
}

std::optional<std::string> JwsKid(std::string_view jws) {
  auto parts = Split(jws);
  if (!parts) return std::nullopt;
  auto header = DecodeJsonObject(parts->header);
  if (!header || !header->contains("kid") || !(*header)["kid"].is_string()) return std::nullopt;
  return (*header)["kid"].get<std::string>();
}

std::expected<VerifiedJws, JwsError> VerifyJws(std::string_view jws, const nlohmann::json& jwks,
                                               std::string_view what, std::string_view typ) {
  EnsureSodium();
  const std::string the = "the " + std::string(what);
  auto refuse = [](JwsProblem problem, std::string message) {
    return std::unexpected(JwsError{problem, std::move(message)});
  };
  auto parts = Split(jws);
  if (!parts) return refuse(JwsProblem::kMalformed, the + " is not a compact JWS");
  auto header = DecodeJsonObject(parts->header);
  if (!header) return refuse(JwsProblem::kMalformed, the + "'s header is not JSON");
  // RFC 8725 section 3.1: the algorithm is ours to fix, never the token's to choose.
  if (Text(*header, "alg") != "EdDSA")
    return refuse(JwsProblem::kBadAlgorithm, the + " is not signed with EdDSA");
  const std::string kid = Text(*header, "kid");
  const nlohmann::json* key = FindKey(jwks, kid);
  if (kid.empty() || key == nullptr)
    return refuse(JwsProblem::kUnknownKey, "no key in the JWKS has " + the + "'s kid");
  if (key->value("kty", "") != "OKP" || key->value("crv", "") != "Ed25519")
    return refuse(JwsProblem::kUnknownKey, the + "'s key is not an Ed25519 key");
  auto public_key = Base64UrlDecode(key->value("x", ""));
  auto signature = Base64UrlDecode(parts->signature);
  if (!public_key || public_key->size() != crypto_sign_PUBLICKEYBYTES || !signature ||
      signature->size() != crypto_sign_BYTES)
    return refuse(JwsProblem::kBadSignature, the + "'s key or signature has a wrong size");

  // RFC 7515 section 5.2: the signing input is the two encoded segments as sent.
  const std::string_view input = jws.substr(0, parts->header.size() + 1 + parts->claims.size());
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                  reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size(),
                                  reinterpret_cast<const unsigned char*>(public_key->data())) != 0)
    return refuse(JwsProblem::kBadSignature, the + "'s signature does not verify");

  // RFC 8725 section 3.11: the typ tells one kind of token from another signed by the same
  // key, so a genuine lease is never taken for a release signature, or the other way round.
  if (!typ.empty() && Text(*header, "typ") != typ)
    return refuse(JwsProblem::kWrongType, the + " is not a " + std::string(typ));
  auto claims = DecodeJsonObject(parts->claims);
  if (!claims) return refuse(JwsProblem::kMalformed, the + "'s claims are not JSON");
  return VerifiedJws{.header = std::move(*header), .claims = std::move(*claims)};
}

std::expected<LeaseClaims, LeaseError> VerifyLease(std::string_view lease,
                                                   const nlohmann::json& jwks,
                                                   std::string_view fingerprint, int64_t now) {
  auto verified = VerifyJws(lease, jwks, "lease");
  if (!verified) return Refuse(FromJws(verified.error().problem), verified.error().message);
  const nlohmann::json& claims = verified->claims;
  if (!NamesAudience(claims))
    return Refuse(LeaseProblem::kWrongAudience, "the lease is not for a Tenure program");
  LeaseClaims out{.iss = Text(claims, "iss"),
                  .sub = Text(claims, "sub"),
                  .sid = Text(claims, "sid"),
                  .fingerprint = Text(claims, "fingerprint"),
                  .status = Text(claims, "status"),
                  .expires_at = Text(claims, "expires_at"),
                  .grace_ends_at = Text(claims, "grace_ends_at"),
                  .jti = Text(claims, "jti"),
                  .instances = Number(claims, "instances"),
                  .iat = Number(claims, "iat"),
                  .exp = Number(claims, "exp"),
                  .raw = claims};
  if (out.fingerprint != fingerprint)
    return Refuse(LeaseProblem::kWrongMachine, "the lease was issued to another machine");
  if (out.exp <= now) return Refuse(LeaseProblem::kExpired, "the lease has ended", out.exp);
  return out;
}

}  // namespace tenure::agent

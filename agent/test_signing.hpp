#pragma once
// For the agent's unit tests: fresh Ed25519 keys, their JWK, and compact JWS signed with them,
// so verification is tested against tokens made here, with no server.
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

#include "lease.hpp"

namespace tenure::agent::test_keys {

struct KeyPair {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};
  KeyPair() { crypto_sign_keypair(public_key.data(), secret_key.data()); }

  nlohmann::json Jwk(const std::string& kid) const {
    return {{"kty", "OKP"},
            {"crv", "Ed25519"},
            {"kid", kid},
            {"alg", "EdDSA"},
            {"use", "sig"},
            {"x", Base64UrlEncode(
                      {reinterpret_cast<const char*>(public_key.data()), public_key.size()})}};
  }
};

inline std::string Sign(const KeyPair& key, const nlohmann::json& header,
                        const nlohmann::json& claims) {
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       key.secret_key.data());
  return input + "." +
         Base64UrlEncode({reinterpret_cast<const char*>(signature.data()), signature.size()});
}

}  // namespace tenure::agent::test_keys

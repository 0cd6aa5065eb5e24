#pragma once
#include <string>
#include <string_view>

namespace tenure {

// `count` raw bytes from the OS CSPRNG (e.g. a TOTP key, core/totp.hpp).
std::string RandomBytes(size_t count);
// `bytes` bytes from the OS CSPRNG, URL-safe base64 without padding.
std::string RandomToken(size_t bytes = 32);
// Lowercase hex SHA-256, e.g. to store session tokens hashed.
std::string Sha256Hex(std::string_view data);
// The PKCE code challenge of a verifier, method S256 (RFC 7636 section 4.2):
// base64url(SHA-256(verifier)) without padding.
std::string PkceChallengeS256(std::string_view verifier);
// Constant-time comparison for secrets.
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace tenure

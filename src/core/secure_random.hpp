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
// Constant-time comparison for secrets.
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace tenure

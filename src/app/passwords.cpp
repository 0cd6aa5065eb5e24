#include "app/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

namespace tenure::app {

PasswordHasher::Limits PasswordHasher::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordHasher::Limits PasswordHasher::Minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string PasswordHasher::Hash(std::string_view password) const {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits_.ops, limits_.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("argon2id hashing ran out of memory");
  return out;
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  const std::string h(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), limits_.ops, limits_.mem_bytes) != 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  static const std::string dummy = Hash("tenure-dummy-password");
  Verify(dummy, password);
}

}  // namespace tenure::app

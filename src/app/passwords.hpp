#pragma once
// argon2id password hashes (libsodium). Hashing costs ~85 ms and 64 MiB at the interactive
// limits, so callers run it off the I/O threads (http/ marks those routes as slow).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tenure::app {

class PasswordHasher {
 public:
  struct Limits {
    uint64_t ops;
    size_t mem_bytes;
  };
  static Limits Interactive();
  static Limits Minimum();  // unit tests only: same algorithm, smallest cost

  explicit PasswordHasher(Limits limits) : limits_(limits) {}
  std::string Hash(std::string_view password) const;
  bool Verify(std::string_view hash, std::string_view password) const;
  bool NeedsRehash(std::string_view hash) const;
  // Burns the time a Verify would take, so unknown accounts answer as slowly as known ones.
  void VerifyDummy(std::string_view password) const;

 private:
  Limits limits_;
};

}  // namespace tenure::app

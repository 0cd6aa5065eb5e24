#pragma once
// SHA-256 fed piece by piece (OpenSSL's EVP), for tests that check large bodies and files
// without holding them whole. Header-only: link OpenSSL::Crypto where it is included.
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace tenure::testing {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Add(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  // Lowercase hex; call once, at the end.
  std::string Hex() {
    unsigned char digest[32];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_, digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < size; ++i) (hex += kHex[digest[i] >> 4]) += kHex[digest[i] & 15];
    return hex;
  }

 private:
  EVP_MD_CTX* ctx_;
};

inline std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Add(bytes);
  return sha.Hex();
}

}  // namespace tenure::testing

#include "core/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "core/secure_random.hpp"

namespace tenure {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// The 5-bit value of a Base32 character, either case; -1 when it is not one.
int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

const EVP_MD* Digest(OtpAlgorithm algorithm) {
  switch (algorithm) {
    case OtpAlgorithm::kSha1: return EVP_sha1();
    case OtpAlgorithm::kSha256: return EVP_sha256();
    case OtpAlgorithm::kSha512: return EVP_sha512();
  }
  throw std::invalid_argument("unknown OTP algorithm");
}

// RFC 3986 unreserved characters, plus '@' as Google's key URI examples leave it.
void AppendPercentEncoded(std::string& out, std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '@';
    if (keep) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
}

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32Alphabet[(buffer >> bits) & 0x1F];
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1F];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t symbols = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    const int value = Base32Value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // A final group of 1, 3 or 6 symbols carries no whole byte (RFC 4648 section 6).
  const size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
  return out;
}

std::string Hotp(std::string_view key, uint64_t counter, int digits, OtpAlgorithm algorithm) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("HOTP digits must be 6 to 8");
  // RFC 4226 section 5.2: the counter is hashed as 8 bytes, most significant first.
  std::array<unsigned char, 8> message{};
  for (size_t i = message.size(); i-- > 0; counter >>= 8) {
    message[i] = static_cast<unsigned char>(counter & 0xFF);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(Digest(algorithm), key.data(), static_cast<int>(key.size()), message.data(),
           message.size(), mac.data(), &mac_size) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  // RFC 4226 section 5.3, dynamic truncation: 31 bits at the offset the last nibble names.
  const size_t offset = mac[mac_size - 1] & 0xF;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code(static_cast<size_t>(digits), '0');
  uint32_t value = binary % modulus;
  for (size_t i = code.size(); i-- > 0; value /= 10) code[i] = static_cast<char>('0' + value % 10);
  return code;
}

int64_t TotpStep(Instant now) {
  const int64_t unix = ToUnix(now);
  // Floor, not truncation, so a second before 1970 is step -1 rather than 0.
  const int64_t step = unix / kTotpStepSeconds;
  return unix % kTotpStepSeconds < 0 ? step - 1 : step;
}

std::string Totp(std::string_view key, Instant now, int digits, OtpAlgorithm algorithm) {
  const int64_t step = TotpStep(now);
  if (step < 0) throw std::invalid_argument("TOTP time before 1970");
  return Hotp(key, static_cast<uint64_t>(step), digits, algorithm);
}

std::string NewTotpSecret() { return RandomBytes(20); }

std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view typed, Instant now) {
  std::string code;
  for (char c : typed) {
    if (c != ' ') code += c;
  }
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int64_t current = TotpStep(now);
  std::optional<int64_t> matched;
  // No early exit: every step costs the same whichever matched.
  for (int64_t step = current - kTotpWindowSteps; step <= current + kTotpWindowSteps; ++step) {
    if (step < 0) continue;
    const std::string expected = Hotp(key, static_cast<uint64_t>(step));
    if (SecretEquals(expected, code)) matched = step;
  }
  return matched;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view account_email,
                       std::string_view key) {
  // Google's Key Uri Format: the label is "issuer:account"; the issuer parameter repeats it
  // so apps that ignore the label's prefix still show it.
  std::string uri = "otpauth://totp/";
  AppendPercentEncoded(uri, issuer);
  uri += ':';
  AppendPercentEncoded(uri, account_email);
  uri += "?secret=";
  uri += Base32Encode(key);
  uri += "&issuer=";
  AppendPercentEncoded(uri, issuer);
  uri += "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
  return uri;
}

std::string TotpSecretForManualEntry(std::string_view key) {
  const std::string base32 = Base32Encode(key);
  std::string out;
  for (size_t i = 0; i < base32.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += base32[i];
  }
  return out;
}

}  // namespace tenure

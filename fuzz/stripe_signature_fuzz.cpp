// The Stripe-Signature header over a webhook's raw body (integrations/stripe/webhook_input.hpp:
// VerifyStripeSignature). The input is "<header>\n<payload>".
// Properties: a header is accepted only if it carries HMAC-SHA256(secret, "<t>.<payload>")
// for a timestamp it spells; never with another secret or a changed payload; a header made
// with the secret is accepted within the tolerance, and refused when one byte of the payload
// or of its signature changes.
#include <fmt/format.h>
#include <sodium.h>

#include <cctype>
#include <charconv>
#include <string>

#include "integrations/stripe/webhook_input.hpp"
#include "support/fuzz_check.hpp"

using tenure::integrations::VerifyStripeSignature;

namespace {

constexpr std::string_view kSecret = "whsec_fuzz_0123456789abcdef";
constexpr int64_t kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z

std::string HmacHex(std::string_view key, std::string_view message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

bool Verify(std::string_view payload, std::string_view header, std::string_view secret) {
  return VerifyStripeSignature(payload, header, secret, tenure::FromUnix(kNow)).has_value();
}

// Whether the header holds the MAC of "<n>.<payload>" for some run of digits n in it.
bool HoldsGenuineMac(std::string_view header, std::string_view payload) {
  for (size_t i = 0; i < header.size();) {
    if (!std::isdigit(static_cast<unsigned char>(header[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < header.size() && std::isdigit(static_cast<unsigned char>(header[end]))) ++end;
    int64_t n = 0;
    const auto [p, ec] = std::from_chars(header.data() + i, header.data() + end, n);
    if (ec == std::errc() &&
        header.find(HmacHex(kSecret, fmt::format("{}.", n) + std::string(payload))) !=
            std::string_view::npos)
      return true;
    i = end;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = tenure::fuzz::AsText(data, size);
  const size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string payload(newline == std::string_view::npos ? std::string_view{}
                                                              : input.substr(newline + 1));
  const uint64_t hash = tenure::fuzz::Fnv1a(input);

  if (Verify(payload, header, kSecret)) {
    FUZZ_CHECK(HoldsGenuineMac(header, payload));
    FUZZ_CHECK(!Verify(payload, header, "whsec_another_secret"));
    std::string changed = payload;
    if (changed.empty())
      changed = "x";
    else
      changed[hash % changed.size()] ^= static_cast<char>(1 + (hash >> 32) % 255);
    FUZZ_CHECK(!Verify(changed, header, kSecret));
  }

  // A header Stripe would send for this payload, signed within the tolerance.
  const int64_t t = kNow - 300 + static_cast<int64_t>(hash % 601);
  const std::string mac = HmacHex(kSecret, fmt::format("{}.", t) + payload);
  const std::string genuine = fmt::format("t={},v1={},v0=0000", t, mac);
  FUZZ_CHECK(Verify(payload, genuine, kSecret));
  FUZZ_CHECK(!Verify(payload, genuine, "whsec_another_secret"));
  std::string forged = genuine;
  const size_t digit = forged.find("v1=") + 3 + (hash >> 8) % mac.size();
  forged[digit] = forged[digit] == '0' ? '1' : '0';
  FUZZ_CHECK(!Verify(payload, forged, kSecret));
  FUZZ_CHECK(!Verify(payload + " ", genuine, kSecret));
  // Outside the tolerance: refused even with a genuine MAC.
  const int64_t old = kNow - 301 - static_cast<int64_t>(hash % 100000);
  FUZZ_CHECK(!Verify(
      payload, fmt::format("t={},v1={}", old, HmacHex(kSecret, fmt::format("{}.", old) + payload)),
      kSecret));
  return 0;
}

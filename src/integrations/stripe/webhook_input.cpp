#include "integrations/stripe/webhook_input.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/secure_random.hpp"
#include "integrations/stripe/json_fields.hpp"

namespace tenure::integrations {
namespace {

constexpr size_t kMaxHeader = 8192;
constexpr size_t kMaxSignatures = 16;
constexpr size_t kMaxEventField = 255;  // the id and type columns of stripe_events

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, crypto_auth_hmacsha256_BYTES * 2);
}

// The header's `t`: Unix seconds, digits only (no sign, no spaces).
std::optional<int64_t> ParseTimestamp(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

Result<void> VerifyStripeSignature(std::string_view payload, std::string_view header,
                                   std::string_view secret, Instant now, Seconds tolerance) {
  auto invalid = [] { return Fail(ErrorCode::kInvalidInput, "invalid signature"); };
  if (secret.empty() || header.empty() || header.size() > kMaxHeader) return invalid();
  std::optional<int64_t> timestamp;
  std::vector<std::string_view> signatures;
  for (size_t start = 0; start <= header.size();) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view item = Trim(header.substr(start, end - start));
    start = end + 1;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (timestamp) return invalid();  // Stripe sends one; two is someone else's header
      timestamp = ParseTimestamp(value);
      if (!timestamp) return invalid();
    } else if (key == "v1") {  // v0 and other schemes are ignored (STRIPE.md)
      if (signatures.size() == kMaxSignatures) return invalid();
      signatures.push_back(value);
    }
  }
  if (!timestamp || signatures.empty()) return invalid();

  // STRIPE.md: the signed payload is "<t>.<raw body>"; compare with every v1 (several during
  // a secret rotation), each in constant time, and look at them all whatever matched.
  const std::string expected =
      HmacSha256Hex(secret, fmt::format("{}.", *timestamp) + std::string(payload));
  bool matched = false;
  for (std::string_view candidate : signatures)
    matched = SecretEquals(expected, candidate) || matched;
  if (!matched) return invalid();
  const int64_t age = ToUnix(now) - *timestamp;
  if (age > tolerance.count() || age < -tolerance.count())
    return Fail(ErrorCode::kInvalidInput, "timestamp outside the tolerance");
  return {};
}

Result<StripeEventHead> ReadStripeEvent(std::string_view raw_body) {
  using stripe_json::Member;
  using stripe_json::Str;
  const nlohmann::json event = nlohmann::json::parse(raw_body, nullptr, /*allow_exceptions=*/false);
  StripeEventHead head{.id = Str(event, "id"),
                       .type = Str(event, "type"),
                       .object_id = Str(Member(Member(event, "data"), "object"), "id")};
  if (head.id.empty() || head.id.size() > kMaxEventField || head.type.empty() ||
      head.type.size() > kMaxEventField)
    return Fail(ErrorCode::kInvalidInput, "malformed event");
  return head;
}

}  // namespace tenure::integrations

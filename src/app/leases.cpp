#include "app/leases.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/store/signing_keys.hpp"
#include "core/secure_random.hpp"

namespace tenure::app {
namespace {

// Long enough that a server never signs with a key for more than a minute after another
// process rotated it; short enough that reading it costs nothing per request.
constexpr std::chrono::seconds kKeyRefresh{60};
// How long a signed lease is handed out again to the same session with the same facts.
constexpr Seconds kLeaseReuse{60};
// The cache holds at most this many sessions; past it, it starts again (a cache miss costs one
// signature).
constexpr size_t kMaxRecentLeases = 100'000;

bool SameFacts(const LeaseClaims& a, const LeaseClaims& b) {
  return a.user == b.user && a.session_id == b.session_id && a.fingerprint == b.fingerprint &&
         a.status == b.status && a.expires_at == b.expires_at &&
         a.grace_ends_at == b.grace_ends_at && a.instances == b.instances;
}

}  // namespace

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string FromBase64Url(std::string_view text) {
  // libsodium 1.0.18 (Debian 12) decodes every byte from 0x80 up as '_' (found by
  // fuzz/lease_jws_fuzz.cpp, issue 13): a token with such a byte in place of a '_' of its
  // signature verified. Only the alphabet reaches it.
  const bool alphabet_only = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
  if (!alphabet_only) return {};
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return {};
  out.resize(length);
  return out;
}

LeaseSigner::LeaseSigner(Store& store, const Clock& clock, std::string issuer,
                         Seconds lease_duration)
    : store_(store), clock_(clock), issuer_(std::move(issuer)), lease_duration_(lease_duration) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string LeaseSigner::CreateKey(UnitOfWork& uow) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  const std::string kid = RandomToken(12);
  const Instant now = clock_.Now();
  uow.signing_keys().Insert(
      SigningKey{.kid = kid,
                 .public_key = Base64Url({reinterpret_cast<const char*>(pk), sizeof pk}),
                 .secret_key = Base64Url({reinterpret_cast<const char*>(sk), sizeof sk}),
                 .created_at = now});
  sodium_memzero(sk, sizeof sk);
  // The audit row names the key, never its secret.
  uow.Audit("signing_key.create", fmt::format("signing_key:{}", kid), nullptr,
            {{"kid", kid}, {"algorithm", "EdDSA"}, {"curve", "Ed25519"}});
  return kid;
}

std::string LeaseSigner::EnsureKey() {
  auto uow = store_.Begin(Actor::System());
  if (auto current = uow->signing_keys().Current()) return current->kid;
  std::string kid = CreateKey(*uow);
  uow->Commit();
  return kid;
}

std::string LeaseSigner::Rotate(const Actor& actor) {
  auto uow = store_.Begin(actor);
  std::string kid = CreateKey(*uow);
  uow->signing_keys().RetireAllBut(kid, clock_.Now());
  uow->Audit("signing_key.rotate", fmt::format("signing_key:{}", kid), nullptr, {{"kid", kid}});
  uow->Commit();
  std::lock_guard lock(mutex_);
  current_.reset();
  return kid;
}

std::shared_ptr<const LeaseSigner::LoadedKey> LeaseSigner::CurrentKey() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (current_ && now - current_->loaded_at < kKeyRefresh) return current_;
  }
  auto key = store_.Read()->signing_keys().Current();
  if (!key) {
    EnsureKey();
    key = store_.Read()->signing_keys().Current();
    if (!key) throw std::runtime_error("no lease signing key");
  }
  auto loaded = std::make_shared<LoadedKey>(
      LoadedKey{.kid = key->kid, .secret = FromBase64Url(key->secret_key), .loaded_at = now});
  if (loaded->secret.size() != crypto_sign_SECRETKEYBYTES)
    throw std::runtime_error("signing key " + key->kid + " is damaged");
  std::lock_guard lock(mutex_);
  current_ = loaded;
  return loaded;
}

std::string LeaseSigner::SignClaims(const nlohmann::json& claims, std::string_view typ) {
  const auto key = CurrentKey();
  const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", typ}, {"kid", key->kid}};
  std::string input =
      Base64Url(header.dump()) + "." +
      Base64Url(claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), reinterpret_cast<const unsigned char*>(key->secret.data()));
  input += '.';
  input += Base64Url({reinterpret_cast<const char*>(signature), sizeof signature});
  return input;
}

std::string LeaseSigner::CurrentKid() { return CurrentKey()->kid; }

std::optional<nlohmann::json> LeaseSigner::Verify(std::string_view jws) {
  const size_t first = jws.find('.');
  const size_t second = first == std::string_view::npos ? first : jws.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto header = nlohmann::json::parse(FromBase64Url(jws.substr(0, first)), nullptr,
                                            /*allow_exceptions=*/false);
  auto claims =
      nlohmann::json::parse(FromBase64Url(jws.substr(first + 1, second - first - 1)), nullptr,
                            /*allow_exceptions=*/false);
  const std::string signature = FromBase64Url(jws.substr(second + 1));
  // The header is read before anything is verified: a member of another type is no string
  // (json::value() would throw; found by fuzz/lease_jws_fuzz.cpp, issue 13).
  auto text = [&](const char* name) {
    const auto it = header.find(name);
    return it != header.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!header.is_object() || !claims.is_object() || signature.size() != crypto_sign_BYTES ||
      text("alg") != "EdDSA")
    return std::nullopt;
  const std::string kid = text("kid");
  for (const auto& key : store_.Read()->signing_keys().Published(clock_.Now() - lease_duration_)) {
    if (key.kid != kid) continue;
    const std::string public_key = FromBase64Url(key.public_key);
    if (public_key.size() != crypto_sign_PUBLICKEYBYTES) return std::nullopt;
    const std::string_view input = jws.substr(0, second);
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                    reinterpret_cast<const unsigned char*>(input.data()),
                                    input.size(),
                                    reinterpret_cast<const unsigned char*>(public_key.data())) != 0)
      return std::nullopt;
    return claims;
  }
  return std::nullopt;
}

std::string LeaseSigner::Sign(const LeaseClaims& c) {
  return SignClaims({{"iss", issuer_},
                     {"sub", std::to_string(c.user.value)},
                     {"aud", kAudience},
                     {"sid", c.session_id},
                     {"fingerprint", c.fingerprint},
                     {"status", domain::StatusName(c.status)},
                     {"expires_at", FormatRfc3339(c.expires_at)},
                     {"grace_ends_at", FormatRfc3339(c.grace_ends_at)},
                     {"instances", c.instances},
                     {"iat", ToUnix(c.issued_at)},
                     {"exp", ToUnix(c.ends_at)},
                     {"jti", RandomToken(12)}},
                    "JWT");
}

std::string LeaseSigner::Lease(const LeaseClaims& claims) {
  const std::string kid = CurrentKey()->kid;
  {
    std::lock_guard lock(recent_mutex_);
    auto it = recent_.find(claims.session_id);
    if (it != recent_.end() && it->second.kid == kid && SameFacts(it->second.claims, claims) &&
        claims.issued_at >= it->second.claims.issued_at &&
        claims.issued_at < it->second.claims.issued_at + kLeaseReuse &&
        it->second.claims.ends_at >= std::min(claims.ends_at, claims.issued_at + kLeaseReuse))
      return it->second.lease;
  }
  std::string lease = Sign(claims);
  std::lock_guard lock(recent_mutex_);
  if (recent_.size() >= kMaxRecentLeases) recent_.clear();
  recent_[claims.session_id] = Recent{claims, kid, lease};
  return lease;
}

nlohmann::json LeaseSigner::Jwks() {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : store_.Read()->signing_keys().Published(clock_.Now() - lease_duration_))
    keys.push_back({{"kty", "OKP"},
                    {"crv", "Ed25519"},
                    {"kid", k.kid},
                    {"x", k.public_key},
                    {"alg", "EdDSA"},
                    {"use", "sig"}});
  return {{"keys", std::move(keys)}};
}

}  // namespace tenure::app

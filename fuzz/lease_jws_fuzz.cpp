// Compact JWS (RFC 7515, EdDSA): the server's verifier (app/leases.hpp: LeaseSigner::Verify,
// which checks download tokens from URLs) and the agent's (agent/lease.hpp: VerifyJws,
// VerifyLease, JwsKid), both against one fixed key. The input is a token.
// Properties: nothing throws; the two verifiers agree; an accepted token's signature is the
// key's own over its first two parts (Ed25519 is deterministic, so no other signature is
// "made with the key"); a token signed here and then changed in any one byte is refused by
// both.
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/leases.hpp"
#include "core/clock.hpp"
#include "lease.hpp"
#include "support/fake_signing_store.hpp"
#include "support/fuzz_check.hpp"

namespace {

constexpr int64_t kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z

struct Verifiers {
  tenure::fuzz::FixedKeyStore store;
  tenure::FakeClock clock{tenure::FromUnix(kNow)};
  tenure::app::LeaseSigner signer{store, clock, "https://tenure.example", tenure::Seconds{86400}};
  nlohmann::json jwks = {{"keys",
                          {{{"kty", "OKP"},
                            {"crv", "Ed25519"},
                            {"kid", tenure::fuzz::FixedKeyStore::kKid},
                            {"x", store.public_key()},
                            {"alg", "EdDSA"},
                            {"use", "sig"}}}}};
};

Verifiers& Get() {
  static Verifiers* verifiers = new Verifiers;  // lives as long as the fuzzing process
  return *verifiers;
}

// Whether the server accepts the token; an exception is a finding (a bug on outside input).
bool ServerAccepts(std::string_view token) {
  try {
    return Get().signer.Verify(token).has_value();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "LeaseSigner::Verify threw: %s\n", e.what());
    FUZZ_CHECK(!"LeaseSigner::Verify throws on a token");
  }
}

bool AgentAccepts(std::string_view token) {
  try {
    return tenure::agent::VerifyJws(token, Get().jwks, "token").has_value();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent::VerifyJws threw: %s\n", e.what());
    FUZZ_CHECK(!"agent::VerifyJws throws on a token");
  }
}

// Whether the signature is the fixed key's own over "header.claims".
bool SignedByTheKey(std::string_view token) {
  const size_t second = token.rfind('.');
  const auto signature = tenure::agent::Base64UrlDecode(token.substr(second + 1));
  if (!signature || signature->size() != crypto_sign_BYTES) return false;
  const std::string secret =
      tenure::app::FromBase64Url(Get().store.Read()->signing_keys().Current()->secret_key);
  const std::string_view input = token.substr(0, second);
  unsigned char expected[crypto_sign_BYTES];
  crypto_sign_detached(expected, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), reinterpret_cast<const unsigned char*>(secret.data()));
  return std::string_view(reinterpret_cast<const char*>(expected), sizeof expected) == *signature;
}

// TENURE_FUZZ_WRITE_SEEDS=DIR: writes tokens the server really makes (a lease, a release
// signature, a download token) as seeds for fuzz/corpus/lease_jws/.
void WriteSeeds(const char* dir) {
  auto& signer = Get().signer;
  const tenure::Instant now = tenure::FromUnix(kNow);
  const std::string tokens[] = {
      signer.Sign({.user = tenure::UserId{42},
                   .session_id = "5f0c2a9e7d1b4c3a",
                   .fingerprint = "host-7f3a9c",
                   .status = tenure::domain::LicenseStatus::kActive,
                   .expires_at = now + tenure::Seconds{30 * 86400},
                   .grace_ends_at = now + tenure::Seconds{37 * 86400},
                   .instances = 2,
                   .issued_at = now,
                   .ends_at = now + tenure::Seconds{86400}}),
      signer.SignClaims({{"version", "1.4.0"},
                         {"channel", "stable"},
                         {"os", "linux"},
                         {"file", "tenure-1.4.0-linux.tar.gz"},
                         {"size", 1048576},
                         {"sha256", std::string(64, 'a')}},
                        "tenure-release+jwt"),
      signer.SignClaims({{"sub", "42"}, {"rid", 7}, {"os", "windows"}, {"exp", kNow + 600}},
                        "tenure-download+jwt")};
  int n = 0;
  for (const auto& token : tokens)
    std::ofstream(std::filesystem::path(dir) / ("made-" + std::to_string(++n))) << token;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("TENURE_FUZZ_WRITE_SEEDS")) WriteSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = tenure::fuzz::AsText(data, size);
  const bool server = ServerAccepts(input);
  FUZZ_CHECK(server == AgentAccepts(input));
  if (server) FUZZ_CHECK(SignedByTheKey(input));
  try {
    (void)tenure::agent::VerifyLease(input, Get().jwks, "host-7f3a9c", kNow);
    (void)tenure::agent::JwsKid(input);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent threw: %s\n", e.what());
    FUZZ_CHECK(!"the agent throws on a token");
  }

  // A token made with the key (the input, or one signed here over it), changed in one byte.
  const std::string token =
      server
          ? std::string(input)
          : Get().signer.SignClaims({{"sub", tenure::app::Base64Url(input)}, {"exp", kNow}}, "JWT");
  FUZZ_CHECK(ServerAccepts(token) && AgentAccepts(token));
  const uint64_t hash = tenure::fuzz::Fnv1a(input);
  std::string tampered = token;
  tampered[hash % tampered.size()] ^= static_cast<char>(1 + (hash >> 32) % 255);
  FUZZ_CHECK(!ServerAccepts(tampered));
  FUZZ_CHECK(!AgentAccepts(tampered));
  return 0;
}

#pragma once
// The reference client of Tenure's program API (issue 9, api/openapi.json): one method per
// call a licensed program makes. Standalone (libcurl, libsodium, nlohmann-json): a seller
// copies agent/ or links tenure_agent_client; nothing here knows the server's code.
//
// Every call answers a value or an Error; nothing throws for an answer the server may give.
// Call curl_global_init() once before the first Client (libcurl's rule for programs).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "lease.hpp"
#include "release.hpp"

namespace tenure::agent {

// The machine signing in; the same fingerprint signing in again takes over its own slot.
struct Machine {
  std::string fingerprint;  // 1..128 printable ASCII, stable across runs
  std::string name;         // 1..100
  std::string os;           // 1..50
  std::string app_version;  // 1..50
};

// The License object of the contract.
struct License {
  std::string status;  // "active" | "grace"
  std::string expires_at;
  std::string grace_ends_at;
  bool auto_renew = false;
  int64_t instances = 0;
  int64_t machines_in_use = 0;
  int64_t heartbeat_interval_seconds = 0;
  std::string server_time;
  std::string lease;
  nlohmann::json raw;
};

struct SignedIn {
  std::string token;
  std::string session_id;
  License license;
};

struct CheckoutResult {
  int64_t accepted = 0;
  int64_t duplicates = 0;
};

// How a call failed. kUnreachable covers no answer at all and a 5xx (a server or its proxy
// that cannot answer now): that is what a cached lease is for. kProblem is the server
// refusing with a problem+json `code` the program branches on.
enum class Failure { kUnreachable, kProblem, kUnexpected };

struct Error {
  Failure failure;
  std::string message;
  int status = 0;           // HTTP status when there was one
  std::string code;         // problem `code` (kProblem)
  nlohmann::json body;      // the whole problem (reason, machines, expires_at, ...)
  int64_t retry_after = 0;  // seconds, from Retry-After (rate_limited)
  std::string Reason() const { return body.is_object() ? body.value("reason", "") : ""; }
};

template <typename T>
using Result = std::expected<T, Error>;

// A file as Download wrote it, measured while it was written.
struct DownloadedFile {
  std::string part_path;  // the path asked for + ".part"
  int64_t size = 0;       // bytes received; more than max_bytes when it stopped there
  std::string sha256;     // lowercase hex of the bytes written; empty when it stopped early
};

class Client {
 public:
  // `server` is the seller's public URL, e.g. "https://licenses.example.com".
  explicit Client(std::string server, std::chrono::seconds timeout = std::chrono::seconds(15));

  // `otp`: the second factor when the account has two-factor authentication on (a code
  // from the authenticator app, or a recovery code); empty otherwise.
  Result<SignedIn> SignIn(std::string_view email, std::string_view password, const Machine& machine,
                          std::string_view otp = {}) const;
  Result<License> GetLicense(std::string_view token) const;
  Result<License> Heartbeat(std::string_view token) const;
  // `checkouts` is the array of Checkout objects (1..100) sent as {"checkouts": [...]}.
  Result<CheckoutResult> ReportCheckouts(std::string_view token,
                                         const nlohmann::json& checkouts) const;
  Result<void> SignOut(std::string_view token) const;
  // The JWKS of GET /api/v1/keys, to verify leases with (VerifyLease).
  Result<nlohmann::json> FetchKeys() const;
  // GET /api/v1/releases/latest: the newest published release of `channel` ("stable" or
  // "beta") for `os` ("windows", "macos" or "linux"). Nothing in it is trusted until
  // VerifyRelease says so.
  Result<Release> LatestRelease(std::string_view token, std::string_view os,
                                std::string_view channel) const;
  // Streams `url` (a release's download_url, which carries its own token: no bearer is sent)
  // to `path` + ".part", hashing SHA-256 while writing, so the file is never whole in memory.
  // Stops once more than `max_bytes` arrive (the signed size: no server fills the disk). The
  // part file is the caller's to check and rename; it is removed when the download fails.
  // No overall time limit (a build may take minutes): it fails when nothing arrives for the
  // client's timeout.
  Result<DownloadedFile> Download(std::string_view url, const std::string& path,
                                  int64_t max_bytes) const;

  const std::string& server() const { return server_; }

 private:
  struct Reply {
    int status = 0;
    int64_t retry_after = 0;
    std::string content_type;
    std::string body;
  };
  Result<Reply> Send(std::string_view method, std::string_view path, std::string_view token,
                     const std::optional<std::string>& json_body) const;
  // A 2xx JSON answer as an object, or the Error the reply means.
  Result<nlohmann::json> JsonAnswer(const Result<Reply>& reply, int expected_status) const;

  std::string server_;
  std::chrono::seconds timeout_;
};

// The current time as RFC 3339 in UTC with whole seconds (the contract's time format).
std::string FormatRfc3339(int64_t unix_seconds);
int64_t UnixNow();

}  // namespace tenure::agent

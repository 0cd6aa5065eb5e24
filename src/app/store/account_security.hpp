#pragma once
// Account security in storage (issue 10): single-use tokens (password reset and email
// verification links, the pending second step of a sign-in), two-factor recovery codes, and
// the counters that throttle requests per address. Only hashes of tokens and codes are kept.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

enum class AccountTokenPurpose { kPasswordReset, kEmailVerification, kTwoFactor };

struct AccountToken {
  std::string token_hash;  // SHA-256 of the token the owner holds
  UserId user_id;
  AccountTokenPurpose purpose = AccountTokenPurpose::kPasswordReset;
  Instant created_at;
  Instant expires_at;
  std::optional<Instant> used_at;
  int attempts = 0;     // wrong codes typed against a pending second step
  std::string address;  // where it was asked for
};

class AccountTokenRepository {
 public:
  virtual ~AccountTokenRepository() = default;
  virtual void Insert(const AccountToken& token) = 0;
  // Locked for the unit of work when it writes (two requests with one token: one wins).
  virtual std::optional<AccountToken> Find(std::string_view token_hash) = 0;
  // False when it was used already.
  virtual bool MarkUsed(std::string_view token_hash, Instant at) = 0;
  // One more wrong code; the attempts so far.
  virtual int AddAttempt(std::string_view token_hash) = 0;
  // Every unused token of `purpose` of the user stops working (a newer one replaces them, or
  // the password they would reset changed).
  virtual int64_t Revoke(UserId user, AccountTokenPurpose purpose, Instant at) = 0;
  virtual int64_t DeleteExpired(Instant now) = 0;
};

class RecoveryCodeRepository {
 public:
  virtual ~RecoveryCodeRepository() = default;
  // The user's codes become these (the old ones stop working).
  virtual void Replace(UserId user, const std::vector<std::string>& code_hashes, Instant at) = 0;
  // Uses the code once; false when it is not the user's or was used.
  virtual bool Use(UserId user, std::string_view code_hash, Instant at) = 0;
  virtual int CountUnused(UserId user) = 0;
  virtual void DeleteAll(UserId user) = 0;
};

// Counters per window: Hit counts one request of `key` (an address, an account) in `scope` for
// the window starting at `window_start`, and answers the window's count so far, this one
// included; Count reads a window's count without adding to it (0 when none was kept).
class RateLimitRepository {
 public:
  virtual ~RateLimitRepository() = default;
  virtual int Hit(std::string_view scope, std::string_view key, Instant window_start) = 0;
  virtual int Count(std::string_view scope, std::string_view key, Instant window_start) = 0;
  virtual int64_t DeleteBefore(Instant window_start) = 0;
};

}  // namespace tenure::app

#pragma once
// The program's side of the license (PRODUCT.md: "The program's API"; issue 9): the program
// signs in with the account's email and password from one machine, which then holds one of
// the license's instance slots while it sends heartbeats; every answer about the license
// carries a signed lease (app/leases.hpp). http/api/ turns these results into the API's
// JSON and problem codes; nothing here knows HTTP.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/current_user.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "domain/license.hpp"
#include "domain/machine.hpp"

namespace tenure::app {

class AccountService;
class LeaseSigner;

// What the program is told about its license (the API's License object).
struct ProgramLicense {
  domain::License license;
  domain::LicenseStatus status;
  Instant grace_ends_at;
  int machines_in_use = 0;
  Seconds heartbeat_interval;
  Instant server_time;
  std::string lease;
};

// Why the program is turned away; each is one stable code of the API.
enum class ProgramProblem {
  kInvalidInput,
  kInvalidCredentials,
  kMfaRequired,  // two-factor is on: the sign-in needs "otp" (missing or not right)
  kRateLimited,
  kNoLicense,
  kLicenseExpired,
  kLicenseSuspended,
  kNoFreeInstance,
  kSessionRevoked,
};

struct ProgramError {
  ProgramProblem problem;
  std::string message;         // for people: the program may show it as it is
  std::string field;           // kInvalidInput
  std::optional<size_t> item;  // kInvalidInput in a checkout report: the bad item (0-based)
  std::optional<domain::License> license;  // license problems: its dates
  std::vector<domain::Machine> machines;   // kNoFreeInstance: the machines holding the slots
  std::optional<domain::MachineEnd> end;   // kSessionRevoked: why, when Tenure knows
  int64_t retry_after_seconds = 0;         // kRateLimited: when to try again
};

template <class T>
using ProgramResult = std::expected<T, ProgramError>;

// A program session's caller: the account, the session and the machine holding the slot,
// with the license and the slots in use as they were read together (one read transaction per
// API call: the license check is the program's hottest path).
struct ProgramCaller {
  CurrentUser current;
  domain::Machine machine;
  std::string session_id;  // the public id of the session (a prefix of its token's hash)
  std::optional<domain::License> license;
  int machines_in_use = 0;
};

struct ProgramSignIn {
  std::string token;  // the bearer token: shown once, stored hashed
  std::string session_id;
  ProgramLicense license;
};

class ProgramService {
 public:
  ProgramService(Store& store, const Clock& clock, AccountService& accounts, LeaseSigner& leases,
                 const domain::LicensePolicy& license_policy, const domain::ProgramPolicy& policy);

  // Password (shared throttle), then the license, then a slot: the machine's own again, a
  // free one, or none. Refusals take no session and no slot. Slow: hashes a password.
  // `otp`: the second factor (a code from the authenticator app, or a recovery code) when
  // the account has two-factor on; ignored otherwise.
  ProgramResult<ProgramSignIn> SignIn(std::string_view email, std::string_view password,
                                      std::string_view otp, domain::MachineInfo info,
                                      const ClientInfo& client);
  // The caller of a bearer token, if its session is live and its machine holds its slot.
  ProgramResult<ProgramCaller> Authenticate(std::string_view token);
  // The license as Authenticate read it (no second read).
  ProgramResult<ProgramLicense> License(const ProgramCaller& caller);
  // License() after recording that the machine is alive (one small write at most, skipped
  // when the last one is newer than ProgramPolicy::heartbeat_coalesce).
  ProgramResult<ProgramLicense> Heartbeat(const ProgramCaller& caller);
  // The program signs out: its slot is free at once.
  void SignOut(const ProgramCaller& caller, const ClientInfo& client);

  const domain::ProgramPolicy& policy() const { return policy_; }
  // The public id of a session from its token's hash.
  static std::string SessionId(std::string_view token_hash) {
    return std::string(token_hash.substr(0, 12));
  }

 private:
  std::optional<ProgramError> CheckOtp(UnitOfWork& uow, const domain::User& user,
                                       std::string_view otp, const ClientInfo& client);
  // The license answer, or why the program may not run.
  ProgramResult<ProgramLicense> Answer(const domain::License& license, int machines_in_use,
                                       const domain::Machine& machine,
                                       const std::string& session_id, Instant now);

  Store& store_;
  const Clock& clock_;
  AccountService& accounts_;
  LeaseSigner& leases_;
  const domain::LicensePolicy& license_policy_;
  const domain::ProgramPolicy& policy_;
};

}  // namespace tenure::app

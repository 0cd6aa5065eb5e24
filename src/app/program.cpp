#include "app/program.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/leases.hpp"
#include "app/machines.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/metrics.hpp"
#include "core/secure_random.hpp"

namespace tenure::app {
namespace {

using domain::LicenseStatus;
using domain::Machine;
using domain::MachineEnd;

// A program session lives while its machine sends heartbeats; the date only bounds a token
// that was never used again (a year: sign in again after that).
constexpr Seconds kProgramSessionLifetime{365 * 24 * 3600};

ProgramError Problem(ProgramProblem problem, std::string message, std::string field = {}) {
  return ProgramError{.problem = problem, .message = std::move(message), .field = std::move(field)};
}

ProgramError Revoked(std::optional<MachineEnd> end) {
  std::string message;
  switch (end.value_or(MachineEnd::kSignedOut)) {
    case MachineEnd::kSignedOut: message = "This machine signed out."; break;
    case MachineEnd::kSignedOutFromDashboard:
      message = "This machine was signed out from the dashboard (Settings).";
      break;
    case MachineEnd::kDeactivated:
      message = "The license was deactivated: every machine was signed out.";
      break;
    case MachineEnd::kReplaced: message = "This machine signed in again with a new session."; break;
    case MachineEnd::kHeartbeatTimeout:
      message = "This machine sent no heartbeat for too long and lost its instance slot.";
      break;
    case MachineEnd::kInstancesRemoved:
      message = "The license has fewer instances since its renewal; this machine lost its slot.";
      break;
  }
  if (!end) message = "This token is not a live program session.";
  ProgramError e = Problem(ProgramProblem::kSessionRevoked, message + " Sign in again.");
  e.end = end;
  return e;
}

// Why a license the program asks about may not be used, or nothing.
std::optional<ProgramError> Unusable(const domain::License& license, LicenseStatus status) {
  std::optional<ProgramError> e;
  switch (status) {
    case LicenseStatus::kActive:
    case LicenseStatus::kGrace: return std::nullopt;
    case LicenseStatus::kNone:
      e = Problem(ProgramProblem::kNoLicense,
                  "This account has no license yet. Buy one on the dashboard.");
      break;
    case LicenseStatus::kExpired:
      e = Problem(ProgramProblem::kLicenseExpired,
                  fmt::format("Your license expired on {}. Renew it on the dashboard to use the "
                              "program again.",
                              FormatLongDate(*license.expires_at)));
      break;
    case LicenseStatus::kSuspended:
      e = Problem(ProgramProblem::kLicenseSuspended,
                  "Your license is suspended while a payment dispute is open. Please contact "
                  "support.");
      break;
  }
  e->license = license;
  return e;
}

nlohmann::json MachineAudit(const Machine& m) {
  return {{"fingerprint", m.info.fingerprint},
          {"name", m.info.name},
          {"os", m.info.os},
          {"app_version", m.info.app_version},
          {"address", m.address},
          {"session", ProgramService::SessionId(m.session_hash)}};
}

}  // namespace

ProgramService::ProgramService(Store& store, const Clock& clock, AccountService& accounts,
                               LeaseSigner& leases, const domain::LicensePolicy& license_policy,
                               const domain::ProgramPolicy& policy)
    : store_(store),
      clock_(clock),
      accounts_(accounts),
      leases_(leases),
      license_policy_(license_policy),
      policy_(policy) {}

// Two-factor on (issue 10): the sign-in's second factor, in its unit of work. A refusal is
// committed (a wrong code counts as a failed sign-in, throttled like a wrong password).
std::optional<ProgramError> ProgramService::CheckOtp(UnitOfWork& uow, const domain::User& user,
                                                     std::string_view otp,
                                                     const ClientInfo& client) {
  const std::string subject = fmt::format("user:{}", user.id.value);
  if (otp.empty()) {
    uow.Audit("program.sign_in_refused", subject, nullptr, {{"reason", "mfa_required"}});
    uow.Commit();
    return Problem(ProgramProblem::kMfaRequired,
                   "Two-factor authentication is on for this account: type the 6-digit code "
                   "from your authenticator app, or a recovery code.",
                   "otp");
  }
  if (auto ok = accounts_.VerifySecondFactor(uow, user, otp, client, "otp"); !ok) {
    uow.Commit();
    return Problem(ProgramProblem::kMfaRequired, ok.error().message, "otp");
  }
  return std::nullopt;
}

ProgramResult<ProgramSignIn> ProgramService::SignIn(std::string_view email,
                                                    std::string_view password, std::string_view otp,
                                                    domain::MachineInfo info,
                                                    const ClientInfo& client) {
  auto machine_info = domain::ValidateMachine(std::move(info));
  if (!machine_info)
    return std::unexpected(Problem(ProgramProblem::kInvalidInput, machine_info.error().message,
                                   machine_info.error().field));
  auto verified = accounts_.VerifyPassword(email, password, client);
  if (!verified) {
    const Error& e = verified.error();
    switch (e.code) {
      case ErrorCode::kInvalidInput:
        return std::unexpected(Problem(ProgramProblem::kInvalidInput, e.message, e.field));
      case ErrorCode::kRateLimited: {
        ProgramError limited = Problem(ProgramProblem::kRateLimited, e.message);
        limited.retry_after_seconds = e.retry_after_seconds;
        return std::unexpected(std::move(limited));
      }
      default: return std::unexpected(Problem(ProgramProblem::kInvalidCredentials, e.message));
    }
  }
  UnitOfWork& uow = *verified->uow;
  const domain::User& user = verified->user;
  const std::string subject = fmt::format("user:{}", user.id.value);
  const Instant now = clock_.Now();
  SessionStrength strength = SessionStrength::kPassword;
  if (user.two_factor_enabled()) {
    if (auto refused = CheckOtp(uow, user, otp, client)) return std::unexpected(*refused);
    strength = SessionStrength::kTwoFactor;
  }
  if (!verified->known_address) accounts_.NoticeNewSignIn(uow, user, client);

  // The license row is locked until commit (PostgreSQL: FOR UPDATE; SQLite: the write
  // transaction), so of two machines racing for the last slot exactly one takes it.
  const auto license = uow.licenses().FindByUser(user.id);
  if (!license) return std::unexpected(Problem(ProgramProblem::kNoLicense, "No license record."));
  const LicenseStatus status = domain::StatusAt(*license, now, license_policy_.grace);
  if (auto refused = Unusable(*license, status)) {
    uow.Audit("program.sign_in_refused", subject, nullptr,
              {{"reason", domain::StatusName(status)}, {"fingerprint", machine_info->fingerprint}});
    uow.Commit();  // the right password was given: the attempt counts as a success
    return std::unexpected(*refused);
  }

  std::vector<Machine> holding;
  for (const Machine& m : uow.machines().Live(user.id)) {
    if (domain::HoldsSlot(m, now, policy_)) {
      holding.push_back(m);
    } else {
      EndMachine(uow, m, MachineEnd::kHeartbeatTimeout, now);
    }
  }
  const auto slot = domain::DecideSlot(holding, machine_info->fingerprint, license->instances);
  if (slot.choice == domain::SlotChoice::kFull) {
    uow.Audit("program.sign_in_refused", subject, nullptr,
              {{"reason", "no_free_instance"}, {"fingerprint", machine_info->fingerprint}});
    uow.Commit();
    ProgramError e = Problem(
        ProgramProblem::kNoFreeInstance,
        fmt::format("All {} instance{} of your license are in use. Close the program on one of "
                    "the machines below, sign it out in Settings on the dashboard, or add "
                    "instances.",
                    license->instances, license->instances == 1 ? "" : "s"));
    e.license = *license;
    e.machines = std::move(holding);
    return std::unexpected(std::move(e));
  }
  int in_use = static_cast<int>(holding.size());
  if (slot.choice == domain::SlotChoice::kReuse) {
    for (const Machine& m : holding)
      if (m.id == *slot.reused) EndMachine(uow, m, MachineEnd::kReplaced, now);
  } else {
    ++in_use;
  }

  ProgramSignIn out{.token = RandomToken()};
  const std::string hash = Sha256Hex(out.token);
  out.session_id = SessionId(hash);
  uow.sessions().Insert(Session{.token_hash = hash,
                                .user_id = user.id,
                                .kind = SessionKind::kProgram,
                                .strength = strength,
                                .created_at = now,
                                .last_seen_at = now,
                                .expires_at = now + kProgramSessionLifetime,
                                .user_agent = client.user_agent.substr(0, 300),
                                .address = client.address});
  Machine machine{.user_id = user.id,
                  .session_hash = hash,
                  .info = std::move(*machine_info),
                  .address = client.address,
                  .signed_in_at = now,
                  .last_seen_at = now};
  machine.id = uow.machines().Insert(machine);
  uow.Audit("machine.sign_in", fmt::format("machine:{}", machine.id.value), nullptr,
            MachineAudit(machine));
  uow.Commit();

  auto answer = Answer(*license, in_use, machine, out.session_id, now);
  if (!answer) return std::unexpected(answer.error());
  out.license = std::move(*answer);
  return out;
}

ProgramResult<ProgramCaller> ProgramService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::unexpected(Revoked(std::nullopt));
  const std::string hash = Sha256Hex(token);
  const Instant now = clock_.Now();
  // One query: machine, session, account, license and the slots in use (HoldsSlot as SQL:
  // seen within the heartbeat timeout, this machine among them).
  auto found = store_.Read()->machines().FindSession(hash, now - policy_.heartbeat_timeout);
  if (!found) return std::unexpected(Revoked(std::nullopt));
  if (found->machine.end) return std::unexpected(Revoked(found->machine.end));
  // Lapsed but not swept yet: the answer is the sweep's, before it runs.
  if (!domain::HoldsSlot(found->machine, now, policy_))
    return std::unexpected(Revoked(MachineEnd::kHeartbeatTimeout));
  const auto& session = found->session;
  if (!session || session->kind != SessionKind::kProgram || session->expires_at <= now ||
      session->user_id != found->machine.user_id || !found->user)
    return std::unexpected(Revoked(std::nullopt));
  return ProgramCaller{.current = {std::move(*found->user), std::move(*found->session)},
                       .machine = std::move(found->machine),
                       .session_id = SessionId(hash),
                       .license = found->license,
                       .machines_in_use = found->machines_in_use};
}

ProgramResult<ProgramLicense> ProgramService::License(const ProgramCaller& caller) {
  if (!caller.license)
    return std::unexpected(Problem(ProgramProblem::kNoLicense, "No license record."));
  return Answer(*caller.license, caller.machines_in_use, caller.machine, caller.session_id,
                clock_.Now());
}

namespace {
// Registered at start so /metrics shows it from the first scrape; it throws only when memory
// runs out at start.
// NOLINTNEXTLINE(bugprone-throwing-static-initialization,cert-err58-cpp)
metrics::Counter& program_heartbeats =
    metrics::Metrics()
        .Counters("tenure_program_heartbeats_total", "Heartbeats the program sent.")
        .With({});
}  // namespace

ProgramResult<ProgramLicense> ProgramService::Heartbeat(const ProgramCaller& caller) {
  program_heartbeats.Add();
  const Instant now = clock_.Now();
  if (caller.machine.last_seen_at <= now - policy_.heartbeat_coalesce) {
    auto uow = store_.Begin(Actor::User(caller.current.user.id));
    uow->machines().Touch(caller.machine.id, now, now - policy_.heartbeat_coalesce);
    uow->Commit();
  }
  return License(caller);  // the write changed no slot: this machine held its own already
}

void ProgramService::SignOut(const ProgramCaller& caller, const ClientInfo& client) {
  auto uow = store_.Begin(Actor::User(caller.current.user.id, client.request_id, client.address));
  if (auto machine = uow->machines().Find(caller.machine.id))
    EndMachine(*uow, *machine, MachineEnd::kSignedOut, clock_.Now());
  uow->Commit();
}

ProgramResult<ProgramLicense> ProgramService::Answer(const domain::License& license,
                                                     int machines_in_use, const Machine& machine,
                                                     const std::string& session_id, Instant now) {
  const LicenseStatus status = domain::StatusAt(license, now, license_policy_.grace);
  if (auto refused = Unusable(license, status)) return std::unexpected(*refused);
  const Instant grace_ends_at = *domain::GraceEndsAt(license, license_policy_.grace);
  ProgramLicense out{.license = license,
                     .status = status,
                     .grace_ends_at = grace_ends_at,
                     .machines_in_use = machines_in_use,
                     .heartbeat_interval = policy_.heartbeat_interval(),
                     .server_time = now};
  out.lease = leases_.Lease(LeaseClaims{.user = license.user_id,
                                        .session_id = session_id,
                                        .fingerprint = machine.info.fingerprint,
                                        .status = status,
                                        .expires_at = *license.expires_at,
                                        .grace_ends_at = grace_ends_at,
                                        .instances = license.instances,
                                        .issued_at = now,
                                        .ends_at = domain::LeaseEnd(now, grace_ends_at, policy_)});
  return out;
}

}  // namespace tenure::app

#include "app/two_factor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "app/account_emails.hpp"
#include "app/accounts.hpp"
#include "app/store/account_security.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/qr_svg.hpp"
#include "core/secure_random.hpp"
#include "core/totp.hpp"

namespace tenure::app {
namespace {

constexpr char kWrongCode[] =
    "That code is not right. Type the 6 digits your authenticator app shows now, or one of "
    "your recovery codes.";

// A recovery code as typed ("ABCD-efgh 2345 ...") reduced to its 16 Base32 letters, lower
// case; empty when it cannot be one.
std::string NormalizeRecoveryCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 16 ? out : std::string();
}

// Ten codes of 80 random bits each, shown as "abcd-efgh-ijkl-mnop"; only hashes are kept.
std::vector<std::string> NewRecoveryCodes() {
  std::vector<std::string> codes;
  codes.reserve(kRecoveryCodeCount);
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::string base32 = Base32Encode(RandomBytes(10));
    std::ranges::transform(base32, base32.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    codes.push_back(fmt::format("{}-{}-{}-{}", base32.substr(0, 4), base32.substr(4, 4),
                                base32.substr(8, 4), base32.substr(12, 4)));
  }
  return codes;
}

std::vector<std::string> Hashes(const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  out.reserve(codes.size());
  for (const auto& code : codes) out.push_back(Sha256Hex(NormalizeRecoveryCode(code)));
  return out;
}

std::string Subject(UserId user) { return fmt::format("user:{}", user.value); }

}  // namespace

Result<SecondFactor> CheckSecondFactor(UnitOfWork& uow, const domain::User& user,
                                       std::string_view typed, Instant now) {
  if (!user.two_factor_enabled()) return Fail(ErrorCode::kUnauthenticated, kWrongCode, "code");
  if (const auto key = Base32Decode(user.totp_secret)) {
    if (const auto step = VerifyTotp(*key, typed, now)) {
      // A code already accepted (this step or a later one) is a replay: refused (RFC 6238 5.2).
      if (uow.users().AcceptTotpStep(user.id, *step)) return SecondFactor::kAuthenticatorCode;
      return Fail(ErrorCode::kUnauthenticated,
                  "That code was used already. Wait for the next one and type it.", "code");
    }
  }
  const std::string code = NormalizeRecoveryCode(typed);
  if (!code.empty() && uow.recovery_codes().Use(user.id, Sha256Hex(code), now))
    return SecondFactor::kRecoveryCode;
  return Fail(ErrorCode::kUnauthenticated, kWrongCode, "code");
}

Result<void> VerifySecondFactor(UnitOfWork& uow, const EmailContext& email,
                                const domain::User& user, std::string_view code,
                                const ClientInfo& client, Instant now, std::string_view step) {
  const std::string subject = Subject(user.id);
  auto used = CheckSecondFactor(uow, user, code, now);
  uow.sign_in_attempts().Insert(user.email, client.address, used.has_value(), now);
  if (!used) {
    CountSignInFailure("wrong_code");
    uow.Audit("user.sign_in_failed", subject, nullptr,
              {{"address", client.address}, {"step", step}});
    return std::unexpected(used.error());
  }
  if (*used == SecondFactor::kRecoveryCode) {
    const int left = uow.recovery_codes().CountUnused(user.id);
    uow.Audit("two_factor.recovery_code_used", subject, nullptr,
              {{"step", step}, {"codes_left", left}});
    Queue(
        uow, email,
        RecoveryCodeUsed(email, Recipient::Of(user), left,
                         {.at = now, .address = client.address, .user_agent = client.user_agent}));
  }
  return {};
}

TwoFactorService::TwoFactorService(Store& store, const Clock& clock, const PasswordHasher& hasher,
                                   EmailContext email, std::string issuer)
    : store_(store),
      clock_(clock),
      hasher_(hasher),
      email_(std::move(email)),
      issuer_(std::move(issuer)) {}

TwoFactorStatus TwoFactorService::Status(UserId user) {
  auto read = store_.Read();
  const auto found = read->users().Find(user);
  if (!found || !found->two_factor_enabled()) return {};
  return TwoFactorStatus{.enabled = true,
                         .enabled_at = found->totp_enabled_at,
                         .recovery_codes_left = read->recovery_codes().CountUnused(user)};
}

Result<TwoFactorSetup> TwoFactorService::BeginSetup(const Actor& actor,
                                                    const CurrentUser& current) {
  auto uow = store_.Begin(actor);
  auto user = uow->users().Find(current.user.id);
  if (!user) return Fail(ErrorCode::kNotFound, "This account is gone.");
  if (user->two_factor_enabled())
    return Fail(ErrorCode::kConflict, "Two-factor authentication is already on.");
  if (user->totp_secret.empty()) {
    user->totp_secret = Base32Encode(NewTotpSecret());
    uow->users().SetTotpSecret(user->id, user->totp_secret);
    uow->Audit("two_factor.setup_started", Subject(user->id), nullptr, nullptr);
    uow->Commit();
  }
  const std::string key = Base32Decode(user->totp_secret).value_or("");
  const std::string uri = OtpAuthUri(issuer_, user->email, key);
  return TwoFactorSetup{.secret_for_manual_entry = TotpSecretForManualEntry(key),
                        .otpauth_uri = uri,
                        .qr_svg = QrCodeSvg(uri, "QR code to scan with your authenticator app")};
}

Result<std::vector<std::string>> TwoFactorService::Enable(const Actor& actor,
                                                          const CurrentUser& current,
                                                          std::string_view code,
                                                          const ClientInfo& client) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto user = uow->users().Find(current.user.id);
  if (!user) return Fail(ErrorCode::kNotFound, "This account is gone.");
  if (user->two_factor_enabled())
    return Fail(ErrorCode::kConflict, "Two-factor authentication is already on.");
  const auto key = Base32Decode(user->totp_secret);
  if (user->totp_secret.empty() || !key)
    return Fail(ErrorCode::kConflict, "Start again: open Turn on two-factor authentication.");
  if (code.empty())
    return Fail(ErrorCode::kInvalidInput, "Type the 6-digit code your app shows.", "code");
  const auto step = VerifyTotp(*key, code, now);
  if (!step)
    return Fail(ErrorCode::kInvalidInput,
                "That code is not right. Check that your device's clock is right, then type the "
                "code your app shows now.",
                "code");
  uow->users().EnableTotp(user->id, now, *step);
  std::vector<std::string> codes = NewRecoveryCodes();
  uow->recovery_codes().Replace(user->id, Hashes(codes), now);
  uow->Audit("two_factor.enable", Subject(user->id), {{"enabled", false}},
             {{"enabled", true}, {"recovery_codes", kRecoveryCodeCount}});
  Queue(*uow, email_,
        TwoFactorTurned(email_, Recipient::Of(*user), true,
                        {.at = now, .address = client.address, .user_agent = client.user_agent}));
  uow->Commit();
  return codes;
}

Result<void> TwoFactorService::CheckPassword(const domain::User& user,
                                             std::string_view password) const {
  if (password.empty()) return Fail(ErrorCode::kInvalidInput, "Enter your password.", "password");
  if (password.size() > domain::kMaxPasswordLength || !hasher_.Verify(user.password_hash, password))
    return Fail(ErrorCode::kInvalidInput, "That is not your password.", "password");
  return {};
}

Result<std::vector<std::string>> TwoFactorService::RegenerateRecoveryCodes(
    const Actor& actor, const CurrentUser& current, std::string_view password) {
  if (auto ok = CheckPassword(current.user, password); !ok) return std::unexpected(ok.error());
  auto uow = store_.Begin(actor);
  auto user = uow->users().Find(current.user.id);
  if (!user || !user->two_factor_enabled())
    return Fail(ErrorCode::kConflict, "Two-factor authentication is off.");
  std::vector<std::string> codes = NewRecoveryCodes();
  uow->recovery_codes().Replace(user->id, Hashes(codes), clock_.Now());
  uow->Audit("two_factor.recovery_codes_regenerate", Subject(user->id), nullptr,
             {{"recovery_codes", kRecoveryCodeCount}});
  uow->Commit();
  return codes;
}

Result<void> TwoFactorService::Disable(const Actor& actor, const CurrentUser& current,
                                       std::string_view password, std::string_view code,
                                       const ClientInfo& client) {
  if (auto ok = CheckPassword(current.user, password); !ok) return std::unexpected(ok.error());
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto user = uow->users().Find(current.user.id);
  if (!user || !user->two_factor_enabled())
    return Fail(ErrorCode::kConflict, "Two-factor authentication is already off.");
  if (auto used = CheckSecondFactor(*uow, *user, code, now); !used) {
    Error error = used.error();
    error.code = ErrorCode::kInvalidInput;  // the form comes back: the session stays
    return std::unexpected(std::move(error));
  }
  uow->users().DisableTotp(user->id);
  uow->recovery_codes().DeleteAll(user->id);
  uow->Audit("two_factor.disable", Subject(user->id), {{"enabled", true}}, {{"enabled", false}});
  Queue(*uow, email_,
        TwoFactorTurned(email_, Recipient::Of(*user), false,
                        {.at = now, .address = client.address, .user_agent = client.user_agent}));
  uow->Commit();
  return {};
}

}  // namespace tenure::app

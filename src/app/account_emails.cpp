#include "app/account_emails.hpp"

#include <fmt/format.h>

namespace tenure::app {
namespace {

std::string When(const ChangeContext& c) {
  return fmt::format("on {} at {} UTC, from the address {}{}", FormatLongDate(c.at),
                     FormatRfc3339(c.at).substr(11, 5), c.address.empty() ? "unknown" : c.address,
                     c.user_agent.empty() ? "" : fmt::format(" ({})", c.user_agent.substr(0, 120)));
}

// Every notice ends the same way: what to do if it was not the owner.
std::string NotYou(const EmailContext& ctx) {
  return fmt::format(
      "If this was not you, reset your password now, which signs out every session:\n"
      "{}/forgot-password\n",
      ctx.public_url);
}

}  // namespace

Email PasswordResetLink(const EmailContext& ctx, const std::string& to, const std::string& token,
                        Instant expires_at, const ChangeContext& asked) {
  return Email{
      .to = {to},
      .subject = "Reset your password",
      .text = fmt::format(
          "Hello,\n\n"
          "Someone asked to reset the password of your account {}.\n\n"
          "To choose a new password, open this link. It works once, until {} UTC:\n"
          "{}/reset-password?token={}\n\n"
          "Choosing a new password signs you out everywhere, the program included.\n\n"
          "If you did not ask for this, ignore this email: your password stays as it is.\n",
          When(asked), FormatRfc3339(expires_at).substr(11, 5), ctx.public_url, token)};
}

Email EmailVerificationLink(const EmailContext& ctx, const std::string& to,
                            const std::string& token, Instant expires_at) {
  return Email{
      .to = {to},
      .subject = "Confirm your email address",
      .text = fmt::format("Hello,\n\n"
                          "Please confirm that this is your email address by opening this link. "
                          "It works until {} ({} UTC):\n"
                          "{}/verify-email?token={}\n\n"
                          "You need a confirmed email address before your first purchase.\n\n"
                          "If you did not create an account, ignore this email.\n",
                          FormatLongDate(expires_at), FormatRfc3339(expires_at).substr(11, 5),
                          ctx.public_url, token)};
}

Email PasswordChanged(const EmailContext& ctx, const std::string& to, bool reset,
                      const ChangeContext& change) {
  return Email{.to = {to},
               .subject = "Your password was changed",
               .text = fmt::format(
                   "Hello,\n\n"
                   "The password of your account was {} {}.\n\n{}\n\n{}",
                   reset ? "reset through the emailed link" : "changed in Settings", When(change),
                   reset ? "Every session was signed out, the program included."
                         : "Every other session was signed out, the program included.",
                   NotYou(ctx))};
}

Email NewSignIn(const EmailContext& ctx, const std::string& to, const ChangeContext& sign_in) {
  return Email{.to = {to},
               .subject = "New sign-in to your account",
               .text = fmt::format("Hello,\n\n"
                                   "Your account was signed in to {}, an address it had not "
                                   "signed in from lately.\n\n"
                                   "You can see and sign out every session in Settings:\n"
                                   "{}/settings\n\n{}",
                                   When(sign_in), ctx.public_url, NotYou(ctx))};
}

Email TwoFactorTurned(const EmailContext& ctx, const std::string& to, bool on,
                      const ChangeContext& change) {
  return Email{
      .to = {to},
      .subject = on ? "Two-factor authentication is on" : "Two-factor authentication is off",
      .text =
          fmt::format("Hello,\n\n"
                      "Two-factor authentication was turned {} for your account {}.\n\n{}\n\n{}",
                      on ? "on" : "off", When(change),
                      on ? "Signing in now asks for a code from your authenticator app after "
                           "your password. Keep your recovery codes somewhere safe."
                         : "Signing in now asks for your password only.",
                      NotYou(ctx))};
}

Email RecoveryCodeUsed(const EmailContext& ctx, const std::string& to, int codes_left,
                       const ChangeContext& sign_in) {
  return Email{
      .to = {to},
      .subject = "A recovery code was used to sign in",
      .text = fmt::format("Hello,\n\n"
                          "A recovery code was used instead of an authenticator code to sign in to "
                          "your account {}. Each code works once; {} left.\n\n"
                          "You can make new codes in Settings, under Two-factor authentication:\n"
                          "{}/settings/two-factor\n\n{}",
                          When(sign_in), codes_left, ctx.public_url, NotYou(ctx))};
}

}  // namespace tenure::app

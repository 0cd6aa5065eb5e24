#include "app/account_emails.hpp"

#include <fmt/format.h>

namespace tenure::app {
namespace {

// In the owner's time zone (issue 14 item 5): "on March 29, 2026 at 02:30 BST, from ...".
std::string When(const ChangeContext& c, const TimeZone& zone) {
  return fmt::format("on {} at {}, from the address {}{}", FormatLongDate(c.at, zone),
                     FormatTimeOfDay(c.at, zone), c.address.empty() ? "unknown" : c.address,
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

Email PasswordResetLink(const EmailContext& ctx, const Recipient& to, const std::string& token,
                        Instant expires_at, const ChangeContext& asked) {
  return Email{
      .to = {to.email},
      .subject = "Reset your password",
      .text = fmt::format(
          "Hello,\n\n"
          "Someone asked to reset the password of your account {}.\n\n"
          "To choose a new password, open this link. It works once, until {}:\n"
          "{}/reset-password?token={}\n\n"
          "Choosing a new password signs you out everywhere, the program included.\n\n"
          "If you did not ask for this, ignore this email: your password stays as it is.\n",
          When(asked, to.zone), FormatTimeOfDay(expires_at, to.zone), ctx.public_url, token)};
}

Email EmailVerificationLink(const EmailContext& ctx, const Recipient& to, const std::string& token,
                            Instant expires_at) {
  return Email{
      .to = {to.email},
      .subject = "Confirm your email address",
      .text = fmt::format("Hello,\n\n"
                          "Please confirm that this is your email address by opening this link. "
                          "It works until {} ({}):\n"
                          "{}/verify-email?token={}\n\n"
                          "You need a confirmed email address before your first purchase.\n\n"
                          "If you did not create an account, ignore this email.\n",
                          FormatLongDate(expires_at, to.zone), FormatTimeOfDay(expires_at, to.zone),
                          ctx.public_url, token)};
}

Email PasswordChanged(const EmailContext& ctx, const Recipient& to, bool reset,
                      const ChangeContext& change) {
  return Email{
      .to = {to.email},
      .subject = "Your password was changed",
      .text = fmt::format("Hello,\n\n"
                          "The password of your account was {} {}.\n\n{}\n\n{}",
                          reset ? "reset through the emailed link" : "changed in Settings",
                          When(change, to.zone),
                          reset ? "Every session was signed out, the program included."
                                : "Every other session was signed out, the program included.",
                          NotYou(ctx))};
}

Email NewSignIn(const EmailContext& ctx, const Recipient& to, const ChangeContext& sign_in) {
  return Email{.to = {to.email},
               .subject = "New sign-in to your account",
               .text = fmt::format("Hello,\n\n"
                                   "Your account was signed in to {}, an address it had not "
                                   "signed in from lately.\n\n"
                                   "You can see and sign out every session in Settings:\n"
                                   "{}/settings\n\n{}",
                                   When(sign_in, to.zone), ctx.public_url, NotYou(ctx))};
}

Email TwoFactorTurned(const EmailContext& ctx, const Recipient& to, bool on,
                      const ChangeContext& change) {
  return Email{
      .to = {to.email},
      .subject = on ? "Two-factor authentication is on" : "Two-factor authentication is off",
      .text =
          fmt::format("Hello,\n\n"
                      "Two-factor authentication was turned {} for your account {}.\n\n{}\n\n{}",
                      on ? "on" : "off", When(change, to.zone),
                      on ? "Signing in now asks for a code from your authenticator app after "
                           "your password. Keep your recovery codes somewhere safe."
                         : "Signing in now asks for your password only.",
                      NotYou(ctx))};
}

Email RecoveryCodeUsed(const EmailContext& ctx, const Recipient& to, int codes_left,
                       const ChangeContext& sign_in) {
  return Email{
      .to = {to.email},
      .subject = "A recovery code was used to sign in",
      .text = fmt::format("Hello,\n\n"
                          "A recovery code was used instead of an authenticator code to sign in to "
                          "your account {}. Each code works once; {} left.\n\n"
                          "You can make new codes in Settings, under Two-factor authentication:\n"
                          "{}/settings/two-factor\n\n{}",
                          When(sign_in, to.zone), codes_left, ctx.public_url, NotYou(ctx))};
}

}  // namespace tenure::app

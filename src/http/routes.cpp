// The whole URL map: each row's kind (which chain and error format), access and cost
// (ENGINEERING.md: http/routes.cpp; issue 8).
#include "http/routes.hpp"

#include "http/api/api.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http {

const std::vector<Route>& Routes() {
  using enum Kind;
  using enum Access;
  using enum Cost;
  using enum Body;
  using enum Limit;
  static const std::vector<Route> routes = {
      {"GET", "/", kPage, kPublic, kFast, pages::Root},
      {"GET", "/healthz", kStatic, kPublic, kFast, pages::Healthz},
      // Issue 13: for Prometheus, with the configured token (metrics.token); 404 without one.
      {"GET", "/metrics", kMetrics, kPublic, kFast, pages::Metrics},
      {"GET", "/static/*", kStatic, kPublic, kFast, pages::Static},
      {"GET", "/terms", kPage, kPublic, kFast, pages::Terms},

      {"GET", "/sign-up", kPage, kPublic, kFast, pages::SignUpForm},
      {"POST", "/sign-up", kPage, kPublic, kSlow, pages::SignUp},
      {"GET", "/sign-in", kPage, kPublic, kFast, pages::SignInForm},
      {"POST", "/sign-in", kPage, kPublic, kSlow, pages::SignIn},
      {"POST", "/sign-out", kPage, kSignedIn, kFast, pages::SignOut},
      // Account security (issue 10): the second step, passwords, email, two-factor.
      {"GET", "/sign-in/code", kPage, kPublic, kFast, pages::SignInCodeForm},
      {"POST", "/sign-in/code", kPage, kPublic, kFast, pages::SignInCode},
      {"GET", "/forgot-password", kPage, kPublic, kFast, pages::ForgotPasswordForm},
      {"POST", "/forgot-password", kPage, kPublic, kFast, pages::ForgotPasswordSubmit},
      {"GET", "/reset-password", kPage, kPublic, kFast, pages::ResetPasswordForm},
      {"POST", "/reset-password", kPage, kPublic, kSlow, pages::ResetPasswordSubmit},
      {"GET", "/verify-email", kPage, kPublic, kFast, pages::VerifyEmailForm},
      {"POST", "/verify-email", kPage, kPublic, kFast, pages::VerifyEmailSubmit},
      {"GET", "/settings/password", kPage, kSignedIn, kFast, pages::ChangePasswordForm},
      {"POST", "/settings/password", kPage, kSignedIn, kSlow, pages::ChangePasswordSubmit},
      {"POST", "/settings/verify-email", kPage, kSignedIn, kFast, pages::ResendVerification, kForm,
       kWrite},
      {"GET", "/settings/two-factor", kPage, kSignedIn, kFast, pages::TwoFactor},
      {"POST", "/settings/two-factor/enable", kPage, kSignedIn, kFast, pages::TwoFactorEnable},
      {"POST", "/settings/two-factor/recovery-codes", kPage, kSignedIn, kSlow,
       pages::TwoFactorRecoveryCodes},
      {"POST", "/settings/two-factor/disable", kPage, kSignedIn, kSlow, pages::TwoFactorDisable},

      {"GET", "/home", kPage, kSignedIn, kFast, pages::Home},
      {"GET", "/settings", kPage, kSignedIn, kFast, pages::Settings},
      {"POST", "/settings/time-zone", kPage, kSignedIn, kFast, pages::SetTimeZone, kForm, kWrite},
      // Issue 14 item 5: the browser's zone, posted by static/app.js while the account has none.
      {"POST", "/settings/time-zone/detected", kPage, kSignedIn, kFast, pages::AdoptBrowserTimeZone,
       kForm, kWrite},
      // The program's machines (issue 9): Sign out one, or Deactivate license for all.
      {"POST", "/settings/machines/{id}/sign-out", kPage, kSignedIn, kFast, pages::MachineSignOut},
      // Every session of the account (issue 10 item 5): Sign out one, or everywhere else.
      {"POST", "/settings/sessions/{id}/sign-out", kPage, kSignedIn, kFast, pages::SessionSignOut},
      {"POST", "/settings/sessions/sign-out-others", kPage, kSignedIn, kFast,
       pages::SessionsSignOutOthers},
      // Discord (issue 11): Bind Discord is a link (it only sends the browser to Discord with
      // a state of its own); the callback must match that state and this session. The callback
      // waits on Discord twice, so it runs on the slow pool, not on the threads pages need.
      {"GET", "/settings/discord/bind", kPage, kSignedIn, kFast, pages::DiscordBind},
      {"GET", "/settings/discord/callback", kPage, kSignedIn, kSlow, pages::DiscordCallback},
      {"POST", "/settings/discord/unbind", kPage, kSignedIn, kFast, pages::DiscordUnbind},
      {"POST", "/settings/discord/checkout-posts", kPage, kSignedIn, kFast,
       pages::DiscordCheckoutPosts, kForm, kWrite},
      {"GET", "/settings/deactivate", kPage, kSignedIn, kFast, pages::DeactivateForm},
      {"POST", "/settings/deactivate", kPage, kSignedIn, kFast, pages::DeactivateSubmit, kForm,
       kWrite},
      {"GET", "/download", kPage, kSignedIn, kFast, pages::Download},
      // A release's file: for the signed-in customer, or with the update check's download
      // token (a program has no cookie), so the handler checks who asks. Streamed from disk.
      {"GET", "/downloads/{id}/{os}", kPage, kPublic, kFast, pages::DownloadFile},
      {"GET", "/support", kPage, kSignedIn, kFast, pages::Support},

      // The cancel journey: Cancel -> Continue to Cancel -> Confirm Cancel (PRODUCT.md).
      {"GET", "/cancel", kPage, kSignedIn, kFast, pages::CancelStart},
      {"GET", "/cancel/reason", kPage, kSignedIn, kFast, pages::CancelReason},
      {"POST", "/cancel/confirm", kPage, kSignedIn, kFast, pages::CancelConfirm, kForm, kWrite},
      {"POST", "/subscribe", kPage, kSignedIn, kFast, pages::Subscribe, kForm, kWrite},

      // Billing (issue 4): every payment form carries the terms tick.
      {"GET", "/billing", kPage, kSignedIn, kFast, pages::Billing},
      // Issue 14 item 7: one succeeded charge's printable receipt, the customer's own only.
      {"GET", "/billing/receipts/{id}", kPage, kSignedIn, kFast, pages::Receipt},
      {"GET", "/billing/renew", kPage, kSignedIn, kFast, pages::RenewForm},
      {"POST", "/billing/renew", kPage, kSignedIn, kFast, pages::RenewSubmit, kForm, kWrite},
      {"GET", "/billing/card", kPage, kSignedIn, kFast, pages::CardForm},
      {"POST", "/billing/card", kPage, kSignedIn, kFast, pages::CardSubmit, kForm, kWrite},
      {"GET", "/billing/instances", kPage, kSignedIn, kFast, pages::InstancesForm},
      {"POST", "/billing/instances", kPage, kSignedIn, kFast, pages::InstancesSubmit, kForm,
       kWrite},
      // Edit Instances' other half: fewer from the next renewal, nothing refunded (issue 9).
      {"POST", "/billing/instances/renewal", kPage, kSignedIn, kFast, pages::InstancesRenewalSubmit,
       kForm, kWrite},

      {"POST", "/support/tickets", kPage, kSignedIn, kFast, pages::OpenTicket, kForm, kWrite},
      {"GET", "/support/tickets/{id}", kPage, kSignedIn, kFast, pages::Ticket},
      {"POST", "/support/tickets/{id}/reply", kPage, kSignedIn, kFast, pages::TicketReply, kForm,
       kWrite},
      {"POST", "/support/tickets/{id}/close", kPage, kSignedIn, kFast, pages::TicketClose, kForm,
       kWrite},
      {"POST", "/support/tickets/{id}/reopen", kPage, kSignedIn, kFast, pages::TicketReopen, kForm,
       kWrite},

      {"GET", "/staff", kPage, kStaff, kFast, pages::Staff},
      {"GET", "/staff/customers/{id}", kPage, kStaff, kFast, pages::StaffCustomer},
      {"POST", "/staff/customers/{id}/grant", kPage, kStaff, kFast, pages::StaffGrant},
      {"POST", "/staff/customers/{id}/lift-suspension", kPage, kStaff, kFast,
       pages::StaffLiftSuspension},
      {"POST", "/staff/customers/{id}/discord/sync", kPage, kStaff, kFast, pages::StaffDiscordSync},
      // The seller's console (issue 14): receipts again, roles, the audit log, the outbox.
      {"POST", "/staff/customers/{id}/receipts/{charge}/resend", kPage, kStaff, kFast,
       pages::StaffResendReceipt},
      {"POST", "/staff/customers/{id}/role", kPage, kAdmin, kFast, pages::StaffSetRole},
      {"GET", "/staff/audit", kPage, kAdmin, kFast, pages::StaffAudit},
      {"GET", "/staff/outbox", kPage, kAdmin, kFast, pages::StaffOutbox},
      {"POST", "/staff/outbox/{id}/retry", kPage, kAdmin, kFast, pages::StaffOutboxRetry},
      {"POST", "/staff/discord/sync", kPage, kStaff, kFast, pages::StaffDiscordSyncAll},
      {"GET", "/staff/tickets", kPage, kStaff, kFast, pages::StaffQueue},
      {"GET", "/staff/tickets/{id}", kPage, kStaff, kFast, pages::StaffTicket},
      {"POST", "/staff/tickets/{id}/reply", kPage, kStaff, kFast, pages::StaffTicketReply},
      {"POST", "/staff/tickets/{id}/assign", kPage, kStaff, kFast, pages::StaffTicketAssign},
      {"POST", "/staff/tickets/{id}/status", kPage, kStaff, kFast, pages::StaffTicketStatus},
      {"GET", "/staff/feedback", kPage, kStaff, kFast, pages::StaffFeedback},
      {"GET", "/staff/feedback.csv", kPage, kStaff, kFast, pages::StaffFeedbackCsv},
      {"POST", "/staff/feedback/{id}/read", kPage, kStaff, kFast, pages::StaffFeedbackRead},
      {"GET", "/staff/checkouts", kPage, kStaff, kFast, pages::StaffCheckouts},
      // The business figures and the cancel funnel (issue 14), for admins.
      {"GET", "/staff/business", kPage, kAdmin, kFast, pages::StaffBusiness},
      // Releases (issue 12): the upload is streamed to disk (Body::kUpload), then hashed and
      // signed on the slow pool; only admins publish or unpublish.
      {"GET", "/staff/releases", kPage, kStaff, kFast, pages::StaffReleases},
      {"POST", "/staff/releases", kPage, kAdmin, kSlow, pages::StaffPublishRelease, kUpload},
      {"POST", "/staff/releases/{id}/unpublish", kPage, kAdmin, kFast,
       pages::StaffUnpublishRelease},
      {"POST", "/staff/releases/{id}/publish", kPage, kAdmin, kFast, pages::StaffRepublishRelease},

      // Stripe's webhooks (issue 4): verified by the Stripe-Signature header over the raw body.
      {"POST", "/stripe/webhook", kWebhook, kPublic, kFast, pages::StripeWebhook},

      // The help center: public, Markdown for agents, answers from the docs (issue 5).
      {"GET", "/help", kPage, kPublic, kFast, pages::HelpRedirect},
      {"GET", "/help/*", kPage, kPublic, kFast, pages::Help},
      {"GET", "/llms.txt", kPage, kPublic, kFast, pages::LlmsTxt},
      {"GET", "/llms-full.txt", kPage, kPublic, kFast, pages::LlmsFull},
      {"GET", "/llms-full.txt/{part}", kPage, kPublic, kFast, pages::LlmsFullPart},

      // The API for programs (issues 8 and 9): bearer tokens of program sessions, JSON both
      // ways, api/openapi.json says all of it.
      {"POST", "/api/v1/sessions", kApi, kPublic, kSlow, api::SignIn},
      {"DELETE", "/api/v1/sessions/current", kApi, kSignedIn, kFast, api::SignOut},
      {"GET", "/api/v1/session", kApi, kSignedIn, kFast, api::Session},
      {"GET", "/api/v1/license", kApi, kSignedIn, kFast, api::License},
      {"POST", "/api/v1/heartbeat", kApi, kSignedIn, kFast, api::Heartbeat},
      {"POST", "/api/v1/checkouts", kApi, kSignedIn, kFast, api::ReportCheckouts, kForm, kWrite},
      {"GET", "/api/v1/releases/latest", kApi, kSignedIn, kFast, api::LatestRelease},
      {"GET", "/api/v1/keys", kApi, kPublic, kFast, api::Keys},
      {"GET", "/api/v1/openapi.json", kApi, kPublic, kFast, api::OpenApi},
  };
  return routes;
}

Kind UnmatchedKind(std::string_view path) {
  return path.starts_with("/api/") ? Kind::kApi : Kind::kPage;
}

}  // namespace tenure::http

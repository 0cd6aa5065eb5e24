#pragma once
// Thin handlers (habit 7): parse, make one app call, render.
#include "http/web.hpp"

namespace tenure::http::pages {

// A form that comes back with errors, in the one style every form has (issue 14 item 8): the
// page's error summary (partials/error_summary.html: `title`, then each message linked to its
// field, focused when the page loads) and `error_<field>` holding the field's own message, which
// the template shows beside the field and marks it aria-invalid with. `error` is the first
// message. A field's element id is its name; on a page with several forms, `form` names the one
// that failed and its fields are "<form>-<field>" (ids and keys alike: the lift form's `reason`
// is #lift-reason, error_lift-reason), apart from another form's field of the same name. An
// error with no field is listed without a link. Nothing when there are no errors.
struct FormError {
  std::string_view title = "There is a problem.";
  std::string_view form;
};
void AddErrors(mstch::map& vars, const std::vector<Error>& errors, FormError form = {});
inline void AddError(mstch::map& vars, const Error* error, FormError form = {}) {
  if (error) AddErrors(vars, {*error}, form);
}

Response Root(Context& ctx);
Response Healthz(Context& ctx);
Response Metrics(Context& ctx);
Response Static(Context& ctx);
Response Terms(Context& ctx);

Response SignUpForm(Context& ctx);
Response SignUp(Context& ctx);
Response SignInForm(Context& ctx);
Response SignIn(Context& ctx);
Response SignOut(Context& ctx);
// The second step of a sign-in with two-factor on (issue 10).
Response SignInCodeForm(Context& ctx);
Response SignInCode(Context& ctx);

// Passwords and email verification (issue 10).
Response ForgotPasswordForm(Context& ctx);
Response ForgotPasswordSubmit(Context& ctx);
Response ResetPasswordForm(Context& ctx);
Response ResetPasswordSubmit(Context& ctx);
Response ChangePasswordForm(Context& ctx);
Response ChangePasswordSubmit(Context& ctx);
Response VerifyEmailForm(Context& ctx);
Response VerifyEmailSubmit(Context& ctx);
Response ResendVerification(Context& ctx);

// Settings -> Two-factor authentication (issue 10).
Response TwoFactor(Context& ctx);
Response TwoFactorEnable(Context& ctx);
Response TwoFactorRecoveryCodes(Context& ctx);
Response TwoFactorDisable(Context& ctx);

Response Home(Context& ctx);
Response Settings(Context& ctx);
// Settings again after a form of its own failed, with the error (the time zone's 422).
Response SettingsPage(Context& ctx, int status, const Error* error);
Response Download(Context& ctx);
Response DownloadFile(Context& ctx);
Response Support(Context& ctx);

// Settings -> Time zone (issue 14 item 5): chosen from the list, or the browser's, adopted
// while the account has none (static/app.js posts it; 204 when saved).
Response SetTimeZone(Context& ctx);
Response AdoptBrowserTimeZone(Context& ctx);
// Settings' time zone form: the zone, the list of every zone, and after `error` (a name that
// is no zone) the name as sent and the zones closest to it.
void AddTimeZoneVars(Context& ctx, mstch::map& vars, const Error* error);

// Settings -> Machines and Deactivate license (issue 9).
Response MachineSignOut(Context& ctx);
Response DeactivateForm(Context& ctx);
Response DeactivateSubmit(Context& ctx);

// Settings -> Sessions (issue 10 item 5): Sign out one, or everywhere else.
Response SessionSignOut(Context& ctx);
Response SessionsSignOutOthers(Context& ctx);

// Settings -> Discord (issue 11), and staff's re-sync of one customer or everyone.
Response DiscordBind(Context& ctx);
Response DiscordCallback(Context& ctx);
Response DiscordUnbind(Context& ctx);
Response DiscordCheckoutPosts(Context& ctx);
Response StaffDiscordSync(Context& ctx);
Response StaffDiscordSyncAll(Context& ctx);
// Settings' Discord section: `discord_enabled`, `discord_bound` and the binding's facts.
void AddDiscordVars(Context& ctx, mstch::map& vars);
// Staff's: `discord` on the staff page (bindings, Re-sync everyone) when `user` is unset, on
// a customer's file (the binding and its last sync) when set.
void AddStaffDiscordVars(Context& ctx, mstch::map& vars, std::optional<UserId> user);

Response CancelStart(Context& ctx);
Response CancelReason(Context& ctx);
Response CancelConfirm(Context& ctx);
Response Subscribe(Context& ctx);

Response OpenTicket(Context& ctx);
Response Ticket(Context& ctx);
Response TicketReply(Context& ctx);
Response TicketClose(Context& ctx);
Response TicketReopen(Context& ctx);

Response Billing(Context& ctx);
Response RenewForm(Context& ctx);
Response RenewSubmit(Context& ctx);
Response CardForm(Context& ctx);
Response CardSubmit(Context& ctx);
Response InstancesForm(Context& ctx);
Response InstancesSubmit(Context& ctx);
Response InstancesRenewalSubmit(Context& ctx);
// A succeeded charge's receipt (issue 14 item 7): the customer's own, else 404.
Response Receipt(Context& ctx);

Response Staff(Context& ctx);
Response StaffCustomer(Context& ctx);
Response StaffGrant(Context& ctx);
Response StaffLiftSuspension(Context& ctx);
Response StaffQueue(Context& ctx);
Response StaffTicket(Context& ctx);
Response StaffTicketReply(Context& ctx);
Response StaffTicketAssign(Context& ctx);
Response StaffTicketStatus(Context& ctx);
Response StaffFeedback(Context& ctx);
Response StaffFeedbackCsv(Context& ctx);
Response StaffFeedbackRead(Context& ctx);
Response StaffBusiness(Context& ctx);
Response StaffAudit(Context& ctx);
Response StaffOutbox(Context& ctx);
Response StaffOutboxRetry(Context& ctx);
Response StaffSetRole(Context& ctx);
Response StaffResendReceipt(Context& ctx);
Response StaffCheckouts(Context& ctx);
Response StaffReleases(Context& ctx);
Response StaffPublishRelease(Context& ctx);
Response StaffUnpublishRelease(Context& ctx);
Response StaffRepublishRelease(Context& ctx);

// Stripe's webhooks (issue 4): authenticated by their signature, not a session.
Response StripeWebhook(Context& ctx);

// The help center (issue 5): pages, their Markdown, answers, and the indexes for agents.
Response HelpRedirect(Context& ctx);
Response Help(Context& ctx);
Response LlmsTxt(Context& ctx);
Response LlmsFull(Context& ctx);
Response LlmsFullPart(Context& ctx);

}  // namespace tenure::http::pages

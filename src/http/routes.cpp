// The whole URL map, with each route's access policy (ENGINEERING.md: http/routes.cpp).
#include "http/routes.hpp"

#include "http/pages/pages.hpp"

namespace tenure::http {

const std::vector<Route>& Routes() {
  using enum Access;
  using enum Cost;
  static const std::vector<Route> routes = {
      {"GET", "/", kPublic, kFast, pages::Root},
      {"GET", "/healthz", kPublic, kFast, pages::Healthz},
      {"GET", "/static/*", kPublic, kFast, pages::Static},
      {"GET", "/terms", kPublic, kFast, pages::Terms},

      {"GET", "/sign-up", kPublic, kFast, pages::SignUpForm},
      {"POST", "/sign-up", kPublic, kSlow, pages::SignUp},
      {"GET", "/sign-in", kPublic, kFast, pages::SignInForm},
      {"POST", "/sign-in", kPublic, kSlow, pages::SignIn},
      {"POST", "/sign-out", kSignedIn, kFast, pages::SignOut},

      {"GET", "/home", kSignedIn, kFast, pages::Home},
      {"GET", "/settings", kSignedIn, kFast, pages::Settings},
      {"POST", "/settings/time-zone", kSignedIn, kFast, pages::SetTimeZone},
      {"GET", "/download", kSignedIn, kFast, pages::Download},
      {"GET", "/support", kSignedIn, kFast, pages::Support},

      // The cancel journey: Cancel -> Continue to Cancel -> Confirm Cancel (PRODUCT.md).
      {"GET", "/cancel", kSignedIn, kFast, pages::CancelStart},
      {"GET", "/cancel/reason", kSignedIn, kFast, pages::CancelReason},
      {"POST", "/cancel/confirm", kSignedIn, kFast, pages::CancelConfirm},
      {"POST", "/subscribe", kSignedIn, kFast, pages::Subscribe},

      // Billing (issue 4): every payment form carries the terms tick.
      {"GET", "/billing", kSignedIn, kFast, pages::Billing},
      {"GET", "/billing/renew", kSignedIn, kFast, pages::RenewForm},
      {"POST", "/billing/renew", kSignedIn, kFast, pages::RenewSubmit},
      {"GET", "/billing/card", kSignedIn, kFast, pages::CardForm},
      {"POST", "/billing/card", kSignedIn, kFast, pages::CardSubmit},
      {"GET", "/billing/instances", kSignedIn, kFast, pages::InstancesForm},
      {"POST", "/billing/instances", kSignedIn, kFast, pages::InstancesSubmit},

      {"POST", "/support/tickets", kSignedIn, kFast, pages::OpenTicket},
      {"GET", "/support/tickets/{id}", kSignedIn, kFast, pages::Ticket},
      {"POST", "/support/tickets/{id}/reply", kSignedIn, kFast, pages::TicketReply},
      {"POST", "/support/tickets/{id}/close", kSignedIn, kFast, pages::TicketClose},
      {"POST", "/support/tickets/{id}/reopen", kSignedIn, kFast, pages::TicketReopen},

      {"GET", "/staff", kStaff, kFast, pages::Staff},
      {"GET", "/staff/customers/{id}", kStaff, kFast, pages::StaffCustomer},
      {"POST", "/staff/customers/{id}/grant", kStaff, kFast, pages::StaffGrant},
      {"GET", "/staff/tickets", kStaff, kFast, pages::StaffQueue},
      {"GET", "/staff/tickets/{id}", kStaff, kFast, pages::StaffTicket},
      {"POST", "/staff/tickets/{id}/reply", kStaff, kFast, pages::StaffTicketReply},
      {"POST", "/staff/tickets/{id}/assign", kStaff, kFast, pages::StaffTicketAssign},
      {"POST", "/staff/tickets/{id}/status", kStaff, kFast, pages::StaffTicketStatus},
      {"GET", "/staff/feedback", kStaff, kFast, pages::StaffFeedback},
      {"GET", "/staff/feedback.csv", kStaff, kFast, pages::StaffFeedbackCsv},
      {"POST", "/staff/feedback/{id}/read", kStaff, kFast, pages::StaffFeedbackRead},

      // Stripe's webhooks (issue 4): public, verified by the Stripe-Signature header; the
      // middleware skips session and CSRF for it (web_app.cpp).
      {"POST", "/stripe/webhook", kPublic, kFast, pages::StripeWebhook},

      // The help center: public, Markdown for agents, answers from the docs (issue 5).
      {"GET", "/help", kPublic, kFast, pages::HelpRedirect},
      {"GET", "/help/*", kPublic, kFast, pages::Help},
      {"GET", "/llms.txt", kPublic, kFast, pages::LlmsTxt},
      {"GET", "/llms-full.txt", kPublic, kFast, pages::LlmsFull},
      {"GET", "/llms-full.txt/{part}", kPublic, kFast, pages::LlmsFullPart},
  };
  return routes;
}

}  // namespace tenure::http

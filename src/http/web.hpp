#pragma once
// What every handler gets: the request, the services it may call, the signed-in user.
// The services are only declared here: each page includes the headers of those it calls, so
// a change to one use case (or a domain header under it) rebuilds only its pages (issue 8).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/current_user.hpp"
#include "app/store/actor.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "http/forms.hpp"
#include "http/multipart.hpp"
#include "http/problem.hpp"
#include "http/server.hpp"
#include "http/views.hpp"

namespace tenure::app {
class AccountSecurityService;
class AccountService;
class BillingService;
class DiscordService;
class FeedbackService;
class CheckoutService;
class LeaseSigner;
class LicenseService;
class ReleaseService;
class ReportService;
class MachineService;
struct ProgramCaller;
class ProgramService;
class RenewalService;
class SessionService;
class StaffService;
class Store;
class SupportService;
class TwoFactorService;
}  // namespace tenure::app

namespace tenure::integrations {
class StripeWebhooks;
}  // namespace tenure::integrations

namespace tenure::search {
class HelpCenter;
}  // namespace tenure::search

namespace tenure::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// Issue 13: Limit::kWrite routes' one limiter, counted per account and per address.
struct WriteLimits {
  int per_account = 60;
  int per_address = 300;
  Seconds window{600};
};

struct Services {
  app::AccountService& accounts;
  app::LicenseService& licenses;
  app::StaffService& staff;
  app::RenewalService& renewal;
  app::SupportService& support;
  app::FeedbackService& feedback;
  app::Store& store;
  const Clock& clock;
  const Views& views;
  bool secure_cookies = false;  // the public URL is https: Secure cookies, and HSTS
  search::HelpCenter& help;
  app::BillingService& billing;
  // Stripe's webhook endpoint (issue 4); null unless billing.provider is stripe (then 404).
  integrations::StripeWebhooks* stripe_webhooks = nullptr;
  // The program's API and the machines it holds (issue 9).
  app::ProgramService& program;
  app::MachineService& machines;
  app::SessionService& sessions;  // Settings -> Sessions (issue 10 item 5)
  app::CheckoutService& checkouts;
  app::LeaseSigner& leases;
  std::string public_url;  // for the links programs are given (renew_url)
  // Account security (issue 10), and whether staff pages need two-factor on.
  app::AccountSecurityService& security;
  app::TwoFactorService& two_factor;
  bool staff_two_factor_required = false;
  // The bearer token Metrics routes require (issue 8); empty: they answer 404.
  std::string metrics_token;
  // Discord (issue 11); null when the seller has not set it up (its pages then say so).
  app::DiscordService* discord = nullptr;
  // Releases (issue 12): the Download tab, the files, the update check, publishing.
  app::ReleaseService* releases = nullptr;
  // Upload routes (routes.hpp Body::kUpload): the largest body an admin may send, and where it
  // is written (beside the releases, so that keeping a file is a rename, not a copy).
  uint64_t max_upload_bytes = uint64_t{2} << 30;
  std::string upload_dir;
  // Issue 13: the largest body of a form or an API call (webhooks get the server's
  // max_body_bytes), and the limits of writes a customer can repeat.
  uint64_t max_form_bytes = 256 << 10;
  WriteLimits write_limits;
  // The seller's business figures for admins (issue 14); null: their page answers 404.
  app::ReportService* reports = nullptr;
};

struct Context {
  Request& req;
  Services& svc;
  Params params;                         // from the route's {name} segments
  std::optional<app::CurrentUser> user;  // set by the middleware when signed in
  // An Api request's program session, with `user` (issue 9): its machine holding the slot,
  // and the license read with it (app/program.hpp).
  std::shared_ptr<const app::ProgramCaller> program;
  std::string csrf;  // the token this visitor's forms must carry
  Form form;         // a Page's POST body, parsed (an upload's text fields too)
  // An upload route's files, on disk in Services::upload_dir. Those still there after the
  // handler returns are removed: a handler keeps a file by moving it.
  std::vector<UploadedFile> uploads;
  nlohmann::json json;    // an Api request's body, parsed
  Headers extra_headers;  // cookies the middleware sets

  app::ClientInfo Client() const {
    return {req.remote_address, std::string(req.Header("user-agent")), req.request_id};
  }
  const domain::User& User() const { return user->user; }
  std::string_view Field(std::string_view name) const {
    auto it = form.find(name);
    return it == form.end() ? std::string_view{} : std::string_view(it->second);
  }
  std::string_view Param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
  // A positive id from the path, or nothing (handlers answer 404).
  std::optional<int64_t> IdParam(std::string_view name = "id") const;
  std::string Query(std::string_view name) const;
  app::Actor Actor() const {
    return app::Actor::User(User().id, req.request_id, req.remote_address);
  }
  // The signed-in user's time zone, UTC without one (issue 14 item 5): every date and time a
  // page shows them is written in it (core/time_zone.hpp: FormatLongDate, FormatDateTime).
  TimeZone Zone() const { return user ? TimeZone::OrUtc(User().time_zone) : TimeZone::Utc(); }
};

// A positive decimal id, or nothing.
std::optional<int64_t> ParseId(std::string_view text);
// "November 27, 2026 14:05 UTC" for staff's tables and threads; a customer's pages write
// FormatDateTime(t, ctx.Zone()) instead.
std::string FormatDateTime(Instant t);

// A full page in the layout; `tab` marks the current navigation entry ("home", ...).
Response RenderPage(Context& ctx, std::string_view template_name, std::string title,
                    std::string_view tab, mstch::map vars, int status = 200);
// An error rendered as a page; its status comes from the one table (http/problem.hpp).
Response ErrorPage(Context& ctx, int status, std::string heading, std::string message);

inline constexpr char kSessionCookie[] = "tenure_session";
inline constexpr char kCsrfCookie[] = "tenure_csrf";
std::string SessionCookie(std::string_view token, bool secure, Seconds max_age);

}  // namespace tenure::http

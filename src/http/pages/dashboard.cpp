// The customer's tabs: Home, Settings, Download, Support. Every date they show is in the
// customer's time zone (ctx.Zone(); issue 14 item 5).
#include <fmt/format.h>

#include "app/accounts.hpp"
#include "app/licenses.hpp"
#include "domain/card_entry.hpp"
#include "http/pages/account_views.hpp"
#include "http/pages/sessions.hpp"

namespace tenure::http::pages {
namespace {

std::string StatusText(domain::LicenseStatus status) {
  switch (status) {
    case domain::LicenseStatus::kNone: return "You haven't bought a license yet.";
    case domain::LicenseStatus::kActive: return "The program works on your machines.";
    case domain::LicenseStatus::kGrace:
      return "Your license has expired; the program keeps working for a short grace period. "
             "Renew to keep it running.";
    case domain::LicenseStatus::kExpired:
      return "The program is paused until you renew. Your account and settings are kept.";
    case domain::LicenseStatus::kSuspended:
      return "Your license is suspended while a payment dispute is open. Contact support.";
  }
  return "";
}

}  // namespace

Response Home(Context& ctx) {
  auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  if (!overview) {
    // Staff accounts hold no license: Home says so instead of failing.
    return RenderPage(ctx, "home", "Home", "home",
                      mstch::map{{"status", std::string("none")},
                                 {"status_label", std::string("No license")},
                                 {"status_text", overview.error().message}});
  }
  const auto& l = overview->license;
  const TimeZone zone = ctx.Zone();
  mstch::map vars{
      {"has_license", true},
      {"status", std::string(domain::StatusName(overview->status))},
      {"status_label", std::string(domain::StatusLabel(overview->status))},
      {"status_text", StatusText(overview->status)},
      {"has_date", l.expires_at.has_value()},
      {"is_expired", overview->status == domain::LicenseStatus::kExpired},
      {"auto_renew", l.auto_renew},
      // Issue 14 item 6: a canceled license still running says when it ends, beside its status.
      {"ends_on", !l.auto_renew && l.expires_at.has_value() &&
                      overview->status == domain::LicenseStatus::kActive},
  };
  AddInstancesVars(vars, *overview, ctx.svc.clock.Now(), zone);
  vars["stats"] = CheckoutStatsVars(ctx, ctx.User().id, ctx.User().time_zone);
  if (l.expires_at) {
    vars["expires_iso"] = FormatRfc3339(*l.expires_at);
    vars["expires_long"] = FormatLongDate(*l.expires_at, zone);
  }
  if (overview->next_charge_at) {
    vars["next_charge"] = FormatLongDate(*overview->next_charge_at, zone);
    vars["next_charge_iso"] = FormatRfc3339(*overview->next_charge_at);
  }
  if (overview->payment_method)
    vars["card"] =
        fmt::format("your {} ending in {}", domain::CardBrandName(overview->payment_method->brand),
                    overview->payment_method->last4);
  // Outcomes of the renewal forms (post/redirect/get): fixed texts, never echoed input.
  const std::string done = ctx.Query("done");
  vars["unverified"] = !ctx.User().email_verified_at && !l.expires_at;
  if (done == "verification_sent")
    vars["notice"] =
        fmt::format("We sent a new link to {}. It works for 48 hours.", ctx.User().email);
  const std::string until =
      l.expires_at ? FormatLongDate(*l.expires_at, zone) : "its expiration date";
  // Only a notice that still matches the page: Back to an old URL must not contradict it.
  if (!l.auto_renew && done == "canceled")
    vars["notice"] = fmt::format(
        "Done. Your license will not renew, and it keeps working until {}. We've emailed you a "
        "confirmation.",
        until);
  else if (!l.auto_renew && done == "already_canceled")
    vars["notice"] = std::string("Your license was already set not to renew, so nothing changed.");
  else if (l.auto_renew && done == "subscribed")
    vars["notice"] = std::string("Automatic renewal is on again. You can cancel anytime.");
  else if (done == "renewed" && l.expires_at)
    vars["notice"] =
        fmt::format("Thank you! Your license now runs until {}. A receipt is on its way.", until);
  else if (l.auto_renew && done == "already_subscribed")
    vars["notice"] = std::string("Automatic renewal was already on, so nothing changed.");
  return RenderPage(ctx, "home", "Home", "home", std::move(vars));
}

namespace {
// After Bind Discord, Unbind and the opt-in (post/redirect/get).
const char* DiscordNotice(std::string_view done) {
  if (done == "discord_bound")
    return "Your Discord account is bound. Your roles on the server follow your license within a "
           "minute.";
  if (done == "discord_denied")
    return "You cancelled on Discord, so nothing was bound. Bind Discord whenever you like.";
  if (done == "discord_unbound")
    return "Your Discord account is unbound. The paid roles are being removed from it.";
  if (done == "posts_on") return "Your checkouts will be posted to the success channel.";
  if (done == "posts_off") return "Your checkouts will not be posted any more.";
  return nullptr;
}
}  // namespace

Response SettingsPage(Context& ctx, int status, const Error* error) {
  const auto& u = ctx.User();
  const TimeZone zone = ctx.Zone();
  auto overview = ctx.svc.licenses.Overview(u.id);
  mstch::array grants;
  for (const auto& g : ctx.svc.licenses.Grants(u.id))
    grants.push_back(mstch::map{{"at", FormatLongDate(g.created_at, zone)},
                                {"at_iso", FormatRfc3339(g.created_at)},
                                {"days", g.days},
                                {"reason", g.reason},
                                {"after", FormatLongDate(g.expires_after, zone)}});
  mstch::map vars{{"role", std::string(domain::RoleName(u.role))},
                  {"terms_version", u.terms_version},
                  {"terms_iso", FormatRfc3339(u.terms_accepted_at)},
                  {"terms_long", FormatLongDate(u.terms_accepted_at, zone)},
                  {"created_iso", FormatRfc3339(u.created_at)},
                  {"created_long", FormatLongDate(u.created_at, zone)},
                  {"grants", grants}};
  if (overview) {
    vars["has_license"] = true;
    AddInstancesVars(vars, *overview, ctx.svc.clock.Now(), zone);
    vars["has_date"] = overview->license.expires_at.has_value();
    vars["machines_view"] =
        MachinesVars(ctx, u.id, overview->license.instances, /*can_sign_out=*/true);
  }
  if (overview && overview->payment_method)
    vars["card"] =
        fmt::format("{} ending in {}", domain::CardBrandName(overview->payment_method->brand),
                    overview->payment_method->last4);
  AddTimeZoneVars(ctx, vars, error);
  vars["email_verified"] = u.email_verified_at.has_value();
  vars["two_factor"] = u.two_factor_enabled();
  if (u.password_changed_at) {
    vars["password_changed_iso"] = FormatRfc3339(*u.password_changed_at);
    vars["password_changed_long"] = FormatLongDate(*u.password_changed_at, zone);
  }
  const std::string done = ctx.Query("done");
  if (done == "time_zone") vars["notice"] = std::string("Your time zone is saved.");
  if (done == "password")
    vars["notice"] = std::string(
        "Your password is changed. Every other session was signed out, the program included.");
  if (done == "two_factor_off") vars["notice"] = std::string("Two-factor authentication is off.");
  AddDiscordVars(ctx, vars);
  if (const char* text = DiscordNotice(done)) vars["discord_notice"] = std::string(text);
  if (std::string notice = MachinesNotice(ctx); !notice.empty())
    vars["machines_notice"] = std::move(notice);
  AddSessionsVars(ctx, vars);
  return RenderPage(ctx, "settings", "Settings", "settings", std::move(vars), status);
}

Response Settings(Context& ctx) { return SettingsPage(ctx, 200, nullptr); }

}  // namespace tenure::http::pages

// Settings -> Sessions (issue 10 item 5; PRODUCT.md: Accounts, "list and revoke signed-in
// sessions"): every live session of the account, Sign out per session, Sign out everywhere
// else. A session is named in URLs by its public handle, never by its token's hash.
#include "http/pages/sessions.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "app/sessions.hpp"
#include "http/pages/account_views.hpp"

namespace tenure::http::pages {
namespace {

// "14 days", "1 day", "36 hours": the configured lengths as the section states them.
std::string DurationText(Seconds length) {
  const int64_t hours = length.count() / 3600;
  if (hours % 24 == 0) return fmt::format("{} day{}", hours / 24, hours == 24 ? "" : "s");
  return fmt::format("{} hour{}", hours, hours == 1 ? "" : "s");
}

// A count from the query, or nothing: the notice is our text, never the query's.
std::optional<int> CountParam(Context& ctx, std::string_view name) {
  const std::string text = ctx.Query(name);
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0)
    return std::nullopt;
  return n;
}

std::string SessionsNotice(Context& ctx) {
  const std::string done = ctx.Query("done");
  if (done == "session_signed_out")
    return "That session was signed out. The browser has to sign in again to use your account.";
  if (done == "program_signed_out")
    return "The program was signed out on that machine, and its instance slot is free.";
  if (done != "signed_out_others") return {};
  const auto browsers = CountParam(ctx, "browsers");
  const auto machines = CountParam(ctx, "machines");
  if (!browsers || !machines) return {};
  if (*browsers == 0 && *machines == 0) return "There was no other session to sign out.";
  std::string ended;
  if (*browsers > 0)
    ended = fmt::format("{} other browser{}", *browsers, *browsers == 1 ? "" : "s");
  if (*browsers > 0 && *machines > 0) ended += " and ";
  if (*machines > 0)
    ended += fmt::format("the program on {} machine{}, whose instance slot{} free", *machines,
                         *machines == 1 ? "" : "s", *machines == 1 ? " is" : "s are");
  return fmt::format("Done. You are signed out everywhere else: {}. This browser stays signed in.",
                     ended);
}

}  // namespace

void AddSessionsVars(Context& ctx, mstch::map& vars) {
  app::SessionService& sessions = ctx.svc.sessions;
  const Instant now = ctx.svc.clock.Now();
  const TimeZone zone = ctx.Zone();
  mstch::array rows;
  bool has_others = false;
  for (const app::SessionListing& s : sessions.List(*ctx.user)) {
    const bool program = s.kind == app::SessionKind::kProgram;
    has_others = has_others || !s.current;
    rows.push_back(
        mstch::map{{"handle", s.handle},
                   {"device", program ? s.machine_name : domain::DescribeDevice(s.device)},
                   {"detail", program ? s.machine_os : std::string()},
                   {"type", std::string(program ? "Program" : "Browser")},
                   {"address", s.address},
                   {"current", s.current},
                   {"signed_in", FormatLongDate(s.signed_in_at, zone)},
                   {"signed_in_iso", FormatRfc3339(s.signed_in_at)},
                   {"last_seen", LastSeenText(s.last_seen_at, now, zone)},
                   {"last_seen_full", FormatDateTime(s.last_seen_at, zone)},
                   {"last_seen_iso", FormatRfc3339(s.last_seen_at)}});
  }
  vars["sessions_view"] = mstch::map{{"sessions", rows},
                                     {"has_others", has_others},
                                     {"idle_timeout", DurationText(sessions.policy().idle_timeout)},
                                     {"lifetime", DurationText(sessions.policy().lifetime)}};
  if (std::string notice = SessionsNotice(ctx); !notice.empty())
    vars["sessions_notice"] = std::move(notice);
}

Response SessionSignOut(Context& ctx) {
  auto kind = ctx.svc.sessions.SignOut(ctx.Actor(), *ctx.user, ctx.Param("id"));
  if (!kind)
    return ErrorPage(ctx, HttpStatus(kind.error().code),
                     kind.error().code == ErrorCode::kConflict ? "This session" : "Not signed in",
                     kind.error().message);
  return Response::Redirect(*kind == app::SessionKind::kProgram
                                ? "/settings?done=program_signed_out"
                                : "/settings?done=session_signed_out");
}

Response SessionsSignOutOthers(Context& ctx) {
  const app::SignedOutOthers ended = ctx.svc.sessions.SignOutOthers(ctx.Actor(), *ctx.user);
  return Response::Redirect(fmt::format("/settings?done=signed_out_others&browsers={}&machines={}",
                                        ended.browsers, ended.machines));
}

}  // namespace tenure::http::pages

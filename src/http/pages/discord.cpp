// Settings -> Discord (issue 11): Bind Discord (OAuth2 with PKCE and a state bound to this
// session), the callback, Unbind, the checkout-post opt-in; and staff's re-sync buttons.
#include <fmt/format.h>

#include "app/discord.hpp"
#include "core/secure_random.hpp"
#include "http/pages/pages.hpp"
#include "http/web.hpp"

namespace tenure::http::pages {
namespace {

// The state and PKCE verifier wait in the browser, sent only to /settings/discord, for ten
// minutes. SameSite=Lax: the callback is a top-level navigation back from Discord.
constexpr char kBindCookie[] = "tenure_discord";
constexpr Seconds kBindTime{10 * 60};

// Which session started the binding: a state from another session (a link an attacker
// started for their own Discord account) does not match.
std::string SessionMark(const Context& ctx) {
  return Sha256Hex("discord-bind:" + ctx.user->session.token_hash).substr(0, 32);
}

std::string BindCookie(const Context& ctx, std::string_view value, Seconds max_age) {
  return fmt::format("{}={}; Path=/settings/discord; Max-Age={}; HttpOnly; SameSite=Lax{}",
                     kBindCookie, value, max_age.count(), ctx.svc.secure_cookies ? "; Secure" : "");
}

struct PendingBind {
  std::string state;
  std::string verifier;
  std::string mark;
};

std::optional<PendingBind> ReadBindCookie(const Context& ctx) {
  const std::string_view value = Cookie(ctx.req, kBindCookie);
  const size_t first = value.find('.');
  const size_t second = first == std::string_view::npos ? first : value.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return PendingBind{std::string(value.substr(0, first)),
                     std::string(value.substr(first + 1, second - first - 1)),
                     std::string(value.substr(second + 1))};
}

Response NotSetUp(Context& ctx) {
  return ErrorPage(ctx, 404, "Discord is not set up",
                   "This site has no Discord server to bind to.");
}

// A binding that did not happen: why, and the way back to Settings.
Response BindFailed(Context& ctx, int status, std::string message) {
  Response res = RenderPage(ctx, "error", "Discord was not bound", "settings",
                            mstch::map{{"heading", std::string("Discord was not bound")},
                                       {"message", std::move(message)},
                                       {"back_url", std::string("/settings#discord-heading")},
                                       {"back_label", std::string("Back to Settings")},
                                       {"request_id", ctx.req.request_id}},
                            status);
  res.Set("Set-Cookie", BindCookie(ctx, "", Seconds(0)));
  return res;
}

// Discord's error codes (RFC 6749 section 4.1.2.1) in words.
std::string DiscordErrorText(std::string_view error) {
  if (error == "invalid_scope" || error == "invalid_request" || error == "unauthorized_client")
    return "Discord refused the request as this site sent it, so nothing was bound. Please tell "
           "support: the site's Discord application needs attention.";
  if (error == "temporarily_unavailable" || error == "server_error")
    return "Discord could not handle the request just now, so nothing was bound. Try again in "
           "a minute.";
  return "Discord did not complete the request, so nothing was bound. Press Bind Discord to try "
         "again.";
}

}  // namespace

void AddDiscordVars(Context& ctx, mstch::map& vars) {
  if (!ctx.svc.discord) return;
  vars["discord_enabled"] = true;
  const auto link = ctx.svc.discord->Link(ctx.User().id);
  if (!link) return;
  vars["discord_bound"] = true;
  vars["discord_username"] = link->username;
  vars["discord_bound_iso"] = FormatRfc3339(link->bound_at);
  vars["discord_bound_long"] = FormatLongDate(link->bound_at, ctx.Zone());
  vars["discord_post_checkouts"] = link->post_checkouts;
  vars["discord_checkout_channel"] = ctx.svc.discord->settings().checkout_channel;
  std::string roles;
  switch (link->sync_status) {
    case app::DiscordSyncStatus::kPending: roles = "Being updated"; break;
    case app::DiscordSyncStatus::kOk:
      roles = link->roles_wanted ? "Given: your license is usable"
                                 : "Not given: your license is not active";
      break;
    case app::DiscordSyncStatus::kFailed:
      roles =
          "Not updated yet: Discord refused the last try. It is tried again, and our staff "
          "can see why.";
      break;
  }
  vars["discord_roles"] = roles;
}

void AddStaffDiscordVars(Context& ctx, mstch::map& vars, std::optional<UserId> user) {
  if (!ctx.svc.discord) return;
  mstch::map discord;
  if (!user) {
    discord["bound_count"] = std::to_string(ctx.svc.discord->BoundCount());
    if (ctx.Query("done") == "discord_sync")
      discord["notice"] = fmt::format("A sync of {} Discord members is queued.",
                                      ParseId(ctx.Query("count")).value_or(0));
    vars["discord"] = discord;
    return;
  }
  discord["user_id"] = std::to_string(user->value);
  if (const auto link = ctx.svc.discord->Link(*user)) {
    discord["bound"] = true;
    discord["username"] = link->username;
    discord["discord_user_id"] = link->discord_user_id;
    discord["bound_at"] = FormatDateTime(link->bound_at);
    discord["roles_wanted"] = std::string(link->roles_wanted ? "given" : "not given");
    discord["sync_status"] = std::string(app::DiscordSyncStatusName(link->sync_status));
    if (link->synced_at) discord["synced_at"] = FormatDateTime(*link->synced_at);
    if (!link->sync_error.empty()) discord["sync_error"] = link->sync_error;
    discord["post_checkouts"] = std::string(link->post_checkouts ? "yes" : "no");
  }
  if (ctx.Query("done") == "discord_sync")
    discord["notice"] = std::string("A sync of this customer's Discord roles is queued.");
  vars["discord"] = discord;
}

Response DiscordBind(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  const app::DiscordAuthorization auth = ctx.svc.discord->BeginBind();
  Response res = Response::Redirect(auth.url);
  res.Set("Set-Cookie",
          BindCookie(ctx, fmt::format("{}.{}.{}", auth.state, auth.verifier, SessionMark(ctx)),
                     kBindTime));
  return res;
}

Response DiscordCallback(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  const auto pending = ReadBindCookie(ctx);
  const std::string state = ctx.Query("state");
  if (!pending || state.empty() || !SecretEquals(pending->state, state) ||
      !SecretEquals(pending->mark, SessionMark(ctx)))
    return BindFailed(ctx, 400,
                      "This answer from Discord does not belong to a binding started from your "
                      "Settings in this browser in the last ten minutes, so nothing was bound. "
                      "Start again with Bind Discord.");
  if (const std::string error = ctx.Query("error"); !error.empty()) {
    if (error == "access_denied") {
      Response res = Response::Redirect("/settings?done=discord_denied#discord-heading");
      res.Set("Set-Cookie", BindCookie(ctx, "", Seconds(0)));
      return res;
    }
    return BindFailed(ctx, 502, DiscordErrorText(error));
  }
  const std::string code = ctx.Query("code");
  if (code.empty()) return BindFailed(ctx, 400, DiscordErrorText(""));
  auto link = ctx.svc.discord->CompleteBind(ctx.Actor(), ctx.User().id, code, pending->verifier);
  if (!link) {
    // Discord's refusal of the code is a bad request of the browser's (400), not a form to fix.
    const ErrorCode why = link.error().code;
    const int status = why == ErrorCode::kUnavailable    ? 503
                       : why == ErrorCode::kInvalidInput ? 400
                                                         : HttpStatus(why);
    return BindFailed(ctx, status, link.error().message);
  }
  Response res = Response::Redirect("/settings?done=discord_bound#discord-heading");
  res.Set("Set-Cookie", BindCookie(ctx, "", Seconds(0)));
  return res;
}

Response DiscordUnbind(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  if (auto done = ctx.svc.discord->Unbind(ctx.Actor(), ctx.User().id); !done)
    return ErrorPage(ctx, HttpStatus(done.error().code), "Not bound", done.error().message);
  return Response::Redirect("/settings?done=discord_unbound#discord-heading");
}

Response DiscordCheckoutPosts(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  const bool post = ctx.Field("post_checkouts") == "yes";
  if (auto done = ctx.svc.discord->SetCheckoutPosts(ctx.Actor(), ctx.User().id, post); !done)
    return ErrorPage(ctx, HttpStatus(done.error().code), "Not bound", done.error().message);
  return Response::Redirect(
      fmt::format("/settings?done={}#discord-heading", post ? "posts_on" : "posts_off"));
}

Response StaffDiscordSync(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  const auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such customer.");
  if (auto done = ctx.svc.discord->Resync(ctx.Actor(), UserId{*id}); !done)
    return ErrorPage(ctx, HttpStatus(done.error().code), "Not bound", done.error().message);
  return Response::Redirect(fmt::format("/staff/customers/{}?done=discord_sync", *id));
}

Response StaffDiscordSyncAll(Context& ctx) {
  if (!ctx.svc.discord) return NotSetUp(ctx);
  const int queued = ctx.svc.discord->ResyncEveryone(ctx.Actor());
  return Response::Redirect(fmt::format("/staff?done=discord_sync&count={}", queued));
}

}  // namespace tenure::http::pages

#include "http/web_app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "app/accounts.hpp"
#include "app/program.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/secure_random.hpp"
#include "domain/text.hpp"
#include "http/api/api.hpp"

namespace tenure::http {
namespace {

// "/support/tickets/{id}" matches "/support/tickets/12" with id = "12"; a pattern ending in
// '*' matches by prefix.
bool PathMatches(std::string_view pattern, std::string_view path, Params* params) {
  if (pattern.ends_with('*')) return path.starts_with(pattern.substr(0, pattern.size() - 1));
  while (!pattern.empty() && !path.empty()) {
    const auto p_end = pattern.find('/', 1);
    const auto s_end = path.find('/', 1);
    const std::string_view p_seg = pattern.substr(0, p_end);
    const std::string_view s_seg = path.substr(0, s_end);
    if (p_seg.size() > 3 && p_seg.substr(0, 2) == "/{" && p_seg.back() == '}') {
      if (s_seg.size() < 2) return false;
      if (params)
        params->emplace_back(std::string(p_seg.substr(2, p_seg.size() - 3)),
                             std::string(s_seg.substr(1)));
    } else if (p_seg != s_seg) {
      return false;
    }
    pattern = p_end == std::string_view::npos ? std::string_view{} : pattern.substr(p_end);
    path = s_end == std::string_view::npos ? std::string_view{} : path.substr(s_end);
  }
  return pattern.empty() && path.empty();
}

struct Matched {
  const Route* route = nullptr;
  std::string allowed;  // the methods the path accepts (for 405)
  Params params;
};

// The route for (method, path), or the methods the path would accept.
Matched Match(std::span<const Route> routes, std::string_view method, std::string_view path) {
  Matched m;
  for (const Route& r : routes) {
    Params captured;
    if (!PathMatches(r.path, path, &captured)) continue;
    if (!m.allowed.empty()) m.allowed += ", ";
    m.allowed += r.method == "GET" ? "GET, HEAD" : std::string(r.method);
    if (!m.route && (r.method == method || (method == "HEAD" && r.method == "GET"))) {
      m.route = &r;
      m.params = std::move(captured);
    }
  }
  return m;
}

// Issue 13: every answer counted by route (the URL map's pattern, never the raw path, so the
// series stay few), method and status, and timed by route.
struct RequestMetrics {
  metrics::Family<metrics::Counter>& answered = metrics::Metrics().Counters(
      "tenure_http_requests_total", "Requests answered, by route, method and status.",
      {"route", "method", "status"});
  metrics::Family<metrics::Histogram>& seconds = metrics::Metrics().Histograms(
      "tenure_http_request_duration_seconds", "Time to answer a request, by route.", {"route"});
  metrics::Gauge& in_flight =
      metrics::Metrics()
          .Gauges("tenure_http_requests_in_flight", "Requests being handled now.")
          .With({});
};
RequestMetrics& Requests() {
  static RequestMetrics m;
  return m;
}
// A client may send any token as a method: only known ones become a label of their own.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == known) return known;
  return "other";
}

bool ValidRequestId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
}

void SecurityHeaders(Response& res, bool https) {
  // Issue 13: once a browser has seen the dashboard over https it never tries plain http
  // again (RFC 6797). Not for subdomains: they are the seller's, not ours to promise.
  if (https) res.Set("Strict-Transport-Security", "max-age=31536000");
  // A response with a policy of its own (an SVG's, stricter) keeps it alone: two would both
  // apply, and the page's would then be the one to read.
  const bool has_policy = std::ranges::any_of(
      res.headers, [](const auto& h) { return h.first == "Content-Security-Policy"; });
  if (!has_policy)
    res.Set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  res.Set("X-Content-Type-Options", "nosniff");
  res.Set("X-Frame-Options", "DENY");
  res.Set("Referrer-Policy", "same-origin");
  res.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

// A refusal in the kind's format: problem+json for programs, an HTML page for people.
Response Refusal(Context& ctx, Kind kind, const HttpError& error, std::string heading,
                 std::string message) {
  if (kind == Kind::kApi) return Problem(error, message, ctx.req.request_id);
  return ErrorPage(ctx, error.status, std::move(heading), std::move(message));
}

// An address no row matches: 405 when the path exists under another method, else 404.
Response Unmatched(Context& ctx, Kind kind, const std::string& allowed) {
  if (allowed.empty())
    return Refusal(ctx, kind, HttpErrorFor(ErrorCode::kNotFound), "Page not found",
                   "There is nothing at this address.");
  Response res = Refusal(ctx, kind, kMethodNotAllowed, "Not allowed",
                         "This address doesn't accept that request.");
  res.Set("Allow", allowed);
  return res;
}

// Whether the request carries a body its handler reads (RFC 9110: GET, HEAD, DELETE don't).
bool HasBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// The first entry of a form or query that is not UTF-8 text: its name, or `whole` when the
// name itself is not text.
std::optional<std::string> FirstNotText(const Form& form, std::string_view whole) {
  for (const auto& [name, value] : form) {
    if (!domain::IsValidUtf8(name)) return std::string(whole);
    if (!domain::IsValidUtf8(value)) return name;
  }
  return std::nullopt;
}

// Text a page or API handler may read must be UTF-8 (issue 10): the query's names and values
// (decoded; checked in Run), a form's (PageChain, on the form it parses), an API body
// (ApiChain, before parsing it). No invalid byte then reaches a template, a JSON dump, an
// email or the database. `field` names where, for the API's problem.
Response NotText(Context& ctx, Kind kind, const std::string& field) {
  static constexpr char kMessage[] =
      "Part of what was sent is not valid UTF-8 text. Check what you typed or pasted, and send "
      "it again.";
  if (kind == Kind::kPage) return ErrorPage(ctx, 422, "Not valid text", kMessage);
  return Problem(HttpErrorFor(ErrorCode::kInvalidInput), kMessage, ctx.req.request_id,
                 {{"field", field}});
}

}  // namespace

BodyPlan WebApp::PlanBody(std::string_view method, std::string_view path,
                          const Headers& headers) const {
  const Route* r = Match(routes_, method, path).route;
  // Forms and API calls are small (issue 13: bodies held nearly whole were a way to fill the
  // server's memory); a webhook gets the server's max_body_bytes, an upload its own below.
  if (r && r->kind == Kind::kWebhook) return {};
  if (!r || r->body != Body::kUpload) return {.max_bytes = svc_.max_form_bytes};
  // Only an admin's session may send gigabytes: anyone else is refused (413) before the body.
  Request head;
  head.headers = headers;
  bool admin = false;
  if (const auto token = Cookie(head, kSessionCookie); !token.empty()) {
    const auto user = svc_.accounts.Authenticate(token, app::SessionKind::kDashboard);
    admin = user && user->user.role == domain::Role::kAdmin;
  }
  static constexpr uint64_t kFormBytes = 64 << 10;
  return {.max_bytes = admin ? svc_.max_upload_bytes : kFormBytes, .to_file_dir = svc_.upload_dir};
}

bool WebApp::IsSlow(const Request& req) const {
  const Route* r = Match(routes_, req.method, req.path).route;
  return r && r->cost == Cost::kSlow;
}

void AssignRequestId(Request& req) {
  const std::string_view incoming = req.Header("x-request-id");
  req.request_id = ValidRequestId(incoming) ? std::string(incoming) : RandomToken(9);
}

Response WebApp::Handle(Request& req) {
  const auto start = std::chrono::steady_clock::now();
  Requests().in_flight.Add(1);
  struct Done {
    ~Done() { Requests().in_flight.Add(-1); }
  } done;
  AssignRequestId(req);
  Matched matched = Match(routes_, req.method, req.path);
  const Kind kind = matched.route ? matched.route->kind : UnmatchedKind(req.path);
  Response res;
  try {
    Context ctx{.req = req, .svc = svc_, .params = std::move(matched.params)};
    // Uploaded files the handler did not keep (or that a refusal left) go, whatever happens.
    struct RemoveUploads {
      Context& ctx;
      ~RemoveUploads() {
        std::error_code ec;
        for (const auto& f : ctx.uploads) std::filesystem::remove(f.path, ec);
      }
    } remove_uploads{ctx};
    res = matched.route ? Run(ctx, *matched.route) : Unmatched(ctx, kind, matched.allowed);
  } catch (const std::exception& e) {
    // The client never sees what(): it may hold SQL or paths. The log has it, with the id.
    log::Write("error", "request_failed",
               {{"request_id", req.request_id},
                {"method", req.method},
                {"path", req.path},
                {"error", e.what()}});
    res = kind == Kind::kApi
              ? Problem(kInternal, "Something went wrong on our side.", req.request_id)
              : Response::Text(500, fmt::format("Something went wrong on our side. Reference: {}\n",
                                                req.request_id));
  }
  return Finish(req, std::move(res), start, matched.route);
}

Response WebApp::Overloaded(Request& req, Overload why) {
  const auto start = std::chrono::steady_clock::now();
  AssignRequestId(req);
  Matched matched = Match(routes_, req.method, req.path);
  const Kind kind = matched.route ? matched.route->kind : UnmatchedKind(req.path);
  Context ctx{.req = req, .svc = svc_};
  Response res =
      why == Overload::kAddressBusy
          ? Refusal(ctx, kind, HttpErrorFor(ErrorCode::kRateLimited), "Too many requests",
                    "Too many requests from your network are waiting. Wait a few seconds and "
                    "try again.")
          : Refusal(ctx, kind, HttpErrorFor(ErrorCode::kUnavailable), "The server is busy",
                    "The server is busy. Try again in a moment.");
  res.Set("Retry-After", "2");
  return Finish(req, std::move(res), start, matched.route);
}

Response WebApp::Finish(const Request& req, Response res,
                        std::chrono::steady_clock::time_point start, const Route* route) {
  res.Set("X-Request-Id", req.request_id);
  SecurityHeaders(res, svc_.secure_cookies);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string_view pattern = route ? route->path : "unmatched";
  Requests().answered.With({pattern, MethodLabel(req.method), std::to_string(res.status)}).Add();
  Requests().seconds.With({pattern}).Observe(seconds);
  if (access_log_) Log(req, res, seconds * 1000);
  return res;
}

Response WebApp::Run(Context& ctx, const Route& route) {
  switch (route.kind) {
    // A webhook carries no cookie and no CSRF token: it is authenticated by its signature
    // over the raw body instead (STRIPE.md), which the handler checks first.
    case Kind::kStatic:
    case Kind::kWebhook: return route.handle(ctx);
    case Kind::kMetrics: return MetricsChain(ctx, route);
    case Kind::kApi:
    case Kind::kPage:
      if (auto field = FirstNotText(ParseForm(ctx.req.query), "query"))
        return NotText(ctx, route.kind, *field);
      return route.kind == Kind::kApi ? ApiChain(ctx, route) : PageChain(ctx, route);
  }
  throw std::logic_error("route without a kind");
}

// Issue 10: an account whose password someone else chose (`tenure user add`) opens only the
// page to choose its own; a staff account of a dashboard that requires two-factor opens no
// staff page before turning it on. Signing out always works.
std::optional<Response> WebApp::AccountGate(Context& ctx, const Route& route) const {
  if (!ctx.user || route.access == Access::kPublic || ctx.req.path == "/sign-out")
    return std::nullopt;
  const domain::User& user = ctx.User();
  if (user.must_change_password && !ctx.req.path.starts_with("/settings/password")) {
    if (ctx.req.method == "GET") return Response::Redirect("/settings/password");
    return ErrorPage(ctx, 403, "Choose your own password",
                     "Your account was made with a password someone else chose. Choose your own "
                     "in Settings, Change password, to go on.");
  }
  const bool staff_page = route.access == Access::kStaff || route.access == Access::kAdmin;
  if (staff_page && svc_.staff_two_factor_required && !user.two_factor_enabled()) {
    if (ctx.req.method == "GET") return Response::Redirect("/settings/two-factor");
    return ErrorPage(ctx, 403, "Two-factor authentication required",
                     "Staff accounts must turn on two-factor authentication first.");
  }
  return std::nullopt;
}

Response WebApp::PageChain(Context& ctx, const Route& route) {
  const Request& req = ctx.req;
  if (auto token = Cookie(req, kSessionCookie); !token.empty())
    ctx.user = svc_.accounts.Authenticate(token, app::SessionKind::kDashboard);

  switch (route.access) {
    case Access::kPublic: break;
    case Access::kSignedIn:
    case Access::kStaff:
    case Access::kAdmin:
      if (!ctx.user) {
        if (req.method == "GET") return Response::Redirect("/sign-in?next=" + UrlEncode(req.path));
        return ErrorPage(ctx, 401, "Please sign in",
                         "Your session has ended. Sign in and try again.");
      }
      if (route.access == Access::kStaff && !domain::IsStaff(ctx.User().role))
        return ErrorPage(ctx, 403, "Staff only", "This part of the dashboard is for staff.");
      if (route.access == Access::kAdmin && ctx.User().role != domain::Role::kAdmin)
        return ErrorPage(ctx, 403, "Admins only", "Only an admin account can do this.");
      break;
  }
  if (auto gate = AccountGate(ctx, route)) return std::move(*gate);

  // CSRF (habit 11): signed-in forms carry the session's token; anonymous forms carry the
  // token of the tenure_csrf cookie (double submit). SameSite=Lax cookies are a second wall.
  Headers set_cookies;
  if (ctx.user) {
    ctx.csrf = ctx.user->session.csrf_token;
  } else {
    ctx.csrf = std::string(Cookie(req, kCsrfCookie));
    if (ctx.csrf.size() < 20 || ctx.csrf.size() > 64) {
      ctx.csrf = RandomToken();
      if (req.method == "GET")
        set_cookies.emplace_back("Set-Cookie",
                                 fmt::format("{}={}; Path=/; HttpOnly; SameSite=Lax{}", kCsrfCookie,
                                             ctx.csrf, svc_.secure_cookies ? "; Secure" : ""));
    }
  }
  if (req.method == "POST" && route.body == Body::kUpload) {
    if (auto refused = ReadUpload(ctx)) return std::move(*refused);
  } else if (req.method == "POST") {
    if (!req.Header("content-type").starts_with("application/x-www-form-urlencoded"))
      return ErrorPage(ctx, 415, "Unsupported form", "Send the form from the page itself.");
    ctx.form = ParseForm(req.body);
    if (auto field = FirstNotText(ctx.form, "form")) return NotText(ctx, Kind::kPage, *field);
    if (!SecretEquals(ctx.Field("csrf"), ctx.csrf) || ctx.csrf.empty())
      return ErrorPage(ctx, 403, "This form has expired",
                       "For your safety we couldn't accept that form. Go back, reload the page "
                       "and send it again.");
  }

  if (auto throttled = Throttled(ctx, route)) return std::move(*throttled);
  Response res = route.handle(ctx);
  for (auto& h : set_cookies) res.headers.push_back(std::move(h));
  return res;
}

std::optional<Response> WebApp::ReadUpload(Context& ctx) const {
  const std::string boundary = MultipartBoundary(ctx.req.Header("content-type"));
  if (boundary.empty())
    return ErrorPage(ctx, 415, "Unsupported form", "Send the form from the page itself.");
  if (ctx.req.body_file.empty())  // a body the plan kept in memory is not an upload
    return ErrorPage(ctx, 400, "The upload was not received",
                     "Nothing was uploaded. Choose the files and send the form again.");
  auto read = ReadMultipart(ctx.req.body_file, boundary, svc_.upload_dir);
  if (!read)
    return ErrorPage(ctx, 400, "The upload was not complete",
                     "The form arrived cut short or malformed, so nothing was kept. Send it "
                     "again from the page.");
  // The body's copy is no longer needed: the parts are files of their own now.
  std::error_code ec;
  std::filesystem::remove(ctx.req.body_file, ec);
  ctx.req.body_file.clear();
  for (auto& [name, value] : read->fields) ctx.form.emplace(name, std::move(value));
  ctx.uploads = std::move(read->files);
  if (auto field = FirstNotText(ctx.form, "form")) return NotText(ctx, Kind::kPage, *field);
  return std::nullopt;
}

// No CSRF here: a bearer token is not an ambient credential, a browser never adds it to a
// request another site makes. A token is a program session's (issue 9): it opens the API only
// while its machine holds its slot, and a refused one is told why (session_revoked).
Response WebApp::ApiChain(Context& ctx, const Route& route) {
  const Request& req = ctx.req;
  const std::string_view token = BearerToken(req);
  std::optional<app::ProgramError> refused;
  if (!token.empty()) {
    auto caller = svc_.program.Authenticate(token);
    if (caller) {
      ctx.user = caller->current;
      ctx.program = std::make_shared<const app::ProgramCaller>(std::move(*caller));
    } else {
      refused = std::move(caller.error());
    }
  }

  if (route.access != Access::kPublic) {
    if (refused) return api::Refusal(ctx, *refused);
    if (!ctx.user) {
      Response res = Problem(HttpErrorFor(ErrorCode::kUnauthenticated),
                             "Send a program session's token as \"Authorization: Bearer <token>\".",
                             req.request_id);
      res.Set("WWW-Authenticate", "Bearer");  // RFC 6750 section 3: how to authenticate
      return res;
    }
    if (route.access == Access::kStaff && !domain::IsStaff(ctx.User().role))
      return Problem(HttpErrorFor(ErrorCode::kForbidden), "This is for staff accounts.",
                     req.request_id);
    if (route.access == Access::kAdmin && ctx.User().role != domain::Role::kAdmin)
      return Problem(HttpErrorFor(ErrorCode::kForbidden), "This is for admin accounts.",
                     req.request_id);
  }

  // A POST without a body (a heartbeat) needs no media type; a body must be JSON.
  if (HasBody(req.method) && !req.body.empty()) {
    if (!HasMediaType(req, "application/json"))
      return Problem(kUnsupportedMediaType, "Send the body as application/json.", req.request_id);
    if (!domain::IsValidUtf8(req.body)) return NotText(ctx, Kind::kApi, "body");
    ctx.json = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (ctx.json.is_discarded())
      return Problem(kMalformedJson, "The body is not valid JSON.", req.request_id);
  }
  if (auto throttled = Throttled(ctx, route)) return std::move(*throttled);
  return route.handle(ctx);
}

std::optional<Response> WebApp::Throttled(Context& ctx, const Route& route) {
  if (route.limit != Limit::kWrite || !ctx.user) return std::nullopt;
  const WriteLimits& limits = svc_.write_limits;
  const Instant now = svc_.clock.Now();
  static constexpr char kMessage[] =
      "You have done this too many times in a short while. Wait a few minutes and try again.";
  // The account first: one account's flood from many addresses is stopped there (and, once
  // refused, costs the address's count nothing); many accounts' from one address by the other.
  auto counted =
      write_limiter_.Hit(svc_.store, {"writes.account", limits.per_account, limits.window},
                         std::to_string(ctx.User().id.value), now, kMessage);
  if (counted)
    counted = write_limiter_.Hit(svc_.store, {"writes.address", limits.per_address, limits.window},
                                 ctx.req.remote_address, now, kMessage);
  if (counted) return std::nullopt;
  Response res = Refusal(ctx, route.kind, HttpErrorFor(ErrorCode::kRateLimited),
                         "Too many requests", kMessage);
  res.Set("Retry-After", std::to_string(counted.error().retry_after_seconds));
  return res;
}

Response WebApp::MetricsChain(Context& ctx, const Route& route) const {
  // Without a configured token the metrics don't exist, so their address says nothing.
  if (svc_.metrics_token.empty()) return Response::Text(404, "not found\n");
  if (!SecretEquals(BearerToken(ctx.req), svc_.metrics_token)) {
    Response res = Response::Text(401, "unauthorized\n");
    res.Set("WWW-Authenticate", "Bearer");
    return res;
  }
  return route.handle(ctx);
}

void WebApp::Log(const Request& req, const Response& res, double ms) {
  // One line per request; no query strings (they may carry personal data) and no bodies.
  const uint64_t bytes = res.file ? (req.method == "HEAD" ? 0 : res.file->length) : res.body.size();
  log::Write("info", "access",
             {{"request_id", req.request_id},
              {"remote", req.remote_address},
              {"method", req.method},
              {"path", req.path},
              {"status", int64_t{res.status}},
              {"bytes", static_cast<int64_t>(bytes)},
              {"ms", ms}});
}

}  // namespace tenure::http

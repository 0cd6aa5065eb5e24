#pragma once
// The middleware chains: request id -> route -> the chain its kind picks (session, access
// policy, CSRF or bearer token, body) -> handler, then security headers and the access log.
// Exceptions stop here (habit 8).
#include <chrono>
#include <optional>
#include <span>

#include "app/rate_limits.hpp"
#include "http/routes.hpp"

namespace tenure::http {

class WebApp {
 public:
  // `routes` is the URL map; tests pass their own to reach chains no product route uses yet.
  WebApp(Services& services, bool access_log, std::span<const Route> routes = Routes())
      : svc_(services), access_log_(access_log), routes_(routes) {}

  Response Handle(Request& req);
  bool IsSlow(const Request& req) const;
  // The answer to a slow request the server turned away (Serve's OverloadHandler): 429 or
  // 503 in the route's format, with Retry-After, logged like every other answer.
  Response Overloaded(Request& req, Overload why);
  // Serve's BodyPolicy: where a body goes and how large it may be, from its head alone.
  BodyPlan PlanBody(std::string_view method, std::string_view path, const Headers& headers) const;

 private:
  Response Run(Context& ctx, const Route& route);
  std::optional<Response> AccountGate(Context& ctx, const Route& route) const;
  Response PageChain(Context& ctx, const Route& route);
  // An upload route's multipart body into ctx.form and ctx.uploads; an error page when not one.
  std::optional<Response> ReadUpload(Context& ctx) const;
  Response ApiChain(Context& ctx, const Route& route);
  Response MetricsChain(Context& ctx, const Route& route) const;
  // A Limit::kWrite route's count against the account's and the address's limits: 429 in the
  // route's format once either is over.
  std::optional<Response> Throttled(Context& ctx, const Route& route);
  // Security headers, the request id and the access log line: every answer goes through here.
  Response Finish(const Request& req, Response res, std::chrono::steady_clock::time_point start,
                  const Route* route);
  void Log(const Request& req, const Response& res, double ms);

  Services& svc_;
  bool access_log_;
  std::span<const Route> routes_;
  app::RateLimiter write_limiter_;
};

}  // namespace tenure::http

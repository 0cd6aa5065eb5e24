#pragma once
#include <string_view>
#include <vector>

#include "http/web.hpp"

namespace tenure::http {

// What a route is for; the kind picks its middleware chain and its error format (issue 8).
enum class Kind {
  kPage,     // the dashboard: session cookie, CSRF on form POSTs, HTML error pages
  kApi,      // programs: a program session's bearer token, JSON bodies, problem+json errors
  kWebhook,  // a peer's callback: authenticated by its signature over the raw body
  kMetrics,  // monitoring: a bearer token equal to the configured secret, else 404
  kStatic,   // assets and probes: no session, no CSRF
};

enum class Access {
  kPublic,    // anyone (Webhook, Metrics and Static rows authenticate by their kind, if at all)
  kSignedIn,  // any account; visitors are sent to sign in (Page) or told 401 (Api)
  kStaff,     // support and admin
  kAdmin,     // admins only (publishing releases)
};

// Where a request's body goes. An upload route's multipart/form-data body is streamed to disk
// (never held whole in memory), up to Services::max_upload_bytes for an admin's session and
// only a small form's size for anyone else, decided before any of the body is read.
enum class Body { kForm, kUpload };

// Slow handlers run on the hashing pool, never on an I/O thread.
enum class Cost { kFast, kSlow };

// Issue 13: a write a customer can repeat (a ticket, a reply, a payment, a cancellation, a
// card) counts against one limiter, per account and per address (config rate_limits.*);
// over it, 429 with Retry-After before the handler runs.
enum class Limit { kNone, kWrite };

struct Route {
  std::string_view method;
  std::string_view path;  // exact, or a prefix when it ends with '*'
  Kind kind;
  Access access;
  Cost cost;
  Response (*handle)(Context&);
  Body body = Body::kForm;
  Limit limit = Limit::kNone;
};

const std::vector<Route>& Routes();

// The kind whose error format an address no row matches answers in (404, 405): the API's
// own prefix answers problem+json, everything else an HTML page.
Kind UnmatchedKind(std::string_view path);

}  // namespace tenure::http

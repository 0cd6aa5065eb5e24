#pragma once
// The middleware chain: request id -> route -> session -> access policy -> CSRF -> handler,
// then security headers and the access log. Exceptions stop here (habit 8).
#include <cstdio>
#include <mutex>

#include "http/routes.hpp"

namespace tenure::http {

class WebApp {
 public:
  WebApp(Services& services, bool access_log) : svc_(services), access_log_(access_log) {}

  Response Handle(Request& req);
  bool IsSlow(const Request& req) const;

 private:
  Response Dispatch(Request& req);
  void Log(const Request& req, const Response& res, double ms);

  Services& svc_;
  bool access_log_;
  std::mutex log_mutex_;
};

}  // namespace tenure::http

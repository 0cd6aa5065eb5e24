#pragma once
#include <string_view>
#include <vector>

#include "http/web.hpp"

namespace tenure::http {

enum class Access {
  kPublic,    // anyone
  kSignedIn,  // any account; visitors are sent to sign in
  kStaff,     // support and admin
};

// Slow handlers run on the hashing pool, never on an I/O thread.
enum class Cost { kFast, kSlow };

struct Route {
  std::string_view method;
  std::string_view path;  // exact, or a prefix when it ends with '*'
  Access access;
  Cost cost;
  Response (*handle)(Context&);
};

const std::vector<Route>& Routes();

}  // namespace tenure::http

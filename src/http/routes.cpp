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
      {"GET", "/download", kSignedIn, kFast, pages::Download},
      {"GET", "/support", kSignedIn, kFast, pages::Support},

      {"GET", "/staff", kStaff, kFast, pages::Staff},
  };
  return routes;
}

}  // namespace tenure::http

#pragma once
// Thin handlers (habit 7): parse, make one app call, render.
#include "http/web.hpp"

namespace tenure::http::pages {

Response Root(Context& ctx);
Response Healthz(Context& ctx);
Response Static(Context& ctx);
Response Terms(Context& ctx);

Response SignUpForm(Context& ctx);
Response SignUp(Context& ctx);
Response SignInForm(Context& ctx);
Response SignIn(Context& ctx);
Response SignOut(Context& ctx);

Response Home(Context& ctx);
Response Settings(Context& ctx);
Response Download(Context& ctx);
Response Support(Context& ctx);

Response Staff(Context& ctx);

}  // namespace tenure::http::pages

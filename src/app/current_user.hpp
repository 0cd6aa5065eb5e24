#pragma once
// Who is asking, as the HTTP layer hands it to use cases: the client, and the signed-in user
// with their session. Apart from accounts.hpp so that http/web.hpp needs no service header.
#include <string>

#include "app/store/sessions.hpp"
#include "domain/account.hpp"

namespace tenure::app {

struct ClientInfo {
  std::string address;
  std::string user_agent;
  std::string request_id;
};

// The signed-in visitor of one request.
struct CurrentUser {
  domain::User user;
  Session session;
};

}  // namespace tenure::app

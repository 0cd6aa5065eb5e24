#pragma once
// Who acts, for the audit log (ENGINEERING.md habit 3): every read-write unit of work names one.
#include <optional>
#include <string>

#include "core/ids.hpp"

namespace tenure::app {

// A signed-in user, or the CLI / a job / an anonymous visitor.
struct Actor {
  std::optional<UserId> user;
  std::string label;       // "user:12", "cli", "system", "anonymous"
  std::string request_id;  // the HTTP request id, or empty
  std::string address;     // client address, when known

  static Actor User(UserId id, std::string request_id = {}, std::string address = {});
  static Actor Anonymous(std::string request_id, std::string address);
  static Actor Cli();
  static Actor System();
};

}  // namespace tenure::app

#include <fmt/format.h>

#include "app/store/actor.hpp"

namespace tenure::app {

Actor Actor::User(UserId id, std::string request_id, std::string address) {
  return Actor{id, fmt::format("user:{}", id.value), std::move(request_id), std::move(address)};
}
Actor Actor::Anonymous(std::string request_id, std::string address) {
  return Actor{std::nullopt, "anonymous", std::move(request_id), std::move(address)};
}
Actor Actor::Cli() { return Actor{std::nullopt, "cli", {}, {}}; }
Actor Actor::System() { return Actor{std::nullopt, "system", {}, {}}; }

}  // namespace tenure::app

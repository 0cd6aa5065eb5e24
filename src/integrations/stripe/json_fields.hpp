#pragma once
// Reading Stripe objects defensively: a missing or mistyped field reads as empty, never throws.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tenure::integrations::stripe_json {

inline std::string Str(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline const nlohmann::json& Member(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

}  // namespace tenure::integrations::stripe_json

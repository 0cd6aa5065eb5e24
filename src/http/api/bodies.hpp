#pragma once
// The JSON bodies programs send to the API (issue 9), read into domain values by JSON type
// only; the domain checks the values (domain/machine.hpp, domain/checkout.hpp). Pure, with no
// request context, so the fuzz target (fuzz/api_json_fuzz.cpp, issue 13) reads a body
// exactly as the handlers do.
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/checkout.hpp"
#include "domain/machine.hpp"

namespace tenure::http::api {

// What is wrong with a body: the member at fault ("machine.os") and a message for people.
struct BodyError {
  std::string field;
  std::string message;
  std::optional<size_t> item;  // a checkout report's bad item (0-based)
};

// POST /api/v1/sessions: {"email", "password", "otp"?, "machine": {fingerprint, name, os,
// app_version}}. A missing or null string member reads as "".
struct SignInBody {
  std::string email;
  std::string password;
  std::string otp;
  domain::MachineInfo machine;
};
std::expected<SignInBody, BodyError> ReadSignInBody(const nlohmann::json& body);

// POST /api/v1/checkouts: {"checkouts": [1 to 100 items]}; the first bad item is named.
std::expected<std::vector<domain::Checkout>, BodyError> ReadCheckoutReport(
    const nlohmann::json& body);

}  // namespace tenure::http::api

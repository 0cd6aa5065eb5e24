#include "http/api/bodies.hpp"

#include <limits>

namespace tenure::http::api {
namespace {

// A member that must be a string: its text, or not ok for a 422.
struct Text {
  std::string value;
  bool ok = true;
};
Text StringMember(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {{}, false};
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) return {{}, false};
  return {it->get<std::string>()};
}

std::unexpected<BodyError> Invalid(std::string field, std::string message,
                                   std::optional<size_t> item = std::nullopt) {
  return std::unexpected(BodyError{std::move(field), std::move(message), item});
}

// One item's members by JSON type; the domain checks their values (domain/checkout.hpp).
std::expected<domain::Checkout, BodyError> ReadCheckoutItem(const nlohmann::json& j, size_t i) {
  if (!j.is_object()) return Invalid("checkouts", "Each checkout must be an object.", i);
  domain::Checkout c;
  for (auto [name, member] :
       {std::pair{"id", &c.client_id}, std::pair{"store", &c.store},
        std::pair{"product", &c.product}, std::pair{"currency", &c.currency}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string())
      return Invalid(name, std::string("Send the checkout's ") + name + " as a string.", i);
    *member = it->get<std::string>();
  }
  auto price = j.find("price_cents");
  if (price == j.end() || !price->is_number_integer())
    return Invalid("price_cents", "Send the price as a whole number of cents.", i);
  c.price_cents = price->get<int64_t>();
  if (price->is_number_unsigned() && price->get<uint64_t>() > uint64_t{INT64_MAX})
    c.price_cents = std::numeric_limits<int64_t>::max();
  auto q = j.find("quantity");
  if (q == j.end() || !q->is_number_integer())
    return Invalid("quantity", "Send the quantity as a whole number.", i);
  const int64_t n = q->get<int64_t>();
  c.quantity = n < 0 || n > domain::kMaxCheckoutQuantity ? -1 : static_cast<int>(n);
  auto at = j.find("at");
  if (at == j.end() || !at->is_string())
    return Invalid("at", "Send the checkout's time (RFC 3339).", i);
  auto when = ParseRfc3339(at->get<std::string>());
  if (!when)
    return Invalid("at", "The checkout's time must be RFC 3339, such as 2026-12-01T10:00:00Z.", i);
  c.at = *when;
  return c;
}

}  // namespace

std::expected<SignInBody, BodyError> ReadSignInBody(const nlohmann::json& body) {
  // Not an object: every member is missing, the first of them named.
  if (!body.is_object())
    return Invalid("email", "Send a JSON object with email, password and machine.");
  SignInBody out;
  const Text email = StringMember(body, "email");
  if (!email.ok) return Invalid("email", "The email must be a string.");
  const Text password = StringMember(body, "password");
  if (!password.ok) return Invalid("password", "The password must be a string.");
  const Text otp = StringMember(body, "otp");
  if (!otp.ok) return Invalid("otp", "The code must be a string.");
  if (otp.value.size() > 100) return Invalid("otp", "The code is at most 100 characters.");
  auto machine = body.find("machine");
  if (machine == body.end() || !machine->is_object())
    return Invalid("machine", "Send the machine: its fingerprint, name, os and app_version.");
  for (auto [name, member] :
       {std::pair{"fingerprint", &out.machine.fingerprint}, std::pair{"name", &out.machine.name},
        std::pair{"os", &out.machine.os}, std::pair{"app_version", &out.machine.app_version}}) {
    Text t = StringMember(*machine, name);
    if (!t.ok) return Invalid(std::string("machine.") + name, "This must be a string.");
    *member = std::move(t.value);
  }
  out.email = email.value;
  out.password = password.value;
  out.otp = otp.value;
  return out;
}

std::expected<std::vector<domain::Checkout>, BodyError> ReadCheckoutReport(
    const nlohmann::json& body) {
  auto list = body.is_object() ? body.find("checkouts") : body.end();
  if (!body.is_object() || list == body.end() || !list->is_array())
    return Invalid("checkouts", "Send {\"checkouts\": [...]}.");
  if (list->empty() || list->size() > domain::kMaxCheckoutsPerReport)
    return Invalid("checkouts", "Send from 1 to 100 checkouts at a time.");
  std::vector<domain::Checkout> checkouts;
  checkouts.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    auto item = ReadCheckoutItem((*list)[i], i);
    if (!item) return std::unexpected(item.error());
    checkouts.push_back(std::move(*item));
  }
  return checkouts;
}

}  // namespace tenure::http::api

// A webhook event's JSON (integrations/stripe/webhook_input.hpp: ReadStripeEvent), as the
// endpoint reads it after the signature held and the worker reads it again when applying.
// Properties: it never throws; an accepted event has the id and type of the JSON object's
// members, 1 to 255 bytes each, and they (and the object id) can be written into the audit
// row's JSON; anything not a JSON object with both is refused.
#include <nlohmann/json.hpp>

#include "integrations/stripe/webhook_input.hpp"
#include "support/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = tenure::fuzz::AsText(data, size);
  const auto head = tenure::integrations::ReadStripeEvent(body);
  const nlohmann::json event = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool has_fields = event.is_object() && event.contains("id") && event["id"].is_string() &&
                          event.contains("type") && event["type"].is_string();
  if (!head) {
    FUZZ_CHECK(head.error().code == tenure::ErrorCode::kInvalidInput);
    if (has_fields) {
      const auto id = event["id"].get<std::string>();
      const auto type = event["type"].get<std::string>();
      FUZZ_CHECK(id.empty() || id.size() > 255 || type.empty() || type.size() > 255);
    }
    return 0;
  }
  FUZZ_CHECK(has_fields);
  FUZZ_CHECK(head->id == event["id"].get<std::string>());
  FUZZ_CHECK(head->type == event["type"].get<std::string>());
  FUZZ_CHECK(!head->id.empty() && head->id.size() <= 255);
  FUZZ_CHECK(!head->type.empty() && head->type.size() <= 255);
  // The audit row (stripe.event_received) is JSON written with the strict error handler.
  const nlohmann::json audit = {
      {"id", head->id}, {"type", head->type}, {"object", head->object_id}};
  try {
    (void)audit.dump();
  } catch (const nlohmann::json::exception&) {
    FUZZ_CHECK(!"an accepted event's fields are not UTF-8");
  }
  return 0;
}

// The JSON bodies of the program API (http/api/bodies.hpp), read as web_app.cpp's Api chain
// and the handlers do: UTF-8 checked, parsed without exceptions, read by JSON type, then the
// domain's checks (domain/machine.hpp, domain/checkout.hpp).
// Properties: nothing throws; a refusal names a field; what is accepted has every member the
// body sent, can be written back as JSON (the answers and the audit rows), and a checkout
// that passed the domain's checks has a total that fits in int64 cents.
#include <nlohmann/json.hpp>

#include "domain/text.hpp"
#include "http/api/bodies.hpp"
#include "support/fuzz_check.hpp"

using tenure::http::api::ReadCheckoutReport;
using tenure::http::api::ReadSignInBody;

namespace {

const tenure::Instant kNow = tenure::FromUnix(1'767'225'600);  // 2026-01-01T00:00:00Z

void CheckWritable(const nlohmann::json& j) {
  try {
    (void)j.dump();
  } catch (const nlohmann::json::exception&) {
    FUZZ_CHECK(!"an accepted body cannot be written back as JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = tenure::fuzz::AsText(data, size);
  if (!tenure::domain::IsValidUtf8(body)) return 0;  // refused before parsing (415 or 422)
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;  // 400 malformed_json

  if (auto sign_in = ReadSignInBody(json); !sign_in) {
    FUZZ_CHECK(!sign_in.error().field.empty() && !sign_in.error().message.empty());
  } else {
    FUZZ_CHECK(json.is_object());
    FUZZ_CHECK(sign_in->otp.size() <= 100);
    FUZZ_CHECK(json.at("machine").is_object());
    if (json.contains("email"))
      FUZZ_CHECK(json.at("email").is_null() || json.at("email") == sign_in->email);
    if (auto machine = tenure::domain::ValidateMachine(sign_in->machine)) {
      FUZZ_CHECK(!machine->fingerprint.empty() && machine->fingerprint.size() <= 128);
      CheckWritable({{"fingerprint", machine->fingerprint},
                     {"name", machine->name},
                     {"os", machine->os},
                     {"app_version", machine->app_version}});
    } else {
      FUZZ_CHECK(machine.error().field.starts_with("machine."));
    }
  }

  if (auto report = ReadCheckoutReport(json); !report) {
    FUZZ_CHECK(!report.error().field.empty() && !report.error().message.empty());
    if (report.error().item) FUZZ_CHECK(*report.error().item < json.at("checkouts").size());
  } else {
    FUZZ_CHECK(!report->empty() && report->size() <= tenure::domain::kMaxCheckoutsPerReport);
    FUZZ_CHECK(report->size() == json.at("checkouts").size());
    for (const auto& checkout : *report) {
      if (!tenure::domain::ValidateCheckout(checkout, kNow)) continue;
      FUZZ_CHECK(checkout.price_cents >= 0 && checkout.quantity >= 1);
      const int64_t total = checkout.total_cents();  // UBSan stops an overflow here
      FUZZ_CHECK(total >= 0);
      CheckWritable({{"id", checkout.client_id},
                     {"store", checkout.store},
                     {"product", checkout.product},
                     {"amount", tenure::domain::FormatAmount(total, checkout.currency)},
                     {"at", tenure::FormatRfc3339(checkout.at)}});
    }
  }
  return 0;
}

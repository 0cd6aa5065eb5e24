#include "cli/services.hpp"

#include "integrations/offline/offline_gateway.hpp"
#include "integrations/stripe/stripe_gateway.hpp"

namespace tenure::cli {
namespace {

integrations::StripeClientOptions StripeApi(const Config& config) {
  return {.api_base = config.stripe.api_base, .secret_key = config.stripe.secret_key};
}

std::unique_ptr<app::PaymentGateway> MakeGateway(const Config& config) {
  if (config.billing_provider == "stripe")
    return std::make_unique<integrations::StripeGateway>(StripeApi(config));
  return std::make_unique<integrations::OfflineGateway>();
}

std::unique_ptr<integrations::StripeWebhooks> MakeStripeWebhooks(const Config& config,
                                                                 storage::SqlStore& store,
                                                                 app::BillingService& billing,
                                                                 const Clock& clock) {
  if (config.billing_provider != "stripe") return nullptr;
  return std::make_unique<integrations::StripeWebhooks>(store, billing, clock, StripeApi(config),
                                                        config.stripe.webhook_secret);
}

}  // namespace

AppServices::AppServices(const Config& config, storage::SqlStore& store, const Clock& clock)
    : email{config.public_url},
      hasher(app::PasswordHasher::Interactive()),
      accounts(store, clock, hasher, email,
               {.sign_up_per_address = {.scope = "sign_up.address",
                                        .limit = config.sign_ups_per_address_hour},
                .sessions = config.sessions}),
      security(store, clock, hasher, email),
      two_factor(store, clock, hasher, email, "Tenure"),
      licenses(store, clock, config.license),
      staff(store, clock, licenses, email),
      renewal(store, clock, config.license, email),
      support(store, clock, licenses, email),
      feedback(store, clock),
      gateway(MakeGateway(config)),
      billing(store, clock, config.license, *gateway, email),
      stripe_webhooks(MakeStripeWebhooks(config, store, billing, clock)),
      leases(store, clock, config.public_url, config.program.lease_duration),
      program(store, clock, accounts, leases, config.license, config.program),
      machines(store, clock, config.program, email),
      checkouts(store, clock),
      sessions(store, clock, config.sessions, config.program) {}

}  // namespace tenure::cli

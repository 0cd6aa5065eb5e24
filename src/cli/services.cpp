#include "cli/services.hpp"

#include "integrations/discord/discord_gateway.hpp"
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

std::unique_ptr<app::DiscordApi> MakeDiscordApi(const Config& config) {
  const DiscordConfig& d = config.discord;
  if (!d.enabled()) return nullptr;
  return std::make_unique<integrations::DiscordGateway>(integrations::DiscordGatewayOptions{
      .client_id = d.client_id,
      .client_secret = d.client_secret,
      .token_url = d.token_url,
      .guild_id = d.guild_id,
      .checkout_webhook_url = d.checkout_webhook_url,
      .api = {.api_base = d.api_base, .bot_token = d.bot_token}});
}

std::unique_ptr<app::DiscordService> MakeDiscord(const Config& config, storage::SqlStore& store,
                                                 const Clock& clock, app::DiscordApi* api) {
  if (!api) return nullptr;
  const DiscordConfig& d = config.discord;
  return std::make_unique<app::DiscordService>(
      store, clock, *api,
      app::DiscordSettings{.client_id = d.client_id,
                           .authorize_url = d.authorize_url,
                           .redirect_uri = config.public_url + "/settings/discord/callback",
                           .paid_role_ids = d.paid_role_ids,
                           .checkout_channel = !d.checkout_webhook_url.empty(),
                           .checkout_posts_per_hour = d.checkout_posts_per_hour},
      config.license);
}

}  // namespace

AppServices::AppServices(const Config& config, storage::SqlStore& store, const Clock& clock)
    : email{.public_url = config.public_url,
            .seller = {.name = config.seller.name,
                       .address = config.seller.address,
                       .tax_id = config.seller.tax_id},
            .product_name = config.seller.product_name},
      hasher(app::PasswordHasher::Interactive()),
      accounts(store, clock, hasher, email,
               {.sign_up_per_address = {.scope = "sign_up.address",
                                        .limit = config.sign_ups_per_address_hour},
                .sessions = config.sessions}),
      security(store, clock, hasher, email),
      // Authenticator apps list the code under the product's name (issue 14 item 10).
      two_factor(store, clock, hasher, email, config.seller.product_name),
      licenses(store, clock, config.license),
      staff(store, clock, licenses, email),
      reports(store, clock, config.license),
      renewal(store, clock, config.license, email),
      support(store, clock, licenses, email),
      feedback(store, clock),
      gateway(MakeGateway(config)),
      billing(store, clock, config.license, *gateway, email),
      stripe_webhooks(MakeStripeWebhooks(config, store, billing, clock)),
      leases(store, clock, config.public_url, config.program.lease_duration),
      releases(store, clock, leases, config.releases_dir, config.license),
      program(store, clock, accounts, leases, config.license, config.program),
      machines(store, clock, config.program, email),
      discord_api(MakeDiscordApi(config)),
      discord(MakeDiscord(config, store, clock, discord_api.get())),
      checkouts(store, clock,
                [this](app::UnitOfWork& uow, UserId user,
                       const std::vector<domain::Checkout>& accepted, Instant now) {
                  if (discord) discord->QueueCheckoutPosts(uow, user, accepted, now);
                }),
      sessions(store, clock, config.sessions, config.program) {}

}  // namespace tenure::cli

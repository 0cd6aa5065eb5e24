#pragma once
// Discord (issue 11): binding a customer's Discord account with OAuth2, the paid roles that
// follow the license (kept while it is active or in grace, removed when it is expired or
// suspended: PRODUCT.md's license table), and checkouts posted to the success channel.
//
// Every call to Discord goes through the outbox (habit 4): a change asks for a "discord.roles"
// sync of one account, and the sender reads what the roles should be when it runs, so a late,
// repeated or reordered message never undoes a newer change. The sync compares the member's
// roles in Discord with the license and changes only what differs, which also corrects roles
// changed by hand (the periodic reconcile asks for a sync of everyone).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/discord_api.hpp"
#include "app/store/actor.hpp"
#include "app/store/discord_links.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/checkout.hpp"
#include "domain/license_policy.hpp"

namespace tenure::app {

inline constexpr char kDiscordRolesKind[] = "discord.roles";
inline constexpr char kDiscordCheckoutKind[] = "discord.checkout";

// The seller's Discord setup, as far as the app needs it.
struct DiscordSettings {
  std::string client_id;
  std::string authorize_url;
  std::string redirect_uri;  // the public URL's /settings/discord/callback
  std::vector<std::string> paid_role_ids;
  bool checkout_channel = false;  // a success channel webhook is configured
  int checkout_posts_per_hour = 30;
};

// Where to send the customer to consent: the URL carries `state` and the PKCE challenge of
// `verifier`; both stay with the browser (a cookie) until the callback.
struct DiscordAuthorization {
  std::string url;
  std::string state;
  std::string verifier;
};

class DiscordService {
 public:
  DiscordService(Store& store, const Clock& clock, DiscordApi& api, DiscordSettings settings,
                 const domain::LicensePolicy& policy);

  DiscordAuthorization BeginBind() const;
  // The callback's code: tokens, then who the Discord account is, then the binding, and a
  // sync that adds the member to the guild with the roles the license allows.
  Result<DiscordLink> CompleteBind(const Actor& actor, UserId user, std::string_view code,
                                   std::string_view verifier);
  // Removes the binding; the sync that follows removes the paid roles.
  Result<void> Unbind(const Actor& actor, UserId user);
  Result<void> SetCheckoutPosts(const Actor& actor, UserId user, bool post);
  std::optional<DiscordLink> Link(UserId user);
  int64_t BoundCount();

  // Staff: a sync of one customer now, or of everyone (also the periodic reconcile's).
  Result<void> Resync(const Actor& actor, UserId user);
  int ResyncEveryone(const Actor& actor);
  // The job: bindings whose license crossed between usable (active, grace) and not since
  // their last sync was asked for (the end of grace passes with time, not with a request).
  int NoticeLicenseChanges();

  // The outbox's senders.
  Result<void> SyncRoles(const nlohmann::json& payload);
  Result<void> PostCheckout(const nlohmann::json& payload);

  // In the unit of work that stores a report: the checkouts of an opted-in customer are
  // queued as posts, at most checkout_posts_per_hour an hour (the rest are not posted).
  void QueueCheckoutPosts(UnitOfWork& uow, UserId user,
                          const std::vector<domain::Checkout>& checkouts, Instant now) const;

  const DiscordSettings& settings() const { return settings_; }

 private:
  bool RolesAllowed(UnitOfWork& uow, UserId user, Instant now) const;
  void RecordFailure(UserId user, std::string_view discord_user, const Error& error);

  Store& store_;
  const Clock& clock_;
  DiscordApi& api_;
  DiscordSettings settings_;
  const domain::LicensePolicy& policy_;
};

// The success channel's message for one checkout: an embed with store, product, price and
// time, naming the customer's Discord account without pinging anyone.
nlohmann::json CheckoutPost(const domain::Checkout& checkout, std::string_view discord_user);

}  // namespace tenure::app

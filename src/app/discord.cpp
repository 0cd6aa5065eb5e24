#include "app/discord.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/rate_limits.hpp"
#include "app/store/account_security.hpp"
#include "app/store/licenses.hpp"
#include "core/secure_random.hpp"
#include "domain/license.hpp"

namespace tenure::app {
namespace {

std::string Subject(UserId user) { return fmt::format("user:{}", user.value); }

// RFC 3986 unreserved characters stay; the rest is %XX (a query value).
std::string QueryValue(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

nlohmann::json SyncPayload(UserId user, std::string_view discord_user, std::string_view why) {
  return {{"user_id", user.value}, {"discord_user_id", discord_user}, {"why", why}};
}

// What a customer is told when Discord refuses or fails during binding.
Error BindError(const Error& error) {
  if (error.code == ErrorCode::kInvalidInput)
    return Error{ErrorCode::kInvalidInput,
                 "Discord did not accept this authorization: it may have expired or been used "
                 "already. Press Bind Discord to try again."};
  return Error{ErrorCode::kUnavailable,
               "Discord did not answer just now, so nothing was bound. Try again in a minute."};
}

std::string Clip(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace

nlohmann::json CheckoutPost(const domain::Checkout& checkout, std::string_view discord_user) {
  std::string price = domain::FormatAmount(checkout.price_cents, checkout.currency);
  if (checkout.quantity > 1)
    price += fmt::format(" x {} ({})", checkout.quantity,
                         domain::FormatAmount(checkout.total_cents(), checkout.currency));
  return {// Product names come from the customer's program: no @everyone, no role or user pings.
          {"allowed_mentions", {{"parse", nlohmann::json::array()}}},
          {"embeds",
           {{{"title", "New checkout"},
             {"description", fmt::format("<@{}> checked out.", discord_user)},
             {"fields",
              {{{"name", "Store"}, {"value", Clip(checkout.store, 1024)}, {"inline", true}},
               {{"name", "Product"}, {"value", Clip(checkout.product, 1024)}, {"inline", true}},
               {{"name", "Price"}, {"value", price}, {"inline", true}}}},
             {"timestamp", FormatRfc3339(checkout.at)}}}}};
}

DiscordService::DiscordService(Store& store, const Clock& clock, DiscordApi& api,
                               DiscordSettings settings, const domain::LicensePolicy& policy)
    : store_(store), clock_(clock), api_(api), settings_(std::move(settings)), policy_(policy) {}

DiscordAuthorization DiscordService::BeginBind() const {
  DiscordAuthorization out{.state = RandomToken(32), .verifier = RandomToken(48)};
  out.url = fmt::format(
      "{}?response_type=code&client_id={}&scope={}&state={}&redirect_uri={}"
      "&code_challenge={}&code_challenge_method=S256&prompt=consent",
      settings_.authorize_url, QueryValue(settings_.client_id), QueryValue("identify guilds.join"),
      out.state, QueryValue(settings_.redirect_uri), PkceChallengeS256(out.verifier));
  return out;
}

bool DiscordService::RolesAllowed(UnitOfWork& uow, UserId user, Instant now) const {
  const auto license = uow.licenses().FindByUser(user);
  return license && domain::ProgramAllowed(domain::StatusAt(*license, now, policy_.grace));
}

Result<DiscordLink> DiscordService::CompleteBind(const Actor& actor, UserId user,
                                                 std::string_view code, std::string_view verifier) {
  const Instant now = clock_.Now();
  auto tokens = api_.ExchangeCode(code, verifier, settings_.redirect_uri, now);
  if (!tokens) return std::unexpected(BindError(tokens.error()));
  auto identity = api_.Identify(tokens->access_token);
  if (!identity) return std::unexpected(BindError(identity.error()));

  auto uow = store_.Begin(actor);
  if (auto mine = uow->discord_links().FindByUser(user)) {
    if (mine->discord_user_id != identity->id)
      return Fail(ErrorCode::kConflict,
                  "Your account is bound to another Discord account already. Unbind it first.");
    // The same Discord account again: fresh tokens, nothing else changes.
    uow->discord_links().UpdateTokens(user, *tokens);
    uow->Audit("discord.tokens", Subject(user), nullptr, {{"why", "bound again"}});
    uow->Commit();
    mine->tokens = *tokens;
    return *mine;
  }
  if (auto other = uow->discord_links().FindByDiscordUser(identity->id))
    return Fail(ErrorCode::kConflict,
                "This Discord account is bound to another account here already. Unbind it "
                "there first, or bind a different Discord account.");
  DiscordLink link{.user_id = user,
                   .discord_user_id = identity->id,
                   .username = identity->username,
                   .avatar = identity->avatar,
                   .tokens = *tokens,
                   .bound_at = now,
                   .roles_wanted = RolesAllowed(*uow, user, now)};
  if (!uow->discord_links().Insert(link))
    return Fail(ErrorCode::kConflict,
                "This Discord account was bound to another account a moment ago. Nothing changed.");
  uow->Audit("discord.bind", Subject(user), nullptr,
             {{"discord_user_id", link.discord_user_id},
              {"username", link.username},
              {"roles_wanted", link.roles_wanted}});
  uow->Enqueue(kDiscordRolesKind, SyncPayload(user, link.discord_user_id, "bind"));
  uow->Commit();
  return link;
}

Result<void> DiscordService::Unbind(const Actor& actor, UserId user) {
  auto uow = store_.Begin(actor);
  auto link = uow->discord_links().FindByUser(user);
  if (!link) return Fail(ErrorCode::kNotFound, "No Discord account is bound to your account.");
  uow->discord_links().Delete(user);
  uow->Audit("discord.unbind", Subject(user),
             {{"discord_user_id", link->discord_user_id}, {"username", link->username}}, nullptr);
  // The sync finds no binding and removes the paid roles from that Discord account.
  uow->Enqueue(kDiscordRolesKind, SyncPayload(user, link->discord_user_id, "unbind"));
  uow->Commit();
  return {};
}

Result<void> DiscordService::SetCheckoutPosts(const Actor& actor, UserId user, bool post) {
  auto uow = store_.Begin(actor);
  auto link = uow->discord_links().FindByUser(user);
  if (!link) return Fail(ErrorCode::kNotFound, "Bind your Discord account first.");
  if (link->post_checkouts == post) return {};
  uow->discord_links().SetPostCheckouts(user, post);
  uow->Audit("discord.checkout_posts", Subject(user), {{"post", link->post_checkouts}},
             {{"post", post}});
  uow->Commit();
  return {};
}

std::optional<DiscordLink> DiscordService::Link(UserId user) {
  return store_.Read()->discord_links().FindByUser(user);
}

int64_t DiscordService::BoundCount() { return store_.Read()->discord_links().Count(); }

Result<void> DiscordService::Resync(const Actor& actor, UserId user) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto link = uow->discord_links().FindByUser(user);
  if (!link) return Fail(ErrorCode::kNotFound, "This customer has not bound a Discord account.");
  const bool wanted = RolesAllowed(*uow, user, now);
  uow->discord_links().RequestSync(user, wanted);
  uow->Audit("discord.resync", Subject(user), {{"roles_wanted", link->roles_wanted}},
             {{"roles_wanted", wanted}});
  uow->Enqueue(kDiscordRolesKind, SyncPayload(user, link->discord_user_id, "staff"));
  uow->Commit();
  return {};
}

int DiscordService::ResyncEveryone(const Actor& actor) {
  constexpr int kPage = 200;
  const Instant now = clock_.Now();
  int queued = 0;
  for (int64_t after = 0;;) {
    auto uow = store_.Begin(actor);
    const std::vector<DiscordLink> page = uow->discord_links().Page(after, kPage);
    if (page.empty()) break;
    nlohmann::json users = nlohmann::json::array();
    for (const DiscordLink& link : page) {
      uow->discord_links().RequestSync(link.user_id, RolesAllowed(*uow, link.user_id, now));
      uow->Enqueue(kDiscordRolesKind, SyncPayload(link.user_id, link.discord_user_id, "everyone"));
      users.push_back(link.user_id.value);
    }
    // One row per page: a reconcile of thousands of members is not thousands of rows.
    uow->Audit("discord.resync_all", "discord", nullptr, {{"users", users}});
    uow->Commit();
    queued += static_cast<int>(page.size());
    after = page.back().user_id.value;
    if (static_cast<int>(page.size()) < kPage) break;
  }
  return queued;
}

int DiscordService::NoticeLicenseChanges() {
  constexpr int kPage = 500;
  const Instant now = clock_.Now();
  int queued = 0;
  for (int64_t after = 0;;) {
    std::vector<UserId> changed;
    int seen = 0;
    {
      auto read = store_.Read();
      const std::vector<DiscordLink> page = read->discord_links().Page(after, kPage);
      seen = static_cast<int>(page.size());
      for (const DiscordLink& link : page)
        if (RolesAllowed(*read, link.user_id, now) != link.roles_wanted)
          changed.push_back(link.user_id);
      if (!page.empty()) after = page.back().user_id.value;
    }
    for (const UserId user : changed) {
      auto uow = store_.Begin(Actor::System());
      auto link = uow->discord_links().FindByUser(user);  // locked: checked again
      const bool wanted = RolesAllowed(*uow, user, now);
      if (!link || link->roles_wanted == wanted) continue;
      uow->discord_links().RequestSync(user, wanted);
      uow->Audit("discord.license_changed", Subject(user), {{"roles_wanted", link->roles_wanted}},
                 {{"roles_wanted", wanted}});
      uow->Enqueue(kDiscordRolesKind, SyncPayload(user, link->discord_user_id, "license"));
      uow->Commit();
      ++queued;
    }
    if (seen < kPage) break;
  }
  return queued;
}

void DiscordService::RecordFailure(UserId user, std::string_view discord_user, const Error& error) {
  auto uow = store_.Begin(Actor::System());
  auto link = uow->discord_links().FindByUser(user);
  if (!link || link->discord_user_id != discord_user) return;  // unbound since: nobody to tell
  uow->discord_links().RecordSync(user, DiscordSyncStatus::kFailed, error.message, clock_.Now());
  uow->Audit("discord.sync", Subject(user), nullptr,
             {{"status", "failed"}, {"error", error.message}});
  uow->Commit();
}

Result<void> DiscordService::SyncRoles(const nlohmann::json& payload) {
  const UserId user{payload.at("user_id").get<int64_t>()};
  const std::string discord_user = payload.at("discord_user_id").get<std::string>();
  const std::string why = payload.value("why", std::string("sync"));
  const Instant now = clock_.Now();

  // What the roles should be now, whatever they were when the message was queued.
  std::optional<DiscordLink> link;
  bool wanted = false;
  {
    auto read = store_.Read();
    link = read->discord_links().FindByUser(user);
    if (link && link->discord_user_id != discord_user) link.reset();
    wanted = link && RolesAllowed(*read, user, now);
  }
  auto fail = [&](const Error& error) -> Result<void> {
    // A 429 is only a wait: the outbox sends again after retry_after.
    if (error.code != ErrorCode::kRateLimited && link) RecordFailure(user, discord_user, error);
    return std::unexpected(error);
  };

  auto roles = api_.MemberRoles(discord_user);
  if (!roles) return fail(roles.error());
  const std::string reason =
      fmt::format("Tenure: license {} ({})", wanted ? "usable" : "not usable", why);
  std::vector<std::string> added;
  std::vector<std::string> removed;
  bool joined = false;
  if (!*roles) {
    // Not in the guild: a bound customer joins it (guilds.join), with the paid roles only
    // while the license allows them; an unbound one is left alone.
    if (link) {
      DiscordTokens tokens = link->tokens;
      if (tokens.expires_at <= now + Seconds(60) && !tokens.refresh_token.empty()) {
        auto fresh = api_.Refresh(tokens.refresh_token, now);
        if (!fresh) return fail(fresh.error());
        tokens = *fresh;
        auto uow = store_.Begin(Actor::System());
        uow->discord_links().UpdateTokens(user, tokens);
        uow->Audit("discord.tokens", Subject(user), nullptr, {{"why", "refreshed"}});
        uow->Commit();
      }
      const std::vector<std::string> with =
          wanted ? settings_.paid_role_ids : std::vector<std::string>();
      if (auto ok = api_.AddMember(discord_user, tokens.access_token, with); !ok)
        return fail(ok.error());
      joined = true;
      added = with;
    }
  } else {
    for (const std::string& role : settings_.paid_role_ids) {
      const bool has = std::ranges::find(**roles, role) != (*roles)->end();
      if (wanted && !has) {
        if (auto ok = api_.AddRole(discord_user, role, reason); !ok) return fail(ok.error());
        added.push_back(role);
      } else if (!wanted && has) {
        if (auto ok = api_.RemoveRole(discord_user, role, reason); !ok) return fail(ok.error());
        removed.push_back(role);
      }
    }
  }

  const bool changed = joined || !added.empty() || !removed.empty();
  if (!changed && (!link || link->sync_status == DiscordSyncStatus::kOk)) return {};
  auto uow = store_.Begin(Actor::System());
  auto current = uow->discord_links().FindByUser(user);
  if (current && current->discord_user_id == discord_user)
    uow->discord_links().RecordSync(user, DiscordSyncStatus::kOk, {}, now);
  uow->Audit("discord.sync", Subject(user), nullptr,
             {{"status", "ok"},
              {"discord_user_id", discord_user},
              {"why", why},
              {"joined", joined},
              {"added", added},
              {"removed", removed}});
  uow->Commit();
  return {};
}

Result<void> DiscordService::PostCheckout(const nlohmann::json& payload) {
  return api_.PostCheckout(payload.at("message"));
}

void DiscordService::QueueCheckoutPosts(UnitOfWork& uow, UserId user,
                                        const std::vector<domain::Checkout>& checkouts,
                                        Instant now) const {
  if (!settings_.checkout_channel || checkouts.empty()) return;
  const auto link = uow.discord_links().FindByUser(user);
  if (!link || !link->post_checkouts) return;
  const RateLimit per_hour{.scope = "discord.checkout_posts",
                           .limit = settings_.checkout_posts_per_hour,
                           .window = Seconds(3600),
                           .refusals_count = false};
  for (const domain::Checkout& checkout : checkouts) {
    if (CountRequest(uow.rate_limits(), per_hour, std::to_string(user.value), now) > 0) return;
    uow.Enqueue(kDiscordCheckoutKind, {{"user_id", user.value},
                                       {"message", CheckoutPost(checkout, link->discord_user_id)}});
  }
}

}  // namespace tenure::app

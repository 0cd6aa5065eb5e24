// Billing pages (issue 4): Renew / first purchase, the card, instances, and Billing itself
// (its payment history and the receipts are receipts.cpp's).
// Every payment form carries the terms tick and a token against double submission.
#include <fmt/format.h>

#include <charconv>

#include "app/billing.hpp"
#include "app/licenses.hpp"
#include "core/secure_random.hpp"
#include "domain/billing.hpp"
#include "domain/card_entry.hpp"
#include "domain/terms.hpp"
#include "http/pages/account_views.hpp"
#include "http/pages/receipts.hpp"
#include "http/redirects.hpp"

namespace tenure::http::pages {
namespace {

std::string CardText(const app::PaymentMethod& card) {
  return fmt::format("{} ending in {} (expires {:02}/{})", domain::CardBrandName(card.brand),
                     card.last4, card.exp_month, card.exp_year);
}

Response RenewPage(Context& ctx, int status, const Error* error) {
  auto quote = ctx.svc.billing.QuoteRenewal(ctx.User().id);
  if (!quote)
    return ErrorPage(ctx, HttpStatus(quote.error().code), "No license", quote.error().message);
  const auto& p = quote->plan;
  const TimeZone zone = ctx.Zone();
  const std::string heading = quote->license.expires_at ? "Renew your license" : "Buy your license";
  mstch::map vars{{"heading", heading},
                  {"amount", p.amount().Format()},
                  {"instances", quote->license.instances},
                  {"one_instance", quote->license.instances == 1},
                  {"new_iso", FormatRfc3339(p.new_expires_at)},
                  {"new_long", FormatLongDate(p.new_expires_at, zone)},
                  {"period", std::to_string(p.period_key)},
                  {"terms_version", std::string(domain::kTermsVersion)}};
  if (p.reactivation_fee.cents() > 0) vars["fee"] = p.reactivation_fee.Format();
  if (quote->card) vars["card"] = CardText(*quote->card);
  vars["terms_checked"] = ctx.Field("terms") == "yes";
  AddError(vars, error, {.title = "The payment did not go through."});
  return RenderPage(ctx, "billing_renew", heading, "home", std::move(vars), status);
}

// Edit Instances has two forms; a failed one shows its error beside it and keeps its input.
enum class InstancesPart { kNone, kAdd, kRenewal };

// Edit Instances (issue 9): add instances now, prorated, or choose fewer from the next renewal.
Response InstancesPage(Context& ctx, int status, const Error* error, InstancesPart form) {
  auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  if (!overview)
    return ErrorPage(ctx, HttpStatus(overview.error().code), "Edit instances",
                     overview.error().message);
  auto quote = ctx.svc.billing.QuoteInstances(ctx.User().id);
  if (!quote && !overview->license.expires_at)  // never bought: nothing to edit yet
    return ErrorPage(ctx, HttpStatus(quote.error().code), "Edit instances", quote.error().message);
  const domain::License& license = overview->license;
  const TimeZone zone = ctx.Zone();
  mstch::map vars;
  AddInstancesVars(vars, *overview, ctx.svc.clock.Now(), zone);
  if (quote) {
    const Instant expires = *quote->license.expires_at;
    std::string token(ctx.Field("token"));
    if (token.empty()) token = RandomToken(18);
    const bool kept = form == InstancesPart::kAdd && !ctx.Field("count").empty();
    vars["can_add"] = true;
    vars["monthly"] = quote->monthly_each.Format();
    vars["days"] = quote->days_remaining;
    vars["one_day"] = quote->days_remaining == 1;
    vars["expires_iso"] = FormatRfc3339(expires);
    vars["expires_long"] = FormatLongDate(expires, zone);
    vars["price_each"] = quote->price_each.Format();
    vars["token"] = token;
    vars["count"] = kept ? std::string(ctx.Field("count")) : std::string("1");
    vars["terms_checked"] = form == InstancesPart::kAdd && ctx.Field("terms") == "yes";
    vars["terms_version"] = std::string(domain::kTermsVersion);
  } else {
    vars["add_refused"] = quote.error().message;  // lapsed or suspended: renew first
  }
  // 1 to today's count; each with the monthly price the next renewal would charge for it.
  const int chosen = domain::InstancesAtRenewal(license);
  mstch::array choices;
  for (int n = 1; n <= license.instances; ++n) {
    domain::License at_renewal = license;
    at_renewal.instances_at_renewal = n;
    choices.push_back(mstch::map{
        {"value", n},
        {"label",
         fmt::format("{} instance{}: {} a month", n, n == 1 ? "" : "s",
                     domain::MonthlyPrice(at_renewal, ctx.svc.licenses.policy()).Format())},
        {"selected", n == chosen}});
  }
  vars["choices"] = choices;
  vars["can_remove"] = license.instances > 1;
  if (form == InstancesPart::kAdd) AddError(vars, error, {.title = "No instances were bought."});
  if (form == InstancesPart::kRenewal)
    AddError(vars, error, {.title = "Your next renewal was not changed.", .form = "renewal"});
  // Outcomes of the renewal form (post/redirect/get): fixed texts, and only while they still
  // match the page.
  const std::string done = ctx.Query("done");
  const bool pending = chosen != license.instances;
  if (done == "scheduled" && pending)
    vars["notice"] = std::string(
        "Saved. Your instances stay as they are until your next renewal, and nothing is "
        "refunded.");
  else if (done == "kept" && !pending)
    vars["notice"] =
        fmt::format("Saved. Your next renewal keeps all {} instances.", license.instances);
  return RenderPage(ctx, "billing_instances", "Edit instances", "home", std::move(vars), status);
}

// The card number and security code are never written back into a page; the expiry is.
Response CardPage(Context& ctx, int status, const std::vector<Error>& errors) {
  mstch::map vars{{"offline", ctx.svc.billing.provider() == "offline"},
                  {"next", LocalPathOr(ctx.Field("next").empty() ? ctx.Query("next")
                                                                 : std::string(ctx.Field("next")),
                                       "/billing")},
                  {"exp", std::string(ctx.Field("exp"))}};
  AddErrors(vars, errors, {.title = "Your card was not saved."});
  return RenderPage(ctx, "billing_card", "Add a card", "home", std::move(vars), status);
}

int ParseInt(std::string_view text) {
  auto id = ParseId(text);
  return id && *id < 100000 ? static_cast<int>(*id) : 0;
}

}  // namespace

Response Billing(Context& ctx) {
  auto quote = ctx.svc.billing.QuoteRenewal(ctx.User().id);
  mstch::map vars{{"has_license", quote.has_value()},
                  {"has_date", quote && quote->license.expires_at.has_value()}};
  AddPaymentHistoryVars(ctx, vars);
  if (quote && quote->card) vars["card"] = CardText(*quote->card);
  if (ctx.Query("done") == "card_saved") vars["notice"] = std::string("Your card is saved.");
  if (ctx.Query("done") == "instances")
    vars["notice"] = std::string("Thank you. Your new instances are ready to use.");
  return RenderPage(ctx, "billing", "Billing", "home", std::move(vars));
}

Response RenewForm(Context& ctx) { return RenewPage(ctx, 200, nullptr); }

Response RenewSubmit(Context& ctx) {
  const auto period = ctx.Field("period");
  int64_t key = 0;
  const auto [end, ec] = std::from_chars(period.data(), period.data() + period.size(), key);
  if (period.empty() || ec != std::errc() || end != period.data() + period.size())
    return ErrorPage(ctx, 422, "That didn't work", "Reload the Renew page and try again.");
  auto charge = ctx.svc.billing.Renew(ctx.Actor(), ctx.User(), key, ctx.Field("terms") == "yes");
  if (!charge) return RenewPage(ctx, HttpStatus(charge.error().code), &charge.error());
  if (charge->status != domain::ChargeStatus::kSucceeded) {
    // A decline changes nothing; the customer sees why, in the provider's words.
    const Error declined{ErrorCode::kInvalidInput,
                         (charge->failure_message.empty() ? std::string("Your card was declined.")
                                                          : charge->failure_message) +
                             " Nothing was charged. Try another card."};
    return RenewPage(ctx, 402, &declined);
  }
  return Response::Redirect("/home?done=renewed");
}

Response CardForm(Context& ctx) { return CardPage(ctx, 200, {}); }

Response CardSubmit(Context& ctx) {
  if (ctx.svc.billing.provider() != "offline") {
    auto url = ctx.svc.billing.CardSetupUrl(ctx.User());
    if (!url) return CardPage(ctx, HttpStatus(url.error().code), {url.error()});
    return Response::Redirect(*url);
  }
  const std::chrono::year_month_day today(
      std::chrono::floor<std::chrono::days>(ctx.svc.clock.Now()));
  auto entry = domain::ReadCardEntry(ctx.Field("number"), ctx.Field("exp"), ctx.Field("cvc"),
                                     today.year() / today.month());
  if (!entry) return CardPage(ctx, 422, entry.error());
  auto card = ctx.svc.billing.SaveTestCard(
      ctx.Actor(), ctx.User(),
      {.number = entry->digits, .exp_month = entry->exp_month, .exp_year = entry->exp_year});
  if (!card) return CardPage(ctx, HttpStatus(card.error().code), {card.error()});
  const std::string next = LocalPathOr(ctx.Field("next"), "/billing");
  return Response::Redirect(next == "/billing" ? "/billing?done=card_saved" : next);
}

Response InstancesForm(Context& ctx) {
  return InstancesPage(ctx, 200, nullptr, InstancesPart::kNone);
}

Response InstancesSubmit(Context& ctx) {
  auto charge = ctx.svc.billing.AddInstances(ctx.Actor(), ctx.User(), ParseInt(ctx.Field("count")),
                                             ctx.Field("token"), ctx.Field("terms") == "yes");
  if (!charge)
    return InstancesPage(ctx, HttpStatus(charge.error().code), &charge.error(),
                         InstancesPart::kAdd);
  if (charge->status != domain::ChargeStatus::kSucceeded) {
    const Error declined{ErrorCode::kInvalidInput,
                         charge->failure_message + " Nothing was charged.", ""};
    return InstancesPage(ctx, 402, &declined, InstancesPart::kAdd);
  }
  return Response::Redirect("/billing?done=instances");
}

Response InstancesRenewalSubmit(Context& ctx) {
  const int count = ParseInt(ctx.Field("count"));
  auto scheduled = ctx.svc.billing.ScheduleInstances(ctx.Actor(), ctx.User(), count);
  if (!scheduled)
    return InstancesPage(ctx, HttpStatus(scheduled.error().code), &scheduled.error(),
                         InstancesPart::kRenewal);
  // Today's count again clears the change (BillingService::ScheduleInstances).
  auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  const bool kept = overview && !overview->license.instances_at_renewal;
  return Response::Redirect(kept ? "/billing/instances?done=kept"
                                 : "/billing/instances?done=scheduled");
}

}  // namespace tenure::http::pages

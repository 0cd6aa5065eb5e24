// Billing's payment history and each succeeded charge's receipt (issue 14 item 7): what was
// paid for, the period it covers, the card and the terms accepted, the seller (config
// seller.*), dates in the customer's zone. A receipt prints without the navigation and the
// buttons (app.css: @media print).
#include "http/pages/receipts.hpp"

#include <fmt/format.h>

#include "app/billing.hpp"
#include "domain/card_entry.hpp"

namespace tenure::http::pages {
namespace {

using domain::ChargeKind;
using domain::ChargeStatus;

std::string Instances(int count) {
  return fmt::format("{} extra instance{}", count, count == 1 ? "" : "s");
}

// The history's "For" column.
std::string Kind(const app::Charge& c) {
  switch (c.kind) {
    case ChargeKind::kPurchase: return "First month";
    case ChargeKind::kRenewal: return "Renewal";
    case ChargeKind::kAutoRenewal: return "Automatic renewal";
    case ChargeKind::kInstances: return Instances(c.instances_added);
  }
  return "";
}

// The receipt's "Paid for".
std::string PaidFor(const app::Charge& c) {
  switch (c.kind) {
    case ChargeKind::kPurchase: return "Your license: its first month";
    case ChargeKind::kRenewal: return "Renewal of your license: one month";
    case ChargeKind::kAutoRenewal: return "Automatic renewal of your license: one month";
    case ChargeKind::kInstances:
      return Instances(c.instances_added) + ", until your license's next renewal";
  }
  return "";
}

std::string StatusLabel(ChargeStatus status) {
  switch (status) {
    case ChargeStatus::kSucceeded: return "Paid";
    case ChargeStatus::kFailed: return "Declined";
    case ChargeStatus::kPending: return "Processing";
  }
  return "";
}

// "Visa ending in 4242": the brand as its owner writes it.
std::string CardText(const app::PaymentMethod& card) {
  return fmt::format("{} ending in {}", domain::CardBrandName(card.brand), card.last4);
}

}  // namespace

void AddPaymentHistoryVars(Context& ctx, mstch::map& vars) {
  const TimeZone zone = ctx.Zone();
  mstch::array charges;
  for (const app::Charge& c : ctx.svc.billing.History(ctx.User().id)) {
    mstch::map row{{"at", FormatDateTime(c.created_at, zone)},
                   {"at_iso", FormatRfc3339(c.created_at)},
                   {"at_date", FormatLongDate(c.created_at, zone)},
                   {"what", Kind(c)},
                   {"amount", c.amount.Format()},
                   {"status", std::string(domain::ChargeStatusName(c.status))},
                   {"status_label", StatusLabel(c.status)},
                   {"failure", c.failure_message}};
    if (const auto period = ctx.svc.billing.PeriodOf(c)) {
      row["period_from"] = FormatLongDate(period->from, zone);
      row["period_from_iso"] = FormatRfc3339(period->from);
      row["period_to"] = FormatLongDate(period->to, zone);
      row["period_to_iso"] = FormatRfc3339(period->to);
      row["receipt_url"] = fmt::format("/billing/receipts/{}", c.id);
    }
    charges.push_back(std::move(row));
  }
  vars["has_charges"] = !charges.empty();
  vars["charges"] = charges;
  // "UTC" as Settings says it, rather than the tz database's "Etc/UTC".
  vars["zone_name"] = ctx.User().time_zone.empty() ? std::string("UTC") : std::string(zone.name());
}

Response Receipt(Context& ctx) {
  const auto id = ctx.IdParam();
  auto receipt = id ? ctx.svc.billing.ReceiptFor(ctx.User().id, *id)
                    : Fail(ErrorCode::kNotFound, "There is no such receipt.");
  if (!receipt) return ErrorPage(ctx, 404, "Receipt not found", receipt.error().message);
  const app::Charge& c = receipt->charge;
  const TimeZone zone = ctx.Zone();
  mstch::map vars{{"number", std::to_string(c.id)},
                  {"paid", FormatDateTime(c.updated_at, zone)},
                  {"paid_iso", FormatRfc3339(c.updated_at)},
                  {"customer", ctx.User().email},
                  {"paid_for", PaidFor(c)},
                  {"from", FormatLongDate(receipt->period.from, zone)},
                  {"from_iso", FormatRfc3339(receipt->period.from)},
                  {"to", FormatLongDate(receipt->period.to, zone)},
                  {"to_iso", FormatRfc3339(receipt->period.to)},
                  {"amount", c.amount.Format()},
                  {"terms", c.terms_version},
                  {"reference", c.provider_payment_id},
                  {"seller_name", receipt->seller.name},
                  {"seller_address", receipt->seller.address},
                  {"seller_tax_id", receipt->seller.tax_id}};
  if (receipt->card) vars["card"] = CardText(*receipt->card);
  return RenderPage(ctx, "receipt", "Receipt " + std::to_string(c.id), "home", std::move(vars));
}

}  // namespace tenure::http::pages

// POST /api/v1/checkouts (issue 9): the program reports what it bought, up to 100 at a time,
// idempotent by its own ids. A bad item is named (its index and member) and nothing of the
// report is stored.
#include "app/checkouts.hpp"

#include <limits>

#include "app/program.hpp"
#include "http/api/api.hpp"

namespace tenure::http::api {
namespace {

struct ItemError {
  size_t item;
  std::string field;
  std::string message;
};

Response Rejected(const Context& ctx, const ItemError& e) {
  return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                        .message = e.message,
                                        .field = e.field,
                                        .item = e.item});
}

// One item's members by JSON type; the domain checks their values (domain/checkout.hpp).
std::expected<domain::Checkout, ItemError> ParseItem(const nlohmann::json& j, size_t i) {
  if (!j.is_object())
    return std::unexpected(ItemError{i, "checkouts", "Each checkout must be an object."});
  domain::Checkout c;
  for (auto [name, member] :
       {std::pair{"id", &c.client_id}, std::pair{"store", &c.store},
        std::pair{"product", &c.product}, std::pair{"currency", &c.currency}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string())
      return std::unexpected(
          ItemError{i, name, std::string("Send the checkout's ") + name + " as a string."});
    *member = it->get<std::string>();
  }
  auto price = j.find("price_cents");
  if (price == j.end() || !price->is_number_integer())
    return std::unexpected(
        ItemError{i, "price_cents", "Send the price as a whole number of cents."});
  c.price_cents = price->get<int64_t>();
  if (price->is_number_unsigned() && price->get<uint64_t>() > uint64_t{INT64_MAX})
    c.price_cents = std::numeric_limits<int64_t>::max();
  auto q = j.find("quantity");
  if (q == j.end() || !q->is_number_integer())
    return std::unexpected(ItemError{i, "quantity", "Send the quantity as a whole number."});
  const int64_t n = q->get<int64_t>();
  c.quantity = n < 0 || n > domain::kMaxCheckoutQuantity ? -1 : static_cast<int>(n);
  auto at = j.find("at");
  if (at == j.end() || !at->is_string())
    return std::unexpected(ItemError{i, "at", "Send the checkout's time (RFC 3339)."});
  auto when = ParseRfc3339(at->get<std::string>());
  if (!when)
    return std::unexpected(
        ItemError{i, "at", "The checkout's time must be RFC 3339, such as 2026-12-01T10:00:00Z."});
  c.at = *when;
  return c;
}

}  // namespace

Response ReportCheckouts(Context& ctx) {
  auto list = ctx.json.is_object() ? ctx.json.find("checkouts") : ctx.json.end();
  if (!ctx.json.is_object() || list == ctx.json.end() || !list->is_array())
    return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                          .message = "Send {\"checkouts\": [...]}.",
                                          .field = "checkouts"});
  if (list->empty() || list->size() > domain::kMaxCheckoutsPerReport)
    return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                          .message = "Send from 1 to 100 checkouts at a time.",
                                          .field = "checkouts"});
  std::vector<domain::Checkout> checkouts;
  checkouts.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    auto item = ParseItem((*list)[i], i);
    if (!item) return Rejected(ctx, item.error());
    checkouts.push_back(std::move(*item));
  }
  auto report = ctx.svc.checkouts.Report(ctx.User().id, ctx.program->machine.id, checkouts);
  if (!report)
    return Rejected(
        ctx, {report.error().item, report.error().error.field, report.error().error.message});
  return Json({{"accepted", report->accepted}, {"duplicates", report->duplicates}});
}

}  // namespace tenure::http::api

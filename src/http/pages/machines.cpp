// Settings -> Machines -> Sign out, and Deactivate license (issue 9; PRODUCT.md: "Deactivate
// license (Settings): signs the program out on every machine and frees all instance slots,
// with a cooldown so it cannot be abused for sharing").
#include <fmt/format.h>

#include <charconv>

#include "app/machines.hpp"
#include "http/pages/account_views.hpp"

namespace tenure::http::pages {
namespace {

std::string CooldownText(Seconds cooldown) {
  const int64_t hours = cooldown.count() / 3600;
  return fmt::format("{} hour{}", hours, hours == 1 ? "" : "s");
}

Response DeactivatePage(Context& ctx, int status, const Error* error) {
  const app::DeactivateStatus state = ctx.svc.machines.Deactivation(ctx.User().id);
  const Seconds cooldown = ctx.svc.machines.policy().deactivate_cooldown;
  mstch::map vars{{"has_license", state.has_license},         {"machines", state.machines},
                  {"one_machine", state.machines == 1},       {"no_machines", state.machines == 0},
                  {"has_cooldown", cooldown.count() >= 3600}, {"cooldown", CooldownText(cooldown)}};
  if (state.available_at) {
    vars["available_long"] = FormatDateTime(*state.available_at, ctx.Zone());
    vars["available_iso"] = FormatRfc3339(*state.available_at);
  }
  AddError(vars, error, {.title = "Your license was not deactivated."});
  return RenderPage(ctx, "deactivate", "Deactivate license", "settings", std::move(vars), status);
}

}  // namespace

Response MachineSignOut(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such machine.");
  // Another customer's machine is not found either (MachineService::SignOut).
  auto done = ctx.svc.machines.SignOut(ctx.Actor(), ctx.User().id, domain::MachineId{*id});
  if (!done)
    return ErrorPage(ctx, HttpStatus(done.error().code), "Not signed in", done.error().message);
  return Response::Redirect("/settings?done=signed_out");
}

Response DeactivateForm(Context& ctx) { return DeactivatePage(ctx, 200, nullptr); }

Response DeactivateSubmit(Context& ctx) {
  auto ended = ctx.svc.machines.Deactivate(ctx.Actor(), ctx.User());
  // During the cooldown (or without a license) the page comes back saying why; never a 500.
  if (!ended) return DeactivatePage(ctx, HttpStatus(ended.error().code), &ended.error());
  return Response::Redirect(fmt::format("/settings?done=deactivated&machines={}", *ended));
}

std::string MachinesNotice(Context& ctx) {
  const std::string done = ctx.Query("done");
  if (done == "signed_out")
    return "The machine was signed out of the program, and its instance slot is free.";
  if (done != "deactivated") return {};
  // A number or nothing: the notice is our text, never the query's (as Home's notices).
  const std::string text = ctx.Query("machines");
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0) return {};
  return fmt::format(
      "Done. Your license was deactivated: the program was signed out on {} machine{}, and "
      "every instance slot is free. Sign in again in the program on the machines you use. "
      "We've emailed you about it.",
      n, n == 1 ? "" : "s");
}

}  // namespace tenure::http::pages

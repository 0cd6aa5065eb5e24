// Settings -> Time zone (issue 14 item 5). The customer picks their zone from every zone of the
// tz database (an <input list> over a <datalist>, so typing a city finds it), or the browser
// reports it on a visit while the account has none (static/app.js). A name that is not a zone
// brings Settings back (422) with the error, what was sent, and the closest zone names.
#include <algorithm>

#include "app/accounts.hpp"
#include "core/time_zone_names.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

// What the list shows beside a name, so that a city is found as people write it:
// "America/Argentina/Buenos_Aires" -> "Buenos Aires (America/Argentina)".
std::string ZoneLabel(std::string_view name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return "Coordinated Universal Time";
  std::string city(name.substr(slash + 1));
  std::ranges::replace(city, '_', ' ');
  return city + " (" + std::string(name.substr(0, slash)) + ")";
}

}  // namespace

void AddTimeZoneVars(Context& ctx, mstch::map& vars, const Error* error) {
  const std::string& saved = ctx.User().time_zone;
  const bool refused = error && error->field == "time_zone";
  // A refused name is shown as sent (escaped by the template), to be corrected.
  vars["time_zone"] = refused ? std::string(ctx.Field("time_zone")) : saved;
  vars["has_time_zone"] = !saved.empty();
  const TimeZone zone = ctx.Zone();
  vars["zone_time"] = FormatTimeOfDay(ctx.svc.clock.Now(), zone);
  mstch::array zones;
  for (const std::string& name : ChoosableTimeZones())
    zones.push_back(mstch::map{{"name", name}, {"label", ZoneLabel(name)}});
  vars["zones"] = zones;
  if (!refused) return;
  AddError(vars, error, {.title = "Your time zone was not saved."});
  mstch::array suggestions;
  for (std::string& name : SimilarTimeZones(ctx.Field("time_zone")))
    suggestions.push_back(std::move(name));
  vars["has_suggestions"] = !suggestions.empty();
  vars["suggestions"] = suggestions;
}

Response SetTimeZone(Context& ctx) {
  auto saved = ctx.svc.accounts.SetTimeZone(ctx.Actor(), ctx.User(), ctx.Field("time_zone"));
  if (!saved) return SettingsPage(ctx, HttpStatus(saved.error().code), &saved.error());
  return Response::Redirect("/settings?done=time_zone");
}

Response AdoptBrowserTimeZone(Context& ctx) {
  auto saved =
      ctx.svc.accounts.AdoptBrowserTimeZone(ctx.Actor(), ctx.User().id, ctx.Field("time_zone"));
  if (!saved) return Response::Text(HttpStatus(saved.error().code), saved.error().message + "\n");
  // 204: saved, and the page reloads to show its dates in the zone; 200: the account had one.
  return Response::Text(*saved ? 204 : 200, "");
}

}  // namespace tenure::http::pages

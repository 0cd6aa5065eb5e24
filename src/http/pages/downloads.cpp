// The Download tab (issue 12): the latest release for the visitor's system first (the
// Sec-CH-UA-Platform client hint, else the User-Agent), the other systems' files below, with
// version, date, size, SHA-256 and the release notes; links only while the license is usable.
#include <fmt/format.h>

#include "app/licenses.hpp"
#include "app/releases.hpp"
#include "http/file_response.hpp"
#include "http/pages/pages.hpp"
#include "search/markdown.hpp"

namespace tenure::http::pages {
namespace {

// "48.3 MB": decimal units, as download sizes are usually shown.
std::string HumanSize(int64_t bytes) {
  if (bytes < 1000) return fmt::format("{} bytes", bytes);
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

mstch::map FileVars(const app::ReleaseView& view, const domain::ReleaseFile& f, bool can) {
  mstch::map vars{{"os_label", std::string(domain::OsLabel(f.os))},
                  {"file_name", f.file_name},
                  {"size", HumanSize(f.size)},
                  {"bytes", std::to_string(f.size)},
                  {"sha256", f.sha256}};
  if (can)
    vars["url"] = fmt::format("/downloads/{}/{}", view.release.id.value, domain::OsName(f.os));
  return vars;
}

mstch::map ReleaseVars(const app::ReleaseView& view, std::optional<domain::ReleaseOs> os, bool can,
                       const TimeZone& zone) {
  mstch::map vars{{"version", view.release.version},
                  {"channel", std::string(domain::ChannelName(view.release.channel))},
                  {"beta", view.release.channel == domain::ReleaseChannel::kBeta},
                  {"date_iso", FormatRfc3339(view.release.published_at)},
                  {"date_long", FormatLongDate(view.release.published_at, zone)},
                  {"notes_html", search::RenderEmbeddedHtml(view.release.notes)}};
  mstch::array others;
  for (const auto& f : view.files) {
    if (os && f.os == *os)
      vars["primary"] = FileVars(view, f, can);
    else
      others.push_back(FileVars(view, f, can));
  }
  vars["others"] = others;
  vars["has_others"] = !others.empty();
  return vars;
}

}  // namespace

Response Download(Context& ctx) {
  const auto os =
      domain::DetectReleaseOs(ctx.req.Header("sec-ch-ua-platform"), ctx.req.Header("user-agent"));
  mstch::map vars{{"os", std::string(os ? domain::OsLabel(*os) : "your computer")}};
  const auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  const auto status = overview ? overview->status : domain::LicenseStatus::kNone;
  const bool can = domain::ProgramAllowed(status);
  if (!can) {
    vars["blocked"] =
        std::string(status == domain::LicenseStatus::kSuspended
                        ? "Your license is suspended while a payment dispute is open, so "
                          "downloads are paused. Open a support ticket if it is settled."
                    : status == domain::LicenseStatus::kExpired
                        ? "Your license has expired, so downloads are paused until you renew."
                        : "Downloads open once you have a license.");
    vars["renew"] = status != domain::LicenseStatus::kSuspended && overview.has_value();
  }
  const auto stable = ctx.svc.releases->Latest(domain::ReleaseChannel::kStable);
  if (stable) vars["stable"] = ReleaseVars(*stable, os, can, ctx.Zone());
  // A beta newer than the stable release is offered too, marked as such.
  if (const auto beta = ctx.svc.releases->Latest(domain::ReleaseChannel::kBeta)) {
    if (!stable || domain::CompareSemVer(*domain::ParseSemVer(beta->release.version),
                                         *domain::ParseSemVer(stable->release.version)) > 0)
      vars["beta_release"] = ReleaseVars(*beta, os, can, ctx.Zone());
  }
  Response res = RenderPage(ctx, "download", "Download", "download", std::move(vars));
  // Chromium sends Sec-CH-UA-Platform unasked; saying we use it keeps it coming.
  res.Set("Accept-CH", "Sec-CH-UA-Platform");
  res.Set("Vary", "Sec-CH-UA-Platform, User-Agent");
  return res;
}

// GET /downloads/{id}/{os}: the file itself, for the signed-in customer (the Download tab's
// links) or for the holder of a download token (the update check's download_url, which a
// program fetches without the dashboard's cookie). 403 while the license is not usable.
Response DownloadFile(Context& ctx) {
  const auto id = ctx.IdParam();
  const auto os = domain::ParseOs(ctx.Param("os"));
  if (!id || !os) return ErrorPage(ctx, 404, "Page not found", "There is nothing at this address.");
  const domain::ReleaseId release{*id};
  std::optional<UserId> user;
  if (const std::string token = ctx.Query("token"); !token.empty()) {
    user = ctx.svc.releases->CheckDownloadToken(token, release, *os);
    if (!user)
      return ErrorPage(ctx, 403, "This download link has expired",
                       "Download links from the program work for ten minutes. Check for "
                       "updates in the program again, or download from the Download tab.");
  } else if (ctx.user) {
    user = ctx.User().id;
  } else {
    return Response::Redirect("/sign-in?next=" + UrlEncode("/download"));
  }
  auto download = ctx.svc.releases->Authorize(*user, release, *os);
  if (!download) {
    if (download.error().code != ErrorCode::kForbidden)
      return ErrorPage(ctx, 404, "Not available", download.error().message);
    // A dispute is settled through support, not by paying again.
    const auto overview = ctx.svc.licenses.Overview(*user);
    const bool suspended = overview && overview->status == domain::LicenseStatus::kSuspended;
    return RenderPage(
        ctx, "error", "Downloads are paused", "download",
        mstch::map{{"heading", std::string("Downloads are paused")},
                   {"message", download.error().message},
                   {"back_url", std::string(suspended ? "/support" : "/billing/renew")},
                   {"back_label", std::string(suspended ? "Open a ticket" : "Renew")},
                   {"request_id", ctx.req.request_id}},
        403);
  }
  Response res = ServeFile(ctx.req, {.path = download->path,
                                     .size = static_cast<uint64_t>(download->file.size),
                                     .etag = "\"" + download->file.sha256 + "\"",
                                     .file_name = download->file.file_name});
  // A download is counted once, when it starts: a resumed one asks for a later range.
  if (ctx.req.method == "GET" && res.file && res.file->offset == 0)
    ctx.svc.releases->CountDownload(release, *os);
  return res;
}

}  // namespace tenure::http::pages

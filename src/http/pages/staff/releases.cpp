// Staff: releases (issue 12). Everyone on staff sees each release with its downloads per
// system; admins publish one (the upload arrives on disk, routes.hpp Body::kUpload), and
// unpublish or publish it again. Each of those is audited by ReleaseService.
#include <fmt/format.h>

#include "app/releases.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {
namespace {

// "2.0 GiB" for the upload limit an admin must stay under.
std::string Gibibytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30))
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / 1073741824.0);
  return fmt::format("{} MiB", bytes >> 20);
}

std::string Megabytes(int64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

mstch::array Rows(Context& ctx) {
  mstch::array rows;
  for (const auto& view : ctx.svc.releases->List(/*include_unpublished=*/true, 200)) {
    mstch::array files;
    for (const auto& f : view.files)
      files.push_back(mstch::map{{"os_label", std::string(domain::OsLabel(f.os))},
                                 {"file_name", f.file_name},
                                 {"size", Megabytes(f.size)},
                                 {"downloads", std::to_string(f.downloads)}});
    rows.push_back(mstch::map{{"id", std::to_string(view.release.id.value)},
                              {"version", view.release.version},
                              {"channel", std::string(domain::ChannelName(view.release.channel))},
                              {"date_iso", FormatRfc3339(view.release.published_at)},
                              {"date", FormatDateTime(view.release.published_at)},
                              {"files", files},
                              {"unpublished", view.release.unpublished_at.has_value()}});
  }
  return rows;
}

Response Page(Context& ctx, mstch::map vars, int status = 200) {
  for (auto& [k, v] : StaffVars(ctx, "releases")) vars.emplace(k, std::move(v));
  vars["is_admin"] = ctx.User().role == domain::Role::kAdmin;
  vars["max_upload"] = Gibibytes(ctx.svc.max_upload_bytes);
  mstch::array rows = Rows(ctx);
  vars["has_releases"] = !rows.empty();
  vars["rows"] = std::move(rows);
  return RenderPage(ctx, "staff_releases", "Releases", "staff", std::move(vars), status);
}

}  // namespace

Response StaffReleases(Context& ctx) {
  mstch::map vars;
  if (const std::string v = ctx.Query("published"); !v.empty())
    vars["notice"] = fmt::format("Version {} is published.", v);
  else if (ctx.Query("done") == "unpublished")
    vars["notice"] = std::string("Unpublished. Its files are kept; customers no longer see it.");
  else if (ctx.Query("done") == "republished")
    vars["notice"] = std::string("Published again.");
  return Page(ctx, std::move(vars));
}

Response StaffPublishRelease(Context& ctx) {
  app::PublishRequest request{.version = std::string(ctx.Field("version")),
                              .notes = std::string(ctx.Field("notes")),
                              .allow_older = ctx.Field("allow_older") == "yes"};
  const auto channel = domain::ParseChannel(ctx.Field("channel"));
  for (const UploadedFile& f : ctx.uploads)
    if (const auto os = domain::ParseOs(f.field))
      request.files.push_back({.os = *os, .path = f.path, .file_name = f.file_name, .move = true});
  if (channel) request.channel = *channel;
  Result<app::ReleaseView> published =
      channel ? ctx.svc.releases->Publish(ctx.Actor(), ctx.User().id, request)
              : Fail(ErrorCode::kInvalidInput, "Choose the stable or the beta channel.", "channel");
  if (published)
    return Response::Redirect("/staff/releases?published=" + UrlEncode(published->release.version));
  Error error = published.error();
  if (error.field.empty()) error.field = "files";  // what else a refused release is about
  mstch::map vars{{"version", request.version},
                  {"notes", request.notes},
                  {"beta", channel == domain::ReleaseChannel::kBeta},
                  {"allow_older", request.allow_older}};
  AddError(vars, &error, {.title = "The release was not published."});
  return Page(ctx, std::move(vars), HttpErrorFor(error.code).status);
}

Response StaffUnpublishRelease(Context& ctx) {
  const auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such release.");
  if (auto done = ctx.svc.releases->SetPublished(ctx.Actor(), domain::ReleaseId{*id}, false); !done)
    return ErrorPage(ctx, 404, "Not found", done.error().message);
  return Response::Redirect("/staff/releases?done=unpublished");
}

Response StaffRepublishRelease(Context& ctx) {
  const auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such release.");
  if (auto done = ctx.svc.releases->SetPublished(ctx.Actor(), domain::ReleaseId{*id}, true); !done)
    return ErrorPage(ctx, 404, "Not found", done.error().message);
  return Response::Redirect("/staff/releases?done=republished");
}

}  // namespace tenure::http::pages

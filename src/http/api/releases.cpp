// GET /api/v1/releases/latest (issue 12): the program's update check. The answer carries the
// file's size, SHA-256 and the Ed25519 signature (a compact JWS by the lease key, verifiable
// with /api/v1/keys) and a download URL that works for ten minutes, for this account only.
#include <fmt/format.h>

#include "app/licenses.hpp"
#include "app/program.hpp"
#include "app/releases.hpp"
#include "http/api/api.hpp"

namespace tenure::http::api {
namespace {

constexpr Seconds kDownloadUrlLifetime{10 * 60};

Response Invalid(const Context& ctx, std::string field, std::string message) {
  return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                        .message = std::move(message),
                                        .field = std::move(field)});
}

// The license must be usable (active or grace) for a download, as on the Download tab.
std::optional<app::ProgramError> LicenseRefusal(const Context& ctx) {
  const auto& license = ctx.program->license;
  const auto status =
      license ? domain::StatusAt(*license, ctx.svc.clock.Now(), ctx.svc.licenses.policy().grace)
              : domain::LicenseStatus::kNone;
  if (domain::ProgramAllowed(status)) return std::nullopt;
  using enum app::ProgramProblem;
  const auto problem = status == domain::LicenseStatus::kSuspended ? kLicenseSuspended
                       : status == domain::LicenseStatus::kExpired ? kLicenseExpired
                                                                   : kNoLicense;
  return app::ProgramError{
      .problem = problem, .message = "Renew your license to download updates.", .license = license};
}

}  // namespace

Response LatestRelease(Context& ctx) {
  const auto os = domain::ParseOs(ctx.Query("os"));
  if (!os) return Invalid(ctx, "os", "Send os: windows, macos or linux.");
  const std::string channel_name = ctx.Query("channel").empty() ? "stable" : ctx.Query("channel");
  const auto channel = domain::ParseChannel(channel_name);
  if (!channel) return Invalid(ctx, "channel", "Send channel: stable or beta.");
  if (auto refusal = LicenseRefusal(ctx)) return Refusal(ctx, *refusal);

  const auto latest = ctx.svc.releases->Latest(*channel);
  const domain::ReleaseFile* file = nullptr;
  if (latest)
    for (const auto& f : latest->files)
      if (f.os == *os) file = &f;
  if (!file)
    return Problem(HttpError{404, "no_release", "Not Found"},
                   fmt::format("No {} release for {} has been published yet.", channel_name,
                               domain::OsLabel(*os)),
                   ctx.req.request_id);
  const Instant expires = ctx.svc.clock.Now() + kDownloadUrlLifetime;
  const std::string token =
      ctx.svc.releases->DownloadToken(ctx.User().id, latest->release.id, *os, kDownloadUrlLifetime);
  return Json(
      {{"version", latest->release.version},
       {"channel", domain::ChannelName(latest->release.channel)},
       {"published_at", FormatRfc3339(latest->release.published_at)},
       {"notes", latest->release.notes},
       {"os", domain::OsName(file->os)},
       {"file_name", file->file_name},
       {"size", file->size},
       {"sha256", file->sha256},
       {"signature", ctx.svc.releases->Signature(latest->release, *file)},
       {"download_url", fmt::format("{}/downloads/{}/{}?token={}", ctx.svc.public_url,
                                    latest->release.id.value, domain::OsName(file->os), token)},
       {"download_url_expires_at", FormatRfc3339(expires)}});
}

}  // namespace tenure::http::api

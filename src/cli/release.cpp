// `tenure release add|list|unpublish|publish` (issue 12): publish the program's builds from the
// command line, as the staff page does, and hide or show a release again.
//
//   tenure release add VERSION --channel stable|beta --notes FILE --os windows PATH
//                      [--os macos PATH] [--os linux PATH] [--allow-older]
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/releases.hpp"
#include "app/store/actor.hpp"
#include "app/store/releases.hpp"
#include "cli/cli.hpp"

namespace tenure::cli {
namespace {

constexpr char kReleaseUsage[] =
    "usage: tenure release add VERSION --channel stable|beta --notes FILE --os windows|macos|linux "
    "PATH [--os OS PATH]... [--allow-older]\n"
    "       tenure release list\n"
    "       tenure release unpublish VERSION\n"
    "       tenure release publish VERSION\n";

int Usage(const std::string& why) {
  std::cerr << "tenure release: " << why << "\n" << kReleaseUsage;
  return 2;
}

// The words after `release add VERSION`.
Result<app::PublishRequest> ParseAdd(const std::vector<std::string>& words) {
  app::PublishRequest request{.version = words[2]};
  bool channel_given = false;
  for (size_t i = 3; i < words.size(); ++i) {
    const std::string& w = words[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= words.size()) return std::nullopt;
      return words[++i];
    };
    if (w == "--channel") {
      const auto name = next();
      const auto channel = name ? domain::ParseChannel(*name) : std::nullopt;
      if (!channel) return Fail(ErrorCode::kInvalidInput, "--channel takes stable or beta");
      request.channel = *channel;
      channel_given = true;
    } else if (w == "--notes") {
      const auto path = next();
      if (!path) return Fail(ErrorCode::kInvalidInput, "--notes takes a Markdown file");
      std::ifstream in(*path, std::ios::binary);
      if (!in) return Fail(ErrorCode::kInvalidInput, fmt::format("cannot read {}", *path));
      std::stringstream text;
      text << in.rdbuf();
      request.notes = text.str();
    } else if (w == "--os") {
      const auto name = next();
      const auto path = next();
      const auto os = name ? domain::ParseOs(*name) : std::nullopt;
      if (!os || !path)
        return Fail(ErrorCode::kInvalidInput, "--os takes windows, macos or linux, then a file");
      request.files.push_back({.os = *os,
                               .path = *path,
                               .file_name = std::filesystem::path(*path).filename().string(),
                               .move = false});
    } else if (w == "--allow-older") {
      request.allow_older = true;
    } else {
      return Fail(ErrorCode::kInvalidInput, fmt::format("unknown word '{}'", w));
    }
  }
  if (!channel_given) return Fail(ErrorCode::kInvalidInput, "--channel is required");
  return request;
}

std::optional<domain::Release> FindVersion(const Context& ctx, const std::string& version) {
  return ctx.store.Read()->releases().FindByVersion(version);
}

}  // namespace

int Release(const Context& ctx, const std::vector<std::string>& positional) {
  const std::string sub = positional.size() >= 2 ? positional[1] : "";
  app::LeaseSigner signer(ctx.store, ctx.clock, ctx.config.public_url,
                          ctx.config.program.lease_duration);
  signer.EnsureKey();
  app::ReleaseService releases(ctx.store, ctx.clock, signer, ctx.config.releases_dir,
                               ctx.config.license);
  if (sub == "add" && positional.size() >= 3) {
    auto request = ParseAdd(positional);
    if (!request) return Usage(request.error().message);
    auto published = releases.Publish(app::Actor::Cli(), std::nullopt, *request);
    if (!published) {
      std::cerr << "tenure release: " << published.error().message << "\n";
      return published.error().code == ErrorCode::kConflict ? 3 : 2;
    }
    std::cout << fmt::format("published {} ({})\n", published->release.version,
                             domain::ChannelName(published->release.channel));
    for (const auto& f : published->files)
      std::cout << fmt::format("  {:<8} {}  {} bytes  sha256 {}\n", domain::OsName(f.os),
                               f.file_name, f.size, f.sha256);
    return 0;
  }
  if (sub == "list" && positional.size() == 2) {
    for (const auto& view : releases.List(/*include_unpublished=*/true, 1000)) {
      std::cout << fmt::format("{} {} {}{}\n", view.release.version,
                               domain::ChannelName(view.release.channel),
                               FormatRfc3339(view.release.published_at),
                               view.release.unpublished_at ? " (unpublished)" : "");
      for (const auto& f : view.files)
        std::cout << fmt::format("  {:<8} {}  {} bytes  sha256 {}  {} downloads\n",
                                 domain::OsName(f.os), f.file_name, f.size, f.sha256, f.downloads);
    }
    return 0;
  }
  if ((sub == "unpublish" || sub == "publish") && positional.size() == 3) {
    const auto release = FindVersion(ctx, positional[2]);
    if (!release) {
      std::cerr << fmt::format("tenure release: no release {}\n", positional[2]);
      return 3;
    }
    auto done = releases.SetPublished(app::Actor::Cli(), release->id, sub == "publish");
    if (!done) {
      std::cerr << "tenure release: " << done.error().message << "\n";
      return 2;
    }
    std::cout << fmt::format("{} {}\n", sub == "publish" ? "published" : "unpublished",
                             release->version);
    return 0;
  }
  return Usage("which release command?");
}

}  // namespace tenure::cli

#include "search/help_center.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace tenure::search {
namespace {

constexpr uintmax_t kMaxFileBytes = 4 << 20;

bool Hidden(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

template <typename Visit>
void WalkMarkdown(const std::filesystem::path& dir, Visit visit) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (Hidden(entry.path())) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec) || entry.path().extension() != ".md") continue;
    visit(entry, fs::relative(entry.path(), dir, ec).generic_string());
  }
}

}  // namespace

std::vector<SourceFile> ReadDocsFolder(const std::filesystem::path& dir,
                                       std::vector<std::string>* warnings) {
  std::vector<SourceFile> files;
  WalkMarkdown(dir, [&](const std::filesystem::directory_entry& entry, std::string rel) {
    std::error_code ec;
    const uintmax_t size = entry.file_size(ec);
    if (ec || size > kMaxFileBytes) {
      if (warnings) warnings->push_back(fmt::format("{}: skipped (over 4 MiB)", rel));
      return;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      if (warnings) warnings->push_back(fmt::format("{}: unreadable", rel));
      return;
    }
    files.push_back({std::move(rel), text.str()});
  });
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

std::string FolderFingerprint(const std::filesystem::path& dir) {
  std::vector<std::string> lines;
  WalkMarkdown(dir, [&](const std::filesystem::directory_entry& entry, std::string rel) {
    std::error_code ec;
    const auto size = entry.file_size(ec);
    const auto mtime = entry.last_write_time(ec).time_since_epoch().count();
    lines.push_back(fmt::format("{}\t{}\t{}", rel, size, mtime));
  });
  std::sort(lines.begin(), lines.end());
  std::string out = std::filesystem::absolute(dir).string();
  for (const auto& l : lines) out += "\n" + l;
  return out;
}

HelpCenter::HelpCenter(HelpCenterOptions options) : options_(std::move(options)) {
  if (!options_.library.wordnet && !options_.wordnet_dir.empty()) {
    auto wordnet = WordNet::Load(options_.wordnet_dir);
    if (wordnet) {
      options_.library.wordnet = std::make_shared<const WordNet>(std::move(*wordnet));
    } else if (options_.log) {
      options_.log("help: no WordNet (" + wordnet.error() +
                   "): questions are not expanded with English synonyms; install wordnet-base");
    }
  }
  RefreshIfChanged();
  if (options_.poll_interval.count() > 0) watcher_ = std::thread([this] { Watch(); });
}

HelpCenter::~HelpCenter() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

bool HelpCenter::RefreshIfChanged() {
  std::lock_guard lock(refresh_mutex_);
  const std::string fingerprint = FolderFingerprint(options_.docs_dir);
  if (current_.load() && fingerprint == fingerprint_) return false;
  Rebuild(fingerprint);
  return true;
}

void HelpCenter::Rebuild(const std::string& fingerprint) {
  std::vector<std::string> warnings;
  try {
    auto files = ReadDocsFolder(options_.docs_dir, &warnings);
    const size_t count = files.size();
    auto library = Library::Build(std::move(files), options_.library);
    current_.store(library);
    fingerprint_ = fingerprint;
    generation_.fetch_add(1);
    if (options_.log) {
      options_.log(fmt::format("help: {} page{} from {} indexed in {:.1f} ms", count,
                               count == 1 ? "" : "s", options_.docs_dir.string(),
                               library->BuildMilliseconds()));
      if (count == 0) options_.log("help: no Markdown pages found (TENURE_DOCS_DIR)");
      for (const auto& w : warnings) options_.log("help: " + w);
    }
  } catch (const std::exception& e) {
    // Keep serving the last good snapshot; the next change tries again.
    fingerprint_ = fingerprint;
    if (options_.log) options_.log(std::string("help: rebuild failed: ") + e.what());
    if (!current_.load()) current_.store(Library::Build({}, options_.library));
  }
}

void HelpCenter::Watch() {
  std::unique_lock lock(stop_mutex_);
  while (!stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) {
    lock.unlock();
    try {
      RefreshIfChanged();
    } catch (const std::exception& e) {
      if (options_.log) options_.log(std::string("help: watching failed: ") + e.what());
    }
    lock.lock();
  }
}

}  // namespace tenure::search

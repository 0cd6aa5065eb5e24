#pragma once
// The live help center: the docs folder's current Library, rebuilt off to the side when the
// folder changes (polled: mtimes and sizes) and swapped in atomically, so requests never wait
// for a rebuild and a seller can replace the folder while the server runs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "search/library.hpp"
#include "search/wordnet.hpp"

namespace tenure::search {

struct HelpCenterOptions {
  std::filesystem::path docs_dir;
  LibraryOptions library;
  // Read once, at start, when `library.wordnet` is not given (wordnet.hpp: about 0.3 s and
  // 11 MB); empty: no WordNet. Without it, questions are matched by their own words and the
  // product's synonyms only (the start-up log says so).
  std::filesystem::path wordnet_dir = kDebianWordNetDir;
  std::chrono::milliseconds poll_interval{2000};  // 0: never rebuild by itself
  std::function<void(const std::string&)> log;    // one line per (re)build; may be empty
};

class HelpCenter {
 public:
  // Builds the first Library before returning (an empty one when the folder is missing).
  explicit HelpCenter(HelpCenterOptions options);
  ~HelpCenter();
  HelpCenter(const HelpCenter&) = delete;
  HelpCenter& operator=(const HelpCenter&) = delete;

  // The current snapshot; hold it for the whole request.
  std::shared_ptr<const Library> Current() const { return current_.load(); }
  // Rebuilds now when the folder changed since the last build; true when it did.
  bool RefreshIfChanged();
  uint64_t Generation() const { return generation_.load(); }

 private:
  void Rebuild(const std::string& fingerprint);
  void Watch();

  HelpCenterOptions options_;
  std::atomic<std::shared_ptr<const Library>> current_;
  std::atomic<uint64_t> generation_{0};
  std::mutex refresh_mutex_;  // one rebuild at a time
  std::string fingerprint_;   // guarded by refresh_mutex_
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace tenure::search

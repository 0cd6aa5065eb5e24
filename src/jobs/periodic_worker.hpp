#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace tenure::jobs {

// Runs a pass (the outbox, the renewal job) on a background thread every `interval`, and at
// once after a pass that handled something, until Stop(). A pass that throws is logged
// (job_failed) and the loop goes on.
class PeriodicWorker {
 public:
  using Pass = std::function<int()>;
  static constexpr std::chrono::milliseconds kDefaultInterval{2000};

  // `name` prefixes its error lines. A pass returns how much it handled.
  PeriodicWorker(std::string name, Pass pass,
                 std::chrono::milliseconds interval = kDefaultInterval);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Whether each pass that handled something writes a "job" log line (config log.jobs).
  static void LogPasses(bool on);

  // Runs a pass soon (e.g. after a use case enqueued mail) instead of after the interval.
  void Wake();
  // Returns once the pass in progress, if any, has finished; idempotent.
  void Stop();

 private:
  void Loop();

  std::string name_;
  Pass pass_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace tenure::jobs

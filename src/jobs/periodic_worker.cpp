#include "jobs/periodic_worker.hpp"

#include <atomic>
#include <chrono>

#include "core/log.hpp"

namespace tenure::jobs {
namespace {
std::atomic<bool> log_passes{true};
}  // namespace

void PeriodicWorker::LogPasses(bool on) { log_passes = on; }

PeriodicWorker::PeriodicWorker(std::string name, Pass pass, std::chrono::milliseconds interval)
    : name_(std::move(name)),
      pass_(std::move(pass)),
      interval_(interval),
      thread_([this] { Loop(); }) {}

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeup_.notify_one();
}

void PeriodicWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wakeup_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicWorker::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    int handled = 0;
    const auto started = std::chrono::steady_clock::now();
    auto ms = [&] {
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count();
    };
    try {
      handled = pass_();
      // One line per step that did something; idle passes (most of them) say nothing.
      if (handled > 0 && log_passes)
        log::Write("info", "job", {{"job", name_}, {"handled", int64_t{handled}}, {"ms", ms()}});
    } catch (const std::exception& e) {
      log::Write("error", "job_failed", {{"job", name_}, {"error", e.what()}, {"ms", ms()}});
    } catch (...) {
      log::Write("error", "job_failed",
                 {{"job", name_}, {"error", "a non-standard exception"}, {"ms", ms()}});
    }
    lock.lock();
    // A pass that handled something may have left more due: go again without waiting.
    if (handled == 0) wakeup_.wait_for(lock, interval_, [this] { return stop_ || woken_; });
    woken_ = false;
  }
}

}  // namespace tenure::jobs

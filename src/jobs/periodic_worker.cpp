#include "jobs/periodic_worker.hpp"

#include <iostream>

namespace tenure::jobs {

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
    try {
      handled = pass_();
    } catch (const std::exception& e) {
      std::cerr << name_ << ": pass failed: " << e.what() << '\n';
    } catch (...) {
      std::cerr << name_ << ": pass failed with a non-standard exception\n";
    }
    lock.lock();
    // A pass that handled something may have left more due: go again without waiting.
    if (handled == 0) wakeup_.wait_for(lock, interval_, [this] { return stop_ || woken_; });
    woken_ = false;
  }
}

}  // namespace tenure::jobs

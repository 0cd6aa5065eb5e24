#include "http/slow_pool.hpp"

#include <chrono>
#include <utility>

#include "core/metrics.hpp"

namespace tenure::http {
namespace {

// Issue 13: the password-hashing queue, as operators see it at /metrics (from the start).
// Registered at start so /metrics shows it from the first scrape; it throws only when memory
// runs out at start.
// NOLINTNEXTLINE(bugprone-throwing-static-initialization,cert-err58-cpp)
metrics::Gauge& queue_depth =
    metrics::Metrics()
        .Gauges("tenure_hash_queue_depth", "Slow requests (password hashing) waiting for a thread.")
        .With({});
// Registered at start so /metrics shows it from the first scrape; it throws only when memory
// runs out at start.
// NOLINTNEXTLINE(bugprone-throwing-static-initialization,cert-err58-cpp)
metrics::Histogram& queue_wait =
    metrics::Metrics()
        .Histograms("tenure_hash_queue_wait_seconds",
                    "How long slow requests waited for a hashing thread.")
        .With({});

}  // namespace

SlowPool::SlowPool(int threads, size_t limit, size_t per_address_limit)
    : limit_(limit), per_address_limit_(per_address_limit) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void SlowPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::optional<Overload> SlowPool::TryPost(const std::string& address, std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    const auto held = addresses_.find(address);
    if (held != addresses_.end() &&
        held->second.queued.size() + held->second.running >= per_address_limit_)
      return Overload::kAddressBusy;
    if (queued_ >= limit_) return Overload::kQueueFull;
    Address& a = addresses_[address];
    if (a.queued.empty()) turns_.push_back(address);
    a.queued.push_back([job = std::move(job), queued_at = std::chrono::steady_clock::now()] {
      queue_wait.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - queued_at).count());
      job();
    });
    ++queued_;
    queue_depth.Add(1);
  }
  cv_.notify_one();
  return std::nullopt;
}

void SlowPool::Loop() {
  for (;;) {
    std::function<void()> job;
    std::string address;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !turns_.empty(); });
      if (turns_.empty()) return;  // stopping, and drained
      address = std::move(turns_.front());
      turns_.pop_front();
      Address& a = addresses_[address];
      job = std::move(a.queued.front());
      a.queued.pop_front();
      --queued_;
      queue_depth.Add(-1);
      ++a.running;
      if (!a.queued.empty()) turns_.push_back(address);  // its next job waits its turn
    }
    job();
    std::lock_guard lock(mutex_);
    Address& a = addresses_[address];
    if (--a.running == 0 && a.queued.empty()) addresses_.erase(address);
  }
}

}  // namespace tenure::http

#include "http/slow_pool.hpp"

#include <utility>

namespace tenure::http {

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
    a.queued.push_back(std::move(job));
    ++queued_;
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

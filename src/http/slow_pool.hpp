#pragma once
// A bounded queue of CPU-heavy work, so hashing never blocks an I/O thread. Jobs wait in one
// queue per client address and the threads take from each address in turn, so a flood from
// one address waits behind itself, not in front of everyone else (issue 10). Used by the
// server adapter only.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/server.hpp"

namespace tenure::http {

class SlowPool {
 public:
  SlowPool(int threads, size_t limit, size_t per_address_limit);
  ~SlowPool() { Stop(); }
  SlowPool(const SlowPool&) = delete;
  SlowPool& operator=(const SlowPool&) = delete;

  // Runs the queued jobs to the end and joins the threads; idempotent.
  void Stop();
  // Nothing when queued, else why not.
  std::optional<Overload> TryPost(const std::string& address, std::function<void()> job);

 private:
  struct Address {
    std::deque<std::function<void()>> queued;
    size_t running = 0;
  };

  void Loop();

  size_t limit_;
  size_t per_address_limit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Address> addresses_;
  std::deque<std::string> turns_;  // addresses with queued jobs, next first
  size_t queued_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tenure::http

#pragma once
// What the process counts for operators (issue 13): counters, gauges and histograms, each in a
// family keyed by label values, rendered in Prometheus' text exposition format (0.0.4) at
// GET /metrics. One registry for the process (Metrics()), so that any layer can count without
// being handed it; values are atomics, so counting costs no lock once a series exists.
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::metrics {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations in seconds, counted in cumulative buckets (Prometheus' `le`).
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void Observe(double seconds);
  // Renders the _bucket, _sum and _count lines; `labels` is "a=\"b\"," or empty.
  void Render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<uint64_t> sum_ns_{0};
};

// Latency buckets from half a millisecond to ten seconds.
inline constexpr double kLatencyBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1,     2.5,  5,     10};

// One metric's series, by label values (in the order of the family's label names).
template <class Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}
  Metric& With(std::initializer_list<std::string_view> values);
  // Each series' labels rendered ("route=\"/home\",") with its metric, sorted.
  void ForEach(const std::function<void(const std::string&, const Metric&)>& visit) const;

 private:
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Metric>> series_;  // keyed by rendered labels
};

// A gauge read when scraped (a count in the database, a queue's length): its value, or
// nothing when it cannot be read now (the line is left out, not made up).
struct Sample {
  std::string labels;  // rendered, "" or "state=\"dead\","
  double value = 0;
};
using Collect = std::function<std::vector<Sample>()>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& Counters(const std::string& name, std::string help,
                            std::vector<std::string> labels = {});
  Family<Gauge>& Gauges(const std::string& name, std::string help,
                        std::vector<std::string> labels = {});
  Family<Histogram>& Histograms(const std::string& name, std::string help,
                                std::vector<std::string> labels = {},
                                std::span<const double> bounds = kLatencyBounds);
  // A gauge family computed at each scrape by `collect`.
  void Collected(const std::string& name, std::string help, Collect collect);

  // The whole exposition, families in name order.
  std::string Render() const;

 private:
  struct Entry;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  Entry& Add(const std::string& name, std::string help, const std::string& type);
};

// The process's registry.
Registry& Metrics();

// "label=\"value\"," with the value escaped as the format asks (\\, \", \n).
std::string Label(std::string_view name, std::string_view value);

}  // namespace tenure::metrics

#include "core/metrics.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace tenure::metrics {
namespace {

// Prometheus' float text: integers without a fraction, +Inf spelled as the format wants.
std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

// "{a=\"b\",c=\"d\"}" from "a=\"b\",c=\"d\",", or nothing for no labels.
std::string Braced(std::string_view labels) {
  if (labels.empty()) return {};
  return fmt::format("{{{}}}", labels.substr(0, labels.size() - 1));
}

}  // namespace

std::string Label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\",";
  return out;
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
}

void Histogram::Render(std::string& out, std::string_view name, std::string_view labels) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    const std::string le = i < bounds_.size() ? Number(bounds_[i]) : "+Inf";
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, labels, le, cumulative);
  }
  const double sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  out += fmt::format("{}_sum{} {}\n", name, Braced(labels), Number(sum));
  out += fmt::format("{}_count{} {}\n", name, Braced(labels), cumulative);
}

template <class Metric>
Metric& Family<Metric>::With(std::initializer_list<std::string_view> values) {
  if (values.size() != label_names_.size())
    throw std::logic_error("metrics: wrong number of label values");
  std::string key;
  size_t i = 0;
  for (std::string_view v : values) key += Label(label_names_[i++], v);
  std::lock_guard lock(mutex_);
  auto& slot = series_[key];
  if (!slot) slot = make_();
  return *slot;
}

template <class Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::string&, const Metric&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, metric] : series_) visit(labels, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string help;
  std::string type;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  Collect collect;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::Add(const std::string& name, std::string help, const std::string& type) {
  auto& slot = entries_[name];
  if (slot && slot->type != type)
    throw std::logic_error("metrics: " + name + " registered as " + slot->type);
  if (!slot) slot = std::make_unique<Entry>(Entry{.help = std::move(help), .type = type});
  return *slot;
}

Family<Counter>& Registry::Counters(const std::string& name, std::string help,
                                    std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Entry& e = Add(name, std::move(help), "counter");
  if (!e.counters)
    e.counters = std::make_unique<Family<Counter>>(std::move(labels),
                                                   [] { return std::make_unique<Counter>(); });
  return *e.counters;
}

Family<Gauge>& Registry::Gauges(const std::string& name, std::string help,
                                std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Entry& e = Add(name, std::move(help), "gauge");
  if (!e.gauges)
    e.gauges = std::make_unique<Family<Gauge>>(std::move(labels),
                                               [] { return std::make_unique<Gauge>(); });
  return *e.gauges;
}

Family<Histogram>& Registry::Histograms(const std::string& name, std::string help,
                                        std::vector<std::string> labels,
                                        std::span<const double> bounds) {
  std::lock_guard lock(mutex_);
  Entry& e = Add(name, std::move(help), "histogram");
  if (!e.histograms)
    e.histograms = std::make_unique<Family<Histogram>>(
        std::move(labels), [bounds] { return std::make_unique<Histogram>(bounds); });
  return *e.histograms;
}

void Registry::Collected(const std::string& name, std::string help, Collect collect) {
  std::lock_guard lock(mutex_);
  Add(name, std::move(help), "gauge").collect = std::move(collect);
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, e] : entries_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, e->help, name, e->type);
    if (e->counters)
      e->counters->ForEach([&](const std::string& labels, const Counter& c) {
        out += fmt::format("{}{} {}\n", name, Braced(labels), c.value());
      });
    if (e->gauges)
      e->gauges->ForEach([&](const std::string& labels, const Gauge& g) {
        out += fmt::format("{}{} {}\n", name, Braced(labels), g.value());
      });
    if (e->histograms)
      e->histograms->ForEach(
          [&](const std::string& labels, const Histogram& h) { h.Render(out, name, labels); });
    if (e->collect)
      for (const Sample& s : e->collect())
        out += fmt::format("{}{} {}\n", name, Braced(s.labels), Number(s.value));
  }
  return out;
}

Registry& Metrics() {
  static Registry registry;
  return registry;
}

}  // namespace tenure::metrics

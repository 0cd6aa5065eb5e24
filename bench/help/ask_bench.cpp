// Help-center speed (issue 5: Speed): index build time and ask latency (p50, p99) on our docs
// and on 1,000 generated pages. A plain steady_clock harness: many iterations, percentiles.
//
//   ninja -C build -j2 help_bench && build/tests/help_bench [--rounds N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "search/library.hpp"
#include "search/wordnet.hpp"

namespace {

using tenure::search::Library;
using tenure::search::SourceFile;
using tenure::search::WordNet;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

// 1,000 pages in 20 folders, 6 sections each, words drawn from a Zipf-like vocabulary.
std::vector<SourceFile> Generated(std::vector<std::string>* questions) {
  std::mt19937 rng(42);
  std::vector<std::string> vocab;
  const char* syllables[] = {"ka", "lo", "mi", "ren", "tor", "sa",  "vel", "qui", "dan",
                             "po", "ne", "zu", "bar", "fi",  "gol", "he",  "jin", "wex"};
  for (int i = 0; i < 3000; ++i) {
    std::string w;
    for (int s = 0; s < 2 + i % 3; ++s) w += syllables[(i * 7 + s * 13 + i / 18) % 18];
    vocab.push_back(w + std::to_string(i % 97));
  }
  std::vector<double> weights;
  for (size_t i = 0; i < vocab.size(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  auto sentence = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? " " : "") + vocab[pick(rng)];
    return s + ".";
  };
  std::vector<SourceFile> files;
  for (int p = 0; p < 1000; ++p) {
    std::string md = "# " + sentence(4) + "\n\n" + sentence(20) + "\n\n";
    for (int s = 0; s < 6; ++s) {
      md += "## " + sentence(3) + "\n\n";
      for (int para = 0; para < 3; ++para) md += sentence(25) + " " + sentence(15) + "\n\n";
      md += "- " + sentence(8) + "\n- " + sentence(8) + "\n\n";
    }
    files.push_back({"folder" + std::to_string(p % 20) + "/page" + std::to_string(p) + ".md", md});
    if (p % 5 == 0) questions->push_back("how do I " + sentence(5));
  }
  return files;
}

const std::vector<std::string> kOurQuestions = {
    "How do I cancel my subscription?",
    "Can I get my money back?",
    "How much is an extra instance when 15 days are left?",
    "How long is the grace period?",
    "How do I turn on two-factor authentication?",
    "What happens when my license expires?",
    "How do I link my Discord account?",
    "Where do I download the program?",
    "How do I back up the SQLite database?",
    "Which environment variable sets the database?",
    "If I renew early, do I lose the days I have left?",
    "Is there a student discount?",
    "What does Deactivate license do?",
    "How do I contact support?",
    "Are Stripe webhooks verified?",
    "My license ends on January 31, when does it end?",
};

void Run(const char* name, const std::vector<SourceFile>& files,
         const std::vector<std::string>& questions, int rounds,
         const std::shared_ptr<const WordNet>& wordnet) {
  std::vector<double> builds;
  std::shared_ptr<const Library> lib;
  for (int r = 0; r < std::max(3, rounds / 100); ++r) {
    auto copy = files;
    const auto t0 = Clock::now();
    lib = Library::Build(std::move(copy), {.wordnet = wordnet});
    builds.push_back(Ms(Clock::now() - t0));
  }
  std::vector<double> asks;
  size_t answered = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const auto& q : questions) {
      const auto t0 = Clock::now();
      const auto a = lib->Ask(q);
      asks.push_back(Ms(Clock::now() - t0));
      answered += a.status == tenure::search::AnswerStatus::kAnswered;
    }
  }
  std::printf(
      "%-16s pages %5zu  build median %8.1f ms (min %.1f, %zu builds)  ask p50 %.3f ms  p99 "
      "%.3f ms  max %.3f ms  (%zu asks, %.0f%% answered)\n",
      name, lib->Pages().size(), Percentile(builds, 0.5),
      *std::min_element(builds.begin(), builds.end()), builds.size(), Percentile(asks, 0.5),
      Percentile(asks, 0.99), *std::max_element(asks.begin(), asks.end()), asks.size(),
      100.0 * static_cast<double>(answered) / static_cast<double>(asks.size()));
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 300;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::atoi(argv[i + 1]));
  // As the server runs: with Debian's WordNet, read once (help_center.cpp).
  const auto t0 = Clock::now();
  auto loaded = WordNet::Load(tenure::search::kDebianWordNetDir);
  std::shared_ptr<const WordNet> wordnet;
  if (loaded) {
    wordnet = std::make_shared<const WordNet>(std::move(*loaded));
    std::printf("WordNet: %zu lemmas, read in %.1f ms\n", wordnet->LemmaCount(),
                Ms(Clock::now() - t0));
  } else {
    std::printf("no WordNet (%s): measuring without it\n", loaded.error().c_str());
  }
  Run("our docs", tenure::search::ReadDocsFolder(TENURE_SOURCE_DIR "/docs"), kOurQuestions, rounds,
      wordnet);
  std::vector<std::string> generated_questions;
  const auto generated = Generated(&generated_questions);
  Run("1,000 generated", generated, generated_questions, std::max(1, rounds / 10), wordnet);
  return 0;
}

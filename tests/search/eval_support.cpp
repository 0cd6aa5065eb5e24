#include "eval_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "search/plain_bm25.hpp"
#include "search/wordnet.hpp"

namespace tenure::search {

Audience AskedBy(const EvalCase& c) {
  return c.page.starts_with(std::string(kOperatorsFolder) + "/") ? Audience::kEveryone
                                                                 : Audience::kCustomers;
}

Ranking OurRanking(const Library& lib) {
  return [&lib](std::string_view q, size_t limit, Audience audience) {
    return lib.Search(q, limit, audience);
  };
}

Ranking PlainBm25Ranking(const Library& lib) {
  auto index = std::make_shared<const PlainBm25>(lib.Pages());
  return [index, &lib](std::string_view q, size_t limit, Audience audience) {
    // The same pages as ours: a customer's search leaves the operators' pages out.
    std::vector<const Page*> out;
    for (const Page* p : index->Search(q, lib.Pages().size())) {
      if (out.size() >= limit) break;
      if (audience == Audience::kCustomers && p->for_operators) continue;
      out.push_back(p);
    }
    return out;
  };
}

EvalScore Evaluate(const Library& lib, const std::vector<EvalCase>& cases, const Ranking& rank,
                   std::string_view name, bool print_misses, bool by_section) {
  size_t hit1 = 0, hit3 = 0;
  for (const EvalCase& c : cases) {
    EXPECT_NE(lib.Find(c.page), nullptr) << name << ": no page " << c.page;
    const auto found = rank(c.question, 3, by_section ? AskedBy(c) : Audience::kEveryone);
    const auto at =
        std::find_if(found.begin(), found.end(), [&](const Page* p) { return p->slug == c.page; });
    if (at == found.begin() && at != found.end()) ++hit1;
    if (at != found.end()) ++hit3;
    if (print_misses && (at == found.end() || at != found.begin())) {
      std::string got;
      for (const Page* p : found) got += " " + p->slug;
      std::printf("  miss%s [%.*s] %s -> want %s, got%s\n", at == found.end() ? "  " : "@3",
                  static_cast<int>(name.size()), name.data(), c.question.c_str(), c.page.c_str(),
                  got.c_str());
    }
  }
  const double n = static_cast<double>(std::max<size_t>(cases.size(), 1));
  const EvalScore s{static_cast<double>(hit1) / n, static_cast<double>(hit3) / n};
  std::printf("%.*s: %zu questions, top-1 %.3f, top-3 %.3f\n", static_cast<int>(name.size()),
              name.data(), cases.size(), s.top1, s.top3);
  return s;
}

std::shared_ptr<const WordNet> EvalWordNet() {
  // Read once for every evaluation of the run: the product reads it once per process too.
  static const std::shared_ptr<const WordNet> wordnet = [] {
    auto loaded = WordNet::Load(kDebianWordNetDir);
    return loaded ? std::make_shared<const WordNet>(std::move(*loaded)) : nullptr;
  }();
  return wordnet;
}

std::shared_ptr<const Library> LoadDocs(const std::filesystem::path& dir) {
  const auto wordnet = EvalWordNet();
  EXPECT_NE(wordnet, nullptr) << kDebianWordNetDir
                              << " is missing: install wordnet-base (scripts/install-deps does)";
  return Library::Build(ReadDocsFolder(dir),
                        {.public_url = "https://help.example", .wordnet = wordnet});
}

std::vector<EvalCase> ReadQuestions(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  std::vector<EvalCase> out;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line.front() == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size() ||
        line.find('\t', tab + 1) != std::string::npos)
      throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                               ": not `question<TAB>slug`");
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

}  // namespace tenure::search

// WordNet (wordnet.hpp): reading Princeton's database files, the dictionary forms of a word and
// its synonyms; and the question expansion built on it (query.cpp, issue 14 item 12): a word
// the docs never use is searched with the synonyms of its most frequent sense.
#include "search/wordnet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/library.hpp"
#include "support/temp_dir.hpp"

namespace tenure::search {
namespace {

using Words = std::vector<std::string>;

// A small database in wndb(5WN)'s format. Each data line starts at its synset's byte offset,
// which the index lines name, so the offsets are computed as the file is written.
class TinyWordNet {
 public:
  // A synset of `part` ("noun", "verb", "adj", "adv") holding `words`, as WordNet spells them.
  // Returns its offset.
  uint32_t Synset(const std::string& part, const Words& words) {
    std::string& data = data_[part];
    if (data.empty()) data = "  1 This software and database is being provided to you\n";
    const auto offset = static_cast<uint32_t>(data.size());
    char head[32];
    std::snprintf(head, sizeof head, "%08u 00 %c %02zx ", offset, part[0], words.size());
    std::string line = head;
    for (const auto& w : words) line += w + " 0 ";
    line += "000 | a gloss; \"an example\"  \n";
    data += line;
    return offset;
  }
  // An index line: `lemma`'s senses in `part`, most frequent first.
  void Index(const std::string& part, const std::string& lemma,
             const std::vector<uint32_t>& offsets) {
    std::string line = lemma + " " + part[0] + " " + std::to_string(offsets.size()) + " 1 @ " +
                       std::to_string(offsets.size()) + " 0";
    for (uint32_t o : offsets) {
      char buf[16];
      std::snprintf(buf, sizeof buf, " %08u", o);
      line += buf;
    }
    index_[part] += line + "  \n";
  }
  void Exception(const std::string& part, const std::string& line) {
    exceptions_[part] += line + "\n";
  }
  void WriteTo(const std::filesystem::path& dir) const {
    for (const char* part : {"noun", "verb", "adj", "adv"}) {
      auto text = [](const std::map<std::string, std::string>& m, const std::string& key) {
        const auto it = m.find(key);
        return it == m.end() ? std::string() : it->second;
      };
      // Index lines are sorted, after the license header.
      std::ofstream(dir / (std::string("index.") + part))
          << "  1 This software and database is being provided to you\n"
          << text(index_, part);
      std::ofstream(dir / (std::string("data.") + part)) << text(data_, part);
      std::ofstream(dir / (std::string(part) + ".exc")) << text(exceptions_, part);
    }
  }

 private:
  std::map<std::string, std::string> data_, index_, exceptions_;
};

// cancel (v): 1. call off, scrub, cancel  2. cancel, offset; cancel (n): 1. cancellation
// server (n): 1. server, waiter; serve (v) only as a verb; pay (v), paid (adj); retry (v);
// connection (n); immediately (adv): 1. immediately, instantly, straightaway, right away;
// hundred (n): 1. hundred, 100, c.
TinyWordNet Fixture() {
  TinyWordNet wn;
  const uint32_t call_off = wn.Synset("verb", {"call_off", "scrub", "cancel"});
  const uint32_t offset = wn.Synset("verb", {"cancel", "offset"});
  const uint32_t cancellation = wn.Synset("noun", {"cancellation", "cancel"});
  const uint32_t waiter = wn.Synset("noun", {"server", "waiter"});
  const uint32_t serve = wn.Synset("verb", {"serve"});
  const uint32_t pay = wn.Synset("verb", {"pay"});
  const uint32_t paid = wn.Synset("adj", {"paid(a)", "salaried"});
  const uint32_t retry = wn.Synset("verb", {"retry", "rehear"});
  const uint32_t connection = wn.Synset("noun", {"connection", "connexion"});
  const uint32_t now = wn.Synset("adv", {"immediately", "instantly", "straightaway", "right_away"});
  const uint32_t hundred = wn.Synset("noun", {"hundred", "100", "C"});
  wn.Index("noun", "100", {hundred});
  wn.Index("noun", "c", {hundred});
  wn.Index("noun", "cancel", {cancellation});
  wn.Index("noun", "cancellation", {cancellation});
  wn.Index("noun", "connection", {connection});
  wn.Index("noun", "connexion", {connection});
  wn.Index("noun", "hundred", {hundred});
  wn.Index("noun", "server", {waiter});
  wn.Index("noun", "waiter", {waiter});
  wn.Index("verb", "call_off", {call_off});
  wn.Index("verb", "cancel", {call_off, offset});
  wn.Index("verb", "offset", {offset});
  wn.Index("verb", "pay", {pay});
  wn.Index("verb", "rehear", {retry});
  wn.Index("verb", "retry", {retry});
  wn.Index("verb", "scrub", {call_off});
  wn.Index("verb", "serve", {serve});
  wn.Index("adj", "paid", {paid});
  wn.Index("adj", "salaried", {paid});
  wn.Index("adv", "immediately", {now});
  wn.Index("adv", "instantly", {now});
  wn.Index("adv", "right_away", {now});
  wn.Index("adv", "straightaway", {now});
  wn.Exception("verb", "paid pay");
  return wn;
}

std::shared_ptr<const WordNet> LoadFixture(const testing::TempDir& dir) {
  Fixture().WriteTo(dir.path());
  auto wn = WordNet::Load(dir.path());
  if (!wn) ADD_FAILURE() << wn.error();
  return wn ? std::make_shared<const WordNet>(std::move(*wn)) : nullptr;
}

TEST(WordNetTest, SynonymsComeFromTheMostFrequentSensesFirst) {
  testing::TempDir dir;
  const auto wn = LoadFixture(dir);
  ASSERT_NE(wn, nullptr);
  // The first sense of each part of speech; a collocation's words separated by spaces.
  EXPECT_EQ(wn->Synonyms("cancel", 1), (Words{"cancellation", "call off", "scrub"}));
  EXPECT_EQ(wn->Synonyms("cancel", 2), (Words{"cancellation", "call off", "scrub", "offset"}));
  EXPECT_EQ(wn->Synonyms("immediately", 1), (Words{"instantly", "straightaway", "right away"}));
  // Lowercase, the adjective marker dropped.
  EXPECT_EQ(wn->Synonyms("hundred", 1), (Words{"100", "c"}));
  EXPECT_EQ(wn->Synonyms("salaried", 1), (Words{"paid"}));
  EXPECT_TRUE(wn->Synonyms("unknown", 1).empty());
  EXPECT_EQ(wn->LemmaCount(), 22u);
}

TEST(WordNetTest, LemmasFollowMorphy) {
  testing::TempDir dir;
  const auto wn = LoadFixture(dir);
  ASSERT_NE(wn, nullptr);
  EXPECT_EQ(wn->Lemmas("paid"), (Words{"pay", "paid"}));  // irregular first, then the word
  EXPECT_EQ(wn->Lemmas("connections"), (Words{"connection"}));
  EXPECT_EQ(wn->Lemmas("retries"), (Words{"retry"}));
  EXPECT_EQ(wn->Lemmas("cancelling"), Words{});  // "cancell" is no lemma
  // "server" minus "er" plus "e" is an adjective's rule: "serve" is a verb only.
  EXPECT_EQ(wn->Lemmas("server"), (Words{"server"}));
  EXPECT_EQ(wn->Lemmas("servers"), (Words{"server"}));
  EXPECT_TRUE(wn->Lemmas("xyzzy").empty());
}

TEST(WordNetTest, AMissingFileIsNamed) {
  testing::TempDir dir;
  Fixture().WriteTo(dir.path());
  std::filesystem::remove(dir.File("data.verb"));
  const auto wn = WordNet::Load(dir.path());
  ASSERT_FALSE(wn.has_value());
  EXPECT_NE(wn.error().find("data.verb"), std::string::npos) << wn.error();
}

// Debian's own database (wordnet-base, scripts/install-deps), as the product reads it.
TEST(WordNetTest, ReadsDebiansWordNet) {
  const auto wn = WordNet::Load(kDebianWordNetDir);
  ASSERT_TRUE(wn.has_value()) << wn.error() << ": install wordnet-base (scripts/install-deps)";
  EXPECT_GT(wn->LemmaCount(), 140000u);
  EXPECT_EQ(wn->Lemmas("children"), (Words{"child"}));
  const Words now = wn->Synonyms("immediately", 1);
  EXPECT_NE(std::find(now.begin(), now.end(), "instantly"), now.end());
}

std::vector<std::string> SortedSlugs(const std::vector<const Page*>& pages) {
  std::vector<std::string> out;
  for (const Page* p : pages) out.push_back(p->slug);
  std::sort(out.begin(), out.end());
  return out;
}

// A word the docs never use is searched with its first sense's synonyms that they do; a word
// they use is searched as it is, whatever WordNet says of it.
TEST(WordNetTest, QuestionsAreExpandedOnlyWhereTheDocsLackTheWord) {
  testing::TempDir dir;
  const auto wn = LoadFixture(dir);
  ASSERT_NE(wn, nullptr);
  const std::vector<SourceFile> files = {
      {"stop.md", "# Stopping\n\nTo end an order right away, choose Stop.\n"},
      {"speed.md", "# Speed\n\nChanges apply instantly.\n"},
      {"refunds.md", "# Refunds\n\nA cancel button is on the order page.\n"},
      {"offsets.md", "# Offsets\n\nAn offset moves the order date.\n"},
      {"calls.md", "# Calls\n\nA call goes to support.\n"},
      {"limits.md", "# Limits\n\nAt most 100 connections per address.\n"},
      {"letters.md", "# Letters\n\nPlan c is the backup.\n"},
  };
  const auto with = Library::Build(files, {.wordnet = wn});
  const auto without = Library::Build(files, {});
  // "immediately" is in no page: its sense's "instantly" and "right away" (a phrase) are.
  EXPECT_EQ(SortedSlugs(with->Search("immediately", 5)), (Words{"speed", "stop"}));
  EXPECT_EQ(SortedSlugs(without->Search("immediately", 5)), Words{});
  // "instantly" is in the docs: it finds its own page only, not "right away".
  EXPECT_EQ(SortedSlugs(with->Search("instantly", 5)), Words{"speed"});
  // "scrub" is not: its sense's "cancel" is. "call off" would be "call" without its stopword,
  // another phrase: left out. "hundred" is "100", but not "c" (a symbol, too short to trust).
  EXPECT_EQ(SortedSlugs(with->Search("scrub", 5)), Words{"refunds"});
  EXPECT_EQ(SortedSlugs(with->Search("hundreds", 5)), Words{"limits"});
  // Irregular forms find their base even where the docs use the word: "paid" finds "pay".
  const std::vector<SourceFile> pay = {{"pay.md", "# Paying\n\nYou pay monthly.\n"}};
  EXPECT_EQ(SortedSlugs(Library::Build(pay, {.wordnet = wn})->Search("I paid", 1)), Words{"pay"});
  EXPECT_EQ(SortedSlugs(Library::Build(pay, {})->Search("I paid", 1)), Words{});
}

}  // namespace
}  // namespace tenure::search

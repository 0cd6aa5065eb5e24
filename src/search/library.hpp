#pragma once
// One immutable snapshot of a docs folder: its pages (Markdown and HTML), their order and
// sections, the search index, and the answers built from it. Built off to the side and
// swapped in whole (help_center.hpp), so a request always sees one consistent folder.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::search {

// A Markdown file of the folder: `path` is relative, '/'-separated, ending in ".md".
struct SourceFile {
  std::string path;
  std::string text;
};

class WordNet;  // wordnet.hpp

struct LibraryOptions {
  std::string public_url = "http://127.0.0.1:8080";  // agents get absolute links
  std::string url_prefix = "/help/";
  std::string site_title;  // empty: the top index.md's title, or "Help center"
  // English synonyms for the questions' words the docs do not use; null: none.
  std::shared_ptr<const WordNet> wordnet;
};

struct TocEntry {
  std::string text;
  std::string anchor;
};

// The folder of the pages for sellers and operators (issue 14 item 11): its own section of
// the help center, searched from its own pages; customers' searches leave it out.
inline constexpr char kOperatorsFolder[] = "operators";

// Whose questions a search answers: a customer's (the pages outside operators/), or anyone's.
enum class Audience { kEveryone, kCustomers };

struct Page {
  std::string slug;            // "billing/refunds"; a folder's index.md is "billing/index"
  std::string section;         // its folder: "billing"; "" at the top
  bool for_operators = false;  // under operators/
  std::string title;           // the first `# ` heading, else the file name
  std::string summary;         // the first sentence
  std::string markdown;
  std::string html;
  std::vector<TocEntry> toc;  // the `## ` headings
};

struct Section {
  std::string slug;  // the folder, "" at the top
  std::string title;
  std::vector<size_t> pages;  // indexes into Library::Pages(), in reading order
};

struct Link {
  std::string title;
  std::string url;
  std::string slug;
};

struct Excerpt {
  std::string title;    // the page's title
  std::string heading;  // the heading the text sits under
  std::string url;      // the page's .md address
  std::string anchor;
  std::string text;  // Markdown from the page, verbatim
  std::string slug;
};

enum class AnswerStatus { kAnswered, kNoAnswer, kEmpty, kTooLong };

struct Answer {
  AnswerStatus status = AnswerStatus::kEmpty;
  std::string question;     // trimmed, on one line
  std::string answer;       // Markdown: the passage that answers, taken from the docs verbatim
  std::string answer_slug;  // the page the answer comes from
  std::vector<Excerpt> excerpts;
  std::vector<Link> sources;  // .md addresses, most relevant first
  double confidence = 0;      // share of the question's weight the best section covers
};

inline constexpr size_t kMaxQuestionChars = 500;
inline constexpr size_t kPagesPerPart = 100;  // /llms-full.txt holds this many pages a part

class Library {
 public:
  static std::shared_ptr<const Library> Build(std::vector<SourceFile> files,
                                              const LibraryOptions& options);
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  const std::vector<Page>& Pages() const;  // reading order
  const std::vector<Section>& Sections() const;
  const std::string& SiteTitle() const;
  const Page* Find(std::string_view slug) const;
  const Page* Previous(const Page& page) const;
  const Page* Next(const Page& page) const;
  const Section* SectionOf(const Page& page) const;

  std::string HtmlUrl(const Page& page) const;       // "/help/billing/refunds"
  std::string MarkdownUrl(const Page& page) const;   // "<public_url>/help/billing/refunds.md"
  std::string MarkdownPath(const Page& page) const;  // "/help/billing/refunds.md"
  std::string SlugUrl(std::string_view slug) const;  // HtmlUrl for a page that may not exist

  // The most relevant pages for a search, best first.
  std::vector<const Page*> Search(std::string_view query, size_t limit,
                                  Audience audience = Audience::kEveryone) const;
  // Pages like a missing address ("/help/billing/refund" -> Refunds, ...).
  std::vector<const Page*> Suggest(std::string_view missing_slug, size_t limit = 5) const;
  Answer Ask(std::string_view question, Audience audience = Audience::kEveryone) const;

  std::string LlmsTxt() const;
  size_t LlmsFullParts() const;  // at least 1
  std::string LlmsFull(size_t part) const;
  // The Markdown answer to a missing .md address: not found, and the closest pages.
  std::string MissingMarkdown(std::string_view slug) const;
  // HTML for a Markdown excerpt of `page` (its relative links resolved against the page).
  std::string ExcerptHtml(std::string_view markdown, std::string_view page_slug) const;

  // Time spent building, and files skipped (too big, unreadable), for the log.
  double BuildMilliseconds() const;

 private:
  Library();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The Ask formats: Markdown (`# question`, answer, excerpts, `# Sources:`) and JSON
// ({"question","answer","excerpts":[{"title","url","text"}],"sources":[{"title","url"}]}).
std::string AnswerMarkdown(const Answer& answer);
std::string AnswerJson(const Answer& answer);
// What to tell a person when there is no answer to quote (empty, too long, not in the docs).
std::string AnswerMessage(const Answer& answer);

// Every *.md under `dir` (hidden files and folders skipped; files over 4 MiB skipped with a
// warning), sorted by path.
std::vector<SourceFile> ReadDocsFolder(const std::filesystem::path& dir,
                                       std::vector<std::string>* warnings = nullptr);
// Changes whenever a Markdown file under `dir` is added, removed, resized or touched.
std::string FolderFingerprint(const std::filesystem::path& dir);

}  // namespace tenure::search

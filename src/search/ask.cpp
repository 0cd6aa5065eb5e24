// Library::Ask (issue 5: Ask): picks the passage of the docs that answers a question, the
// excerpts around it and the pages it comes from. The answer is always quoted from the docs,
// never written; when the best section holds too little of the question, we say so. The
// numbers that decide are in weights.hpp; the answer's formats are in answer.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "search/library.hpp"
#include "search/library_impl.hpp"
#include "search/ranking.hpp"
#include "search/text.hpp"
#include "search/weights.hpp"

namespace tenure::search {
namespace {

// The idf of the question's concepts that occur in `sequence`.
double IdfIn(const std::vector<Concept>& concepts, const std::vector<uint32_t>& sequence) {
  double idf = 0;
  for (const auto& c : concepts)
    if (ConceptInSequence(c, sequence)) idf += c.idf;
  return idf;
}

// The answer: passages [passage, passage_end) of the section at `rank`: one passage, or all
// the items of a list of steps.
struct PassagePick {
  size_t rank = 0;  // into the ranked sections
  size_t passage = 0;
  size_t passage_end = 0;
  double score = -1;                 // below 0: no passage found
  const ListBlock* steps = nullptr;  // the list, when the answer is one
  bool Found() const { return score >= 0; }
};

// The direct answer: the passage of the best sections that holds most of the question.
PassagePick PickAnswer(const SearchIndex& index, const std::vector<Concept>& concepts,
                       const std::vector<RankedSection>& sections) {
  const Weights& w = kWeights;
  double total_idf = 0;
  for (const auto& c : concepts) total_idf += c.idf;
  const double top = sections.front().score;
  PassagePick best;
  const size_t candidates = std::min<size_t>(sections.size(), w.answer_sections);
  for (size_t r = 0; r < candidates; ++r) {
    const IndexedSection& s = index.Sections()[sections[r].section];
    // Another section's passage only when that section scored close to the best one.
    if (sections[r].score < w.answer_section_share * top) break;
    double heading_idf = 0;
    for (const auto& c : concepts)
      if (ConceptInSet(c, s.heading_terms)) heading_idf += c.idf;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      const double own = IdfIn(concepts, s.passage_terms[i]);
      double score = own + w.passage_heading_share * heading_idf +
                     w.passage_section_share * total_idf * (sections[r].score / top);
      const size_t len = s.passages[i].text.size();
      if (len < w.short_passage_chars) score *= w.short_passage_factor;
      if (len > w.long_passage_chars) score *= w.long_passage_factor;
      if (s.passages[i].kind == PassageKind::kCode) score *= w.code_passage_factor;
      score -= w.passage_order_penalty * static_cast<double>(i);
      if (score > best.score)
        best = {.rank = r, .passage = i, .passage_end = i + 1, .score = score};
    }
  }
  return best;
}

// How much of the question `terms` hold, counting the concepts of their section's headings
// at passage_heading_share (a list under "## How to cancel" is about cancelling).
double Relevance(const std::vector<Concept>& concepts, const std::vector<uint32_t>& terms,
                 const IndexedSection& s) {
  double own = 0, heading = 0;
  for (const auto& c : concepts) {
    if (ConceptInSequence(c, terms)) own += c.idf;
    if (ConceptInSet(c, s.heading_terms)) heading += c.idf;
  }
  return own > 0 ? own + kWeights.passage_heading_share * heading : 0;
}

// A how-to question is answered with the steps, not the paragraph near them: the ordered list
// under the picked passage's heading (in its section or a subsection), or in a section of the
// page that scored close to it, that holds most of the question, when it holds at least
// steps_share of what the picked passage holds. The pick stays when no list qualifies.
PassagePick PreferSteps(const SearchIndex& index, const std::vector<Concept>& concepts,
                        const std::vector<RankedSection>& sections, const PassagePick& pick) {
  const size_t picked_section = sections[pick.rank].section;
  const IndexedSection& picked = index.Sections()[picked_section];
  const double near = kWeights.steps_section_share * sections[pick.rank].score;
  double best_score =
      kWeights.steps_share * Relevance(concepts, picked.passage_terms[pick.passage], picked);
  PassagePick best = pick;
  for (size_t r = 0; r < sections.size(); ++r) {
    const IndexedSection& s = index.Sections()[sections[r].section];
    if (s.page != picked.page ||
        (sections[r].score < near && !index.Within(sections[r].section, picked_section)))
      continue;
    for (const ListBlock& list : s.lists) {
      if (!list.ordered || list.end_passage - list.first_passage < 2) continue;
      std::vector<uint32_t> terms;
      for (size_t i = list.first_passage; i < list.end_passage; ++i)
        terms.insert(terms.end(), s.passage_terms[i].begin(), s.passage_terms[i].end());
      const double score = Relevance(concepts, terms, s);
      if (score > 0 && score >= best_score) {
        best_score = score;
        best = {.rank = r,
                .passage = list.first_passage,
                .passage_end = list.end_passage,
                .score = score,
                .steps = &list};
      }
    }
  }
  return best;
}

// Quotes passages [from, to) of a section, links made absolute.
Excerpt Quote(const LibraryContents& im, const IndexedSection& s, size_t from, size_t to) {
  const Page& p = im.pages[s.page];
  std::string text;
  for (size_t i = from; i < to && i < s.passages.size(); ++i) {
    if (!text.empty()) text += "\n\n";
    text += im.urls.AbsoluteLinks(s.passages[i].markdown, p.slug);
  }
  return Excerpt{.title = p.title,
                 .heading = s.heading,
                 .url = im.urls.Markdown(p.slug),
                 .anchor = s.anchor,
                 .text = std::move(text),
                 .slug = p.slug};
}

// Excerpts: what surrounds the answer, so it reads in context (the answer itself is above
// them), then the best passage of each next section that scored near the best.
std::vector<Excerpt> Excerpts(const LibraryContents& im, const std::vector<Concept>& concepts,
                              const std::vector<RankedSection>& sections,
                              const PassagePick& answer) {
  const Weights& w = kWeights;
  const std::vector<IndexedSection>& indexed = im.index.Sections();
  std::vector<Excerpt> out;
  if (answer.Found()) {
    const IndexedSection& s = indexed[sections[answer.rank].section];
    Excerpt around = Quote(im, s, answer.passage_end, answer.passage_end + 1);
    if (answer.passage > 0) {
      Excerpt before = Quote(im, s, answer.passage - 1, answer.passage);
      around.text = around.text.empty() ? before.text : before.text + "\n\n" + around.text;
    }
    if (!around.text.empty()) out.push_back(std::move(around));
  }
  const double top = sections.front().score;
  for (size_t r = 0; r < sections.size() && out.size() < w.max_excerpts; ++r) {
    if (r == answer.rank && answer.Found()) continue;
    if (sections[r].score < w.excerpt_section_share * top) break;
    const IndexedSection& s = indexed[sections[r].section];
    size_t pick = 0;
    double pick_score = -1;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      const double own = IdfIn(concepts, s.passage_terms[i]);
      if (own > pick_score) {
        pick = i;
        pick_score = own;
      }
    }
    if (pick_score <= 0) continue;
    out.push_back(Quote(im, s, pick, pick + 1));
  }
  if (out.empty() && answer.Found()) {  // nothing else relevant: the answer's own
    const IndexedSection& s = indexed[sections[answer.rank].section];
    out.push_back(Quote(im, s, answer.passage, answer.passage_end));
  }
  return out;
}

Link SourceOf(const LibraryContents& im, const Page& p) {
  return {p.title, im.urls.Markdown(p.slug), p.slug};
}

}  // namespace

Answer Library::Ask(std::string_view raw_question, Audience audience) const {
  const Impl& im = *impl_;
  const Weights& w = kWeights;
  Answer answer;
  answer.question = CollapseSpaces(raw_question);
  if (Utf8Length(answer.question) > kMaxQuestionChars) {
    answer.status = AnswerStatus::kTooLong;
    return answer;
  }
  const auto concepts = Concepts(im.index, answer.question);
  if (answer.question.empty() || concepts.empty()) {
    answer.status = AnswerStatus::kEmpty;
    return answer;
  }
  const auto sections = RankSections(im.index, concepts, audience);
  const auto pages = RankPages(im.index, sections);

  answer.confidence = sections.empty() ? 0 : sections.front().coverage;
  if (sections.empty() || answer.confidence < w.min_confidence) {
    answer.status = AnswerStatus::kNoAnswer;
    for (size_t i = 0; i < pages.size() && answer.sources.size() < w.max_sources; ++i)
      answer.sources.push_back(SourceOf(im, im.pages[pages[i].page]));
    return answer;
  }
  answer.status = AnswerStatus::kAnswered;

  PassagePick pick = PickAnswer(im.index, concepts, sections);
  if (pick.Found() && AsksHowTo(answer.question))
    pick = PreferSteps(im.index, concepts, sections, pick);
  const IndexedSection& answer_section = im.index.Sections()[sections[pick.rank].section];
  const Page& answer_page = im.pages[answer_section.page];
  answer.answer_slug = answer_page.slug;
  if (!pick.Found()) {
    answer.answer = answer_page.summary;
  } else {
    const std::string& quoted = pick.steps != nullptr
                                    ? pick.steps->markdown
                                    : answer_section.passages[pick.passage].markdown;
    answer.answer = im.urls.AbsoluteLinks(quoted, answer_page.slug);
  }
  answer.excerpts = Excerpts(im, concepts, sections, pick);

  // Sources: the answer's page first, then the pages that scored near the best.
  answer.sources.push_back(SourceOf(im, answer_page));
  for (const RankedPage& p : pages) {
    if (answer.sources.size() >= w.max_sources) break;
    if (&im.pages[p.page] == &answer_page) continue;
    if (p.score < w.source_page_share * pages.front().score) break;
    answer.sources.push_back(SourceOf(im, im.pages[p.page]));
  }
  return answer;
}

}  // namespace tenure::search

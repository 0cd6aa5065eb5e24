#pragma once
// Every tunable number of the help center's search, in one place: how much titles and headings
// count in the index, how results are reranked, and how the answer, its excerpts and its
// sources are picked. Tuned on tests/search/eval_test.cpp (our docs, pino's docs, and questions
// the docs do not answer): change a value here, run search_test, and compare its figures.
#include <cstddef>
#include <cstdint>

namespace tenure::search {

struct Weights {
  // --- Indexing (search_index.cpp) ----------------------------------------------------------
  // A word of the page title or of the section's heading counts as this many body words in
  // BM25's term frequency: a section titled "Refunds" is about refunds even when its text says
  // "money back" once.
  uint32_t title_term_weight = 3;
  uint32_t heading_term_weight = 3;
  // The headings above the section's own say less about it than its own heading.
  uint32_t parent_heading_term_weight = 1;
  // The page-level document (one per page, ranking.cpp combines its score with the best
  // section's): the title says most what the page is about, the summary (its first sentence)
  // next, its headings next, like a section's. Set by that order, not measured: 1 to 5 for
  // each moved no tuning question (BM25 saturates: those words fill the page's text too).
  uint32_t page_title_term_weight = 3;
  uint32_t page_summary_term_weight = 2;
  uint32_t page_heading_term_weight = 2;
  // Positions skipped between the title, headings and body, so that a phrase never matches
  // across two of them ("refund" ending the title, "policy" starting the body).
  uint32_t field_gap = 100;

  // --- Ranking (ranking.cpp) ----------------------------------------------------------------
  // Sections Xapian returns by BM25 before we rerank them: enough that a section holding all
  // of the question, ranked low because it repeats no word often, is still among them.
  uint32_t candidates = 40;
  // A candidate's BM25 score is multiplied by
  //   rerank_base + coverage + rerank_title x title_share,
  // where coverage is the share of the question's weight (idf) the section holds and
  // title_share the share its page's title holds. A section that holds more of the question
  // beats one that repeats one of its words often; a page whose title names the question's
  // subject is the page about it. rerank_base keeps BM25's order among sections that cover
  // the same share.
  double rerank_base = 0.25;
  double rerank_title = 1.5;
  // Pages Xapian returns by BM25 over whole pages, reranked the same way by the share of the
  // question the page holds anywhere (and in its title). Each section's score is then
  // multiplied by 1 + page_share x its page's score / the best page's: a page whose sections
  // hold the question between them tips a near-tie towards its sections, while the section
  // that answers still counts most (page-level BM25 favours long reference pages that repeat
  // a word). Measured on the tuning sets: adding, combining by min-max normalised sum, or by
  // reciprocal rank cost top-1 there from a share of 0.4 up; this way did not from 0.25 to 1.
  uint32_t page_candidates = 20;
  double page_share = 0.5;

  // --- Question expansion (query.cpp) ------------------------------------------------------
  // A question's word that the docs never use matches nothing; WordNet (wordnet.hpp) adds the
  // words that share its first this-many senses in each part of speech. The first sense is a
  // word's most frequent, the rest are where WordNet turns odd ("server" is a waiter, "cancel"
  // a musical natural). The tuning sets measured the same for 1 and 2. Expanding the words the
  // docs do use too moved nine tuning questions, three up, three down: dropped.
  uint32_t wordnet_senses = 1;

  // --- Answering (ask.cpp) ------------------------------------------------------------------
  // Below this coverage in the best section we say the docs don't answer, rather than quote
  // something unrelated (the unanswerable questions of eval_test.cpp score under it).
  double min_confidence = 0.45;
  // The answer's passage comes from the best few sections, and from a section other than the
  // best only when it scored at least this share of the best one.
  size_t answer_sections = 3;
  double answer_section_share = 0.8;
  // A passage scores the idf of the concepts it holds itself, plus these shares of the
  // concepts its section's headings hold (a passage under "## Refunds" answers a refund
  // question without repeating the word) and of the question's whole weight scaled by its
  // section's score relative to the best (a passage of the best section wins a tie).
  double passage_heading_share = 0.3;
  double passage_section_share = 0.6;
  // Passages shorter than this are labels or fragments that rarely answer alone.
  size_t short_passage_chars = 40;
  double short_passage_factor = 0.7;
  // Passages longer than this are walls of text; a focused passage reads better as an answer.
  size_t long_passage_chars = 700;
  double long_passage_factor = 0.85;
  // A code block shows how but does not say; prose that holds as much answers better.
  double code_passage_factor = 0.8;
  // Subtracted per passage position, so the earlier of two equal passages wins (pages lead
  // with the point).
  double passage_order_penalty = 0.01;
  // A how-to question is answered with an ordered list of the answer's page (ask.cpp) when
  // the list holds at least this share of what the picked passage holds (its own words, and
  // its section's headings at passage_heading_share): steps answer "how do I" better than a
  // paragraph that only mentions more of its words, unless the list is about something else.
  double steps_share = 0.5;
  // ... and when the list sits under the passage's heading, or in a section of the page that
  // scored at least this share of the passage's: a list under a heading the ranking put far
  // below is about another task (pino's Loki steps beside its Google Cloud levels section).
  double steps_section_share = 0.5;
  // Excerpts: up to this many, from sections that scored at least this share of the best.
  size_t max_excerpts = 3;
  double excerpt_section_share = 0.35;
  // Sources: up to this many pages, those after the answer's own only when they scored at
  // least this share of the best page.
  size_t max_sources = 5;
  double source_page_share = 0.3;
};

// The weights the help center runs with.
inline constexpr Weights kWeights{};

}  // namespace tenure::search

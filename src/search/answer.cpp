// The two formats of an answer (issue 5: Ask). Both say plainly what happened: answered, not
// in the docs, empty question, or too long.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "search/library.hpp"

namespace tenure::search {
namespace {

constexpr char kHowToAsk[] =
    "Add your question to the address of any help page's Markdown, for example "
    "`/help/index.md?ask=how do I cancel my subscription` (URL-encoded). The answer quotes the "
    "help pages and lists its sources. Send `Accept: application/json` for JSON.";

std::string TooLong() {
  return fmt::format(
      "Questions are limited to {} characters, and this one is longer. Please ask something "
      "shorter.",
      kMaxQuestionChars);
}

constexpr char kNoAnswerWithPages[] =
    "The help pages don't answer this question. The closest pages are listed below; if they "
    "don't help, please open a support ticket.";
// Only said when no page came close: the message never points at a list that is not there.
constexpr char kNoAnswerNoPages[] =
    "The help pages don't answer this question, and none comes close. Please open a support "
    "ticket: a person answers every one.";

const char* NoAnswer(const Answer& a) {
  return a.sources.empty() ? kNoAnswerNoPages : kNoAnswerWithPages;
}

}  // namespace

std::string AnswerMessage(const Answer& a) {
  switch (a.status) {
    case AnswerStatus::kEmpty: return kHowToAsk;
    case AnswerStatus::kTooLong: return TooLong();
    case AnswerStatus::kNoAnswer: return NoAnswer(a);
    case AnswerStatus::kAnswered: break;
  }
  return {};
}

std::string AnswerMarkdown(const Answer& a) {
  std::string out;
  switch (a.status) {
    case AnswerStatus::kEmpty: return std::string("# How to ask\n\n") + kHowToAsk + "\n";
    case AnswerStatus::kTooLong: return "# Question too long\n\n" + TooLong() + "\n";
    case AnswerStatus::kNoAnswer: out = "# " + a.question + "\n\n" + NoAnswer(a) + "\n"; break;
    case AnswerStatus::kAnswered:
      out = "# " + a.question + "\n\n" + a.answer + "\n";
      if (!a.excerpts.empty()) {
        out += "\n## Relevant excerpts\n";
        for (const Excerpt& e : a.excerpts) {
          std::string where =
              e.heading.empty() || e.heading == e.title ? e.title : e.title + " › " + e.heading;
          out += "\n### From [" + where + "](" + e.url + (e.anchor.empty() ? "" : "#" + e.anchor) +
                 ")\n\n" + e.text + "\n";
        }
      }
      break;
  }
  if (a.sources.empty()) return out;
  out += "\n# Sources:\n\n";
  for (const Link& s : a.sources) out += "- [" + s.title + "](" + s.url + ")\n";
  return out;
}

std::string AnswerJson(const Answer& a) {
  nlohmann::json j;
  j["question"] = a.question;
  switch (a.status) {
    case AnswerStatus::kAnswered: j["answer"] = a.answer; break;
    case AnswerStatus::kNoAnswer:
      j["answer"] = nullptr;
      j["message"] = NoAnswer(a);
      break;
    case AnswerStatus::kEmpty:
      j["answer"] = nullptr;
      j["message"] = kHowToAsk;
      break;
    case AnswerStatus::kTooLong:
      j["answer"] = nullptr;
      j["error"] = TooLong();
      break;
  }
  j["answered"] = a.status == AnswerStatus::kAnswered;
  j["excerpts"] = nlohmann::json::array();
  for (const Excerpt& e : a.excerpts)
    j["excerpts"].push_back({{"title", e.title},
                             {"heading", e.heading},
                             {"url", e.url},
                             {"anchor", e.anchor},
                             {"text", e.text}});
  j["sources"] = nlohmann::json::array();
  for (const Link& s : a.sources) j["sources"].push_back({{"title", s.title}, {"url", s.url}});
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tenure::search

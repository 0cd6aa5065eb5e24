// Library::Ask's passage picking (ask.cpp): a how-to question is answered with the steps under
// their heading, not the paragraph near them (issue 14 item 12), and any other question with
// the passage that holds it.
#include <gtest/gtest.h>

#include "search/library.hpp"
#include "search/query.hpp"

namespace tenure::search {
namespace {

const LibraryOptions kOptions{.public_url = "https://help.example/"};

// A page that opens with a paragraph naming every word of "how do I export a report", and puts
// the steps under their own heading; another page has steps about something else.
std::vector<SourceFile> ReportsSite() {
  return {
      {"reports.md",
       "# Reports\n\n"
       "You can export any report as a CSV file; an exported report holds every column shown.\n\n"
       "## Exporting\n\n"
       "Exports are kept for 30 days.\n\n"
       "1. Open **Reports** and pick one.\n"
       "2. Choose **Export**, then **CSV**.\n"
       "3. The download starts; a [copy](archive.md) stays in your archive.\n\n"
       "## Columns\n\n"
       "1. The date.\n2. The amount.\n"},
      {"archive.md",
       "# Archive\n\nOld files live in the archive.\n\n"
       "## Emptying the archive\n\n1. Open **Archive**.\n2. Choose **Empty**.\n"},
  };
}

TEST(AskTest, AsksHowToTellsStepsFromExplanations) {
  for (const char* q : {"How do I export a report?", "how can we add a seat", "How to reset it",
                        "I forgot my password, how do I reset it?",
                        "I want to unsubscribe, what are the steps?", "instructions for setup"})
    EXPECT_TRUE(AsksHowTo(q)) << q;
  for (const char* q : {"How does renewal work?", "how do refunds work", "How long is the grace?",
                        "How much is it?", "What is a report?", "how", ""})
    EXPECT_FALSE(AsksHowTo(q)) << q;
}

TEST(AskTest, HowToQuestionsAreAnsweredWithTheSteps) {
  const auto lib = Library::Build(ReportsSite(), kOptions);
  const Answer a = lib->Ask("How do I export a report?");
  ASSERT_EQ(a.status, AnswerStatus::kAnswered);
  EXPECT_EQ(a.answer_slug, "reports");
  // The whole list, verbatim, its links made absolute.
  EXPECT_EQ(a.answer,
            "1. Open **Reports** and pick one.\n"
            "2. Choose **Export**, then **CSV**.\n"
            "3. The download starts; a [copy](https://help.example/help/archive.md) stays in "
            "your archive.");
  // The excerpt around the answer is what surrounds the list, not one of its own steps.
  ASSERT_FALSE(a.excerpts.empty());
  EXPECT_EQ(a.excerpts[0].text, "Exports are kept for 30 days.");
}

TEST(AskTest, OtherQuestionsKeepThePassageThatHoldsThem) {
  const auto lib = Library::Build(ReportsSite(), kOptions);
  // Not a how-to: the paragraph that says it.
  const Answer what = lib->Ask("Which columns does an exported CSV report hold?");
  ASSERT_EQ(what.status, AnswerStatus::kAnswered);
  EXPECT_TRUE(what.answer.starts_with("You can export any report as a CSV file")) << what.answer;
  // A how-to whose page has no steps holding the question keeps its paragraph: the archive's
  // steps empty it, they do not say where old files go.
  const Answer where = lib->Ask("How do I find old files?");
  ASSERT_EQ(where.status, AnswerStatus::kAnswered);
  EXPECT_EQ(where.answer, "Old files live in the archive.");
}

// Steps under another heading that the ranking put far below the answer's are about another
// task, even when they mention the question's words: the answer stays.
TEST(AskTest, StepsUnderAnotherTasksHeadingAreNotTheAnswer) {
  const std::vector<SourceFile> files = {
      {"reports.md",
       "# Reports\n\n"
       "## Sending reports to Google Sheets\n\n"
       "Every report can be sent to Google Sheets, and a sent report updates its sheet nightly "
       "with the report's columns.\n\n"
       "## Archive\n\n"
       "Old reports move to the archive after a year. The archive keeps them for ten years, "
       "read-only, and lists them by month; searching the archive finds a report by its name, "
       "its owner or its date.\n\n"
       "1. Open **Archive** and choose a month.\n"
       "2. Choose **Download**, or have the report sent to Google Sheets.\n"},
  };
  const auto lib = Library::Build(files, kOptions);
  const Answer a = lib->Ask("How do I send a report to Google Sheets?");
  ASSERT_EQ(a.status, AnswerStatus::kAnswered);
  EXPECT_TRUE(a.answer.starts_with("Every report can be sent to Google Sheets")) << a.answer;
}

}  // namespace
}  // namespace tenure::search

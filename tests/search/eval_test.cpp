// Retrieval quality of the help center (issue 5: Quality). Natural questions with the page
// that answers them, over our own docs and over a docs set we did not write (pino's, from
// node_modules: MIT, pinned in package.json). Prints top-1 and top-3 source accuracy and fails
// below floors set a little under what we reach, so a change that makes answers worse shows.
// The ranking was tuned on these questions (weights.hpp): heldout_eval_test.cpp measures it on
// questions it never saw. Plain BM25's figures are printed beside ours for reference.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "eval_support.hpp"
#include "search/library.hpp"

namespace tenure::search {
namespace {

using Case = EvalCase;

// Our docs: at least 60 questions, in customers' words rather than the pages'.
const std::vector<Case> kOurQuestions = {
    // Cancelling
    {"How do I cancel my subscription?", "billing/cancelling"},
    {"how can i stop auto renew", "billing/cancelling"},
    {"I want to unsubscribe, what are the steps?", "billing/cancelling"},
    {"Where is the Continue to Cancel button?", "billing/cancelling"},
    {"What happens if I press Confirm Cancel twice?", "billing/cancelling"},
    {"Does my license stop working immediately when I cancel?", "billing/cancelling"},
    {"How do I turn my subscription back on after cancelling?", "billing/cancelling"},
    {"what reasons can I pick when canceling", "billing/cancelling"},
    // Refunds and terms
    {"Can I get my money back?", "billing/refunds-and-terms"},
    {"Do you give refunds if I never used the program?", "billing/refunds-and-terms"},
    {"What happens if I file a chargeback with my bank?", "billing/refunds-and-terms"},
    {"Which version of the terms and conditions did I accept?", "billing/refunds-and-terms"},
    {"Can a support agent make an exception and reimburse me?", "billing/refunds-and-terms"},
    {"Can staff give me extra days?", "billing/refunds-and-terms"},
    // Renewal and pricing
    {"How much does a license cost per month?", "billing/renewal-and-pricing"},
    {"If I renew early, do I lose the days I have left?", "billing/renewal-and-pricing"},
    {"My license ends on January 31, when does it end after I renew?",
     "billing/renewal-and-pricing"},
    {"Which time zone is my expiration date in?", "billing/renewal-and-pricing"},
    {"When is my card charged for the automatic renewal?", "billing/renewal-and-pricing"},
    {"What happens when my payment is declined?", "billing/renewal-and-pricing"},
    {"Is there a reactivation fee to come back after a long break?", "billing/renewal-and-pricing"},
    {"How do I update my credit card?", "billing/renewal-and-pricing"},
    {"Will I be billed twice if I double click renew?", "billing/renewal-and-pricing"},
    {"is a month 30 days or a calendar month", "billing/renewal-and-pricing"},
    // Issue 14 items 5 and 7, written before searching with them.
    {"Where do I find the receipt for a payment I made?", "billing/receipts"},
    {"Why does the dashboard show times in the wrong time zone?", "account/dashboard"},
    // Instances
    {"How do I run the program on two computers at the same time?", "billing/instances"},
    {"How much is an extra instance when 15 days are left?", "billing/instances"},
    {"how is a new machine prorated", "billing/instances"},
    {"The program says all my instances are in use", "billing/instances"},
    {"What does Deactivate license do?", "billing/instances"},
    {"how do I add another seat", "billing/instances"},
    // Grace and expiry
    {"What happens when my license expires?", "billing/grace-and-expiry"},
    {"How long is the grace period?", "billing/grace-and-expiry"},
    {"Does the program still work the day after my license ran out?", "billing/grace-and-expiry"},
    {"Is my account deleted if I stop paying?", "billing/grace-and-expiry"},
    {"What does suspended status mean?", "billing/grace-and-expiry"},
    // Signing in, password and two-factor (issue 10)
    {"How long does my password need to be?", "account/sign-in"},
    {"Why can't I log in after typing a wrong password several times?", "account/sign-in"},
    {"I forgot my password, how do I reset it?", "account/sign-in"},
    {"The reset link in my email says it does not work any more", "account/sign-in"},
    {"How do I turn on two-factor authentication?", "account/security"},
    {"I lost my phone with the authenticator app, how do I get in?", "account/security"},
    {"How do I change my password?", "account/security"},
    {"I never got the email to confirm my address", "account/security"},
    // Sessions (issue 10 item 5)
    {"How do I sign out a session on another computer?", "account/sessions"},
    {"I think someone else is logged into my account", "account/sessions"},
    {"How long do I stay logged in before I have to sign in again?", "account/sessions"},
    // Discord (issue 11), written before the pages were searched
    {"How do I link my Discord to get the customer role?", "account/discord"},
    {"I lost my Discord roles, why?", "account/discord"},
    {"Can I connect a different discord account instead?", "account/discord"},
    {"how do i stop my checkouts being posted in the success channel", "account/discord"},
    {"Where do I put the bot token for Discord?", "operators/discord"},
    {"the bot cannot give roles, it says missing permissions", "operators/discord"},
    // Dashboard
    {"What is on the Home tab?", "account/dashboard"},
    {"Where can I see the checkout statistics chart?", "account/dashboard"},
    {"What can I do on the Settings tab?", "account/dashboard"},
    // Support
    {"How do I contact support?", "account/support-tickets"},
    {"Will I get an email when staff reply to my ticket?", "account/support-tickets"},
    {"How do I reopen a closed ticket?", "account/support-tickets"},
    // Program
    {"Where do I download the program?", "program/downloads"},
    // Releases (issue 12), written before the pages were searched with them.
    {"How do I check the SHA-256 of the file I downloaded?", "program/downloads"},
    {"My download stopped halfway, can I resume it?", "program/downloads"},
    {"Why can't I download anymore after my license expired?", "program/downloads"},
    {"How do I publish a new version of the program?", "operators/releases"},
    {"How do I upload a beta build for testers?", "operators/releases"},
    {"How do I hide a release I published by mistake?", "operators/releases"},
    {"Where are the release files stored on disk?", "operators/releases"},
    {"How does the program check that my license is valid?", "program/login-api"},
    {"Does the program save my password?", "program/login-api"},
    // Getting started
    {"I'm new here, how do I get started?", "getting-started"},
    {"How do I create an account?", "getting-started"},
    // Operators
    {"How do I install Tenure on a Debian server?", "operators/installing"},
    {"How do I create the first admin account?", "operators/installing"},
    {"What does the healthz endpoint return?", "operators/installing"},
    {"As a seller, how do I configure the license price?", "operators/configuration"},
    {"Which environment variable sets the number of HTTP threads?", "operators/configuration"},
    {"How do I configure SMTP to send email?", "operators/configuration"},
    {"How do I run several servers against one database?", "operators/postgresql"},
    {"How are migrations applied on Postgres?", "operators/postgresql"},
    {"How do I back up the SQLite database?", "operators/backups"},
    {"How do I restore a pg_dump backup?", "operators/backups"},
    // Issue 13, written before searching with them.
    {"How do I bring back last night's backup after a disk failure?", "operators/backups"},
    {"How do I scrape Tenure with Prometheus?", "operators/monitoring"},
    {"Can the server write its logs as JSON?", "operators/monitoring"},
    {"What happens when one IP opens hundreds of connections?", "operators/monitoring"},
    {"Tenure runs behind nginx; how does it see the client's IP?", "operators/monitoring"},
    {"Why was I told to wait after opening several tickets?", "account/support-tickets"},
    {"Where do I put the Stripe API key?", "operators/stripe"},
    {"Are Stripe webhooks verified?", "operators/stripe"},
    {"How can I test payments without real money?", "operators/stripe"},
    {"How do I replace the help pages with my own?", "operators/help-center"},
    {"What is llms.txt?", "operators/help-center"},
    // Issue 14, written before searching with them.
    {"Where do I see my monthly recurring revenue?", "operators/business-metrics"},
    {"how many people did support talk out of cancelling", "operators/business-metrics"},
    {"How do I find a customer by their Stripe customer id?", "operators/staff-area"},
    {"Can I see who changed a customer's license?", "operators/staff-area"},
};

// pino's docs (node_modules/pino/docs): a set we did not write.
const std::vector<Case> kPinoQuestions = {
    {"How do I redact sensitive fields like passwords from logs?", "redaction"},
    {"What is the performance overhead of redaction?", "redaction"},
    {"What path syntax does redact support for nested keys?", "redaction"},
    {"How do I pretty print logs during development?", "pretty"},
    {"How can I rotate log files?", "help"},
    {"How do I save logs to multiple files?", "help"},
    {"How do I use pino with Express?", "web"},
    {"How do I integrate pino with Fastify?", "web"},
    {"How do I log requests in Koa?", "web"},
    {"Can I use pino in the browser?", "browser"},
    {"How do I send logs from the browser to my server?", "browser"},
    {"Which methods are no-ops in the browser?", "browser"},
    {"What does the duplicate keys caveat of child loggers mean?", "child-loggers"},
    {"What is the cost of creating child loggers?", "child-loggers"},
    {"How do I write my own transport?", "transports"},
    {"How does level filtering work with transports?", "transports"},
    {"How do I create a transport pipeline?", "transports"},
    {"How do I send my logs to Datadog?", "transports"},
    {"How do I bundle pino with webpack or esbuild?", "bundling"},
    {"Which Node.js versions are supported?", "lts"},
    {"How fast is pino compared to other loggers?", "benchmarks"},
    {"How do I make sure asynchronous logs are flushed in AWS Lambda?", "asynchronous"},
    {"How can I trace pino with diagnostics_channel?", "diagnostics"},
    {"What plugins and tools exist in the pino ecosystem?", "ecosystem"},
    {"How do I change the log level at runtime?", "api"},
    {"How do I add a message prefix to every log line?", "api"},
    {"How do I define custom log levels?", "api"},
    {"Use log levels as labels instead of numbers", "help"},
    {"How do I use pino together with the debug module?", "help"},
    {"How do I map pino levels to Google Cloud Logging severity?", "help"},
    {"How do I reopen log files after logrotate sends SIGHUP?", "help"},
    {"How do I test the output of my logger?", "help"},
    {"Does pino work with systemd?", "help"},
    {"What is the difference between pino levels and levelVal?", "api"},
    {"How do I listen to the level-change event?", "api"},
};

// Questions our docs do not answer: the help center must say so rather than quote a page.
const std::vector<const char*> kUnanswerable = {
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "Who won the football world cup in 2018?",
    "Do you have an iPhone app?",
    "Can I pay with bitcoin?",
    "What's the weather tomorrow?",
    "How do I train a neural network?",
    "Is there a student discount?",
    "What is your phone number?",
    "Does Tenure ship a Helm chart for Kubernetes?",
    "Can I speak to the CEO?",
    "How do I knit a scarf?",
};

TEST(HelpEvalTest, OurDocs) {
  ASSERT_GE(kOurQuestions.size(), 60u);
  const auto lib = LoadDocs(TENURE_SOURCE_DIR "/docs");
  ASSERT_GE(lib->Pages().size(), 15u);
  const EvalScore s = Evaluate(*lib, kOurQuestions, OurRanking(*lib), "our docs", true);
  Evaluate(*lib, kOurQuestions, PlainBm25Ranking(*lib), "our docs, plain BM25", false);
  // For comparison: every question of every page, as before the sections were apart.
  Evaluate(*lib, kOurQuestions, OurRanking(*lib), "our docs, one section", false,
           /*by_section=*/false);
  RecordProperty("top1", std::to_string(s.top1));
  RecordProperty("top3", std::to_string(s.top3));
  // Floors against regressions, below the measured figures. Issue 13's six questions, written
  // before searching and not tuned on, took 85 questions' 0.918 / 0.976 to 91's 0.890 / 0.967:
  // the floor follows that measurement instead of the pages being reworded to the questions.
  // Issue 14 item 12 (page-level scores, WordNet, identifiers' parts) took 95 questions'
  // 0.895 / 0.968 to 0.905 / 0.979; a floor is one question under.
  EXPECT_GE(s.top1, 0.89);
  EXPECT_GE(s.top3, 0.96);
}

TEST(HelpEvalTest, ForeignDocs) {
  ASSERT_GE(kPinoQuestions.size(), 30u);
  const std::filesystem::path dir = TENURE_SOURCE_DIR "/node_modules/pino/docs";
  ASSERT_TRUE(std::filesystem::is_directory(dir))
      << dir << " is missing: run `npm ci` (scripts/install-deps does)";
  const auto lib = LoadDocs(dir);
  ASSERT_GE(lib->Pages().size(), 10u);
  const EvalScore s = Evaluate(*lib, kPinoQuestions, OurRanking(*lib), "pino docs", true);
  Evaluate(*lib, kPinoQuestions, PlainBm25Ranking(*lib), "pino docs, plain BM25", false);
  // Issue 14 item 12 took 0.857 / 0.971 to 0.886 / 1.000; a floor is one question under.
  EXPECT_GE(s.top1, 0.85);
  EXPECT_GE(s.top3, 0.97);
}

// Answerable questions get an answer, unanswerable ones an honest "not in the docs": this
// is what calibrates kMinConfidence in library.cpp.
TEST(HelpEvalTest, SaysSoWhenTheDocsDoNotAnswer) {
  const auto lib = LoadDocs(TENURE_SOURCE_DIR "/docs");
  size_t answered = 0, refused = 0;
  for (const Case& c : kOurQuestions) {
    const Answer a = lib->Ask(c.question, AskedBy(c));
    if (a.status == AnswerStatus::kAnswered) {
      ++answered;
    } else {
      std::printf("  not answered (confidence %.2f): %s\n", a.confidence, c.question.c_str());
    }
  }
  for (const char* q : kUnanswerable) {
    const Answer a = lib->Ask(q, Audience::kCustomers);
    if (a.status == AnswerStatus::kNoAnswer) {
      ++refused;
    } else {
      std::printf("  answered (confidence %.2f) but should not: %s -> %s\n", a.confidence, q,
                  a.answer_slug.c_str());
    }
  }
  const double answered_rate =
      static_cast<double>(answered) / static_cast<double>(kOurQuestions.size());
  const double refused_rate =
      static_cast<double>(refused) / static_cast<double>(kUnanswerable.size());
  std::printf("answerable answered %.3f, unanswerable refused %.3f\n", answered_rate, refused_rate);
  // 0.95 until issue 14 kept customers' questions to customers' pages: "Can I connect a
  // different discord account instead?" then scored under the line (0.41) without the
  // operators' Discord page, 88 of 93 answered; two operators' pages later (their words
  // shift every word's idf a little), "what reasons can I pick when canceling" fell to 0.44:
  // 89 of 95. Issue 14 item 12's WordNet ("pick" is a "choice", "immediately" "instantly")
  // answers 92 of 95 and still refuses 11 of 12. The floors are one question under.
  EXPECT_GE(answered_rate, 0.95);
  EXPECT_GE(refused_rate, 0.83);
}

}  // namespace
}  // namespace tenure::search

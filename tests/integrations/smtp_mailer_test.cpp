#include "integrations/email/smtp_mailer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "integrations/smtp_sink_process.hpp"
#include "support/temp_dir.hpp"

namespace tenure::integrations {
namespace {

using namespace std::chrono;
using testing::DecodeHeader;
using testing::DecodeQuotedPrintable;
using testing::ParseMail;

// Fri, 27 Nov 2026 03:30:00 UTC
const Instant kNow = sys_days(2026y / November / 27) + hours(3) + minutes(30);

SmtpConfig ConfigFor(int port) {
  return SmtpConfig{.host = "127.0.0.1",
                    .port = port,
                    .from = "Tenure Billing <billing@tenure.test>",
                    .tls = "none"};
}

// Every line of a message ends in CRLF, and the message is 7-bit (the body is
// quoted-printable, the header RFC 2047).
void ExpectWellFormed(const std::string& raw) {
  EXPECT_TRUE(raw.ends_with("\r\n"));
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    ASSERT_LT(c, 0x80) << "8-bit byte at " << i;
    if (c == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
    if (c == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

// RFC 2045 6.7: at most 76 characters a line, no whitespace before a line end.
void ExpectQuotedPrintableLines(const std::string& body) {
  size_t start = 0;
  while (start < body.size()) {
    const size_t end = body.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string line = body.substr(start, end - start);
    EXPECT_LE(line.size(), 76u) << line;
    if (!line.empty()) {
      EXPECT_TRUE(line.back() != ' ' && line.back() != '\t') << line;
    }
    start = end + 2;
  }
}

class SmtpMailerTest : public ::testing::Test {
 protected:
  tenure::testing::TempDir dir_;
  FakeClock clock_{kNow};
};

TEST_F(SmtpMailerTest, DeliversToEveryRecipientWithHeadersAndQuotedPrintableBody) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  const std::string long_line =
      "Your license for Tenure Desktop renews automatically on December 1, 2026 for 50.00 EUR "
      "unless you cancel before then; the receipt follows by email once the charge succeeds.";
  ASSERT_GT(long_line.size(), 76u);
  const std::string text = "Hallo Zoë,\n\n" + long_line +
                           "\n"
                           ".a line that starts with a dot\n"
                           ".\n"
                           "equals = signs == stay\n"
                           "trailing spaces   \n"
                           "tab\tinside and at the end\t\n"
                           "Grüße, 東京 and an emoji 🎉 at the end of a line\n"
                           "— Tenure\n";
  const std::string subject = "Ihre Lizenz verlängert sich — ✓ am 1. Dezember";

  auto sent = mailer.Send(app::Email{.to = {"alice@example.com", "Bob Builder <bob@example.org>"},
                                     .subject = subject,
                                     .text = text});
  ASSERT_TRUE(sent) << sent.error().message;

  const auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.from, "billing@tenure.test");
  EXPECT_EQ(m.to, (std::vector<std::string>{"alice@example.com", "bob@example.org"}));
  ExpectWellFormed(m.raw);

  const auto mail = ParseMail(m.raw);
  EXPECT_EQ(mail.headers.at("from"), "Tenure Billing <billing@tenure.test>");
  EXPECT_EQ(mail.headers.at("to"), "alice@example.com, Bob Builder <bob@example.org>");
  EXPECT_EQ(DecodeHeader(mail.headers.at("subject")), subject);
  EXPECT_NE(mail.headers.at("subject"), subject);  // encoded, not raw UTF-8
  EXPECT_EQ(mail.headers.at("date"), "Fri, 27 Nov 2026 03:30:00 +0000");
  EXPECT_TRUE(std::regex_match(mail.headers.at("message-id"),
                               std::regex(R"(<[A-Za-z0-9_-]{16,}@tenure\.test>)")))
      << mail.headers.at("message-id");
  EXPECT_EQ(mail.headers.at("mime-version"), "1.0");
  EXPECT_EQ(mail.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(mail.headers.at("content-transfer-encoding"), "quoted-printable");
  for (const auto& line : mail.header_lines) EXPECT_LE(line.size(), 76u) << line;

  ExpectQuotedPrintableLines(mail.body);
  EXPECT_EQ(DecodeQuotedPrintable(mail.body), text);
  // The dot lines arrive unstuffed: libcurl doubled them on the wire, the server undid it.
  EXPECT_NE(mail.body.find("\r\n.a line that starts with a dot\r\n"), std::string::npos);
  EXPECT_NE(mail.body.find("\r\n.\r\n"), std::string::npos);
  EXPECT_NE(mail.body.find("Zo=C3=AB"), std::string::npos);
}

TEST_F(SmtpMailerTest, EachMessageGetsItsOwnMessageId) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  const app::Email email{.to = {"alice@example.com"}, .subject = "Hi", .text = "Hello\n"};
  ASSERT_TRUE(mailer.Send(email));
  ASSERT_TRUE(mailer.Send(email));
  const auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(ParseMail(messages[0].raw).headers.at("message-id"),
            ParseMail(messages[1].raw).headers.at("message-id"));
  EXPECT_EQ(ParseMail(messages[0].raw).headers.at("subject"), "Hi");
}

TEST_F(SmtpMailerTest, SendsCredentialsWhenConfigured) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  auto config = ConfigFor(sink.port());
  config.username = "tenure";
  config.password = "correct horse";
  SmtpMailer mailer(config, clock_);
  auto sent = mailer.Send(app::Email{.to = {"a@example.com"}, .subject = "s", .text = "t\n"});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_F(SmtpMailerTest, RejectedRecipientIsAPermanentError) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"), {.reject_rcpt = {"nobody@example.com"}});
  SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  auto sent = mailer.Send(
      app::Email{.to = {"alice@example.com", "nobody@example.com"}, .subject = "s", .text = "t\n"});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(sent.error().message.find("550"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(sink.Messages().empty());
}

TEST_F(SmtpMailerTest, TemporaryFailureReplyIsRetryable) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"), {.fail_first = 1});
  SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  const app::Email email{.to = {"alice@example.com"}, .subject = "s", .text = "t\n"};
  auto first = mailer.Send(email);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(first.error().message.find("451"), std::string::npos) << first.error().message;
  EXPECT_TRUE(mailer.Send(email));
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_F(SmtpMailerTest, ConnectionRefusedIsUnavailableAndNeverShowsThePassword) {
  tenure::testing::RefusingPort port;
  auto config = ConfigFor(port.port());
  config.username = "tenure";
  config.password = "s3cret-Passw0rd";
  SmtpMailer mailer(config, clock_);
  auto sent = mailer.Send(app::Email{.to = {"alice@example.com"}, .subject = "s", .text = "t"});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(sent.error().message.find("s3cret"), std::string::npos) << sent.error().message;
}

TEST_F(SmtpMailerTest, RejectsHeaderInjectionBeforeConnecting) {
  tenure::testing::SmtpSink sink(dir_.File("mail.jsonl"));
  SmtpMailer mailer(ConfigFor(sink.port()), clock_);
  const std::vector<app::Email> bad = {
      {.to = {"alice@example.com"}, .subject = "Hi\r\nBcc: eve@evil.test", .text = "t"},
      {.to = {"alice@example.com"}, .subject = "Hi\nBcc: eve@evil.test", .text = "t"},
      {.to = {"alice@example.com\r\nBcc: eve@evil.test"}, .subject = "Hi", .text = "t"},
      {.to = {"alice@example.com>\r\nRCPT TO:<eve@evil.test"}, .subject = "Hi", .text = "t"},
      {.to = {"alice@example.com, eve@evil.test"}, .subject = "Hi", .text = "t"},
      {.to = {"not an address"}, .subject = "Hi", .text = "t"},
      {.to = {}, .subject = "Hi", .text = "t"},
  };
  for (const auto& email : bad) {
    auto sent = mailer.Send(email);
    ASSERT_FALSE(sent) << email.subject;
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidInput);
  }
  EXPECT_TRUE(sink.Messages().empty());
}

TEST(SmtpMailerConfig, RefusesAConfigurationThatCannotWork) {
  FakeClock clock(kNow);
  auto config = ConfigFor(25);
  config.from = "Tenure <no address>";
  EXPECT_THROW(SmtpMailer(config, clock), std::invalid_argument);
  config = ConfigFor(25);
  config.from = "Tenure <a@b.test>\r\nBcc: eve@evil.test";
  EXPECT_THROW(SmtpMailer(config, clock), std::invalid_argument);
  config = ConfigFor(25);
  config.tls = "ssl";
  EXPECT_THROW(SmtpMailer(config, clock), std::invalid_argument);
  config = ConfigFor(25);
  config.host = "";
  EXPECT_THROW(SmtpMailer(config, clock), std::invalid_argument);
  EXPECT_NO_THROW(SmtpMailer(ConfigFor(25), clock));
}

// The message builder, without the network.

TEST(QuotedPrintable, EncodesPerRfc2045) {
  EXPECT_EQ(mime::QuotedPrintable(""), "");
  EXPECT_EQ(mime::QuotedPrintable("plain"), "plain\r\n");
  EXPECT_EQ(mime::QuotedPrintable("a=b"), "a=3Db\r\n");
  EXPECT_EQ(mime::QuotedPrintable("end \nend\t\r\n"), "end=20\r\nend=09\r\n");
  EXPECT_EQ(mime::QuotedPrintable("one\r\ntwo\nthree\rfour"), "one\r\ntwo\r\nthree\r\nfour\r\n");
  EXPECT_EQ(mime::QuotedPrintable("\n\n"), "\r\n\r\n");
  EXPECT_EQ(mime::QuotedPrintable("é"), "=C3=A9\r\n");
  // 76 characters fit on a line; the 77th needs a soft line break.
  EXPECT_EQ(mime::QuotedPrintable(std::string(76, 'x')), std::string(76, 'x') + "\r\n");
  EXPECT_EQ(mime::QuotedPrintable(std::string(77, 'x')), std::string(75, 'x') + "=\r\n" + "xx\r\n");
  // An escape is never split by a soft line break.
  EXPECT_EQ(mime::QuotedPrintable(std::string(74, 'x') + "é"),
            std::string(74, 'x') + "=\r\n=C3=A9\r\n");
}

TEST(QuotedPrintable, RoundTripsArbitraryBytes) {
  std::mt19937 random(20261127);
  for (int round = 0; round < 500; ++round) {
    std::string text(random() % 400, '\0');
    for (char& c : text) {
      // Mostly text, some spaces and line breaks, some anything.
      const unsigned r = random() % 100;
      c = r < 60   ? static_cast<char>('a' + random() % 26)
          : r < 75 ? ' '
          : r < 80 ? '\n'
          : r < 83 ? '\t'
          : r < 85 ? '='
          : r < 87 ? '.'
                   : static_cast<char>(random() % 256);
    }
    const std::string encoded = mime::QuotedPrintable(text);
    ExpectQuotedPrintableLines(encoded);
    // Any of CRLF, LF, CR is one line break, and the text ends with one.
    std::string expected;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        expected += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        expected += text[i];
      }
    }
    if (!expected.empty() && !expected.ends_with('\n')) expected += '\n';
    ASSERT_EQ(DecodeQuotedPrintable(encoded), expected) << "round " << round;
  }
}

TEST(HeaderFields, FoldAndEncodeWithinTheLineLimit) {
  EXPECT_EQ(mime::UnstructuredField("Subject", "Hello"), "Subject: Hello\r\n");
  EXPECT_EQ(mime::UnstructuredField("Subject", ""), "Subject: \r\n");
  // "=?" in plain ASCII would be read as an encoded-word: it is encoded itself.
  EXPECT_EQ(DecodeHeader(mime::UnstructuredField("Subject", "=?x?=").substr(9)), "=?x?=\r\n");

  const std::vector<std::string> subjects = {
      std::string(300, 'e'),
      "word " + std::string(40, 'w') + " " + std::string(40, 'v') + " and  two  spaces",
      "Ünïcödé " + std::string(50, 'x') + " ✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓ 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
      std::string(100, 'a') + "é",
  };
  for (const auto& subject : subjects) {
    const std::string field = mime::UnstructuredField("Subject", subject);
    const auto mail = ParseMail(field + "\r\n");
    for (const auto& line : mail.header_lines) {
      EXPECT_LE(line.size(), 76u) << line;
      EXPECT_FALSE(line.find_first_not_of(" \t") == std::string::npos) << "whitespace-only line";
      for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    }
    EXPECT_EQ(DecodeHeader(mail.headers.at("subject")), subject) << field;
  }
}

TEST(HeaderFields, AddressFieldsQuoteOrEncodeDisplayNames) {
  EXPECT_EQ(mime::AddressField("From", {{"", "a@b.test"}}), "From: a@b.test\r\n");
  EXPECT_EQ(mime::AddressField("From", {{"Tenure", "a@b.test"}}), "From: Tenure <a@b.test>\r\n");
  EXPECT_EQ(mime::AddressField("From", {{"Tenure, Inc. \"HQ\"", "a@b.test"}}),
            "From: \"Tenure, Inc. \\\"HQ\\\"\" <a@b.test>\r\n");
  const std::string encoded = mime::AddressField("From", {{"Zoë Tenure", "a@b.test"}});
  EXPECT_EQ(DecodeHeader(ParseMail(encoded + "\r\n").headers.at("from")), "Zoë Tenure <a@b.test>");
  EXPECT_EQ(mime::AddressField("To", {{"", "a@b.test"}, {"", "c@d.test"}}),
            "To: a@b.test, c@d.test\r\n");
}

TEST(Mailboxes, ParseNameAndAddress) {
  auto box = ParseMailbox("Tenure Billing <billing@tenure.test>");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->display_name, "Tenure Billing");
  EXPECT_EQ(box->address, "billing@tenure.test");
  box = ParseMailbox("\"Doe, Jane\" <jane@example.com>");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->display_name, "Doe, Jane");
  box = ParseMailbox("no-reply@localhost");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->address, "no-reply@localhost");
  EXPECT_TRUE(box->display_name.empty());
  for (const char* bad : {"", "@example.com", "a@", "a@@b", "a b@c.d", "a@b..c", ".a@b.c", "a@b.c>",
                          "<a@b.c", "zoë@example.com", "a@b.c\r\n"})
    EXPECT_FALSE(ParseMailbox(bad)) << bad;
}

TEST(Dates, Rfc5322) {
  EXPECT_EQ(mime::Rfc5322Date(kNow), "Fri, 27 Nov 2026 03:30:00 +0000");
  EXPECT_EQ(mime::Rfc5322Date(sys_days(2000y / January / 2)), "Sun, 02 Jan 2000 00:00:00 +0000");
}

}  // namespace
}  // namespace tenure::integrations

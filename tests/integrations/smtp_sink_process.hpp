#pragma once
// A real SMTP peer for tests (ENGINEERING.md habit 13): tests/support/smtp_sink.mjs run by
// node as a child process on a loopback port, and tools to read what it received.
#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::testing {

struct SmtpSinkOptions {
  std::vector<std::string> reject_rcpt;  // answered with 550
  int fail_first = 0;                    // the first N DATA commands get 451
};

// One message as the sink received it: the envelope and the raw message text.
struct SunkMessage {
  std::string from;
  std::vector<std::string> to;
  std::string raw;
};

class SmtpSink {
 public:
  // Starts the sink, writing to `out_file`, and waits for its "PORT n" line.
  explicit SmtpSink(std::string out_file, const SmtpSinkOptions& options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::vector<SunkMessage> Messages() const;

 private:
  std::string out_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A loopback port that refuses connections: bound but never listening, and held for the
// object's life so that no other test can take it meanwhile.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A received message split up: header names lowercased, values unfolded (CRLF removed, RFC
// 5322 2.2.3) and left encoded; the body as sent (CRLF lines).
struct ParsedMail {
  std::map<std::string, std::string> headers;
  std::vector<std::string> header_lines;  // the physical lines, folded as received
  std::string body;
};
ParsedMail ParseMail(const std::string& raw);

// Independent decoders, so the tests do not check the encoder against itself.
// Quoted-printable (RFC 2045 6.7) to text with "\n" line ends.
std::string DecodeQuotedPrintable(std::string_view body);
// RFC 2047 encoded-words (B and Q, UTF-8) to text; whitespace between adjacent words dropped.
std::string DecodeHeader(std::string_view value);

}  // namespace tenure::testing

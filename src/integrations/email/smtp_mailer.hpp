#pragma once
// app::Mailer over real SMTP with libcurl: plain-text UTF-8 mail as an RFC 5322 message,
// quoted-printable body, RFC 2047 headers. The only file that sees libcurl's SMTP side.
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::integrations {

// "Name <addr@domain>" or "addr@domain".
struct Mailbox {
  std::string display_name;  // may be empty
  std::string address;
};

// kInvalidInput for anything that is not one plain ASCII address (no SMTPUTF8), or that
// carries a line break, so a value can never add a header or an envelope recipient.
Result<Mailbox> ParseMailbox(std::string_view text);

// The message builder, exposed for tests.
namespace mime {

// RFC 2045 6.7: CRLF line endings (any of CRLF, LF or CR in `text` ends a line), every
// encoded line at most 76 characters, soft line breaks ("=" CRLF) where a line is longer,
// whitespace before a line end encoded. Ends with CRLF unless `text` is empty.
std::string QuotedPrintable(std::string_view text);

// One header field, "Name: value" CRLF, folded at 76 characters; non-ASCII text becomes
// RFC 2047 encoded-words (UTF-8, B encoding), never splitting a character between words.
std::string UnstructuredField(std::string_view name, std::string_view value);

// "From: ..." / "To: ..." with display names encoded as needed.
std::string AddressField(std::string_view name, const std::vector<Mailbox>& mailboxes);

// RFC 5322 3.3 in UTC: "Fri, 27 Nov 2026 03:30:00 +0000".
std::string Rfc5322Date(Instant t);

struct Message {
  Mailbox from;
  std::vector<Mailbox> to;
  std::string subject;
  std::string text;
  Instant date;
  std::string message_id;  // without the angle brackets
};
std::string Render(const Message& message);

}  // namespace mime

class SmtpMailer final : public app::Mailer {
 public:
  // Throws std::invalid_argument when `config` cannot work (no host, a bad port, tls or
  // from): built at start-up, a bad setting stops the server instead of dead-lettering
  // every email later.
  SmtpMailer(SmtpConfig config, const Clock& clock);

  // kInvalidInput: a bad address or subject, or a 5xx reply (permanent: do not retry).
  // kUnavailable: no connection, a timeout, a 4xx reply, a TLS or login failure (retry).
  Result<void> Send(const app::Email& email) override;

 private:
  SmtpConfig config_;
  Mailbox from_;
  std::string url_;
  const Clock& clock_;
};

}  // namespace tenure::integrations

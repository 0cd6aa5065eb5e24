#include "integrations/email/smtp_mailer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "core/secure_random.hpp"
#include "integrations/curl_handle.hpp"

namespace tenure::integrations {
namespace {

// RFC 2047 2: a line holding an encoded-word is at most 76 characters; RFC 5322 2.1.1
// recommends 78 for every header line, and RFC 2045 6.7 caps quoted-printable lines at 76.
constexpr size_t kLineLimit = 76;
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr long kConnectTimeoutSeconds = 10;
constexpr long kTotalTimeoutSeconds = 30;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }
bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }
bool IsAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
// RFC 5322 3.2.3 atext.
bool IsAtext(unsigned char c) {
  return IsAlnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                           std::string_view::npos;
}

// A dot-atom local part at a host name: what every mail system accepts, and nothing that
// could end the envelope or a header field early.
bool ValidAddress(std::string_view a) {
  const size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || a.size() > 254 ||
      a.find('@', at + 1) != std::string_view::npos)
    return false;
  auto dotted = [](std::string_view part, auto allowed) {
    if (part.front() == '.' || part.back() == '.' || part.find("..") != std::string_view::npos)
      return false;
    return std::ranges::all_of(
        part, [&](char c) { return c == '.' || allowed(static_cast<unsigned char>(c)); });
  };
  const std::string_view local = a.substr(0, at);
  const std::string_view domain = a.substr(at + 1);
  return local.size() <= 64 && dotted(local, IsAtext) &&
         dotted(domain, [](unsigned char c) { return IsAlnum(c) || c == '-'; });
}

bool IsPrintableAscii(std::string_view s) {
  return std::ranges::all_of(s, [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7f) || c == '\t';
  });
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (n > 1) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (n > 2) v |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += n > 1 ? kAlphabet[(v >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// How many bytes of text fit in one encoded-word of at most `chars` characters.
size_t WordCapacity(size_t chars) {
  const size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  return chars > overhead + 4 ? (chars - overhead) / 4 * 3 : 3;
}

// RFC 2047 5/6.3: UTF-8 B encoded-words, each holding whole characters only. The first holds
// at most `first` bytes (it shares its line with the field name), the others `rest`.
std::vector<std::string> EncodedWords(std::string_view text, size_t first, size_t rest) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    const size_t budget = words.empty() ? first : rest;
    size_t end = std::min(text.size(), start + budget);
    // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80)
      --end;
    words.push_back(
        fmt::format("{}{}{}", kWordPrefix, Base64(text.substr(start, end - start)), kWordSuffix));
    start = end;
  }
  if (words.empty()) words.emplace_back();
  return words;
}

// "Name:" then the atoms, one space apart, folding (CRLF SP, RFC 5322 2.2.3) before an atom
// that would take the line past kLineLimit. Never folds before an empty atom, so no line is
// whitespace only.
std::string Fold(std::string_view name, const std::vector<std::string>& atoms) {
  std::string out = fmt::format("{}:", name);
  size_t line = out.size();
  for (const std::string& atom : atoms) {
    if (!atom.empty() && line > name.size() + 1 && line + 1 + atom.size() > kLineLimit) {
      out += "\r\n";
      line = 0;
    }
    out += ' ';
    out += atom;
    line += 1 + atom.size();
  }
  out += "\r\n";
  return out;
}

size_t LongestLine(std::string_view s) {
  size_t longest = 0;
  for (size_t start = 0; start < s.size();) {
    size_t end = s.find("\r\n", start);
    if (end == std::string_view::npos) end = s.size();
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  for (size_t start = 0;;) {
    const size_t sp = s.find(' ', start);
    out.emplace_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

// A display name as atoms of a phrase: atoms as they are, anything else ASCII quoted,
// anything non-ASCII encoded (RFC 2047 5(3)).
std::vector<std::string> PhraseAtoms(std::string_view name, size_t first_word_bytes) {
  if (!IsPrintableAscii(name) || name.find("=?") != std::string_view::npos)
    return EncodedWords(name, first_word_bytes, WordCapacity(kLineLimit - 1));
  if (std::ranges::all_of(name, [](char c) { return c == ' ' || IsAtext(c); }))
    return SplitSpaces(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return {quoted};
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// The message is fine but the account is not (530 authentication required, 534/538 a better
// mechanism or TLS needed, 535 bad credentials): retry, so mail survives until an operator
// fixes the configuration.
bool IsAuthReply(long reply) {
  return reply == 530 || reply == 534 || reply == 535 || reply == 538;
}

}  // namespace

Result<Mailbox> ParseMailbox(std::string_view text) {
  if (std::ranges::any_of(text, [](char c) { return IsControl(static_cast<unsigned char>(c)); }))
    return Fail(ErrorCode::kInvalidInput, "an email address must not contain control characters");
  text = Trim(text);
  Mailbox box;
  if (!text.empty() && text.back() == '>') {
    const size_t lt = text.rfind('<');
    if (lt == std::string_view::npos)
      return Fail(ErrorCode::kInvalidInput, "invalid email address");
    std::string_view name = Trim(text.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size()) ++i;
        box.display_name += name[i];
      }
    } else {
      box.display_name = name;
    }
    box.address = text.substr(lt + 1, text.size() - lt - 2);
  } else {
    box.address = text;
  }
  if (!ValidAddress(box.address))
    return Fail(ErrorCode::kInvalidInput, fmt::format("invalid email address \"{}\"", box.address));
  return box;
}

namespace mime {

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::string token;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    size_t column = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      token.clear();
      // Whitespace at the end of a line is encoded: transports may strip it (RFC 2045 6.7(3)).
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        token += static_cast<char>(c);
      } else {
        token += '=';
        token += kHex[c >> 4];
        token += kHex[c & 15];
      }
      // Leave room for the "=" of a soft line break, except after the line's last token.
      if (column + token.size() > (last ? kLineLimit : kLineLimit - 1)) {
        out += "=\r\n";
        column = 0;
      }
      out += token;
      column += token.size();
    }
    out += "\r\n";
    // One line break: CRLF, LF or a lone CR.
    if (end < text.size()) end += text.compare(end, 2, "\r\n") == 0 ? 2 : 1;
    pos = end;
  }
  return out;
}

std::string UnstructuredField(std::string_view name, std::string_view value) {
  // "=?" in plain text would read as an encoded-word: encode it too.
  // A word too long to fold within the limit is encoded too: encoded-words split anywhere.
  if (IsPrintableAscii(value) && value.find("=?") == std::string_view::npos) {
    std::string folded = Fold(name, SplitSpaces(value));
    if (LongestLine(folded) <= kLineLimit) return folded;
  }
  return Fold(name, EncodedWords(value, WordCapacity(kLineLimit - name.size() - 2),
                                 WordCapacity(kLineLimit - 1)));
}

std::string AddressField(std::string_view name, const std::vector<Mailbox>& mailboxes) {
  std::vector<std::string> atoms;
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    const Mailbox& box = mailboxes[i];
    if (box.display_name.empty()) {
      atoms.push_back(box.address);
    } else {
      const size_t first_bytes =
          WordCapacity(atoms.empty() ? kLineLimit - name.size() - 2 : kLineLimit - 1);
      for (std::string& atom : PhraseAtoms(box.display_name, first_bytes))
        atoms.push_back(std::move(atom));
      atoms.push_back(fmt::format("<{}>", box.address));
    }
    if (i + 1 < mailboxes.size()) atoms.back() += ',';
  }
  return Fold(name, atoms);
}

std::string Rfc5322Date(Instant t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
                     kDays[std::chrono::weekday(day).c_encoding()], unsigned(ymd.day()),
                     kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::string Render(const Message& message) {
  std::string out;
  out += fmt::format("Date: {}\r\n", Rfc5322Date(message.date));
  out += AddressField("From", {message.from});
  out += AddressField("To", message.to);
  out += UnstructuredField("Subject", message.subject);
  out += fmt::format("Message-ID: <{}>\r\n", message.message_id);
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += QuotedPrintable(message.text);
  return out;
}

}  // namespace mime

SmtpMailer::SmtpMailer(SmtpConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  InitCurlOnce();  // here, so that a failure shows at start-up
  if (config_.host.empty() || HasLineBreak(config_.host) ||
      config_.host.find_first_of(" /?#@") != std::string::npos)
    throw std::invalid_argument("smtp.host: expected a host name");
  if (config_.port < 1 || config_.port > 65535)
    throw std::invalid_argument("smtp.port: expected 1 to 65535");
  if (config_.tls != "none" && config_.tls != "starttls" && config_.tls != "tls")
    throw std::invalid_argument("smtp.tls: expected none, starttls or tls");
  auto from = ParseMailbox(config_.from);
  if (!from) throw std::invalid_argument("smtp.from: " + from.error().message);
  from_ = std::move(*from);
  // An IPv6 literal needs brackets in a URL.
  const bool ipv6 = config_.host.find(':') != std::string::npos && config_.host.front() != '[';
  url_ = fmt::format("{}://{}{}{}:{}", config_.tls == "tls" ? "smtps" : "smtp", ipv6 ? "[" : "",
                     config_.host, ipv6 ? "]" : "", config_.port);
}

Result<void> SmtpMailer::Send(const app::Email& email) {
  if (email.to.empty()) return Fail(ErrorCode::kInvalidInput, "an email needs a recipient", "to");
  std::vector<Mailbox> to;
  for (const std::string& text : email.to) {
    auto box = ParseMailbox(text);
    if (!box) return Fail(ErrorCode::kInvalidInput, box.error().message, "to");
    to.push_back(std::move(*box));
  }
  // A line break would let the subject add header fields (header injection).
  if (std::ranges::any_of(email.subject, [](char c) {
        return IsControl(static_cast<unsigned char>(c)) && c != '\t';
      }))
    return Fail(ErrorCode::kInvalidInput, "the subject must not contain control characters",
                "subject");

  mime::Message message{
      .from = from_,
      .to = to,
      .subject = email.subject,
      .text = email.text,
      .date = clock_.Now(),
      .message_id =
          fmt::format("{}@{}", RandomToken(18), from_.address.substr(from_.address.find('@') + 1))};
  const std::string raw = mime::Render(message);

  CurlList recipients;
  for (const Mailbox& box : to) recipients.Append(fmt::format("<{}>", box.address));
  const std::string mail_from = fmt::format("<{}>", from_.address);
  Upload upload{raw};
  std::array<char, CURL_ERROR_SIZE> error_buffer{};

  // Declared last, so cleaned up first: the handle may still use the buffers above.
  const CurlEasy curl = NewCurlEasy();
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, kTotalTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   config_.tls == "none" ? long{CURLUSESSL_NONE} : long{CURLUSESSL_ALL});
  if (!config_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer.data());
  // No CURLOPT_VERBOSE: its trace would carry the AUTH exchange, i.e. the password.

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  const std::string detail =
      error_buffer[0] != '\0' ? fmt::format("{} ({})", curl_easy_strerror(rc), error_buffer.data())
                              : std::string(curl_easy_strerror(rc));
  // A 5xx reply is final for this message (RFC 5321 4.2.1); a 4xx reply, a refused or
  // timed-out connection, TLS trouble or a bad login may pass: try again later.
  if (reply >= 500 && rc != CURLE_LOGIN_DENIED && !IsAuthReply(reply))
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("SMTP server refused the message: {} {}", reply, detail));
  if (reply > 0)
    return Fail(ErrorCode::kUnavailable, fmt::format("SMTP server replied {}: {}", reply, detail));
  return Fail(ErrorCode::kUnavailable, fmt::format("SMTP delivery failed: {}", detail));
}

}  // namespace tenure::integrations

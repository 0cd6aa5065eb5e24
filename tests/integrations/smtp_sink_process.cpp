#include "integrations/smtp_sink_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace tenure::testing {
namespace {

std::runtime_error SystemError(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string DecodeBase64(std::string_view in) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      throw std::runtime_error("bad base64 in an encoded-word");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

// "=?charset?B|Q?text?=" starting at `pos`; on success sets `end` past it.
bool DecodeWord(std::string_view v, size_t pos, size_t& end, std::string& out) {
  const size_t q1 = v.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= v.size() || v[q1 + 2] != '?') return false;
  const size_t close = v.find("?=", q1 + 3);
  if (close == std::string_view::npos) return false;
  const std::string_view text = v.substr(q1 + 3, close - q1 - 3);
  const char encoding = v[q1 + 1];
  if (encoding == 'B' || encoding == 'b') {
    out += DecodeBase64(text);
  } else if (encoding == 'Q' || encoding == 'q') {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        out += ' ';
      } else if (text[i] == '=' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
                 HexValue(text[i + 2]) >= 0) {
        out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
        i += 2;
      } else {
        out += text[i];
      }
    }
  } else {
    return false;
  }
  end = close + 2;
  return true;
}

}  // namespace

SmtpSink::SmtpSink(std::string out_file, const SmtpSinkOptions& options)
    : out_file_(std::move(out_file)) {
  std::vector<std::string> args = {
      "node",   std::string(TENURE_SOURCE_DIR) + "/tests/support/smtp_sink.mjs",
      "--port", "0",
      "--out",  out_file_};
  for (const auto& address : options.reject_rcpt) {
    args.push_back("--reject-rcpt");
    args.push_back(address);
  }
  if (options.fail_first > 0) {
    args.push_back("--fail-first");
    args.push_back(std::to_string(options.fail_first));
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe(out) != 0) throw SystemError("pipe");
  pid_ = fork();
  if (pid_ < 0) throw SystemError("fork");
  if (pid_ == 0) {
    // The sink must not outlive a test binary that crashes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execvp("node", argv.data());  // node from PATH
    _exit(127);
  }
  close(out[1]);
  // Wait for "PORT n": a start-up handshake, not a timing assumption (15 s is ample).
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{out[0], POLLIN, 0};
    const int ready = poll(&p, 1, 15000);
    char buf[256];
    const ssize_t n = ready > 0 ? read(out[0], buf, sizeof buf) : -1;
    if (n <= 0) {
      close(out[0]);
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      throw std::runtime_error(
          "smtp_sink.mjs did not start (is node on PATH, and smtp-server installed by "
          "`npm ci`?); got: " +
          line);
    }
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);  // the sink prints nothing else
  if (!line.starts_with("PORT ")) throw std::runtime_error("smtp_sink.mjs said: " + line);
  port_ = std::stoi(line.substr(5));
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::vector<SunkMessage> SmtpSink::Messages() const {
  std::vector<SunkMessage> messages;
  std::ifstream in(out_file_);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    messages.push_back(SunkMessage{j.at("from").get<std::string>(),
                                   j.at("to").get<std::vector<std::string>>(),
                                   j.at("raw").get<std::string>()});
  }
  return messages;
}

RefusingPort::RefusingPort() {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw SystemError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw SystemError("bind");
  port_ = ntohs(addr.sin_port);
}

RefusingPort::~RefusingPort() { close(fd_); }

ParsedMail ParseMail(const std::string& raw) {
  ParsedMail mail;
  const size_t split = raw.find("\r\n\r\n");
  if (split == std::string::npos) throw std::runtime_error("no blank line after the header");
  const std::string_view head = std::string_view(raw).substr(0, split + 2);
  mail.body = raw.substr(split + 4);
  std::string name;
  for (size_t start = 0; start < head.size();) {
    const size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end - start);
    mail.header_lines.emplace_back(line);
    start = end + 2;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      mail.headers[name] += line;  // unfolding removes the CRLF only
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("bad header line");
    name.clear();
    for (char c : line.substr(0, colon))
      name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    mail.headers[name] = std::string(value);
  }
  return mail;
}

std::string DecodeQuotedPrintable(std::string_view body) {
  std::string out;
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 2;
    const bool soft = !line.empty() && line.back() == '=';
    if (soft) line.remove_suffix(1);
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '=') {
        if (i + 2 >= line.size()) throw std::runtime_error("truncated =XX");
        const int hi = HexValue(line[i + 1]);
        const int lo = HexValue(line[i + 2]);
        if (hi < 0 || lo < 0) throw std::runtime_error("bad =XX");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        out += line[i];
      }
    }
    if (!soft) out += '\n';
  }
  return out;
}

std::string DecodeHeader(std::string_view value) {
  std::string out;
  std::string pending_space;
  bool after_word = false;
  for (size_t i = 0; i < value.size();) {
    size_t end = 0;
    std::string word;
    if (value.compare(i, 2, "=?") == 0 && DecodeWord(value, i, end, word)) {
      // RFC 2047 6.2: whitespace between two adjacent encoded-words is not displayed.
      if (!after_word) out += pending_space;
      pending_space.clear();
      out += word;
      after_word = true;
      i = end;
    } else if (value[i] == ' ' || value[i] == '\t') {
      pending_space += value[i++];
    } else {
      out += pending_space;
      pending_space.clear();
      out += value[i++];
      after_word = false;
    }
  }
  return out + pending_space;
}

}  // namespace tenure::testing

#include "core/log.hpp"

#include "core/time.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace tenure::log {
namespace {

std::atomic<Format> format{Format::kText};
std::mutex write_mutex;

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  out += '"';
}

// Text values are bare unless they hold a space, a quote or a line break (then quoted, so that
// one line stays one line).
void AppendTextValue(std::string& out, std::string_view s) {
  if (!s.empty() && s.find_first_of(" \"\n\r\t=") == std::string_view::npos) {
    out += s;
    return;
  }
  AppendJsonString(out, s);
}

std::string Number(const Field& f) {
  if (auto i = std::get_if<int64_t>(&f.value)) return std::to_string(*i);
  return fmt::format("{:.2f}", std::get<double>(f.value));
}

}  // namespace

void SetFormat(Format f) { format = f; }

namespace {

void WriteLine(std::string_view level, std::string_view event, std::string_view sentence,
               std::initializer_list<Field> fields) {
  std::string line;
  if (format == Format::kText && !sentence.empty()) {
    line += sentence;
    line += '\n';
  } else if (format == Format::kJson) {
    // The wall clock, not the app's Clock: when the line was written, even on a test clock.
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    const std::string seconds = FormatRfc3339(std::chrono::floor<std::chrono::seconds>(now));
    // "2026-12-03T03:41:00Z" -> "2026-12-03T03:41:00.123Z"
    line += fmt::format(R"({{"time":"{}.{:03}Z","level":)", seconds.substr(0, seconds.size() - 1),
                        ms.count() % 1000);
    AppendJsonString(line, level);
    line += R"(,"event":)";
    AppendJsonString(line, event);
    for (const Field& f : fields) {
      line += ',';
      AppendJsonString(line, f.key);
      line += ':';
      if (auto s = std::get_if<std::string_view>(&f.value))
        AppendJsonString(line, *s);
      else
        line += Number(f);
    }
    if (!sentence.empty()) {
      line += R"(,"message":)";
      AppendJsonString(line, sentence);
    }
    line += "}\n";
  } else {
    line += event;
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (auto s = std::get_if<std::string_view>(&f.value))
        AppendTextValue(line, *s);
      else
        line += Number(f);
    }
    line += '\n';
  }
  std::lock_guard lock(write_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void Write(std::string_view level, std::string_view event, std::initializer_list<Field> fields) {
  WriteLine(level, event, "", fields);
}

void Say(std::string_view level, std::string_view event, std::string_view sentence,
         std::initializer_list<Field> fields) {
  WriteLine(level, event, sentence, fields);
}

}  // namespace tenure::log

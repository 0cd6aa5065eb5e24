#pragma once
// The process's log lines (issue 13): one line per event, either as text ("access
// request_id=... status=200") or as one JSON object a line for a log pipeline, chosen once at
// start (config log.format). Lines go to stdout and are flushed at once, since a line held in a
// buffer is lost when the process is killed. What goes in a line is the caller's choice and
// its duty: never a secret, a password, a token or what a customer wrote.
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace tenure::log {

enum class Format { kText, kJson };
void SetFormat(Format format);

struct Field {
  std::string_view key;
  std::variant<std::string_view, int64_t, double> value;
};

// `level` is "info", "warning" or "error"; `event` names what happened ("access", "job").
void Write(std::string_view level, std::string_view event, std::initializer_list<Field> fields);
// A sentence for people ("tenure: listening on ..."): as text, the sentence alone, as it has
// always been printed (scripts wait for it); as JSON, an object with the event, the fields
// and the sentence as "message".
void Say(std::string_view level, std::string_view event, std::string_view sentence,
         std::initializer_list<Field> fields = {});

}  // namespace tenure::log

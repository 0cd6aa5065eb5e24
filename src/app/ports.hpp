#pragma once
// Ports to the outside world that app declares and integrations/ implement (ENGINEERING.md:
// Shape). Jobs and use cases see only these interfaces, never a concrete client.
#include <string>
#include <vector>

#include "core/result.hpp"

namespace tenure::app {

// A plain-text email, UTF-8.
struct Email {
  std::vector<std::string> to;
  std::string subject;
  std::string text;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // kUnavailable for temporary failures (connection refused, timeout, a 4xx reply): retry.
  // kInvalidInput for permanent ones (a 5xx reply, e.g. a rejected recipient): do not retry.
  virtual Result<void> Send(const Email& email) = 0;
};

}  // namespace tenure::app

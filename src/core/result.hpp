#pragma once
// Expected outcomes are values (ENGINEERING.md habit 8); exceptions mean bugs or broken
// infrastructure and are caught at one boundary in http/.
#include <expected>
#include <stdexcept>
#include <string>
#include <utility>

namespace tenure {

enum class ErrorCode {
  kInvalidInput,  // the user can fix the input and retry
  kNotFound,
  kConflict,  // e.g. duplicate account
  kUnauthenticated,
  kForbidden,
  kCsrf,
  kRateLimited,
  kUnavailable,  // overloaded or a dependency is down
};

struct Error {
  ErrorCode code;
  std::string message;              // public: safe to show to the user
  std::string field;                // the form field at fault, when there is one
  int64_t retry_after_seconds = 0;  // kRateLimited: when trying again can succeed (Retry-After)
};

// Thrown by storage when a UNIQUE constraint turns a write down: the use case lost a race
// (another tab, another process) and says so. The transaction is then unusable (PostgreSQL).
class UniqueViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [[nodiscard]]: an ignored Result is an ignored error; `(void)` marks a discard on purpose.
// A class rather than an alias because an attribute cannot ride on an alias template.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
};

inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(field)});
}

}  // namespace tenure

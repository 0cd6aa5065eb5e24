#pragma once
#include <memory>
#include <string>

#include "storage/connection.hpp"

namespace tenure::storage {

// Connects with a libpq URI (`postgresql://user:pass@host:port/db`). Throws
// std::runtime_error with libpq's reason, the password redacted, when the server refuses.
std::unique_ptr<Connection> OpenPostgres(const std::string& conninfo);

}  // namespace tenure::storage

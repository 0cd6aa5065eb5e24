#pragma once
#include <memory>
#include <string>

#include "storage/connection.hpp"

namespace tenure::storage {

// Opens `path` in WAL mode with a busy timeout and foreign keys on.
std::unique_ptr<Connection> OpenSqlite(const std::string& path);

}  // namespace tenure::storage

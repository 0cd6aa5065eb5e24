#include "storage/connection.hpp"

namespace tenure::storage {

int64_t Row::Int(size_t i) const {
  const Value& v = values.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto s = std::get_if<std::string>(&v)) return std::stoll(*s);
  throw std::logic_error("Row::Int on NULL column " + std::to_string(i));
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

const std::string& Row::Text(size_t i) const {
  const Value& v = values.at(i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("Row::Text on a non-text column " + std::to_string(i));
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Connection* c = idle_.back().release();
      idle_.pop_back();
      return Lease(c, Returner{this});
    }
  }
  return Lease(factory_().release(), Returner{this});
}

void ConnectionPool::Release(Connection* connection) {
  std::unique_ptr<Connection> owned(connection);
  if (!owned->Healthy()) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(owned));
}

}  // namespace tenure::storage

// Request::Header for the fuzz build: src/http/server.cpp defines it beside the whole server
// (Boost.Asio), which no fuzz target needs and which would double the build's time in CI.
// The same lookup: the first header of that (lowercased) name.
#include "http/server.hpp"

namespace tenure::http {

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

}  // namespace tenure::http

#pragma once
// Files compiled into the binary (templates, static assets, migrations): cmake/embed.cmake.
#include <span>
#include <string_view>

namespace tenure::embedded {

struct File {
  std::string_view path;  // relative to its folder, e.g. "sqlite/0001_init.sql"
  std::string_view bytes;
};

std::span<const File> Migrations();
std::span<const File> Templates();
std::span<const File> Static();
std::span<const File> Api();  // api/: the OpenAPI document (issue 9)

}  // namespace tenure::embedded

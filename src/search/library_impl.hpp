#pragma once
// What a Library holds, shared by the files that implement it: library.cpp (building, reading
// order, search), ask.cpp (picking the answer), llms.cpp (llms.txt and llms-full.txt).
// Private to src/search/. Library::Impl is private to Library, so helpers take the contents.
#include <string>
#include <unordered_map>
#include <vector>

#include "search/library.hpp"
#include "search/search_index.hpp"
#include "search/site_urls.hpp"

namespace tenure::search {

struct LibraryContents {
  SiteUrls urls;
  std::string site_title;
  std::vector<Page> pages;  // reading order
  std::vector<Section> sections;
  std::unordered_map<std::string, size_t> by_slug;
  std::vector<size_t> section_of_page;
  SearchIndex index;
  double build_ms = 0;
};

struct Library::Impl : LibraryContents {};

}  // namespace tenure::search

#include "http/pages/staff/audit_diff.hpp"

#include <map>

#include <nlohmann/json.hpp>

namespace tenure::http::pages {
namespace {

using Json = nlohmann::json;

// A value as people read it: text without quotes, null as "none", the rest as compact JSON.
std::string Show(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "none";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Every leaf of `v` by its dotted path ("" for a value that is not an object).
void Flatten(const Json& v, const std::string& path, std::map<std::string, Json>& out, int depth) {
  if (v.is_object() && !v.empty() && depth < 4) {
    for (const auto& [key, child] : v.items())
      Flatten(child, path.empty() ? key : std::string(path).append(".").append(key), out,
              depth + 1);
    return;
  }
  out[path] = v;
}

Json Parse(std::string_view text) {
  Json v = Json::parse(text, nullptr, false);
  return v.is_discarded() ? Json(std::string(text)) : v;
}

// Many rows write the record as `before` and {"license": record, "days": 5, ...} as `after`:
// when one side nests most of the other's fields under a key the other lacks, that side is
// compared as if nested the same way, so the diff shows what changed in the record.
void AlignNesting(Json& flat, const Json& nested) {
  if (!flat.is_object() || !nested.is_object() || flat.empty()) return;
  for (const auto& [key, child] : nested.items()) {
    if (!child.is_object() || flat.contains(key)) continue;
    size_t shared = 0;
    for (const auto& [field, value] : flat.items()) shared += child.contains(field) ? 1 : 0;
    if (shared * 2 >= flat.size()) {
      flat = Json{{key, flat}};
      return;
    }
  }
}

std::map<std::string, Json> Fields(const Json& v) {
  std::map<std::string, Json> out;
  if (!v.is_null()) Flatten(v, "", out, 0);
  return out;
}

}  // namespace

std::vector<DiffLine> AuditDiff(std::string_view before, std::string_view after) {
  Json old_value = Parse(before);
  Json new_value = Parse(after);
  AlignNesting(old_value, new_value);
  AlignNesting(new_value, old_value);
  const auto old_fields = Fields(old_value);
  const auto new_fields = Fields(new_value);
  std::vector<DiffLine> out;
  for (const auto& [field, value] : new_fields) {
    const auto was = old_fields.find(field);
    if (was == old_fields.end())
      out.push_back({.field = field, .after = Show(value), .added = true});
    else if (was->second != value)
      out.push_back({.field = field, .before = Show(was->second), .after = Show(value)});
  }
  for (const auto& [field, value] : old_fields)
    if (!new_fields.contains(field))
      out.push_back({.field = field, .before = Show(value), .removed = true});
  return out;
}

}  // namespace tenure::http::pages
